import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims.admin import ClaimAdmin
from claims.models import Claim
from claims.services import claim_set_verdict, claims_set_verdict
from tests.factories import ArticleFactory, ClaimFactory, EditorFactory

pytestmark = pytest.mark.django_db


def test_it_records_the_verdict_the_reviewer_and_the_time() -> None:
    claim = ClaimFactory()
    editor = EditorFactory()
    before = timezone.now()

    claim_set_verdict(
        claim=claim, status=Claim.Status.CONTESTED, reason="  Two sources disagree.  ", user=editor
    )

    claim.refresh_from_db()
    assert claim.status == Claim.Status.CONTESTED
    assert claim.reason == "Two sources disagree."
    assert claim.reviewed_by == editor
    assert before <= claim.reviewed_at <= timezone.now()


def test_it_writes_a_history_row_naming_the_editor_and_the_old_and_new_status() -> None:
    claim = ClaimFactory()
    editor = EditorFactory()

    claim_set_verdict(claim=claim, status=Claim.Status.FALSE, reason="Census says no.", user=editor)

    latest, previous = claim.history.all()[:2]
    assert latest.history_user == editor
    assert latest.history_change_reason == "False: Census says no."
    delta = latest.diff_against(previous)
    status_change = next(change for change in delta.changes if change.field == "status")
    assert (status_change.old, status_change.new) == ("unreviewed", "false")


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_it_rejects_a_verdict_without_a_reason_and_changes_nothing(reason: str) -> None:
    claim = ClaimFactory()
    history_rows = claim.history.count()

    with pytest.raises(ValidationError) as raised:
        claim_set_verdict(
            claim=claim, status=Claim.Status.SUPPORTED, reason=reason, user=EditorFactory()
        )

    assert "reason" in raised.value.message_dict
    claim.refresh_from_db()
    assert claim.status == Claim.Status.UNREVIEWED
    assert claim.reviewed_by is None
    assert claim.history.count() == history_rows


def test_it_rejects_an_unknown_status() -> None:
    claim = ClaimFactory()

    with pytest.raises(ValidationError) as raised:
        claim_set_verdict(claim=claim, status="probably", reason="Hmm.", user=EditorFactory())

    assert "status" in raised.value.message_dict
    claim.refresh_from_db()
    assert claim.status == Claim.Status.UNREVIEWED


def test_a_reset_clears_the_reason_but_keeps_who_reset_it_and_why_in_the_history() -> None:
    first_editor, second_editor = EditorFactory(), EditorFactory()
    claim = ClaimFactory()
    claim_set_verdict(claim=claim, status=Claim.Status.FALSE, reason="Wrong.", user=first_editor)

    claim_set_verdict(
        claim=claim,
        status=Claim.Status.UNREVIEWED,
        reason="The article was corrected.",
        user=second_editor,
    )

    claim.refresh_from_db()
    assert claim.status == Claim.Status.UNREVIEWED
    assert claim.reason == ""
    assert claim.reviewed_by == second_editor
    assert claim.reviewed_at is not None
    latest = claim.history.first()
    assert latest.history_user == second_editor
    assert latest.history_change_reason == "Unreviewed: The article was corrected."


def test_it_keeps_a_long_reason_whole_in_the_history() -> None:
    claim = ClaimFactory()
    reason = "The evidence is long. " * 20

    claim_set_verdict(
        claim=claim, status=Claim.Status.UNVERIFIABLE, reason=reason, user=EditorFactory()
    )

    claim.refresh_from_db()
    assert claim.reason == reason.strip()
    change_reason = claim.history.first().history_change_reason
    assert change_reason == f"Unverifiable: {reason.strip()}"


def test_it_refuses_a_reason_longer_than_the_limit_and_changes_nothing() -> None:
    claim = ClaimFactory()

    with pytest.raises(ValidationError, match="under 5,000 characters"):
        claim_set_verdict(claim=claim, status="false", reason="x" * 5001, user=EditorFactory())

    claim.refresh_from_db()
    assert (claim.status, claim.reason, claim.history.count()) == ("unreviewed", "", 1)


def test_bulk_verdicts_change_every_claim_and_write_one_history_row_each() -> None:
    editor = EditorFactory()
    chosen = ClaimFactory.create_batch(3)
    untouched = ClaimFactory()

    changed = claims_set_verdict(
        claims=Claim.objects.filter(pk__in=[claim.pk for claim in chosen]),
        status=Claim.Status.SUPPORTED,
        reason="Matches the official figures.",
        user=editor,
    )

    assert changed == 3
    for claim in chosen:
        claim.refresh_from_db()
        assert claim.status == Claim.Status.SUPPORTED
        assert claim.reason == "Matches the official figures."
        assert claim.reviewed_by == editor
        latest = claim.history.first()
        assert latest.history_user == editor
        assert latest.history_type == "~"
        assert latest.status == Claim.Status.SUPPORTED
        assert latest.history_change_reason == "Supported: Matches the official figures."
    untouched.refresh_from_db()
    assert untouched.status == Claim.Status.UNREVIEWED


def test_bulk_verdicts_accept_the_admins_annotated_queryset() -> None:
    article = ArticleFactory()
    ClaimFactory.create_batch(2, article=article)
    annotated = ClaimAdmin(Claim, admin_site=None).get_queryset(request=None)

    changed = claims_set_verdict(
        claims=annotated.filter(article=article),
        status=Claim.Status.NOT_A_CLAIM,
        reason="An opinion.",
        user=EditorFactory(),
    )

    assert changed == 2
    assert set(article.claims.values_list("status", flat=True)) == {Claim.Status.NOT_A_CLAIM}


def test_bulk_verdicts_without_a_reason_change_nothing() -> None:
    claims = ClaimFactory.create_batch(2)
    history_rows = sum(claim.history.count() for claim in claims)

    with pytest.raises(ValidationError):
        claims_set_verdict(
            claims=Claim.objects.all(), status=Claim.Status.FALSE, reason=" ", user=EditorFactory()
        )

    assert set(Claim.objects.values_list("status", flat=True)) == {Claim.Status.UNREVIEWED}
    assert sum(claim.history.count() for claim in claims) == history_rows


def test_bulk_reset_keeps_the_reviewer_and_stores_an_empty_reason() -> None:
    editor = EditorFactory()
    claim = ClaimFactory(
        status=Claim.Status.FALSE,
        reason="Wrong.",
        reviewed_at=timezone.now() - datetime.timedelta(days=3),
    )

    claims_set_verdict(
        claims=Claim.objects.filter(pk=claim.pk),
        status=Claim.Status.UNREVIEWED,
        reason="Reviewed too quickly.",
        user=editor,
    )

    claim.refresh_from_db()
    assert claim.status == Claim.Status.UNREVIEWED
    assert claim.reason == ""
    assert claim.reviewed_by == editor
    assert claim.reviewed_at > timezone.now() - datetime.timedelta(minutes=1)
    assert claim.history.first().history_change_reason == "Unreviewed: Reviewed too quickly."
