import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from articles.models import Article
from sources.models import Outlet

# Long enough for any title a reader could want; longer input is reported, not searched.
SEARCH_MAX_LENGTH = 200


def outlets_with_articles(request: HttpRequest | None) -> QuerySet[Outlet]:
    # Only outlets that would give results: the sources' outlets can number in the hundreds.
    return Outlet.objects.filter(Exists(Article.objects.filter(outlet=OuterRef("pk"))))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        # The browser's date picker sends ISO dates; the same format must come back when the
        # page redisplays a date the reader chose.
        super().__init__(format="%Y-%m-%d")


class ArticleFilterForm(forms.Form):
    def clean(self) -> dict:
        cleaned_data = super().clean()
        published_from = cleaned_data.get("published_from")
        published_to = cleaned_data.get("published_to")
        if published_from and published_to and published_from > published_to:
            self.add_error(
                "published_to", "This date is before the “Published from” date: nothing fits."
            )
        return cleaned_data


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="title",
        lookup_expr="icontains",
        label="Title contains",
        max_length=SEARCH_MAX_LENGTH,
    )
    outlet = django_filters.ModelChoiceFilter(
        queryset=outlets_with_articles,
        to_field_name="slug",
        label="Outlet",
        empty_label="Any outlet",
    )
    published_from = django_filters.DateFilter(
        field_name="published_on",
        lookup_expr="gte",
        label="Published from",
        widget=DateInput(),
    )
    published_to = django_filters.DateFilter(
        field_name="published_on",
        lookup_expr="lte",
        label="Published to",
        widget=DateInput(),
    )

    class Meta:
        model = Article
        fields: list[str] = []
        form = ArticleFilterForm
