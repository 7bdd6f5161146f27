"""The review desk without a browser: queue, save and next, evidence by URL, locking, queries."""

import re
import threading

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, Evidence
from claims.services import claim_set_verdict
from sources.models import Outlet, Source
from tests.admin_pages import queries_for
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    EvidenceFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

START = "admin:claims_desk"


def desk_url(claim: Claim, query: str = "") -> str:
    url = reverse("admin:claims_desk_claim", args=[claim.pk])
    return f"{url}?{query}" if query else url


def article_with_claims(count: int, **article_fields) -> list[Claim]:
    """An article whose body holds `count` sentences, two per paragraph, each a claim."""
    sentences = [
        f"Sentence number {number} says {number * 7} people came." for number in range(count)
    ]
    paragraphs = [" ".join(sentences[index : index + 2]) for index in range(0, count, 2)]
    body = "\n\n".join(paragraphs)
    article = ArticleFactory(body=body, **article_fields)
    claims = []
    for ordinal, sentence in enumerate(sentences):
        start = body.index(sentence)
        claims.append(
            ClaimFactory(
                article=article,
                ordinal=ordinal,
                text=sentence,
                start=start,
                end=start + len(sentence),
                paragraph=ordinal // 2,
            )
        )
    return claims


def loaded(client: Client, url: str) -> dict:
    """What the page's form sends back unchanged: its version fields and the evidence rows."""
    page = client.get(url)
    form = page.context["form"]
    data = {
        "loaded_version": form["loaded_version"].value(),
        "loaded_at": form["loaded_at"].value(),
    }
    for _item, evidence_form in page.context["evidence_rows"]:
        for name in ("stance", "quote"):
            data[evidence_form[name].html_name] = evidence_form[name].value() or ""
    return data


def review(client: Client, claim: Claim, query: str = "", **fields) -> object:
    url = desk_url(claim, query)
    data = {**loaded(client, url), "action": "save_next", **fields}
    return client.post(url, data)


