import re

import pytest
from django.urls import reverse

from claims.models import Claim
from tests.articles.factories_public import reviewed
from tests.factories import ArticleFactory, ClaimFactory, OutletFactory, SourceFactory

pytestmark = pytest.mark.django_db

# A count and a page of rows for each of articles, claims, sources and outlets.
SITEMAP_QUERIES = 8


def locations(content: bytes) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", content.decode())


def test_the_sitemap_lists_static_pages_articles_reviewed_claims_sources_and_outlets(
    client,
) -> None:
    article = ArticleFactory()
    checked = ClaimFactory(article=article, **reviewed(Claim.Status.CONTESTED))
    unchecked = ClaimFactory(article=article)
    source = SourceFactory()

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    found = locations(response.content)
    expected_paths = [
        reverse("claims:home"),
        reverse("claims:claim_list"),
        reverse("articles:article_list"),
        reverse("sources:source_list"),
        reverse("sources:outlet_list"),
        reverse("claims:corrections"),
        reverse("how_we_rate"),
        reverse("methodology"),
        reverse("corrections_policy"),
        reverse("about"),
        article.get_absolute_url(),
        checked.get_absolute_url(),
        source.get_absolute_url(),
        article.outlet.get_absolute_url(),
        source.outlet.get_absolute_url(),
    ]
    for path in expected_paths:
        assert f"http://testserver{path}" in found
    assert f"http://testserver{unchecked.get_absolute_url()}" not in found
    assert len(found) == len(expected_paths)


def test_the_sitemap_gives_articles_and_claims_their_last_change(client) -> None:
    article = ArticleFactory()
    article.updated_at = article.updated_at.replace(year=2024, month=2, day=3)
    article.save()
    claim = ClaimFactory(article=article, **reviewed(Claim.Status.SUPPORTED))
    claim.reviewed_at = claim.reviewed_at.replace(year=2024, month=3, day=4)
    claim.save()

    content = client.get("/sitemap.xml").content.decode()

    assert (
        f"<loc>http://testserver{article.get_absolute_url()}</loc><lastmod>2024-02-03</lastmod>"
        in content
    )
    assert (
        f"<loc>http://testserver{claim.get_absolute_url()}</loc><lastmod>2024-03-04</lastmod>"
        in content
    )


def test_the_sitemap_uses_the_configured_site_address(client, settings) -> None:
    settings.FACTCHECK_SITE_URL = "https://facts.example.org"
    outlet = OutletFactory()

    found = locations(client.get("/sitemap.xml").content)

    assert f"https://facts.example.org{outlet.get_absolute_url()}" in found
    assert all(location.startswith("https://facts.example.org/") for location in found)


@pytest.mark.parametrize("page", ["2", "abc", "0"])
def test_the_sitemap_is_404_for_a_page_that_does_not_exist(client, page: str) -> None:
    OutletFactory()

    assert client.get(f"/sitemap.xml?p={page}").status_code == 404


@pytest.mark.parametrize("row_count", [3, 30])
def test_the_sitemap_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, row_count: int
) -> None:
    for article in ArticleFactory.create_batch(row_count):
        ClaimFactory(article=article, **reviewed(Claim.Status.FALSE))
    SourceFactory.create_batch(row_count)

    with django_assert_num_queries(SITEMAP_QUERIES):
        response = client.get("/sitemap.xml")

    assert len(locations(response.content)) == 10 + row_count * 5
