import datetime
import json
import re

import pytest
from django.utils import timezone

from articles.models import Contributor
from claims.links import claim_link
from claims.models import Claim, Evidence
from claims.services import claim_set_verdict
from tests.articles.factories_public import CitationFactory
from tests.claims.factories_public import ReviewedClaimFactory
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    EvidenceFactory,
    OutletFactory,
    SourceFactory,
    UserFactory,
)
from tests.pages import page_text

pytestmark = pytest.mark.django_db

BODY = (
    "Opening paragraph, unrelated.\n\n"
    "Prices rose in May. Wages rose by 3% in June.[1] Unions disagreed.\n\n"
    "Closing paragraph."
)


def claim_in_body(**kwargs) -> Claim:
    sentence = "Wages rose by 3% in June.[1]"
    start = BODY.index(sentence)
    defaults = {
        "article": ArticleFactory(body=BODY, title="Pay and prices"),
        "text": sentence,
        "start": start,
        "end": start + len(sentence),
        "paragraph": 1,
    }
    return ReviewedClaimFactory(**(defaults | kwargs))


def get_page(client, claim: Claim) -> str:
    return page_text(client, f"/claims/{claim.pk}/")


JSON_LD = re.compile(r'<script type="application/ld\+json" nonce="[^"]*">(.*?)</script>', re.S)


def json_ld_blocks(page: str) -> list[dict]:
    return [json.loads(block) for block in JSON_LD.findall(page)]


def test_it_shows_the_sentence_highlighted_in_its_paragraph(public_client):
    page = get_page(public_client, claim_in_body())

    assert (
        '<p>Prices rose in May. <mark class="claim-in-context">Wages rose by 3% in June.[1]</mark>'
        " Unions disagreed.</p>"
    ) in page
    assert "Opening paragraph" not in page
    assert "Closing paragraph" not in page


def test_it_shows_the_sentence_alone_when_the_offsets_no_longer_match_the_body(public_client):
    page = get_page(public_client, claim_in_body(start=0, end=10))

    assert '<mark class="claim-in-context">Wages rose by 3% in June.[1]</mark></p>' in page
    assert "Opening paragraph" not in page


def test_it_shows_the_verdict_as_colour_and_text_with_its_reason_reviewer_and_date(public_client):
    reviewer = EditorFactory(username="jdoe", first_name="Jane", last_name="Doe")
    claim = claim_in_body(
        status=Claim.Status.FALSE,
        reason="The statistics office says 1%.",
        reviewed_by=reviewer,
        reviewed_at=datetime.datetime(2024, 3, 5, 14, 30, tzinfo=datetime.UTC),
    )

    page = get_page(public_client, claim)

    assert (
        '<h2 id="verdict-heading">Our verdict: <span class="verdict verdict-false">False</span>'
        in page
    )
    assert "The evidence shows that the sentence is wrong." in page
    assert "<p>The statistics office says 1%.</p>" in page
    assert (
        'Checked by <strong>Jane Doe</strong> on <time datetime="2024-03-05T14:30:00+00:00">'
        "5 March 2024</time>."
    ) in page
    assert "jdoe" not in page


def test_the_verdict_reason_and_what_we_checked_come_before_the_paragraph(public_client):
    claim = claim_in_body()
    EvidenceFactory(claim=claim, source=SourceFactory(title="The report"), stance="supports")

    page = get_page(public_client, claim)

    verdict = page.index('id="verdict-heading"')
    checked = page.index("What we checked")
    reason = page.index(f"<p>{claim.reason}</p>")
    assert verdict < reason < checked < page.index('id="context-heading"')
    assert "The report</a>" in page[checked : page.index('id="context-heading"')]


def test_a_reviewer_without_a_full_name_is_never_shown_by_username(public_client):
    page = get_page(public_client, claim_in_body(reviewed_by=UserFactory(username="checker7")))

    assert "checker7" not in page
    assert "Checked by the factcheck editors on" in page


def test_an_unreviewed_claim_says_so_and_publishes_no_claim_review(public_client):
    page = get_page(
        public_client,
        claim_in_body(status=Claim.Status.UNREVIEWED, reason="", reviewed_at=None),
    )

    assert '<h2 id="verdict-heading">Not reviewed yet</h2>' in page
    assert "What the article cites" in page
    assert "Cite this check" not in page
    assert "application/ld+json" not in page


