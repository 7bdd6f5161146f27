"""The claims page's and front page's counts: exact off the stored counters where the filters
allow, counted up to a cap (and said so) where they do not."""

import pytest

from articles.models import Article
from claims import counters
from claims.models import Claim
from tests.claims.factories_public import ReviewedClaimFactory
from tests.claims.test_public_claim_list import get_page, listed_sentences
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cap(monkeypatch) -> int:
    monkeypatch.setattr(counters, "COUNT_CAP", 3)
    monkeypatch.setattr("claims.views.COUNT_CAP", 3)
    return 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", "4 reviewed claims"),
        ("?verdict=false", "2 sentences"),
        ("?contested=on", "1 reviewed claim"),
        ("?evidence=yes", "1 reviewed claim"),
        ("?evidence=no", "3 reviewed claims"),
        ("?reviewed=no", "2 sentences not reviewed yet"),
        ("?reviewed=all", "6 sentences"),
        ("?published_from=2024-01-01", "1 reviewed claim"),
    ],
)
def test_counts_off_the_counters_are_exact_and_leave_unpublished_articles_out(
    public_client, small_cap, query, expected
):
    ReviewedClaimFactory.create_batch(2, status=Claim.Status.FALSE)
    contested = ReviewedClaimFactory(status=Claim.Status.CONTESTED)
    EvidenceFactory(claim=contested)
    ReviewedClaimFactory(article=ArticleFactory(published_on="2024-03-01"))
    ClaimFactory.create_batch(2)
    hidden = ReviewedClaimFactory(status=Claim.Status.FALSE)
    Article.objects.filter(pk=hidden.article_id).update(publication="unpublished")

    page = get_page(public_client, query, every_sentence=False)

    # Exact even above the (lowered) cap: the counters count, not a scan.
    assert f'<h2 id="results-heading">{expected}' in page
    assert "Counted up to" not in page


def test_a_search_with_more_matches_than_the_cap_says_so_and_lists_newest_first(
    public_client, small_cap
):
    claims = ReviewedClaimFactory.create_batch(5, text="Taxes rose again this year.")

    page = get_page(public_client, "?q=taxes", every_sentence=False)

    assert '<h2 id="results-heading">More than 3 reviewed claims matching “taxes”' in page
    assert "listed newest verdict first rather than by best match" in page
    # No chart of counts that were not all made.
    assert "by verdict.</figcaption>" not in page
    newest_first = sorted(claims, key=lambda claim: claim.reviewed_at, reverse=True)
    assert len(listed_sentences(page)) == len(newest_first)


def test_a_search_within_the_cap_is_counted_exactly_and_ranked(public_client, small_cap):
    ReviewedClaimFactory.create_batch(2, text="Taxes rose again this year.")
    ReviewedClaimFactory(text="Nothing to see here.")

    page = get_page(public_client, "?q=taxes", every_sentence=False)

    assert '<h2 id="results-heading">2 reviewed claims matching “taxes”' in page
    assert "Best match first." in page
    assert "The 2 claims matching, by verdict." in page


def test_the_front_page_counts_come_from_the_counters(public_client):
    ReviewedClaimFactory.create_batch(3)
    ClaimFactory()
    hidden = ReviewedClaimFactory()
    Article.objects.filter(pk=hidden.article_id).update(publication="unpublished")

    page = public_client.get("/").content.decode()

    assert "All 4 claims by verdict, 3 reviewed." in page


def test_an_outlet_with_more_claims_than_the_cap_is_not_scanned_to_say_so(
    public_client, small_cap, django_assert_max_num_queries
):
    outlet = OutletFactory(name="Big Outlet")
    ReviewedClaimFactory.create_batch(4, article=ArticleFactory(outlet=outlet))
    ReviewedClaimFactory.create_batch(2)

    page = get_page(public_client, "?outlet=big-outlet", every_sentence=False)

    assert '<h2 id="results-heading">More than 3 reviewed claims' in page
    assert len(listed_sentences(page)) == 4


def test_an_outlet_within_the_cap_is_counted_exactly(public_client, small_cap):
    outlet = OutletFactory(name="Small Outlet")
    ReviewedClaimFactory.create_batch(2, article=ArticleFactory(outlet=outlet))
    cites = ReviewedClaimFactory()
    EvidenceFactory(claim=cites, source=SourceFactory(outlet=outlet))

    page = get_page(public_client, "?outlet=small-outlet", every_sentence=False)

    assert '<h2 id="results-heading">3 reviewed claims' in page
