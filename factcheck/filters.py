"""Filter pieces the public lists share, so the same filter reads and validates alike on every
page that offers it."""

import django_filters
from django import forms
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.http import HttpRequest

from sources.models import Outlet

# Long enough for any title a reader could want; longer input is reported, not searched.
SEARCH_MAX_LENGTH = 200


def iso_date_input() -> forms.DateInput:
    # A native date picker where the browser has one; it sends ISO dates, and the same format
    # must come back when the page redisplays a date the reader chose.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def title_filter() -> django_filters.CharFilter:
    return django_filters.CharFilter(
        field_name="title",
        lookup_expr="icontains",
        label="Title contains",
        max_length=SEARCH_MAX_LENGTH,
    )


def outlet_filter(listed_model: type[Model]) -> django_filters.ModelChoiceFilter:
    """A choice of the outlets that have rows of `listed_model`: only those would give results,
    and all the outlets together (the sources' ones too) can number in the hundreds."""

    def outlets_with_rows(request: HttpRequest | None) -> QuerySet[Outlet]:
        return Outlet.objects.filter(Exists(listed_model.objects.filter(outlet=OuterRef("pk"))))

    return django_filters.ModelChoiceFilter(
        queryset=outlets_with_rows,
        to_field_name="slug",
        label="Outlet",
        empty_label="Any outlet",
    )


def date_range_filters(
    field_name: str, *, from_label: str, to_label: str, **options: str
) -> tuple[django_filters.DateFilter, django_filters.DateFilter]:
    """The "from" and "to" ends of a date range, both inclusive."""
    return tuple(
        django_filters.DateFilter(
            field_name=field_name,
            lookup_expr=lookup_expr,
            label=label,
            widget=iso_date_input(),
            **options,
        )
        for lookup_expr, label in (("gte", from_label), ("lte", to_label))
    )
