"""The publication's own pages: how we rate, methodology, corrections policy, about; the
error pages and the favicon."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path

from claims.jsonld import RATING_BY_STATUS
from claims.models import Claim
from factcheck import views
from factcheck.urls import urlpatterns as site_urlpatterns
from tests.pages import page_text

pytestmark = pytest.mark.django_db


def test_how_we_rate_explains_each_verdict_in_the_words_of_the_code(client) -> None:
    page = page_text(client, "/how-we-rate/")

    for status in Claim.Status:
        assert status.meaning in page, status
        if status != Claim.Status.UNREVIEWED:
            assert f'id="verdict-{status.value}"' in page
            assert f'href="/claims/?verdict={status.value}"' in page
    for status, rating in RATING_BY_STATUS.items():
        section = page.split(f'id="verdict-{status}"')[1].split("</section>")[0]
        assert f"it is rated {rating} on a scale from 1 to 5" in section
    not_a_claim = page.split('id="verdict-not_a_claim"')[1].split("</section>")[0]
    assert "it carries its name only" in not_a_claim


def test_a_claim_page_links_its_verdict_to_its_explanation(client) -> None:
    from tests.claims.factories_public import ReviewedClaimFactory

    claim = ReviewedClaimFactory(status=Claim.Status.CONTESTED)

    page = page_text(client, claim.get_absolute_url())

    assert '<a href="/how-we-rate/#verdict-contested">How we rate</a>' in page
    assert Claim.Status.CONTESTED.meaning in page


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/how-we-rate/", "How we rate claims"),
        ("/methodology/", "Methodology"),
        ("/corrections-policy/", "Corrections policy"),
        ("/about/", "About factcheck"),
        ("/corrections/", "Corrections"),
        ("/outlets/", "Outlets"),
    ],
)
def test_each_publication_page_has_one_heading_a_canonical_link_and_the_footer(
    client, settings, url, heading
) -> None:
    settings.FACTCHECK_SITE_URL = "https://facts.example.org"

    page = page_text(client, url)

    assert page.count("<h1") == 1
    assert f"<h1>{heading}</h1>" in page
    assert f'<link rel="canonical" href="https://facts.example.org{url}">' in page
    assert '<meta property="og:title"' in page
    for link in ("/how-we-rate/", "/methodology/", "/corrections/", "/corrections-policy/"):
        assert f'<a href="{link}">' in page


def test_the_corrections_policy_and_about_page_point_readers_to_the_organisation(
    client, settings
) -> None:
    settings.FACTCHECK_ORGANIZATION_URL = "https://desk.example.org/contact"

    for url in ("/corrections-policy/", "/about/"):
        assert '<a href="https://desk.example.org/contact" rel="noopener">' in page_text(
            client, url
        )


def test_a_missing_page_is_a_404_in_the_site_s_own_layout(client) -> None:
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    content = response.content.decode()
    assert "<h1>We cannot find that page</h1>" in content
    assert "<code>/no/such/page/</code>" in content
    assert '<form class="search-row not-found-search" method="get" action="/claims/"' in content
    assert '<meta name="robots" content="noindex">' in content


def test_the_404_page_escapes_the_address_it_repeats(client) -> None:
    content = client.get("/%3Cscript%3Ealert(1)%3C/script%3E/").content.decode()

    assert "<script>alert(1)" not in content


def broken_view(request):
    raise RuntimeError("the database fell over")


urlpatterns = [*site_urlpatterns, path("broken/", broken_view)]
handler500 = "factcheck.views.server_error"


@pytest.mark.urls(__name__)
def test_a_server_error_gets_the_site_s_500_page(client) -> None:
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == 500
    content = response.content.decode()
    assert "<h1>Something went wrong on our side</h1>" in content
    assert "the database fell over" not in content


def test_the_500_page_needs_no_database(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert b'href="/static/css/site.css"' in response.content


def test_the_500_page_falls_back_to_plain_html_if_its_template_fails(monkeypatch) -> None:
    def failing(*args, **kwargs) -> HttpResponse:
        raise ValueError("Missing staticfiles manifest entry")

    monkeypatch.setattr(views.loader, "render_to_string", failing)

    response = views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


def test_every_page_links_the_favicon_and_the_old_address_leads_to_it(client) -> None:
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page_text(
        client, "/"
    )

    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")


@pytest.mark.parametrize(
    "url", ["/how-we-rate/", "/methodology/", "/corrections-policy/", "/about/"]
)
def test_the_publication_pages_need_no_query(client, django_assert_num_queries, url) -> None:
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
