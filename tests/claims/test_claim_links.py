import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.links import claim_link, claim_link_between, claim_unlink, linked_claims
from claims.models import ClaimLink, LinkSuggestion
from tests.factories import ClaimFactory, EditorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    return ClaimFactory(text="Prices rose 3% in May."), ClaimFactory(text="May prices: up 3%.")


def raw_link(first, second, kind="same") -> ClaimLink:
    return ClaimLink.objects.create(
        from_claim=first, to_claim=second, kind=kind, linked_at=timezone.now()
    )


# --- Constraints --------------------------------------------------------------------------


def test_the_database_refuses_a_self_link(pair) -> None:
    with pytest.raises(IntegrityError, match="claimlink_not_self"), transaction.atomic():
        raw_link(pair[0], pair[0], kind="elaborates")


def test_the_database_refuses_an_unknown_kind(pair) -> None:
    with pytest.raises(IntegrityError, match="claimlink_kind_valid"), transaction.atomic():
        raw_link(*sorted(pair, key=lambda claim: claim.pk), kind="resembles")


def test_the_database_stores_symmetric_links_smaller_id_first(pair) -> None:
    low, high = sorted(pair, key=lambda claim: claim.pk)
    with pytest.raises(IntegrityError, match="claimlink_symmetric_ordered"), transaction.atomic():
        raw_link(high, low, kind="contradicts")
    raw_link(high, low, kind="elaborates")


def test_the_database_keeps_one_link_per_pair_in_either_order(pair) -> None:
    low, high = sorted(pair, key=lambda claim: claim.pk)
    raw_link(high, low, kind="elaborates")
    with pytest.raises(IntegrityError, match="claimlink_unique_pair"), transaction.atomic():
        raw_link(low, high, kind="same")


# --- claim_link / claim_unlink ------------------------------------------------------------


def test_claim_link_orders_symmetric_kinds_and_records_who(pair) -> None:
    editor = EditorFactory()
    low, high = sorted(pair, key=lambda claim: claim.pk)

    link = claim_link(claim=high, other=low, kind="same", user=editor, note=" Same figure. ")

    assert (link.from_claim, link.to_claim) == (low, high)
    assert link.linked_by == editor and link.note == "Same figure."
    record = link.history.get()
    assert record.history_type == "+" and record.history_user == editor


def test_elaborates_keeps_its_direction_and_reads_both_ways(pair) -> None:
    low, high = sorted(pair, key=lambda claim: claim.pk)

    link = claim_link(claim=high, other=low, kind="elaborates", user=EditorFactory())

    assert (link.from_claim, link.to_claim) == (high, low)
    assert [item.label for item in linked_claims(high)] == ["Elaborates on"]
    assert [item.label for item in linked_claims(low)] == ["Elaborated on by"]
    assert linked_claims(low)[0].claim == high


def test_linking_twice_the_same_way_changes_nothing(pair) -> None:
    editor = EditorFactory()
    first = claim_link(claim=pair[0], other=pair[1], kind="same", user=editor)

    again = claim_link(claim=pair[1], other=pair[0], kind="same", user=editor)

    assert again.pk == first.pk
    assert ClaimLink.history.count() == 1


def test_it_refuses_to_overwrite_a_link_of_another_kind_unless_asked(pair) -> None:
    editor = EditorFactory()
    claim_link(claim=pair[0], other=pair[1], kind="same", user=editor)

    with pytest.raises(ValidationError, match="already linked as “Same claim”"):
        claim_link(claim=pair[0], other=pair[1], kind="contradicts", user=editor)
    replaced = claim_link(
        claim=pair[0], other=pair[1], kind="contradicts", user=editor, replace=True
    )

    assert ClaimLink.objects.get().kind == replaced.kind == "contradicts"
    assert [record.kind for record in replaced.history.order_by("history_id")] == [
        "same",
        "contradicts",
    ]


@pytest.mark.parametrize(
    "problem", ["self", "same article", "kind"], ids=["self", "same-article", "bad-kind"]
)
def test_it_refuses_links_that_make_no_sense(pair, problem) -> None:
    claim = pair[0]
    other = {
        "self": claim,
        "same article": ClaimFactory(article=claim.article, text="Another one."),
        "kind": pair[1],
    }[problem]
    with pytest.raises(ValidationError):
        claim_link(
            claim=claim,
            other=other,
            kind="resembles" if problem == "kind" else "same",
            user=EditorFactory(),
        )
    assert not ClaimLink.objects.exists()


def test_unlinking_keeps_the_link_in_history(pair) -> None:
    editor = EditorFactory()
    claim_link(claim=pair[0], other=pair[1], kind="contradicts", user=editor)

    assert claim_unlink(claim=pair[1], other=pair[0], user=editor) is True
    assert claim_unlink(claim=pair[1], other=pair[0], user=editor) is False

    assert claim_link_between(claim=pair[0], other=pair[1]) is None
    assert list(ClaimLink.history.values_list("history_type", "history_user")) == [
        ("-", editor.pk),
        ("+", editor.pk),
    ]


