"""Filter pieces the public lists share, so the same filter reads and validates alike on every
page that offers it."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.urls import reverse
from django.utils.html import format_html

from factcheck.lookups import KINDS

# Long enough for any title a reader could want; longer input is reported, not searched.
SEARCH_MAX_LENGTH = 200
# Names offered when what a reader typed matches nothing exactly.
CLOSE_SHOWN = 5
# A source reads "Title — Outlet", and titles run to 500 characters.
ENTITY_MAX_LENGTH = 800


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


class SuggestInput(forms.TextInput):
    """A text box with type-ahead: static/js/suggest.js fills its <datalist> from the JSON
    suggestion endpoint as the reader types. Without JavaScript it is a plain text box, and the
    field resolves whatever name was typed (or says which ones are close)."""

    def __init__(self, kind: str, attrs: dict | None = None) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.kind = kind

    def render(self, name: str, value: object, attrs: dict | None = None, renderer=None) -> str:
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}-choices"
        attrs |= {"list": list_id, "data-suggest": reverse("suggest", kwargs={"kind": self.kind})}
        text_box = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', text_box, list_id)


class EntityField(forms.CharField):
    """An article, outlet or source named as a reader names it (see factcheck/lookups.py). A
    text box rather than a select: there can be thousands of each."""

    def __init__(self, kind: str, **kwargs) -> None:
        kwargs.setdefault("max_length", ENTITY_MAX_LENGTH)
        kwargs.setdefault("widget", SuggestInput(kind))
        super().__init__(**kwargs)
        self.kind = kind
        self.resolved_from: tuple[str, str] | None = None

    def clean(self, value: str) -> Model | None:
        value = super().clean(value)
        if not value:
            return None
        lookups = KINDS[self.kind]
        found = lookups.resolve(value)
        if found is None:
            close = [suggestion.value for suggestion in lookups.suggestions(value, CLOSE_SHOWN)]
            message = f"There is no {lookups.noun} “{value}”."
            if close:
                message += " Did you mean " + " or ".join(f"“{name}”" for name in close) + "?"
            raise ValidationError(message, code="not_found")
        # The box then shows the name, even when the address gave a number or a slug.
        self.resolved_from = (value, lookups.label(found))
        return found

    def prepare_value(self, value: object) -> object:
        if self.resolved_from and isinstance(value, str) and value.strip() == self.resolved_from[0]:
            return self.resolved_from[1]
        return value


class EntityFilter(django_filters.Filter):
    field_class = EntityField

    def __init__(self, kind: str, **kwargs) -> None:
        super().__init__(kind=kind, **kwargs)


def outlet_filter(method: str | None = None, **options: str) -> EntityFilter:
    options.setdefault("label", "Outlet")
    options.setdefault("help_text", "Its name, as in “BBC”.")
    if method is None:
        return EntityFilter("outlets", field_name="outlet", **options)
    return EntityFilter("outlets", method=method, **options)


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
