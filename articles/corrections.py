"""Editors' corrections of what an import stored: article metadata and unresolved markers.

Both are editorial work a re-import keeps: a corrected field is listed in
`Article.corrected_fields` (the importer leaves it alone from then on), and a marker an editor
resolved carries `resolved_by` (the importer resolves the same marker the same way again).
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from articles.models import Article, Citation, Reference
from claims.models import Claim, Evidence
from claims.services import claim_lock, claim_touch

# What an editor may correct, by the name the importer and `corrected_fields` use.
CORRECTABLE_FIELDS = ("title", "outlet", "published_on", "url", "byline")


def article_record_corrections(*, article: Article, fields: Iterable[str]) -> list[str]:
    """Mark `fields` as corrected by an editor (saved); returns the new list."""
    fields = set(fields)
    unknown = fields - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValueError(f"not correctable: {sorted(unknown)}")
    corrected = sorted(set(article.corrected_fields or []) | fields)
    if corrected != sorted(article.corrected_fields or []):
        article.corrected_fields = corrected
        Article.objects.filter(pk=article.pk).update(corrected_fields=corrected)
    return corrected


def citation_claim(citation: Citation) -> Claim | None:
    """The current claim whose sentence the marker belongs to: the one holding it, else the
    sentence just before it in the same paragraph (markers after the full stop)."""
    claims = Claim.objects.current().filter(article_id=citation.article_id)
    holding = claims.filter(start__lte=citation.start, end__gt=citation.start).first()
    if holding is not None:
        return holding
    before = claims.filter(end__lte=citation.start).order_by("-end").first()
    if before is None:
        return None
    body = Article.objects.filter(pk=citation.article_id).values_list("body", flat=True).get()
    between = body[before.end : citation.start]
    return before if "\n\n" not in between and len(between.strip()) <= 3 else None


def citation_resolve(
    *, citation: Citation, reference: Reference | None, user: AbstractBaseUser
) -> Evidence | None:
    """Point a marker at an entry of its article's reference list, on behalf of `user`.

    The sentence holding the marker gets the entry's source as cited evidence (its claim's
    version goes up, so open review forms of it are stale). `reference=None` undoes a
    resolution; evidence already on the claim stays (an editor removes it on the claim).
    """
    if reference is not None and reference.article_id != citation.article_id:
        raise ValidationError({"reference": "Pick an entry of this article's own reference list."})
    with transaction.atomic():
        citation.reference = reference
        citation.source_id = reference.source_id if reference is not None else None
        citation.resolved_by = user if reference is not None else None
        citation.save(update_fields=["reference", "source", "resolved_by"])
        if reference is None:
            return None
        claim = citation_claim(citation)
        if claim is None:
            return None
        claim_lock(claim.pk)
        evidence = Evidence.objects.filter(
            claim=claim, source_id=reference.source_id, stance=Evidence.Stance.CITED
        ).first()
        if evidence is None:
            evidence = Evidence(
                claim=claim,
                source_id=reference.source_id,
                stance=Evidence.Stance.CITED,
                added_by=user,
            )
            evidence._history_user = user
            evidence._change_reason = f"resolved marker {citation.label}"[:100]
            evidence.save()
            claim_touch([claim.pk])
        return evidence