# --- Access --------------------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_to_the_login_page(client: Client) -> None:
    claim = ClaimFactory()
    for url in (reverse(START), desk_url(claim)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_it_forbids_staff_without_the_right_to_review(client: Client) -> None:
    client.force_login(UserFactory(is_staff=True))
    claim = ClaimFactory()

    assert client.get(reverse(START)).status_code == 403
    assert client.get(desk_url(claim)).status_code == 403
    assert client.post(desk_url(claim), {"status": "false", "reason": "x"}).status_code == 403


# --- The queue -----------------------------------------------------------------------------


def test_the_start_page_shows_progress_and_starts_at_the_first_unreviewed_claim(
    editor_client: Client,
) -> None:
    claims = article_with_claims(4)
    claim_set_verdict(claim=claims[0], status="supported", reason="Fine.", user=EditorFactory())
    article = claims[0].article

    page = editor_client.get(reverse(START))
    start = editor_client.get(reverse(START), {"article": article.pk, "start": "1"})

    assert page.status_code == 200
    assert article.title in page.text
    assert "1 of 4" in page.text
    assert start.status_code == 302
    assert start["Location"] == desk_url(claims[1], f"article={article.pk}&scope=unreviewed")


def test_save_and_next_goes_to_the_next_unreviewed_claim_of_the_queue(
    editor_client: Client, editor: AbstractBaseUser
) -> None:
    claims = article_with_claims(4)
    query = f"article={claims[0].article_id}&scope=unreviewed"
    claim_set_verdict(claim=claims[1], status="false", reason="Wrong.", user=EditorFactory())

    response = review(
        editor_client, claims[0], query, status="supported", reason="The census agrees."
    )

    assert response.status_code == 302
    # The second is reviewed already: the queue of unreviewed claims skips it.
    assert response["Location"] == desk_url(claims[2], query)
    claims[0].refresh_from_db()
    assert (claims[0].status, claims[0].reason, claims[0].reviewed_by) == (
        "supported",
        "The census agrees.",
        editor,
    )
    page = editor_client.get(response["Location"])
    assert "Saved #" in page.text and "2 of 4 reviewed in this article" in page.text


def test_save_stays_on_the_claim(editor_client: Client) -> None:
    (claim,) = article_with_claims(1)

    response = review(editor_client, claim, status="false", reason="No.", action="save")

    assert response.status_code == 302
    assert response["Location"] == desk_url(claim, "scope=unreviewed")


def test_the_last_claim_of_the_queue_leads_back_to_the_start_page(editor_client: Client) -> None:
    (claim,) = article_with_claims(1)

    response = review(
        editor_client, claim, f"article={claim.article_id}", status="false", reason="No."
    )

    assert response["Location"].startswith(reverse(START))
    assert "That was the last" in editor_client.get(response["Location"]).text


def test_skip_and_previous_are_plain_links_through_the_queue(editor_client: Client) -> None:
    claims = article_with_claims(3)
    query = f"article={claims[0].article_id}&scope=unreviewed"

    page = editor_client.get(desk_url(claims[1], query)).text

    assert f'href="{desk_url(claims[2], query)}" rel="next"'.replace("&", "&amp;") in page
    assert f'href="{desk_url(claims[0], query)}" rel="prev"'.replace("&", "&amp;") in page


def test_the_queue_of_claims_needing_a_citation_leaves_the_others_out(
    editor_client: Client,
) -> None:
    claims = article_with_claims(3)
    Claim.objects.filter(pk=claims[1].pk).update(checkworthy=True)

    start = editor_client.get(reverse(START), {"needs_citation": "on", "start": "1"})

    assert start["Location"].startswith(desk_url(claims[1]))
    assert 'rel="next"' not in editor_client.get(start["Location"]).text


def test_the_withdrawn_queue_holds_claims_whose_sentence_is_gone(editor_client: Client) -> None:
    claims = article_with_claims(2)
    Claim.objects.filter(pk=claims[1].pk).update(withdrawn_at=timezone.now())

    start = editor_client.get(reverse(START), {"withdrawn": "on", "scope": "all", "start": "1"})
    page = editor_client.get(start["Location"]).text

    assert start["Location"].startswith(desk_url(claims[1]))
    assert "no longer in the article" in page


# --- The claim's page ----------------------------------------------------------------------


def test_the_claim_page_shows_the_article_with_every_claim_marked_by_its_verdict(
    editor_client: Client,
) -> None:
    claims = article_with_claims(4)
    claim_set_verdict(claim=claims[3], status="false", reason="Wrong.", user=EditorFactory())

    page = editor_client.get(desk_url(claims[2])).text

    window = page[page.index('class="desk-article-text"') :]
    assert window.count('class="desk-claim') == 4
    assert 'class="desk-claim status-line-false"' in window
    assert 'desk-current" href=' in window and 'aria-current="true"' in window
    assert "(False)" in window and "(Unreviewed)" in window
    # The shortcuts are written on the page, not only in the script.
    assert "Keyboard shortcuts" in page and "Ctrl + Enter" in page
    assert 'data-key="2"' in page


def test_the_claim_page_escapes_what_the_article_says(editor_client: Client) -> None:
    (claim,) = article_with_claims(1)
    Claim.objects.filter(pk=claim.pk).update(text='<script>alert("x")</script>')
    claim.article.body = claim.article.body.replace(claim.text, "<b>bold</b>")
    claim.article.save()

    page = editor_client.get(desk_url(claim)).text

    assert "<script>alert" not in page and "<b>bold</b>" not in page


def test_a_long_article_shows_the_paragraphs_around_the_claim(editor_client: Client) -> None:
    claims = article_with_claims(60)

    page = editor_client.get(desk_url(claims[30])).text

    window = page[page.index('class="desk-article-text"') :].split("</div>")[0]
    assert window.count("<p>") == 13
    assert claims[0].text not in window and claims[30].text in window


# --- Evidence ------------------------------------------------------------------------------


def test_pasting_a_web_address_puts_the_source_on_record_and_adds_the_evidence(
    editor_client: Client, editor: AbstractBaseUser
) -> None:
    (claim,) = article_with_claims(1)

    response = review(
        editor_client,
        claim,
        status="false",
        reason="The agency says otherwise.",
        add_source="https://www.reuters.com/world/belgorod-raid/?utm_source=feed",
    )

    assert response.status_code == 302
    evidence = Evidence.objects.get(claim=claim)
    assert evidence.stance == "contradicts"  # as the verdict says
    assert evidence.added_by == editor
    assert evidence.source.url == "https://www.reuters.com/world/belgorod-raid/?utm_source=feed"
    assert evidence.source.outlet.name == "reuters.com"
    assert evidence.source.history.first().history_user == editor

    # The same page linked otherwise is the same source.
    (other,) = article_with_claims(1)
    review(
        editor_client,
        other,
        status="supported",
        reason="Same report.",
        add_source="https://reuters.com/world/belgorod-raid",
    )
    assert Source.objects.filter(url__contains="reuters.com").count() == 1
    assert Outlet.objects.filter(name="reuters.com").count() == 1


def test_a_pasted_address_of_an_article_we_hold_cites_it_and_checks_the_quote(
    editor_client: Client,
) -> None:
    held = ArticleFactory(
        url="https://example.org/held-story",
        title="The held story",
        body="Officials said that over 70 attackers were killed.",
    )
    (claim,) = article_with_claims(1)

    response = review(
        editor_client,
        claim,
        status="contested",
        reason="Unconfirmed.",
        add_source="https://example.org/held-story/",
        add_quote="over 90 attackers",
    )

    evidence = Evidence.objects.get(claim=claim)
    assert evidence.source.linked_article == held
    assert evidence.source.title == "The held story"
    page = editor_client.get(response["Location"]).text
    assert "Not found in the source" in page


def test_a_source_is_picked_by_the_number_its_suggestion_ends_in(editor_client: Client) -> None:
    (claim,) = article_with_claims(1)
    source = SourceFactory(title="Census 2021")

    review(
        editor_client,
        claim,
        status="supported",
        reason="The census.",
        add_source=f"Census 2021 — {source.outlet} (#{source.pk})",
        add_stance="supports",
    )

    assert Evidence.objects.get(claim=claim).source == source


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"add_source": "the census"}, "neither a web address nor one of our sources"),
        ({"add_source": "https://"}, "is not a web address"),
        ({"add_quote": "A quote."}, "A quote needs its source"),
        (
            {"status": "unverifiable", "add_source": "https://example.org/x"},
            "Choose the stance",
        ),
        ({"reason": "word " * 1200}, "under 5,000 characters"),
        ({"status": "contested", "reason": "  "}, "Give a reason"),
    ],
)
def test_bad_input_is_a_message_and_nothing_is_saved(
    editor_client: Client, fields: dict, message: str
) -> None:
    (claim,) = article_with_claims(1)
    sources = Source.objects.count()

    response = review(editor_client, claim, **{"status": "false", "reason": "Wrong.", **fields})

    assert response.status_code == 200
    assert message in response.text
    claim.refresh_from_db()
    assert claim.status == "unreviewed"
    assert Source.objects.count() == sources
    assert not Evidence.objects.filter(claim=claim).exists()