def test_a_withdrawn_verdict_is_shown_withdrawn_with_its_reason(public_client):
    editor = UserFactory(username="checker8", first_name="Kim", last_name="Park")
    claim = claim_in_body(status=Claim.Status.UNREVIEWED, reason="", reviewed_at=None)
    claim_set_verdict(claim=claim, status="false", reason="Wrong figure.", user=editor)
    claim_set_verdict(claim=claim, status="unreviewed", reason="Needs a second look.", user=editor)

    page = get_page(public_client, claim)

    assert "Not reviewed yet" not in page
    assert '<h2 id="verdict-heading">Our verdict: withdrawn</h2>' in page
    assert "Kim Park withdrew our verdict" in page
    assert "<strong>Why:</strong> Needs a second look." in page
    history = page[page.index('id="history-heading"') :]
    assert "Verdict withdrawn:" in history
    assert "Needs a second look." in history
    assert "—" not in history
    assert "checker8" not in page
    assert "application/ld+json" not in page
    assert "<title>“Wages rose by 3% in June.[1]”: verdict withdrawn · factcheck</title>" in page


def test_the_evidence_is_grouped_by_stance_with_outlet_date_links_and_quote(public_client):
    claim = claim_in_body()
    outlet = OutletFactory(name="Statistics Office")
    report = SourceFactory(
        title="Labour market report",
        outlet=outlet,
        url="https://stats.example.org/report",
        published_on=datetime.date(2023, 7, 1),
    )
    EvidenceFactory(
        claim=claim, source=report, stance=Evidence.Stance.CONTRADICTS, quote="Pay grew 1%."
    )
    EvidenceFactory(claim=claim, source=SourceFactory(title="The cited blog"), stance="cited")

    page = get_page(public_client, claim)

    assert '<h2 id="evidence-heading">Evidence (2)</h2>' in page
    contradicts = page.index("<h3>Sources that contradict it</h3>")
    cited = page.index("<h3>Sources the article cites for it</h3>")
    assert contradicts < page.index("Labour market report</a></p>") < cited
    assert cited < page.index("The cited blog</a></p>")
    assert "<h3>Sources that support it</h3>" not in page
    contradicting = page[contradicts:cited]
    assert f'<a href="/sources/{report.pk}/">Labour market report</a>' in contradicting
    assert f'<a href="{outlet.get_absolute_url()}">Statistics Office</a>' in contradicting
    assert '<time datetime="2023-07-01">1 July 2023</time>' in contradicting
    assert (
        '<a href="https://stats.example.org/report" rel="noopener noreferrer" '
        'class="original-link">Read the original at stats.example.org'
    ) in contradicting
    assert (
        '<blockquote class="evidence-quote" cite="https://stats.example.org/report">'
        "<p>Pay grew 1%.</p></blockquote>"
    ) in contradicting
    assert "No link to the original is on record." in page[cited:]


def test_a_stored_url_that_is_not_a_web_address_is_never_a_link(public_client):
    claim = claim_in_body(article=ArticleFactory(body=BODY, url="javascript:alert(1)"))
    EvidenceFactory(claim=claim, source=SourceFactory(url="javascript:alert(2)"))

    page = get_page(public_client, claim)

    assert "javascript:" not in page


def test_it_lists_each_change_of_verdict_with_who_when_and_the_reason(public_client):
    editor = EditorFactory(first_name="Ada", last_name="Lovelace")
    claim = claim_in_body(status=Claim.Status.UNREVIEWED, reason="", reviewed_at=None)
    claim.status, claim.reason, claim.reviewed_at = "contested", "Sources disagree.", timezone.now()
    claim._history_user = editor
    claim.save()
    claim.status, claim.reason = "false", "The final figures are out: 1%."
    claim._history_user = editor
    claim.save()
    # Saving without a change of verdict or reason is not a change of verdict.
    claim.save()

    page = get_page(public_client, claim)

    history = page[page.index('id="history-heading"') :]
    rows = re.findall(r"<li>(.*?)</li>", history.split("</ol>")[0], re.S)
    assert len(rows) == 2
    assert "By Ada Lovelace." in rows[0]
    assert "Verdict changed:" in rows[0]
    assert (
        '<span class="verdict verdict-contested">Contested</span> → '
        '<span class="verdict verdict-false">False</span>'
    ) in rows[0]
    assert "The final figures are out: 1%." in rows[0]
    assert "Verdict published:" in rows[1]
    assert '<span class="verdict verdict-contested">Contested</span></p>' in rows[1]
    assert "changed 1 time since" in page


