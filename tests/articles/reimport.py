"""Helpers shared by the re-import tests: a verdict given by hand, a one-place edit."""

from django.utils import timezone

from claims.models import Claim


def give_verdict(claim: Claim, editor, status: str = Claim.Status.CONTESTED) -> None:
    claim.status = status
    claim.reason = "Two outlets give different casualty figures."
    claim.reviewed_by = editor
    claim.reviewed_at = timezone.now()
    claim.save()


def replace_once(data: bytes, old: str, new: str) -> bytes:
    assert data.count(old.encode()) == 1
    return data.replace(old.encode(), new.encode())
