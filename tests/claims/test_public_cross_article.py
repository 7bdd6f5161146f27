"""What readers see of links, cited sources and coverage."""

import pytest
from django.urls import reverse

from claims.checkworthy import claims_flag_checkworthy
from claims.models import Claim, Evidence
from tests.claims.factories_public import ReviewedClaimFactory
from tests.factories import ArticleFactory, ClaimFactory, OutletFactory, SourceFactory
from tests.pages import page_text, url_with_query

pytestmark = pytest.mark.django_db


def test_the_claim_page_shows_what_the_cited_source_says(seed_claims, public_client) -> None:
    claim = seed_claims("000", "Without providing any evidence, Russia alleged")

    page = page_text(public_client, claim.get_absolute_url())

    section = page[page.index('id="cited-source-heading"') :]
    assert "Russia claimed that two civilians were killed in that attack" in section
    assert "found in the cited source" in section.lower()


def test_the_claim_page_escapes_the_cited_passage(public_client) -> None:
    cited_article = ArticleFactory(body="x" * 80)
    ClaimFactory(article=cited_article, text="<script>alert(1)</script> Wages rose by 3% in June.")
    claim = ClaimFactory(text="Wages rose by 3% in June.")
    Evidence.objects.create(
        claim=claim, source=SourceFactory(linked_article=cited_article), stance="cited"
    )

    page = page_text(public_client, claim.get_absolute_url())

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Wages rose" in page


def article_with_flagged_claims():
    outlet = OutletFactory()
    article = ArticleFactory(outlet=outlet, language="en")
    cited = ClaimFactory(article=article, ordinal=0, text="Police said 12 people were hurt.")
    ClaimFactory(article=article, ordinal=1, text="Officials said 40 homes burned.")
    ClaimFactory(article=article, ordinal=2, text="What happens next?")
    ReviewedClaimFactory(article=article, ordinal=3, text="The report is long and dull.")
    Evidence.objects.create(claim=cited, source=SourceFactory(), stance="cited")
    claims_flag_checkworthy(article=article)
    return article


def test_the_article_page_shows_its_coverage(public_client) -> None:
    article = article_with_flagged_claims()

    page = page_text(public_client, article.get_absolute_url())

    section = page[page.index('id="coverage-heading"') :].split("</section>")[0]
    assert "<strong>1 of 2</strong> (50%)" in section
    assert "1 needs a citation" in section
    assert "needs_citation=on" in section and "reviewed=all" in section
    # The article's summary above already counts reviewed sentences and verdicts.
    assert "Sentences reviewed" not in section
    assert "style=" not in section and "<script" not in section


def test_the_outlet_page_shows_the_coverage_of_its_articles(public_client) -> None:
    article = article_with_flagged_claims()

    page = page_text(public_client, article.outlet.get_absolute_url())

    section = page[page.index('id="coverage-heading"') :].split("</section>")[0]
    assert "<strong>1 of 2</strong> (50%)" in section
    assert "<strong>1 of 4</strong> (25%)" in section


def test_the_claims_page_filters_claims_that_need_a_citation(public_client) -> None:
    article_with_flagged_claims()

    page = page_text(
        public_client, url_with_query("claims:claim_list", needs_citation="on", reviewed="all")
    )

    assert "Officials said 40 homes burned." in page
    assert "Police said 12 people were hurt." not in page
    assert "What happens next?" not in page


@pytest.mark.parametrize("claims", [3, 30])
def test_the_needs_citation_filter_keeps_the_claims_page_query_count(
    public_client, django_assert_max_num_queries, claims
) -> None:
    article = ArticleFactory(language="en")
    for number in range(claims):
        ClaimFactory(article=article, ordinal=number, text=f"Officials said {number} fell.")
    claims_flag_checkworthy(article=article)
    assert Claim.objects.needs_citation().count() == claims

    with django_assert_max_num_queries(6):
        page_text(
            public_client, url_with_query("claims:claim_list", needs_citation="on", reviewed="all")
        )


def test_a_link_shows_on_both_claims_pages(seed_claims, public_client, editor) -> None:
    from claims.links import claim_link

    first = seed_claims("000", "Without providing any evidence")
    second = seed_claims("004", "Russia claimed that two civilians")
    claim_link(claim=first, other=second, kind="same", user=editor)

    for claim, other in ((first, second), (second, first)):
        page = page_text(public_client, reverse("claims:claim_detail", args=[claim.pk]))
        assert f'href="/claims/{other.pk}/"' in page[page.index('id="links-heading"') :]
