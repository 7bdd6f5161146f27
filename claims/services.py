"""Verdicts: the one place a claim's status, reason and reviewer change.

Both functions save through django-simple-history, so every verdict leaves a history row with
the editor, the time, the old and new values and the editor's reason as the change reason.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from claims.models import Claim

VERDICT_FIELDS = ["status", "reason", "reviewed_by", "reviewed_at"]
# HistoricalClaim.history_change_reason is a CharField(max_length=100).
CHANGE_REASON_MAX_LENGTH = 100
BULK_BATCH_SIZE = 500


def claim_verdict_validate(*, status: str, reason: str) -> tuple[str, str]:
    """The status and the stripped reason, or a ValidationError keyed by field."""
    if status not in Claim.Status.values:
        raise ValidationError(
            {"status": f"“{status}” is not a verdict; choose one of the listed statuses."}
        )
    reason = (reason or "").strip()
    if status != Claim.Status.UNREVIEWED and not reason:
        label = Claim.Status(status).label
        raise ValidationError(
            {"reason": f"Give a reason for “{label}”: readers see it next to the verdict."}
        )
    return status, reason


def claim_set_verdict(*, claim: Claim, status: str, reason: str, user: AbstractBaseUser) -> Claim:
    """Give one claim a verdict (or reset it to unreviewed) on behalf of `user`."""
    status, reason = claim_verdict_validate(status=status, reason=reason)
    with transaction.atomic():
        _apply_verdict(claim, status=status, reason=reason, user=user, now=timezone.now())
        claim._history_user = user
        claim._change_reason = _change_reason(status=status, reason=reason)
        claim.save(update_fields=VERDICT_FIELDS)
    return claim


def claims_set_verdict(
    *, claims: QuerySet, status: str, reason: str, user: AbstractBaseUser
) -> int:
    """Give every claim in `claims` the same verdict; all of them or, on error, none."""
    status, reason = claim_verdict_validate(status=status, reason=reason)
    now = timezone.now()
    change_reason = _change_reason(status=status, reason=reason)
    # The admin hands over an annotated queryset, and FOR UPDATE refuses GROUP BY, so lock
    # the plain rows by primary key.
    locked = (
        Claim.objects.filter(pk__in=claims.order_by().values("pk"))
        .select_for_update()
        .order_by("pk")
    )
    updated = 0
    with transaction.atomic():
        batch: list[Claim] = []
        for claim in locked.iterator(chunk_size=BULK_BATCH_SIZE):
            _apply_verdict(claim, status=status, reason=reason, user=user, now=now)
            batch.append(claim)
            if len(batch) == BULK_BATCH_SIZE:
                updated += _save_batch(batch, user=user, change_reason=change_reason, now=now)
                batch = []
        if batch:
            updated += _save_batch(batch, user=user, change_reason=change_reason, now=now)
    return updated


def _apply_verdict(
    claim: Claim, *, status: str, reason: str, user: AbstractBaseUser, now: datetime.datetime
) -> None:
    claim.status = status
    # The database allows an empty reason only for unreviewed claims; a reset keeps its
    # reason in the history row instead, and who reset it and when stay on the claim.
    claim.reason = "" if status == Claim.Status.UNREVIEWED else reason
    claim.reviewed_by = user
    claim.reviewed_at = now


def _save_batch(
    batch: list[Claim], *, user: AbstractBaseUser, change_reason: str, now: datetime.datetime
) -> int:
    return bulk_update_with_history(
        batch,
        Claim,
        VERDICT_FIELDS,
        default_user=user,
        default_change_reason=change_reason,
        default_date=now,
    )


def _change_reason(*, status: str, reason: str) -> str:
    label = Claim.Status(status).label
    text = f"{label}: {reason}" if reason else label
    if len(text) > CHANGE_REASON_MAX_LENGTH:
        text = text[: CHANGE_REASON_MAX_LENGTH - 1] + "…"
    return text
