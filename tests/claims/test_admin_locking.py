"""No silent overwrite: stale change forms, stale bulk confirmations and concurrent evidence."""

import threading

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test import Client
from django.urls import reverse

from claims.links import claim_link
from claims.models import Claim, Evidence
from claims.services import claim_set_verdict
from tests.claims.test_admin_claims import action_post, change_form_data, confirm_action
from tests.factories import ClaimFactory, EditorFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:claims_claim_changelist"


def loaded_form(client: Client, claim: Claim) -> dict:
    """The change page's hidden version fields as an editor's browser got them."""
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    form = page.context["adminform"].form
    return {
        "loaded_version": form["loaded_version"].value(),
        "loaded_at": form["loaded_at"].value(),
    }


def evidence_row(evidence: Evidence) -> dict:
    return {
        "id": str(evidence.pk),
        "source": str(evidence.source_id),
        "stance": evidence.stance,
        "quote": evidence.quote,
    }


def test_a_stale_form_that_only_adds_evidence_does_not_undo_a_newer_verdict(
    editor_client: Client,
) -> None:
    claim = ClaimFactory()
    loaded = loaded_form(editor_client, claim)
    other = EditorFactory(first_name="Ada", last_name="Lovelace")
    claim_set_verdict(claim=claim, status="contested", reason="Two sources disagree.", user=other)
    source = SourceFactory()

    response = editor_client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]),
        change_form_data(
            Claim(pk=claim.pk, status="unreviewed", reason=""),
            evidence_rows=[{"id": "", "source": str(source.pk), "stance": "supports"}],
            **loaded,
        ),
    )

    assert response.status_code == 200
    page = response.text
    assert "another editor changed this claim after you opened the page" in page
    conflict = response.context["conflict"]
    assert [entry.kind for entry in conflict] == ["first"]
    assert conflict[0].user == other and conflict[0].reason == "Two sources disagree."
    assert "Ada Lovelace" in page and "Two sources disagree." in page
    claim.refresh_from_db()
    assert (claim.status, claim.reason) == ("contested", "Two sources disagree.")
    assert not Evidence.objects.filter(claim=claim).exists()


def test_the_refused_form_keeps_the_editors_input_and_saves_on_the_second_try(
    editor_client: Client, editor: AbstractBaseUser
) -> None:
    claim = ClaimFactory()
    loaded = loaded_form(editor_client, claim)
    claim_set_verdict(claim=claim, status="false", reason="Wrong.", user=EditorFactory())
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    mine = change_form_data(
        Claim(pk=claim.pk, status="supported", reason="The census agrees."), **loaded
    )

    refused = editor_client.post(url, mine)
    again = refused.context["adminform"].form
    assert again["reason"].value() == "The census agrees."
    retry = {**mine, "loaded_version": again["loaded_version"].value()}
    saved = editor_client.post(url, retry)

    assert saved.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.reason, claim.reviewed_by) == (
        "supported",
        "The census agrees.",
        editor,
    )


def test_a_stale_form_after_a_bulk_action_is_refused(editor_client: Client) -> None:
    claim = ClaimFactory()
    loaded = loaded_form(editor_client, claim)
    colleague = Client()
    colleague.force_login(EditorFactory())
    confirm_action(
        colleague,
        reverse(CHANGELIST),
        action_post("mark_false", [claim], reason="Checked: wrong."),
    )

    response = editor_client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]),
        change_form_data(Claim(pk=claim.pk, status="unreviewed", reason=""), **loaded),
    )

    assert response.status_code == 200
    claim.refresh_from_db()
    assert (claim.status, claim.reason) == ("false", "Checked: wrong.")


def test_a_stale_form_after_a_link_change_is_refused_and_keeps_the_link(
    editor_client: Client,
) -> None:
    claim, other = ClaimFactory(), ClaimFactory()
    loaded = loaded_form(editor_client, claim)
    claim_link(claim=claim, other=other, kind="same", user=EditorFactory())

    response = editor_client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]),
        change_form_data(Claim(pk=claim.pk, status="false", reason="No."), **loaded),
    )

    assert response.status_code == 200
    assert [entry.kind for entry in response.context["conflict"]] == ["link_added"]
    assert claim.links_from.count() + claim.links_to.count() == 1


def test_a_stale_form_after_evidence_was_removed_names_the_conflict_not_a_bare_error(
    editor_client: Client,
) -> None:
    evidence = EvidenceFactory(stance="supports", quote="As reported.")
    claim = evidence.claim
    loaded = loaded_form(editor_client, claim)
    colleague = Client()
    colleague.force_login(EditorFactory())
    colleague_form = loaded_form(colleague, claim)
    colleague.post(
        reverse("admin:claims_claim_change", args=[claim.pk]),
        change_form_data(
            claim,
            evidence_rows=[{**evidence_row(evidence), "DELETE": "on"}],
            **colleague_form,
        ),
    )
    assert not Evidence.objects.filter(pk=evidence.pk).exists()

    response = editor_client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]),
        change_form_data(
            Claim(pk=claim.pk, status="supported", reason="Fine."),
            evidence_rows=[evidence_row(evidence)],
            **loaded,
        ),
    )

    assert response.status_code == 200
    assert [entry.kind for entry in response.context["conflict"]] == ["evidence_removed"]
    assert "This field is required." not in response.text
    claim.refresh_from_db()
    assert claim.status == "unreviewed"


