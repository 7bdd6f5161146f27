import datetime

import pytest
from django.utils import timezone

from claims.models import Claim
from tests.claims.factories_public import ReviewedClaimFactory
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_says_what_the_site_is_and_links_into_the_claims_page(public_client):
    ClaimFactory()

    page = public_client.get("/").content.decode()

    assert "<h1>Claims from the news, checked against their sources</h1>" in page
    assert 'href="/claims/"' in page
    assert "<title>Claims from the news, checked against their sources · factcheck</title>" in page
    assert '<link rel="canonical" href="http://testserver/">' in page


def test_the_home_chart_states_every_verdict_with_its_number_and_share_in_text(public_client):
    ReviewedClaimFactory.create_batch(3, status=Claim.Status.FALSE)
    ReviewedClaimFactory(status=Claim.Status.SUPPORTED)

    page = public_client.get("/").content.decode()

    assert "All 4 claims by verdict, 4 reviewed." in page
    assert '<a href="/claims/?verdict=false">False</a>:\n        <strong>3</strong>' in page
    assert "(75.0%)" in page
    assert '<a href="/claims/?verdict=supported">Supported</a>:\n        <strong>1</strong>' in page
    assert '<rect class="share-false" x="25.0000" y="0" width="75.0000"' in page
    # A verdict nobody has received is listed with its zero, and draws no segment.
    assert '<a href="/claims/?verdict=contested">Contested</a>:\n        <strong>0</strong>' in page
    assert 'rect class="share-contested"' not in page


def test_the_latest_verdicts_are_newest_first_and_leave_out_unreviewed_claims(public_client):
    now = timezone.now()
    ReviewedClaimFactory(text="Older verdict.", reviewed_at=now - datetime.timedelta(days=2))
    ReviewedClaimFactory(text="Newer verdict.", reviewed_at=now - datetime.timedelta(days=1))
    ClaimFactory(text="Nobody looked at this yet.")

    page = public_client.get("/").content.decode()

    latest = page[page.index('id="latest-heading"') :]
    assert latest.index("Newer verdict.") < latest.index("Older verdict.")
    assert "Nobody looked at this yet." not in latest


def test_the_home_page_escapes_article_titles_and_sentences(public_client):
    ReviewedClaimFactory(
        article=ArticleFactory(title="<script>alert(1)</script>"),
        text="<img src=x onerror=alert(1)>",
    )

    page = public_client.get("/").content.decode()

    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize("claims", [3, 30])
def test_the_home_page_takes_two_queries_however_many_claims(
    public_client, django_assert_num_queries, claims
):
    ReviewedClaimFactory.create_batch(claims)
    ClaimFactory.create_batch(claims)

    # The verdict counts (one GROUP BY) and the latest verdicts with article and outlet.
    with django_assert_num_queries(2):
        response = public_client.get("/")

    assert response.status_code == 200
    assert response.content.decode().count('class="claim-item"') == min(claims, 10)
