"""One history per claim: verdicts, reasons, evidence and links, in the admin and for readers."""

import pytest
from django.test import Client
from django.urls import reverse

from claims.evidence import evidence_add, evidence_change, evidence_remove
from claims.links import claim_link, claim_unlink
from claims.services import claim_set_verdict, claims_set_verdict
from claims.timeline import claim_timeline
from tests.factories import ClaimFactory, EditorFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked_claim():
    """A claim with a verdict, a reason rewritten, evidence added, changed and removed, and a
    link made and removed, by two editors."""
    ada = EditorFactory(first_name="Ada", last_name="Byron", username="ada")
    bob = EditorFactory(username="bob")
    claim, other = ClaimFactory(), ClaimFactory(text="Another article says it too.")
    long_reason = "The census and the ministry agree. " * 40
    claim_set_verdict(claim=claim, status="supported", reason="The census agrees.", user=ada)
    claim_set_verdict(claim=claim, status="supported", reason=long_reason, user=bob)
    source = SourceFactory(title="Census 2021")
    evidence = evidence_add(claim=claim, source=source, stance="supports", quote="", user=ada)
    evidence_change(evidence=evidence, stance="supports", quote="grew by 3%", user=bob)
    claim_link(claim=claim, other=other, kind="same", user=ada, note="Both quote the census.")
    claim_unlink(claim=claim, other=other, user=bob)
    evidence_remove(evidence=evidence, user=bob)
    claims_set_verdict(
        claims=type(claim).objects.filter(pk=claim.pk),
        status="unreviewed",
        reason="A new census is due.",
        user=ada,
    )
    return claim, long_reason.strip()


def test_the_timeline_holds_every_kind_of_change_newest_first(worked_claim) -> None:
    claim, long_reason = worked_claim

    entries = claim_timeline(claim)

    assert [entry.kind for entry in entries] == [
        "withdrawal",
        "evidence_removed",
        "link_removed",
        "link_added",
        "evidence_changed",
        "evidence_added",
        "reason",
        "first",
        "imported",
    ]
    withdrawal, removed, unlinked, linked, changed, added, reason, first, _ = entries
    assert (withdrawal.old_status, withdrawal.new_status) == ("supported", "unreviewed")
    assert withdrawal.reason == "A new census is due."
    assert reason.reason == long_reason  # whole, never "…[67 chars]…"
    assert first.user.username == "ada" and reason.user.username == "bob"
    assert changed.changes[0].label == "Quote" and changed.changes[0].new == "grew by 3%"
    assert "Census 2021" in added.title and "Census 2021" in removed.title
    assert linked.reason == "Both quote the census." and "Another article" in linked.changes[0].new
    assert unlinked.user.username == "bob"
    assert all(entry.at is not None for entry in entries)


def test_the_admin_history_page_shows_the_timeline_with_names_and_times(
    editor_client: Client, worked_claim
) -> None:
    claim, long_reason = worked_claim

    response = editor_client.get(reverse("admin:claims_claim_history", args=[claim.pk]))

    page = " ".join(response.text.split())
    assert response.status_code == 200
    assert "Ada Byron (ada)" in page and "bob" in page
    assert long_reason in page
    assert "Evidence removed: Census 2021" in page and "Linked: same claim" in page
    # Formatted, not raw timestamps; people as plain text, not links to user pages they may
    # not open.
    assert "+00:00" not in page.split('id="claim-timeline"')[1].split("</time>")[0].split(">")[-1]
    assert "/admin/auth/user/" not in page
    # Each verdict can be given again from the history.
    assert page.count(">Revert to this</a>") == 3


def test_readers_see_the_editorial_timeline_by_full_name_only(client: Client, worked_claim):
    claim, long_reason = worked_claim

    page = " ".join(client.get(claim.get_absolute_url()).text.split())

    log = page[page.index('id="history-heading"') :].split("</section>")[0]
    assert "Verdict withdrawn" in log and "A new census is due." in log
    assert long_reason in log
    assert "Evidence added: Census 2021" in log and "Linked: same claim" in log
    assert "By Ada Byron." in log
    assert "bob" not in log and "ada" not in log.lower().replace("ada byron", "")
    assert "Imported" not in log


def test_the_history_page_of_a_claim_with_hundreds_of_changes_takes_the_same_queries(
    editor_client: Client,
) -> None:
    from tests.admin_pages import queries_for

    editor = EditorFactory()
    few, many = ClaimFactory(), ClaimFactory()
    for claim, count in ((few, 2), (many, 60)):
        for number in range(count):
            claim_set_verdict(claim=claim, status="false", reason=f"Reason {number}.", user=editor)
            evidence_add(
                claim=claim, source=SourceFactory(), stance="contradicts", quote="", user=editor
            )
    editor_client.get(reverse("admin:claims_claim_history", args=[few.pk]))

    assert queries_for(
        editor_client, reverse("admin:claims_claim_history", args=[few.pk])
    ) == queries_for(editor_client, reverse("admin:claims_claim_history", args=[many.pk]))
