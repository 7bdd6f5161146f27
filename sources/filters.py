import django_filters
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from articles.filters import SEARCH_MAX_LENGTH
from sources.models import Outlet, Source

YES_NO_CHOICES = [("yes", "Yes"), ("no", "No")]


def outlets_with_sources(request: HttpRequest | None) -> QuerySet[Outlet]:
    # Only outlets that would give results: article outlets need not have been cited.
    return Outlet.objects.filter(Exists(Source.objects.filter(outlet=OuterRef("pk"))))


class SourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="title",
        lookup_expr="icontains",
        label="Title contains",
        max_length=SEARCH_MAX_LENGTH,
    )
    outlet = django_filters.ModelChoiceFilter(
        queryset=outlets_with_sources,
        to_field_name="slug",
        label="Outlet",
        empty_label="Any outlet",
    )
    # Choices rather than a yes/no/unknown boolean, so a mistyped value is reported, not ignored.
    in_bibliography = django_filters.ChoiceFilter(
        choices=YES_NO_CHOICES,
        method="filter_in_bibliography",
        label="Listed in the citing article's references",
        empty_label="Either",
    )
    linked = django_filters.ChoiceFilter(
        choices=YES_NO_CHOICES,
        method="filter_linked",
        label="Is one of our articles",
        empty_label="Either",
    )

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_in_bibliography(
        self, queryset: QuerySet[Source], name: str, value: str
    ) -> QuerySet[Source]:
        return queryset.filter(in_bibliography=value == "yes")

    def filter_linked(self, queryset: QuerySet[Source], name: str, value: str) -> QuerySet[Source]:
        return queryset.filter(linked_article__isnull=value != "yes")
