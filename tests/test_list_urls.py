"""List rows build their links by string formatting (factcheck.pages.url_pattern), once per
list: the links must be exactly what reverse() gives."""

import pytest
from django.urls import reverse

from factcheck.pages import url_pattern


@pytest.mark.parametrize(
    ("view_name", "argument", "value"),
    [
        ("claims:claim_detail", "pk", 1),
        ("claims:claim_detail", "pk", 987654321987),
        ("articles:article_detail", "slug", "a-slug_with-9-parts"),
        ("sources:outlet_detail", "slug", "bbc"),
        ("sources:source_detail", "pk", 42),
    ],
)
def test_a_formatted_link_is_the_reversed_one(view_name: str, argument: str, value: object):
    assert url_pattern(view_name, argument)(value) == reverse(view_name, kwargs={argument: value})
