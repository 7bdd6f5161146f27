import datetime
import xml.etree.ElementTree as ElementTree

import pytest
from django.utils import timezone

from claims.models import Claim
from tests.claims.factories_public import ReviewedClaimFactory
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_entries(client, path: str) -> list[ElementTree.Element]:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content).findall(f"{ATOM}entry")


def test_the_reviewed_feed_lists_verdicts_newest_first_and_no_unreviewed_claim(public_client):
    now = timezone.now()
    older = ReviewedClaimFactory(text="Older.", reviewed_at=now - datetime.timedelta(days=3))
    newer = ReviewedClaimFactory(
        text="Newer.", status="false", reason="No.", reviewed_at=now - datetime.timedelta(days=1)
    )
    ClaimFactory(text="Unreviewed.")

    entries = feed_entries(public_client, "/feeds/reviewed/")

    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "False: Newer.",
        "Supported: Older.",
    ]
    assert entries[0].find(f"{ATOM}link").get("href") == f"http://testserver/claims/{newer.pk}/"
    assert entries[1].find(f"{ATOM}link").get("href") == f"http://testserver/claims/{older.pk}/"


def test_the_contested_feed_lists_only_contested_claims(public_client):
    ReviewedClaimFactory(text="Disputed.", status=Claim.Status.CONTESTED, reason="Two views.")
    ReviewedClaimFactory(text="Settled.")

    entries = feed_entries(public_client, "/feeds/contested/")

    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Contested: Disputed."]
    assert "Two views." in entries[0].findtext(f"{ATOM}summary")


def test_feed_entries_escape_markup_in_the_sentence_and_article(public_client):
    ReviewedClaimFactory(
        text="<script>alert(1)</script>",
        reason="<img src=x onerror=alert(1)>",
        article=ArticleFactory(title="<b>Title</b>"),
    )

    [entry] = feed_entries(public_client, "/feeds/reviewed/")

    # The summary is HTML carried as text: the markup in the data must arrive escaped in it.
    summary = entry.findtext(f"{ATOM}summary")
    assert "&lt;img src=x onerror=alert(1)&gt;" in summary
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in summary
    assert "&lt;b&gt;Title&lt;/b&gt;" in summary
    assert entry.findtext(f"{ATOM}title") == "Supported: <script>alert(1)</script>"


@pytest.mark.parametrize("claims", [3, 30])
def test_a_feed_takes_one_query(public_client, django_assert_num_queries, claims):
    ReviewedClaimFactory.create_batch(claims)

    with django_assert_num_queries(1):
        entries = feed_entries(public_client, "/feeds/reviewed/")

    assert len(entries) == claims


def test_the_base_template_advertises_both_feeds(public_client):
    page = public_client.get("/").content.decode()

    assert (
        '<link rel="alternate" type="application/atom+xml" title="Recently reviewed claims" '
        'href="/feeds/reviewed/">'
    ) in page
    assert 'href="/feeds/contested/"' in page


def test_feed_entries_quote_the_sentence_without_markers_and_sign_by_full_name(public_client):
    from tests.articles.factories_public import CitationFactory
    from tests.factories import EditorFactory

    article = ArticleFactory(body="Prices fell.[3] More text.")
    claim = ReviewedClaimFactory(
        article=article,
        text="Prices fell.[3]",
        start=0,
        end=15,
        reviewed_by=EditorFactory(username="login5", first_name="Ada", last_name="Lovelace"),
    )
    CitationFactory(article=article, label="[3]", start=12, end=15)
    ReviewedClaimFactory(reviewed_by=EditorFactory(username="login6"))

    response = public_client.get("/feeds/reviewed/")
    entries = ElementTree.fromstring(response.content).findall(f"{ATOM}entry")

    by_title = {entry.findtext(f"{ATOM}title"): entry for entry in entries}
    signed = by_title["Supported: Prices fell."]
    assert signed.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Ada Lovelace"
    assert "Checked by Ada Lovelace" in signed.findtext(f"{ATOM}summary")
    assert claim.pk
    assert b"login5" not in response.content
    assert b"login6" not in response.content