def test_linking_a_suggested_pair_closes_the_suggestion(pair) -> None:
    low, high = sorted(pair, key=lambda claim: claim.pk)
    LinkSuggestion.objects.create(
        first_claim=low, second_claim=high, score=0.5, found_at=timezone.now()
    )

    claim_link(claim=high, other=low, kind="same", user=EditorFactory())

    assert not LinkSuggestion.objects.exists()


# --- The admin's buttons -------------------------------------------------------------------


def link_url(claim) -> str:
    return reverse("admin:claims_claim_link", args=[claim.pk])


def test_an_editor_links_with_one_click_and_goes_back(editor_client: Client, editor, pair):
    change_url = reverse("admin:claims_claim_change", args=[pair[0].pk])

    response = editor_client.post(
        link_url(pair[0]), {"other": pair[1].pk, "kind": "contradicts", "next": change_url}
    )

    assert response.status_code == 302 and response.url == change_url
    link = ClaimLink.objects.get()
    assert link.kind == "contradicts" and link.linked_by == editor


def test_the_link_button_refuses_an_anonymous_visitor(client: Client, pair) -> None:
    response = client.post(link_url(pair[0]), {"other": pair[1].pk, "kind": "same"})

    assert response.status_code == 302 and "/login/" in response.url
    assert not ClaimLink.objects.exists()


def test_the_link_button_refuses_staff_without_the_permission(client: Client, pair) -> None:
    client.force_login(UserFactory(is_staff=True))

    response = client.post(link_url(pair[0]), {"other": pair[1].pk, "kind": "same"})

    assert response.status_code == 403
    assert not ClaimLink.objects.exists()


def test_the_link_button_takes_no_get(editor_client: Client, pair) -> None:
    response = editor_client.get(link_url(pair[0]), {"other": pair[1].pk, "kind": "same"})

    assert response.status_code == 405


def test_the_link_button_needs_the_csrf_token(editor, pair) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post(link_url(pair[0]), {"other": pair[1].pk, "kind": "same"})

    assert response.status_code == 403
    assert not ClaimLink.objects.exists()


@pytest.mark.parametrize("other", ["", "abc", "99999999", "9" * 30])
def test_junk_in_the_link_form_is_a_message_not_an_error(editor_client, pair, other) -> None:
    response = editor_client.post(link_url(pair[0]), {"other": other, "kind": "same"}, follow=True)

    assert response.status_code == 200
    assert "There is no claim to link to" in response.text
    assert not ClaimLink.objects.exists()


def test_a_refused_link_says_why(editor_client, pair) -> None:
    response = editor_client.post(
        link_url(pair[0]), {"other": pair[0].pk, "kind": "same"}, follow=True
    )

    assert "cannot be linked to itself" in response.text


def test_it_never_redirects_off_site(editor_client, pair) -> None:
    response = editor_client.post(
        link_url(pair[0]), {"other": pair[1].pk, "kind": "same", "next": "https://evil.example/"}
    )

    assert response.url == reverse("admin:claims_claim_change", args=[pair[0].pk])


def test_an_editor_removes_a_link_from_the_claim_page(editor_client, editor, pair) -> None:
    link = claim_link(claim=pair[0], other=pair[1], kind="same", user=editor)

    page = editor_client.get(reverse("admin:claims_claim_change", args=[pair[1].pk]))
    response = editor_client.post(
        reverse("admin:claims_claim_unlink", args=[pair[1].pk, link.pk]), follow=True
    )

    assert "Remove link" in page.text
    assert "Link removed" in response.text
    assert not ClaimLink.objects.exists()


def test_a_claims_history_page_shows_its_links(editor_client, editor, pair) -> None:
    claim_link(claim=pair[0], other=pair[1], kind="contradicts", user=editor)
    claim_unlink(claim=pair[0], other=pair[1], user=editor)

    page = editor_client.get(reverse("admin:claims_claim_history", args=[pair[1].pk])).text

    section = page[page.index('id="claim-timeline"') :]
    assert f"Linked: contradicts #{pair[0].pk}" in section
    assert f"Link removed: contradicts #{pair[0].pk}" in section
    assert section.count(editor.username) == 2


def test_the_claim_link_admin_stores_symmetric_links_in_order(editor_client, pair) -> None:
    low, high = sorted(pair, key=lambda claim: claim.pk)

    response = editor_client.post(
        reverse("admin:claims_claimlink_add"),
        {"from_claim": high.pk, "to_claim": low.pk, "kind": "same", "note": ""},
    )

    assert response.status_code == 302
    link = ClaimLink.objects.get()
    assert (link.from_claim, link.to_claim) == (low, high)
