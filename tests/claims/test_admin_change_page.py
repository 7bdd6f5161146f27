"""A claim's change page: bounded queries, evidence that fits, withdrawn claims, revert."""

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, Evidence
from claims.services import claim_set_verdict
from tests.admin_pages import queries_for
from tests.claims.test_admin_claims import change_form_data
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    EvidenceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def change_url(claim: Claim) -> str:
    return reverse("admin:claims_claim_change", args=[claim.pk])


def claim_with_evidence(rows: int) -> Claim:
    claim = ClaimFactory()
    held = ArticleFactory(body="The ministry said 70 attackers were killed.")
    for number in range(rows):
        EvidenceFactory(
            claim=claim,
            source=SourceFactory(linked_article=held if number % 2 else None),
            stance=["cited", "supports", "contradicts"][number % 3],
            quote="70 attackers were killed" if number % 2 else "",
            added_by=EditorFactory() if number % 3 else None,
        )
    return claim


def test_the_change_page_takes_as_many_queries_for_ten_evidence_rows_as_for_two(
    editor_client: Client,
) -> None:
    # Made before either is measured, so each finds the other among its similar claims.
    two, ten = claim_with_evidence(2), claim_with_evidence(10)
    # Django caches content types per process: the first page of a run reads one more row.
    editor_client.get(change_url(ten))

    # Session and editor; the claim with article, outlet and reviewer; its links; similar
    # claims (lexemes, frequencies, ranking, the claims, their links); the evidence for the
    # cited-source panel and the cited article's sentences; permissions (two); the inline's
    # evidence with sources, outlets and editors; the held sources' texts for the quote
    # checks.
    assert queries_for(editor_client, change_url(two)) == 15
    assert queries_for(editor_client, change_url(ten)) == 15


def test_the_evidence_inline_offers_no_button_that_deletes_the_source(
    editor_client: Client,
) -> None:
    claim = claim_with_evidence(2)

    page = editor_client.get(change_url(claim)).text

    assert "delete_id_evidence" not in page
    assert "related-widget-wrapper-link" not in page
    assert "Remove?" in page and "Delete?" not in page


def test_removing_evidence_inline_keeps_the_source(editor_client: Client) -> None:
    evidence = EvidenceFactory(stance="supports")
    claim = evidence.claim
    page = editor_client.get(change_url(claim))
    form = page.context["adminform"].form
    row = {
        "id": str(evidence.pk),
        "source": str(evidence.source_id),
        "stance": "supports",
        "quote": "",
        "DELETE": "on",
    }

    response = editor_client.post(
        change_url(claim),
        change_form_data(
            claim,
            evidence_rows=[row],
            loaded_version=form["loaded_version"].value(),
            loaded_at=form["loaded_at"].value(),
        ),
    )

    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert type(evidence.source).objects.filter(pk=evidence.source_id).exists()


def test_a_quote_is_checked_against_the_text_of_a_source_we_hold(editor_client: Client) -> None:
    held = ArticleFactory(body="Officials said that “over 70 attackers” had been killed.")
    found = EvidenceFactory(
        source=SourceFactory(linked_article=held), quote="over 70 attackers", stance="supports"
    )
    claim = found.claim
    EvidenceFactory(
        claim=claim,
        source=SourceFactory(linked_article=held),
        quote="over 90 attackers",
        stance="contradicts",
    )
    EvidenceFactory(
        claim=claim,
        source=SourceFactory(title="Raid on Belgorod", linked_article=held),
        quote="Raid on Belgorod",
        stance="supports",
    )

    page = editor_client.get(change_url(claim)).text

    assert page.count("Found in the source.") == 1
    assert page.count("Not found in the source") == 1
    assert "This is the source&#x27;s title, not a passage from it" in page


def test_a_reason_longer_than_the_limit_is_a_form_error(editor_client: Client) -> None:
    claim = ClaimFactory()

    response = editor_client.post(
        change_url(claim), change_form_data(claim, status="false", reason="word " * 1200)
    )

    assert response.status_code == 200
    assert "under 5,000 characters" in response.text
    assert 'maxlength="5000"' in response.text
    claim.refresh_from_db()
    assert claim.status == "unreviewed"


