"""The evidence an article's own citations make: one "cited" row per claim and source."""

import collections

from django.db.models import Q
from django.utils import timezone

from articles.importer.rows import _delete_with_history, _rows_insert
from articles.parser import ParsedArticle
from claims.models import Evidence
from claims.services import claim_touch
from sources.models import Source


def _importer_evidence_q() -> Q:
    # What the importer owns: links it made from the article's own citations. Anything else
    # (another stance, or a named editor) is an editor's and is never touched.
    return Q(stance=Evidence.Stance.CITED, added_by__isnull=True)


def _cited_evidence_sync(
    *,
    claim_ids: list[int],
    parsed: ParsedArticle,
    cited_sources: dict[int, Source],
    created_claim_ids: set[int],
    reason: str,
    counts: collections.Counter[str],
) -> collections.Counter[int]:
    """A "cited" evidence row per (claim, source) the article's markers make; drop stale ones.

    Returns how many evidence rows each claim gained.

    `cited_sources` gives the source of each resolved citation by its index; an unresolved
    marker cites nothing yet. A claim that was there before this import and gains or loses
    evidence here gets a new version, so a review form opened before it is refused as stale.
    """
    is_new = len(created_claim_ids) == len(claim_ids)
    wanted: set[tuple[int, int]] = set()
    for claim_id, sentence in zip(claim_ids, parsed.sentences, strict=True):
        for index in sentence.citation_indexes:
            source = cited_sources.get(index)
            if source is not None:
                wanted.add((claim_id, source.pk))

    present: set[tuple[int, int]] = set()
    stale: list[int] = []
    stale_claim_ids: list[int] = []
    if not is_new:
        # Claims made by this import have no evidence yet (their rows come after it).
        rows = Evidence.objects.filter(
            claim_id__in=[claim_id for claim_id in claim_ids if claim_id not in created_claim_ids],
            stance=Evidence.Stance.CITED,
        ).values_list("pk", "claim_id", "source_id", "added_by_id")
        for pk, claim_id, source_id, added_by_id in rows:
            present.add((claim_id, source_id))
            if added_by_id is None and (claim_id, source_id) not in wanted:
                stale.append(pk)
                stale_claim_ids.append(claim_id)
    if stale:
        counts["evidence_removed"] += _delete_with_history(
            Evidence.objects.filter(pk__in=stale), reason=reason
        )
    now = timezone.now()
    cited = Evidence.Stance.CITED.value
    to_create = [
        (claim_id, source_id, cited, "", None, now)
        for claim_id, source_id in sorted(wanted - present)
    ]
    _rows_insert(
        model=Evidence,
        columns=["claim_id", "source_id", "stance", "quote", "added_by_id", "added_at"],
        rows=to_create,
        history_reason=reason,
    )
    counts["evidence_created"] += len(to_create)
    touched = {claim_id for claim_id, _ in wanted - present} - created_claim_ids
    touched |= set(stale_claim_ids)
    if touched:
        claim_touch(touched)
    return collections.Counter(claim_id for claim_id, *_ in to_create)