def test_it_shows_linked_claims_with_the_kind_of_link(public_client):
    claim = claim_in_body()
    elsewhere = ClaimFactory(
        text="June wages grew 3%.", article=ArticleFactory(title="Another paper")
    )
    editor = EditorFactory(first_name="Ada", last_name="Desk")
    claim_link(claim=elsewhere, other=claim, kind="elaborates", user=editor, note="Same month.")

    page = get_page(public_client, claim)
    other_page = get_page(public_client, elsewhere)

    related = page[page.index('id="links-heading"') :]
    assert f'<a href="/claims/{elsewhere.pk}/">June wages grew 3%.</a>' in related
    assert "Another paper" in related
    assert "Elaborated on by" in related
    assert "linked by Ada Desk" in related
    assert "Same month." in related
    assert "Elaborates on" in other_page[other_page.index('id="links-heading"') :]
    assert "Same article claim." not in related


def test_a_reviewed_claim_carries_exactly_one_claim_review(public_client, settings):
    settings.FACTCHECK_ORGANIZATION_NAME = "Fact Desk"
    settings.FACTCHECK_ORGANIZATION_URL = "https://factdesk.example.org"
    article = ArticleFactory(
        body=BODY,
        title="Pay and prices",
        url="https://news.example.com/pay",
        published_on=datetime.date(2023, 6, 30),
    )
    Contributor.objects.create(
        article=article, name="Sam Writer", role="author", role_label="By", position=0
    )
    Contributor.objects.create(
        article=article, name="Ed Itor", role="editor", role_label="Edited by", position=1
    )
    claim = claim_in_body(
        article=article,
        status=Claim.Status.CONTESTED,
        reviewed_at=datetime.datetime(2024, 1, 2, 10, 0, tzinfo=datetime.UTC),
    )
    CitationFactory(article=article, label="[1]", start=claim.end - 3, end=claim.end)

    [review] = json_ld_blocks(get_page(public_client, claim))

    assert review == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"http://testserver/claims/{claim.pk}/",
        # Without the citation marker the article gives the sentence.
        "claimReviewed": "Wages rose by 3% in June.",
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "Contested",
            "ratingValue": 2,
            "bestRating": 5,
            "worstRating": 1,
        },
        "author": {
            "@type": "Organization",
            "name": "Fact Desk",
            "url": "https://factdesk.example.org",
        },
        "datePublished": "2024-01-02",
        "itemReviewed": {
            "@type": "Claim",
            "appearance": {
                "@type": "NewsArticle",
                "url": "https://news.example.com/pay",
                "headline": "Pay and prices",
                "datePublished": "2023-06-30",
            },
            "author": {"@type": "Person", "name": "Sam Writer"},
            "datePublished": "2023-06-30",
        },
    }


@pytest.mark.parametrize(
    ("status", "rating"),
    [("false", 1), ("contested", 2), ("unverifiable", 3), ("supported", 5)],
)
def test_each_verdict_has_its_documented_rating(public_client, status, rating):
    [review] = json_ld_blocks(get_page(public_client, claim_in_body(status=status)))

    assert review["reviewRating"]["ratingValue"] == rating


def test_not_a_claim_is_rated_by_label_only_and_an_unbylined_article_by_its_outlet(
    public_client,
):
    article = ArticleFactory(body=BODY, url="", outlet=OutletFactory(name="The Paper"))
    claim = claim_in_body(article=article, status=Claim.Status.NOT_A_CLAIM)

    [review] = json_ld_blocks(get_page(public_client, claim))

    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Not a claim"}
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "The Paper"}
    assert review["itemReviewed"]["appearance"]["url"] == (
        f"http://testserver/articles/{article.slug}/"
    )


def test_markup_in_the_article_and_sentence_is_text_everywhere_including_the_json_ld(
    public_client,
):
    body = "<script>alert(1)</script> said <img src=x onerror=alert(1)>."
    article = ArticleFactory(body=body, title="</script><script>alert(2)</script>")
    claim = claim_in_body(
        article=article, text=body, start=0, end=len(body), reason="<b>bold</b> & more"
    )

    page = get_page(public_client, claim)

    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "<b>bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; said &lt;img src=x onerror=alert(1)&gt;." in page
    block = JSON_LD.search(page).group(1)
    assert "<" not in block and ">" not in block and "&" not in block.replace("\\u0026", "")
    [review] = json_ld_blocks(page)
    assert review["itemReviewed"]["appearance"]["headline"] == "</script><script>alert(2)</script>"