def test_the_list_and_change_page_name_reviewers_as_plain_text(
    editor_client: Client,
) -> None:
    reviewer = EditorFactory(first_name="Grace", last_name="Hopper")
    claim = ClaimFactory()
    claim_set_verdict(claim=claim, status="supported", reason="Fine.", user=reviewer)

    listing = editor_client.get(reverse("admin:claims_claim_changelist")).text
    page = editor_client.get(change_url(claim)).text

    for text in (listing, page):
        assert f"Grace Hopper ({reviewer.username})" in text
        assert reverse("admin:auth_user_change", args=[reviewer.pk]) not in text


# --- Withdrawn claims ------------------------------------------------------------------------


def test_withdrawn_claims_are_listed_marked_and_filterable(editor_client: Client) -> None:
    article = ArticleFactory()
    current = ClaimFactory(article=article, text="Still in the article.")
    withdrawn = ClaimFactory(
        article=article,
        text="Gone from the article.",
        withdrawn_at=timezone.now(),
        status="false",
        reason="Wrong.",
        reviewed_at=timezone.now(),
    )
    changelist = reverse("admin:claims_claim_changelist")

    every = editor_client.get(changelist).text
    only_withdrawn = editor_client.get(changelist + "?in_article=withdrawn").text
    only_current = editor_client.get(changelist + "?in_article=yes").text
    page = editor_client.get(change_url(withdrawn)).text

    assert "[withdrawn] Gone from the article." in every and current.text in every
    assert "Gone from the article." in only_withdrawn and current.text not in only_withdrawn
    assert "Gone from the article." not in only_current and current.text in only_current
    assert "found this sentence gone from the article" in page


# --- History → Revert --------------------------------------------------------------------------


@pytest.mark.parametrize("withdrawn", [False, True])
def test_revert_from_the_history_gives_the_earlier_verdict_again(
    editor_client: Client, editor: AbstractBaseUser, withdrawn: bool
) -> None:
    claim = ClaimFactory(withdrawn_at=timezone.now() if withdrawn else None)
    colleague = EditorFactory()
    claim_set_verdict(claim=claim, status="false", reason="Wrong: the census.", user=colleague)
    earlier = claim.history.first()
    claim_set_verdict(claim=claim, status="supported", reason="Right after all.", user=colleague)
    EvidenceFactory(claim=claim, stance="supports")
    url = reverse("admin:claims_claim_simple_history", args=[claim.pk, earlier.history_id])

    history = editor_client.get(reverse("admin:claims_claim_history", args=[claim.pk]))
    page = editor_client.get(url)
    form = page.context["adminform"].form
    response = editor_client.post(
        url,
        {
            "status": form["status"].value(),
            "reason": form["reason"].value(),
            "loaded_version": form["loaded_version"].value(),
            "loaded_at": form["loaded_at"].value(),
        },
    )

    assert url in history.text
    assert page.status_code == 200
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.reason, claim.reviewed_by) == (
        "false",
        "Wrong: the census.",
        editor,
    )
    assert claim.history.first().history_user == editor
    assert Evidence.objects.filter(claim=claim).count() == 1


def test_a_stale_revert_is_refused(editor_client: Client) -> None:
    claim = ClaimFactory()
    claim_set_verdict(claim=claim, status="false", reason="Wrong.", user=EditorFactory())
    earlier = claim.history.first()
    url = reverse("admin:claims_claim_simple_history", args=[claim.pk, earlier.history_id])
    form = editor_client.get(url).context["adminform"].form
    claim_set_verdict(claim=claim, status="supported", reason="Right.", user=EditorFactory())

    response = editor_client.post(
        url,
        {
            "status": "false",
            "reason": "Wrong.",
            "loaded_version": form["loaded_version"].value(),
            "loaded_at": form["loaded_at"].value(),
        },
    )

    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.status == "supported"