def test_removing_evidence_on_the_desk_keeps_the_source(editor_client: Client) -> None:
    evidence = EvidenceFactory(stance="supports", quote="")
    claim = evidence.claim

    response = review(
        editor_client,
        claim,
        status="supported",
        reason="Fine.",
        **{
            f"evidence-{evidence.pk}-stance": "supports",
            f"evidence-{evidence.pk}-quote": "",
            f"evidence-{evidence.pk}-remove": "on",
        },
    )

    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert Source.objects.filter(pk=evidence.source_id).exists()


def test_the_same_evidence_again_is_a_message_not_a_crash(editor_client: Client) -> None:
    evidence = EvidenceFactory(stance="supports", source__url="https://example.org/a")
    claim = evidence.claim

    response = review(
        editor_client,
        claim,
        status="supported",
        reason="Fine.",
        add_source=f"#{evidence.source_id}",
        add_stance="supports",
    )

    assert response.status_code == 200
    assert "is already evidence for this claim" in response.text
    claim.refresh_from_db()
    assert claim.status == "unreviewed"


# --- No lost work --------------------------------------------------------------------------


def test_a_stale_desk_page_is_refused_with_what_changed(editor_client: Client) -> None:
    (claim,) = article_with_claims(1)
    url = desk_url(claim)
    before = loaded(editor_client, url)
    colleague = EditorFactory(first_name="Ida", last_name="Wells")
    claim_set_verdict(claim=claim, status="false", reason="The registry says no.", user=colleague)

    response = editor_client.post(
        url, {**before, "status": "supported", "reason": "Looks right.", "action": "save_next"}
    )

    assert response.status_code == 200
    assert "another editor changed this claim" in response.text
    assert "Ida Wells" in response.text and "The registry says no." in response.text
    assert response.context["form"]["reason"].value() == "Looks right."
    claim.refresh_from_db()
    assert (claim.status, claim.reason) == ("false", "The registry says no.")