def test_the_page_title_description_and_canonical_link_name_the_claim(public_client):
    claim = claim_in_body(status="false", reason="The office says 1%.")
    CitationFactory(article=claim.article, label="[1]", start=claim.end - 3, end=claim.end)

    page = get_page(public_client, claim)

    assert "<title>“Wages rose by 3% in June.”: False · factcheck</title>" in page
    assert '<h1 id="claim-heading" class="claim-heading">“Wages rose by 3% in June.”</h1>' in page
    assert '<meta name="description" content="False: The office says 1%.">' in page
    assert f'<link rel="canonical" href="http://testserver/claims/{claim.pk}/">' in page
    assert page.count("<h1") == 1
    # The paragraph keeps the marker, as the article wrote it.
    assert '<mark class="claim-in-context">Wages rose by 3% in June.[1]</mark>' in page


def test_the_page_has_link_preview_tags_and_a_citation_line(public_client):
    reviewer = UserFactory(first_name="Jane", last_name="Doe")
    claim = claim_in_body(
        status="false",
        reason="The office says 1%.",
        reviewed_by=reviewer,
        reviewed_at=datetime.datetime(2024, 3, 5, 14, 30, tzinfo=datetime.UTC),
    )
    CitationFactory(article=claim.article, label="[1]", start=claim.end - 3, end=claim.end)

    page = get_page(public_client, claim)

    url = f"http://testserver/claims/{claim.pk}/"
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:title" content="“Wages rose by 3% in June.”: False">' in page
    assert '<meta property="og:description" content="False: The office says 1%.">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert (
        "factcheck, “Wages rose by 3% in June.”: False. Checked by Jane Doe on 5 March 2024. "
        f'<a href="{url}">{url}</a>'
    ) in page


@pytest.mark.parametrize("path", ["/claims/0/", "/claims/abc/", "/claims/99999999999999999999999/"])
def test_a_missing_or_impossible_claim_number_is_a_404(public_client, path):
    assert public_client.get(path).status_code == 404


@pytest.mark.parametrize("rows", [3, 30])
def test_the_claim_page_takes_five_queries_however_much_evidence_and_history(
    public_client, django_assert_num_queries, rows
):
    editor = EditorFactory()
    claim = claim_in_body()
    for number in range(rows):
        EvidenceFactory(claim=claim, stance=["cited", "supports", "contradicts"][number % 3])
        claim.reason = f"Reason number {number}."
        claim._history_user = editor
        claim.save()
        claim_link(claim=claim, other=ReviewedClaimFactory(), kind="same", user=editor)
    Contributor.objects.bulk_create(
        Contributor(article=claim.article, name=f"Author {n}", role_label="By", position=n)
        for n in range(rows)
    )

    # The claim with article, outlet, reviewer and marker labels; the byline; the evidence with
    # sources, outlets and the articles we hold; the history with its editors; the related
    # claims with articles, outlets and marker labels.
    with django_assert_num_queries(5):
        page = get_page(public_client, claim)

    assert page.count('class="source-title"') == rows
    # One timeline: the verdict the claim was created with, one entry per change of reason,
    # one per link an editor made (the evidence came from the import, not an editor).
    history = page[page.index('id="history-heading"') :].split("</ol>")[0]
    assert history.count("<li>") == 1 + 2 * rows
    assert history.count("Reason rewritten:") == rows
    assert history.count("Linked: same claim") == rows
    assert page.count('class="claim-item claim-link"') == min(rows, 20)


def test_a_sentence_that_is_itself_a_quotation_is_not_quoted_twice(public_client):
    body = "He said: “We are prepared to work with everyone.”"
    sentence = "“We are prepared to work with everyone.”"
    claim = claim_in_body(
        article=ArticleFactory(body=body),
        text=sentence,
        start=body.index(sentence),
        end=len(body),
        paragraph=0,
    )

    page = get_page(public_client, claim)

    assert f'<h1 id="claim-heading" class="claim-heading">{sentence}</h1>' in page
    assert "““" not in page


def test_a_claim_whose_sentence_left_the_article_says_so_and_keeps_its_verdict(public_client):
    claim = claim_in_body(withdrawn_at=timezone.now(), status="false", reason="Wrong.")

    page = get_page(public_client, claim)

    assert "This sentence is no longer in the article" in page
    assert '<mark class="claim-in-context">Wages rose by 3% in June.[1]</mark>' in page
    assert "<p>Wrong.</p>" in page
