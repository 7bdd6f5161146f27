"""Helpers for the tests of the editors' admin pages."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def queries_for(client: Client, url: str) -> int:
    """How many queries the page at `url` takes, for tests that compare few rows with many."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def autocomplete_texts(
    client: Client, term: str, *, app_label: str, model_name: str, field_name: str
) -> list[str]:
    """What the admin's autocomplete offers for `term` in the given form field, in order."""
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": term,
            "app_label": app_label,
            "model_name": model_name,
            "field_name": field_name,
        },
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def change_form_data(response) -> dict[str, str]:
    """What a browser would send back from an admin change page left as loaded: the main form
    and every inline formset (management forms included), as POST data."""

    def value(raw) -> str | None:
        if raw is None:
            return ""
        if raw is True:
            return "on"
        if raw is False:
            return None
        return str(getattr(raw, "pk", raw))

    data: dict[str, str] = {}

    def add(form) -> None:
        for name, field in form.fields.items():
            raw = form.initial.get(name, field.initial)
            raw = raw() if callable(raw) else raw
            converted = value(raw)
            if converted is not None:
                data[form.add_prefix(name)] = converted

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data
