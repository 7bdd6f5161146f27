import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from claims.models import Claim
from factcheck import sitemaps
from tests.articles.factories_public import reviewed
from tests.factories import ArticleFactory, ClaimFactory, OutletFactory, SourceFactory

pytestmark = pytest.mark.django_db

# The index: one statement whatever the number of rows and pages. A section page: one.
INDEX_QUERIES = 1
SECTION_QUERIES = 1


def locations(content: bytes) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", content.decode())


def crawl(client: Client) -> tuple[list[str], dict[str, list[str]]]:
    """The section pages the index lists, and the addresses each of them lists."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert index["Content-Type"] == "application/xml"
    assert b"<sitemapindex" in index.content
    pages = locations(index.content)
    listed = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert b"<urlset" in response.content
        listed[page] = locations(response.content)
    return pages, listed


def all_listed(client: Client) -> list[str]:
    _pages, listed = crawl(client)
    return [location for page in listed.values() for location in page]


def test_the_sitemap_lists_static_pages_articles_reviewed_claims_sources_and_outlets(
    client,
) -> None:
    article = ArticleFactory()
    checked = ClaimFactory(article=article, **reviewed(Claim.Status.CONTESTED))
    unchecked = ClaimFactory(article=article)
    source = SourceFactory()

    found = all_listed(client)

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
    assert sorted(found) == sorted(f"http://testserver{path}" for path in expected_paths)
    assert f"http://testserver{unchecked.get_absolute_url()}" not in found


def test_every_listed_address_is_a_page_that_answers(client) -> None:
    article = ArticleFactory()
    ClaimFactory(article=article, **reviewed(Claim.Status.SUPPORTED))
    SourceFactory()

    for location in all_listed(client):
        assert client.get(location).status_code == 200, location


def test_the_sitemap_lists_nothing_of_an_unpublished_article(client) -> None:
    hidden = ArticleFactory(publication=Article.Publication.UNPUBLISHED)
    hidden_claim = ClaimFactory(article=hidden, **reviewed(Claim.Status.FALSE))
    shown = ClaimFactory(**reviewed(Claim.Status.FALSE))

    found = all_listed(client)

    assert f"http://testserver{hidden.get_absolute_url()}" not in found
    assert f"http://testserver{hidden_claim.get_absolute_url()}" not in found
    assert f"http://testserver{shown.get_absolute_url()}" in found
    assert f"http://testserver{shown.article.get_absolute_url()}" in found


def test_the_sitemap_gives_articles_and_claims_their_last_change(client) -> None:
    article = ArticleFactory()
    article.updated_at = article.updated_at.replace(year=2024, month=2, day=3, hour=10, minute=0)
    article.save()
    claim = ClaimFactory(article=article, **reviewed(Claim.Status.SUPPORTED))
    claim.reviewed_at = claim.reviewed_at.replace(year=2024, month=3, day=4, hour=5, minute=6)
    claim.save()

    article_page = client.get(sitemaps.section_page_path("articles", 1)).content.decode()
    claim_page = client.get(sitemaps.section_page_path("claims", 1)).content.decode()

    assert (
        f"<loc>http://testserver{article.get_absolute_url()}</loc>"
        f"<lastmod>2024-02-03T10:00:{article.updated_at.second:02d}+00:00</lastmod>" in article_page
    )
    assert (
        f"<loc>http://testserver{claim.get_absolute_url()}</loc>"
        f"<lastmod>2024-03-04T05:06:{claim.reviewed_at.second:02d}+00:00</lastmod>" in claim_page
    )


def test_the_sitemap_uses_the_configured_site_address(client, settings) -> None:
    settings.FACTCHECK_SITE_URL = "https://facts.example.org"
    outlet = OutletFactory()

    pages, listed = crawl(client)
    found = [location for page in listed.values() for location in page]

    assert all(page.startswith("https://facts.example.org/sitemap-") for page in pages)
    assert f"https://facts.example.org{outlet.get_absolute_url()}" in found
    assert all(location.startswith("https://facts.example.org/") for location in found)


def test_no_section_page_holds_more_than_its_limit_and_together_they_hold_every_claim(
    client, monkeypatch
) -> None:
    monkeypatch.setattr(sitemaps, "URLS_PER_PAGE", 3)
    article = ArticleFactory()
    claims = ClaimFactory.create_batch(10, article=article, **reviewed(Claim.Status.SUPPORTED))

    pages, listed = crawl(client)

    claim_pages = [page for page in pages if "/sitemap-claims-" in page]
    assert len(claim_pages) >= 4
    assert all(len(listed[page]) <= 3 for page in pages if "/sitemap-pages-" not in page)
    found = [location for page in claim_pages for location in listed[page]]
    assert sorted(found) == sorted(
        f"http://testserver{claim.get_absolute_url()}" for claim in claims
    )


def test_the_index_leaves_out_pages_whose_ids_hold_nothing_to_list(client, monkeypatch) -> None:
    monkeypatch.setattr(sitemaps, "URLS_PER_PAGE", 2)
    article = ArticleFactory()
    claims = ClaimFactory.create_batch(9, article=article, **reviewed(Claim.Status.SUPPORTED))
    # The middle claims' page: unreviewed, so nothing on it to list.
    first_id = claims[0].pk
    page_of = {claim.pk: (claim.pk - 1) // 2 + 1 for claim in claims}
    empty_page = page_of[first_id + 4]
    for claim in claims:
        if page_of[claim.pk] == empty_page:
            Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.UNREVIEWED, reason="")

    pages, _listed = crawl(client)

    empty_path = sitemaps.section_page_path("claims", empty_page)
    assert f"http://testserver{empty_path}" not in pages
    assert client.get(empty_path).status_code == 404
    assert f"http://testserver{sitemaps.section_page_path('claims', empty_page + 1)}" in pages


@pytest.mark.parametrize(
    "path",
    [
        "/sitemap-claims-0.xml",
        "/sitemap-claims-2.xml",
        "/sitemap-claims-50001.xml",
        "/sitemap-claims-99999999999999999999999.xml",
        "/sitemap-pages-2.xml",
        "/sitemap-nothing-1.xml",
    ],
)
def test_a_sitemap_page_that_does_not_exist_is_not_found(client, path: str) -> None:
    ClaimFactory(**reviewed(Claim.Status.SUPPORTED))

    assert client.get(path).status_code == 404


@pytest.mark.parametrize("row_count", [3, 30])
def test_the_sitemap_query_counts_do_not_grow_with_rows(
    client, django_assert_num_queries, row_count: int
) -> None:
    for article in ArticleFactory.create_batch(row_count):
        ClaimFactory(article=article, **reviewed(Claim.Status.FALSE))
    SourceFactory.create_batch(row_count)

    with django_assert_num_queries(INDEX_QUERIES):
        pages = locations(client.get("/sitemap.xml").content)
    for section in ("articles", "claims", "sources"):
        (page,) = [page for page in pages if f"/sitemap-{section}-" in page]
        with django_assert_num_queries(SECTION_QUERIES):
            response = client.get(page)
        assert len(locations(response.content)) == row_count