def test_a_form_with_the_current_version_saves_only_what_changed(
    editor_client: Client,
) -> None:
    claim = ClaimFactory()
    claim_set_verdict(claim=claim, status="false", reason="Wrong.", user=EditorFactory())
    claim.refresh_from_db()
    loaded = loaded_form(editor_client, claim)
    reviewed = (claim.reviewed_by_id, claim.reviewed_at)
    source = SourceFactory()

    response = editor_client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]),
        change_form_data(
            claim,
            evidence_rows=[{"id": "", "source": str(source.pk), "stance": "contradicts"}],
            **loaded,
        ),
    )

    assert response.status_code == 302
    claim.refresh_from_db()
    # Adding evidence is not a new verdict: who gave the verdict, and when, stay as they were.
    assert (claim.reviewed_by_id, claim.reviewed_at) == reviewed
    assert claim.history.count() == 2
    assert Evidence.objects.get(claim=claim).source == source


# --- Bulk actions ---------------------------------------------------------------------------


def test_a_bulk_verdict_is_refused_when_a_selected_claim_changed_after_the_confirmation_page(
    editor_client: Client,
) -> None:
    first, second = ClaimFactory(), ClaimFactory()
    url = reverse(CHANGELIST)
    page = editor_client.post(url, action_post("mark_supported", [first, second]))
    versions = page.context["form"]["versions"].value()
    claim_set_verdict(claim=second, status="false", reason="It is wrong.", user=EditorFactory())

    response = editor_client.post(
        url,
        action_post(
            "mark_supported", [first, second], apply="1", reason="Matches.", versions=versions
        ),
    )

    assert response.status_code == 200
    assert response.context["changed_ids"] == {second.pk}
    assert "1 of these claims changed since you opened this page" in response.text
    assert "It is wrong." in response.text
    assert list(Claim.objects.order_by("pk").values_list("status", flat=True)) == [
        "unreviewed",
        "false",
    ]

    # Confirming again, now knowing, applies it to both.
    fresh = response.context["form"]["versions"].value()
    editor_client.post(
        url,
        action_post(
            "mark_supported", [first, second], apply="1", reason="Matches.", versions=fresh
        ),
    )
    assert set(Claim.objects.values_list("status", flat=True)) == {"supported"}


def test_a_bulk_verdict_without_the_confirmation_pages_record_is_not_applied(
    editor_client: Client,
) -> None:
    claim = ClaimFactory()

    response = editor_client.post(
        reverse(CHANGELIST), action_post("mark_false", [claim], apply="1", reason="No.")
    )

    assert response.status_code == 200
    assert "confirm again" in response.text
    claim.refresh_from_db()
    assert claim.status == "unreviewed"


def test_a_bulk_verdict_over_the_limit_is_refused_with_a_message(
    editor_client: Client, monkeypatch
) -> None:
    monkeypatch.setattr("claims.admin.BULK_MAX_CLAIMS", 2)
    claims = ClaimFactory.create_batch(3)

    response = editor_client.post(
        reverse(CHANGELIST), action_post("mark_false", claims, reason="No."), follow=True
    )

    assert "at most 2 claims at once" in response.text
    assert set(Claim.objects.values_list("status", flat=True)) == {"unreviewed"}


# --- Two editors at the same moment ---------------------------------------------------------


def _post_together(clients: list[Client], url: str, payloads: list[dict]) -> list[int]:
    """POST each payload from its own thread (its own database connection) at the same
    moment; the status codes, in order."""
    barrier = threading.Barrier(len(clients))
    statuses: list[int | None] = [None] * len(clients)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            statuses[index] = clients[index].post(url, payloads[index]).status_code
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return statuses


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("with_versions", [True, False])
def test_two_editors_adding_the_same_evidence_at_once_get_one_row_and_a_form_error(
    with_versions: bool,
) -> None:
    claim = ClaimFactory()
    source = SourceFactory()
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(EditorFactory())
        clients.append(client)

    for _ in range(5):
        Evidence.objects.filter(claim=claim).delete()
        # Both open the page, then both save the same new row at the same moment.
        payloads = [
            change_form_data(
                claim,
                evidence_rows=[{"id": "", "source": str(source.pk), "stance": "supports"}],
                **(loaded_form(client, claim) if with_versions else {}),
            )
            for client in clients
        ]
        statuses = _post_together(clients, url, payloads)

        assert sorted(statuses) == [200, 302]
        assert Evidence.objects.filter(claim=claim).count() == 1