@pytest.mark.django_db(transaction=True)
def test_two_editors_adding_the_same_address_at_once_get_one_source_one_row_no_crash() -> None:
    (claim,) = article_with_claims(1)
    url = desk_url(claim)
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        clients.append(client)
    for round_number in range(4):
        Evidence.objects.filter(claim=claim).delete()
        address = f"https://example.org/report-{round_number}"
        payloads = [
            {
                **loaded(client, url),
                "status": "supported",
                "reason": "Fine.",
                "add_source": address,
                "action": "save",
            }
            for client in clients
        ]
        barrier = threading.Barrier(2)
        statuses = []

        def post(client: Client, payload: dict, barrier=barrier, statuses=statuses) -> None:
            try:
                barrier.wait()
                statuses.append(client.post(url, payload).status_code)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=post, args=pair) for pair in zip(clients, payloads, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert sorted(statuses) == [200, 302]
        assert Evidence.objects.filter(claim=claim).count() == 1
        assert Source.objects.filter(url=address).count() == 1


# --- Queries -------------------------------------------------------------------------------


def test_the_claim_page_takes_the_same_queries_for_a_long_article_and_much_evidence(
    editor_client: Client,
) -> None:
    short = article_with_claims(2)[0]
    long = article_with_claims(40)[20]
    held = ArticleFactory(body="Sentence number 20 says 140 people came.")
    for number in range(8):
        EvidenceFactory(
            claim=long,
            source=SourceFactory(linked_article=held),
            stance=["cited", "supports", "contradicts"][number % 3],
            quote="140 people came",
            added_by=EditorFactory(),
        )
    EvidenceFactory(claim=short, source=SourceFactory(linked_article=held), quote="came")
    editor_client.get(desk_url(long))

    # Session, editor, permissions (two); the claim with article, outlet and reviewer; its
    # evidence with sources and editors; the held articles' texts (quote checks and the cited
    # panel); next and previous in the queue; links; similar claims (lexemes, frequencies,
    # ranking, the claims, their links); the cited articles' sentences; the article window;
    # the article's progress and the queue's; the timeline (one query for all its history).
    assert queries_for(editor_client, desk_url(short, "scope=unreviewed")) == 21
    assert queries_for(editor_client, desk_url(long, "scope=unreviewed")) == 21
    # An article's queue: that article is read, and its progress is the queue's.
    assert queries_for(editor_client, desk_url(long, f"article={long.article_id}")) == 20


def test_the_start_page_takes_a_fixed_number_of_queries(editor_client: Client) -> None:
    article_with_claims(2)
    few = queries_for(editor_client, reverse(START))
    for _ in range(20):
        article_with_claims(3)

    assert queries_for(editor_client, reverse(START)) == few


def test_the_forms_post_and_redirect_work_without_javascript(editor_client: Client) -> None:
    # What the desk's HTML form sends when no script runs: the button's own name and value.
    claims = article_with_claims(2)
    page = editor_client.get(desk_url(claims[0])).text
    hidden = dict(re.findall(r'<input type="hidden" name="(loaded_\w+)" value="([^"]*)"', page))

    response = editor_client.post(
        desk_url(claims[0]),
        {**hidden, "status": "not_a_claim", "reason": "A question.", "action": "save_next"},
    )

    assert response.status_code == 302
    assert 'name="action" value="save_next"' in page
    claims[0].refresh_from_db()
    assert claims[0].status == "not_a_claim"
