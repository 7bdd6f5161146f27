import django_filters
from django.db.models import QuerySet

from factcheck.filters import SEARCH_MAX_LENGTH, outlet_filter, title_filter
from sources.models import Outlet, Source

YES_NO_CHOICES = [("yes", "Yes"), ("no", "No")]


class SourceFilter(django_filters.FilterSet):
    q = title_filter()
    outlet = outlet_filter(help_text="Its name, as in “BBC”: works it published.")
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


class OutletFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="name",
        lookup_expr="icontains",
        label="Name contains",
        max_length=SEARCH_MAX_LENGTH,
    )

    class Meta:
        model = Outlet
        fields: list[str] = []
