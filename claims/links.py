"""Links between claims: the one place they are made and removed, always with who and when.

Both functions save through django-simple-history, so a link's creation, change of kind or note,
and removal each leave a history row with the editor; a claim's timeline shows the rows of the
links that touch it. Both count as a change of each claim (`claims.services.claim_touch`): a
page loaded before it is stale.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from claims.models import Claim, ClaimLink, LinkSuggestion
from claims.services import claim_touch

NOTE_MAX_LENGTH = 2000


def claim_link_ends(*, claim: Claim, other: Claim, kind: str) -> tuple[Claim, Claim]:
    """The (from, to) order a link of `kind` is stored in: symmetric kinds smaller id first."""
    if kind in ClaimLink.SYMMETRIC_KINDS and other.pk < claim.pk:
        return other, claim
    return claim, other


def claim_link_between(*, claim: Claim | int, other: Claim | int) -> ClaimLink | None:
    return _pair(claim, other).first()


def claim_link(
    *,
    claim: Claim,
    other: Claim,
    kind: str,
    user: AbstractBaseUser,
    note: str = "",
    replace: bool = False,
) -> ClaimLink:
    """Link `claim` to `other` as `kind` ("claim elaborates on other" for elaborates).

    Linking a pair again with the same kind and direction returns the existing link (a double
    click changes nothing). A pair already linked otherwise is refused unless `replace` is set:
    an editor's link is never overwritten by accident.
    """
    if kind not in ClaimLink.Kind.values:
        raise ValidationError({"kind": f"“{kind}” is not a kind of link; choose one listed."})
    if claim.pk == other.pk:
        raise ValidationError("A claim cannot be linked to itself.")
    if claim.article_id == other.article_id:
        raise ValidationError(
            f"Links join sentences of different articles; both of these are in “{claim.article}”."
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": f"Keep the note under {NOTE_MAX_LENGTH} characters."})
    from_claim, to_claim = claim_link_ends(claim=claim, other=other, kind=kind)
    with transaction.atomic():
        existing = _pair(claim, other).select_for_update().first()
        if existing is not None:
            unchanged = (
                existing.kind == kind
                and existing.from_claim_id == from_claim.pk
                and existing.to_claim_id == to_claim.pk
            )
            if unchanged and (not note or note == existing.note):
                return existing
            if not replace and not unchanged:
                raise ValidationError(
                    "These claims are already linked as “"
                    f"{existing.get_kind_display()}”; remove that link first or replace it."
                )
            existing.kind = kind
            existing.from_claim, existing.to_claim = from_claim, to_claim
            existing.note = note or existing.note
            existing.linked_by = user
            existing.linked_at = timezone.now()
            existing._history_user = user
            existing.save()
            claim_touch([claim.pk, other.pk])
            return existing
        link = ClaimLink(
            from_claim=from_claim,
            to_claim=to_claim,
            kind=kind,
            note=note,
            linked_by=user,
            linked_at=timezone.now(),
        )
        link._history_user = user
        try:
            with transaction.atomic():
                link.save()
        except IntegrityError as error:
            # Another editor linked the same pair between our check and our insert.
            raise ValidationError(
                "Someone else has just linked these claims; reload the page to see how."
            ) from error
        # The pair is decided: it leaves the list of suggestions to review.
        low, high = sorted((claim.pk, other.pk))
        LinkSuggestion.objects.filter(first_claim_id=low, second_claim_id=high).delete()
        claim_touch([low, high])
    return link


def claim_unlink(
    *, user: AbstractBaseUser, link: ClaimLink | None = None, claim=None, other=None
) -> bool:
    """Remove a link, given itself or its two claims; False when there was none."""
    if link is None:
        if claim is None or other is None:
            raise TypeError("claim_unlink needs the link or both of its claims")
        link = claim_link_between(claim=claim, other=other)
        if link is None:
            return False
    link._history_user = user
    with transaction.atomic():
        link.delete()
        claim_touch([link.from_claim_id, link.to_claim_id])
    return True


def claim_links(claim: Claim) -> QuerySet:
    """Every link touching `claim`, with both ends and their articles loaded for display."""
    return (
        ClaimLink.objects.touching(claim)
        .select_related("from_claim__article__outlet", "to_claim__article__outlet", "linked_by")
        .defer(
            *(
                f"{end}__{field}"
                for end in ("from_claim", "to_claim")
                for field in ("search_vector", "article__body", "article__metadata")
            )
        )
        .order_by("kind", "-linked_at", "id")
    )


@dataclass
class LinkedClaim:
    """A link as seen from one of its claims: how it relates, and the claim at the other end."""

    link: ClaimLink
    label: str
    claim: Claim

    @property
    def text(self) -> str:
        """The other claim's sentence as readers quote it, without citation markers."""
        from claims.support import without_markers

        return without_markers(self.claim.text)


def linked_claims(claim: Claim, *, limit: int | None = None) -> list[LinkedClaim]:
    """The claims linked to `claim`, grouped by kind, newest link first; one query."""
    links = claim_links(claim)
    if limit is not None:
        links = links[:limit]
    return [
        LinkedClaim(link=link, label=link.label_from(claim), claim=link.other_end(claim))
        for link in links
    ]


def _pair(claim: Claim | int, other: Claim | int) -> QuerySet:
    """The link of this pair in either order (at most one: claimlink_unique_pair)."""
    claim_id = claim if isinstance(claim, int) else claim.pk
    other_id = other if isinstance(other, int) else other.pk
    return ClaimLink.objects.filter(
        Q(from_claim_id=claim_id, to_claim_id=other_id)
        | Q(from_claim_id=other_id, to_claim_id=claim_id)
    )
