"""Verdicts and the claim lock: the one place a claim's status, reason and reviewer change.

Every verdict saves through django-simple-history, so it leaves a history row with the editor,
the time, the old and new values and the editor's reason as the change reason.

Optimistic locking: `Claim.version` goes up with every editorial change of a claim (verdict,
evidence, links). A page that edits a claim sends back the version it was loaded with; the
write locks the claim's row (SELECT … FOR UPDATE, so two saves of one claim take turns) and is
refused with `ClaimChanged` when the version moved on meanwhile: another editor's work is never
overwritten by a stale form, and the refused editor's input is shown again beside what changed.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from claims.models import Claim

VERDICT_FIELDS = ["status", "reason", "reviewed_by", "reviewed_at", "version"]
# Long enough for any real argument with its sources; short enough that a paste accident (the
# whole article, 56,000 characters) is caught. The admin and the desk count down to it.
REASON_MAX_LENGTH = 5000
BULK_BATCH_SIZE = 500
# A bulk verdict carries every selected claim's version through its confirmation page; past
# this many, one reason for all of them is not an editorial decision anyway.
BULK_MAX_CLAIMS = 5000


class ClaimChanged(Exception):
    """A write made on a page loaded before the claim's latest change; nothing was written."""

    def __init__(self, claims: list[Claim], *, loaded_version: int | None = None) -> None:
        self.claims = claims
        self.loaded_version = loaded_version
        count = len(claims)
        noun = "this claim" if count == 1 else f"{count} of these claims"
        super().__init__(
            f"Not saved: another editor changed {noun} after you opened the page. Their changes "
            "are shown below; yours are still in the form — check them and save again."
        )


def claim_lock(claim_id: int, *, expected_version: int | None = None) -> Claim:
    """The claim's row, locked until the transaction ends; `ClaimChanged` when stale.

    Must run inside a transaction. A second save of the same claim waits here for the first to
    commit, then sees its version: the check and the write can never interleave.
    """
    claim = Claim.objects.select_for_update().defer("search_vector").get(pk=claim_id)
    if expected_version is not None and claim.version != expected_version:
        raise ClaimChanged([claim], loaded_version=expected_version)
    return claim


def claim_touch(claim_ids: Iterable[int]) -> None:
    """Record that these claims changed in something other than their own row (evidence,
    links): pages loaded before now are stale."""
    Claim.objects.filter(pk__in=list(claim_ids)).update(version=F("version") + 1)


def claim_verdict_validate(*, status: str, reason: str) -> tuple[str, str]:
    """The status and the stripped reason, or a ValidationError keyed by field."""
    if status not in Claim.Status.values:
        raise ValidationError(
            {"status": f"“{status}” is not a verdict; choose one of the listed statuses."}
        )
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": f"Keep the reason under {REASON_MAX_LENGTH:,} characters (this one has "
                f"{len(reason):,}): readers read it beside the verdict."
            }
        )
    if status != Claim.Status.UNREVIEWED and not reason:
        label = Claim.Status(status).label
        raise ValidationError(
            {"reason": f"Give a reason for “{label}”: readers see it next to the verdict."}
        )
    return status, reason


def claim_verdict_changes(claim: Claim, *, status: str, reason: str) -> bool:
    """Whether giving `status` and `reason` changes anything (a reset ignores the reason)."""
    if status == Claim.Status.UNREVIEWED:
        return claim.status != Claim.Status.UNREVIEWED
    return (claim.status, claim.reason) != (status, reason)


def claim_set_verdict(
    *,
    claim: Claim,
    status: str,
    reason: str,
    user: AbstractBaseUser,
    expected_version: int | None = None,
) -> Claim:
    """Give one claim a verdict (or reset it to unreviewed) on behalf of `user`.

    With `expected_version`, refused (`ClaimChanged`) when the claim changed since the page was
    loaded. The same verdict and reason again changes nothing and writes no history.
    """
    status, reason = claim_verdict_validate(status=status, reason=reason)
    with transaction.atomic():
        stored = claim_lock(claim.pk, expected_version=expected_version)
        if not claim_verdict_changes(stored, status=status, reason=reason):
            claim.version = stored.version
            return claim
        _apply_verdict(claim, status=status, reason=reason, user=user, now=timezone.now())
        claim.version = stored.version + 1
        claim._history_user = user
        claim._change_reason = _change_reason(status=status, reason=reason)
        claim.save(update_fields=VERDICT_FIELDS)
    return claim


def claims_set_verdict(
    *,
    claims: QuerySet,
    status: str,
    reason: str,
    user: AbstractBaseUser,
    expected_versions: dict[int, int] | None = None,
) -> int:
    """Give every claim in `claims` the same verdict; all of them or, on error, none.

    With `expected_versions` ({claim id: version seen}), refused with `ClaimChanged` naming
    every claim that changed since (or is not among those seen): nothing is written.
    """
    status, reason = claim_verdict_validate(status=status, reason=reason)
    now = timezone.now()
    change_reason = _change_reason(status=status, reason=reason)
    # The admin hands over an annotated queryset, and FOR UPDATE refuses GROUP BY, so lock
    # the plain rows by primary key.
    locked = (
        Claim.objects.filter(pk__in=claims.order_by().values("pk"))
        .select_for_update()
        .defer("search_vector")
        .order_by("pk")
    )
    updated = 0
    with transaction.atomic():
        if expected_versions is not None:
            rows = list(locked)
            changed = [
                claim for claim in rows if expected_versions.get(claim.pk, -1) != claim.version
            ]
            if changed:
                raise ClaimChanged(changed)
        else:
            rows = locked.iterator(chunk_size=BULK_BATCH_SIZE)
        batch: list[Claim] = []
        for claim in rows:
            if not claim_verdict_changes(claim, status=status, reason=reason):
                continue
            _apply_verdict(claim, status=status, reason=reason, user=user, now=now)
            claim.version += 1
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
    return f"{label}: {reason}" if reason else label
