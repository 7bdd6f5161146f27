"""Any query string a reader can type gets a normal answer on every public page: the page with
the bad value reported, a 400 for an export that cannot honour it, or a 404; never a 500."""

from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client

from articles.filters import ArticleFilter
from claims.filters import ClaimFilter
from claims.models import Claim
from sources.filters import OutletFilter, SourceFilter

NASTY_VALUES = [
    "",
    "bogus",
    "-1",
    "0",
    "99999999999999999999999",
    "2023-13-45",
    "1e400",
    "' OR 1=1 --",
    '"unterminated',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "%00",
    "\x00",
    "é" * 3,
    "x" * 10_000,
    "!@#$%^&*()[]{};:,./<>?\\|`~",
]
# Every page's own parameters, plus the ones any list understands.
PAGES = {
    "/": ["page"],
    "/claims/": [*ClaimFilter.base_filters, "after", "before", "page"],
    "/claims/export.csv": [*ClaimFilter.base_filters],
    "/claims/export.json": [*ClaimFilter.base_filters],
    "/articles/": [*ArticleFilter.base_filters, "page"],
    "/sources/": [*SourceFilter.base_filters, "page"],
    "/outlets/": [*OutletFilter.base_filters, "page"],
    "/corrections/": ["older_than"],
    "/suggest/articles/": ["q"],
    "/suggest/outlets/": ["q"],
    "/suggest/sources/": ["q"],
    "/how-we-rate/": ["page"],
    "/methodology/": ["page"],
    "/corrections-policy/": ["page"],
    "/about/": ["page"],
    "/feeds/reviewed/": ["page"],
    "/feeds/contested/": ["page"],
    "/sitemap.xml": ["p", "section"],
}


@pytest.fixture
def seeded(seed_paths) -> None:
    call_command("import_articles", *map(str, seed_paths.values()), stdout=None)
    call_command("load_demo_reviews", stdout=None)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_no_query_string_makes_a_public_page_fail(seeded, client: Client, path: str) -> None:
    failures = []
    for name in PAGES[path]:
        for value in NASTY_VALUES:
            response = client.get(f"{path}?{urlencode({name: value})}")
            # A streamed export does its work, and could fail, while it is read.
            body = (
                b"".join(response.streaming_content) if response.streaming else response.content
            ).decode(errors="replace")
            if response.status_code not in (200, 400, 404):
                failures.append((name, value[:30], response.status_code))
            elif path.startswith("/claims/export"):
                # Exports may repeat the bad value, but never as something a browser renders.
                if response["Content-Type"].startswith("text/html"):
                    failures.append((name, value[:30], response["Content-Type"]))
            elif "<script>alert(1)</script>" in body:
                failures.append((name, value[:30], "unescaped"))
    assert failures == []


@pytest.mark.django_db
def test_object_pages_answer_404_for_ids_and_slugs_that_name_nothing(
    seeded, client: Client
) -> None:
    claim = Claim.objects.first()
    assert client.get(claim.get_absolute_url()).status_code == 200
    for path in [
        "/claims/0/",
        "/claims/99999999999999999999/",
        "/claims/abc/",
        "/claims/-1/",
        "/sources/0/",
        "/sources/99999999999999999999/",
        "/articles/no-such-article/",
        "/outlets/no-such-outlet/",
        "/articles/%3Cscript%3E/",
        "/suggest/nothing/",
        "/suggest/%3Cscript%3E/",
    ]:
        assert client.get(path).status_code == 404, path
