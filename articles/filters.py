import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

from articles.models import Article
from factcheck.filters import date_range_filters, outlet_filter, title_filter
from sources.models import Outlet, Source


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
    q = title_filter()
    outlet = outlet_filter(
        method="filter_outlet",
        help_text="Its name, as in “BBC”: the articles it published.",
    )
    published_from, published_to = date_range_filters(
        "published_on", from_label="Published from", to_label="Published to"
    )

    class Meta:
        model = Article
        fields: list[str] = []
        form = ArticleFilterForm

    def filter_outlet(
        self, queryset: QuerySet[Article], name: str, value: Outlet
    ) -> QuerySet[Article]:
        # An article whose file does not name its publisher is still that outlet's when another
        # article cites it as the outlet's work.
        cited_as_outlets = Exists(
            Source.objects.filter(linked_article=OuterRef("pk"), outlet=value)
        )
        return queryset.filter(Q(outlet=value) | cited_as_outlets)
