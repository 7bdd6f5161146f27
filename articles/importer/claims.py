"""One claim per sentence: matching the stored claims to the new sentences, carrying
editorial work over, withdrawing or deleting the claims whose sentence is gone."""

import bisect
import collections
import difflib

from django.db import connection
from django.db.models import Count, Q

from articles.importer.evidence import _importer_evidence_q
from articles.importer.outcome import ImportOutcome, _NeedsForce, _shorten, _WarnedText
from articles.importer.rows import _delete_with_history, _instances_update, _rows_insert
from articles.models import Article
from articles.parser import (
    ParsedArticle,
    ParsedSentence,
)
from claims.models import Claim, ClaimLink, Evidence

# A changed sentence still is "the same claim" when this similar to the old one (difflib ratio)
# and it sits where the old one did, between the same unchanged neighbours.
_CLOSE_MATCH_RATIO = 0.6


# How far from its expected place a changed sentence is looked for, within its gap.
_CLOSE_MATCH_WINDOW = 6


def _claims_sync(
    *,
    article: Article,
    parsed: ParsedArticle,
    is_new: bool,
    reason: str,
    counts: collections.Counter[str],
    outcome: ImportOutcome,
    file_name: str,
    force: bool,
    now,
) -> tuple[list[int], list[tuple[int, int, ParsedSentence]]]:
    """One claim per parsed sentence, in order; editors' work carried over to the new text.

    Returns the claim id of each sentence and the new claims (id, ordinal, sentence), whose
    ids are reserved but whose rows the caller inserts (`_claims_insert`) after their evidence.

    Sentences are matched to the stored claims by exact text first (aligning the two
    sequences, so of two identical sentences the one whose neighbours still match is kept,
    then, for sentences that moved, the remaining claims with the same text), then by a close
    match of text in the same place (an edited sentence keeps its claim, verdict, evidence and
    links). A stored claim left without a sentence is deleted when nobody worked on it, and
    withdrawn otherwise; withdrawing a reviewed claim needs `force`.
    """
    existing = (
        [] if is_new else list(article.claims.current().select_for_update().order_by("ordinal"))
    )
    matched: list[Claim | None] = [None] * len(parsed.sentences)
    aligned: set[int] = set()
    if existing:
        matcher = difflib.SequenceMatcher(
            a=[claim.text for claim in existing],
            b=[sentence.text for sentence in parsed.sentences],
            autojunk=False,
        )
        for block in matcher.get_matching_blocks():
            for offset in range(block.size):
                matched[block.b + offset] = existing[block.a + offset]
                aligned.add(block.a + offset)
    unmatched_by_text: dict[str, collections.deque[Claim]] = {}
    for index, claim in enumerate(existing):
        if index not in aligned:
            unmatched_by_text.setdefault(claim.text, collections.deque()).append(claim)
    for index, sentence in enumerate(parsed.sentences):
        queue = unmatched_by_text.get(sentence.text)
        if matched[index] is None and queue:
            matched[index] = queue.popleft()
    leftover = [claim for queue in unmatched_by_text.values() for claim in queue]
    carried = _close_matches(existing=existing, leftover=leftover, parsed=parsed, matched=matched)
    gone = [claim for claim in leftover if claim.pk not in carried]
    if gone:
        _claims_remove(
            claims=gone,
            reason=reason,
            counts=counts,
            outcome=outcome,
            file_name=file_name,
            force=force,
            now=now,
        )

    # Shifted claims first move above every ordinal in use (old and new), then down to their
    # new place: the unique (article, ordinal) constraint is checked row by row.
    moving: list[tuple[Claim, int]] = []
    changed: list[Claim] = []
    for ordinal, (sentence, claim) in enumerate(zip(parsed.sentences, matched, strict=True)):
        if claim is None:
            continue
        new_values = (ordinal, sentence.start, sentence.end, sentence.paragraph, sentence.text)
        if (claim.ordinal, claim.start, claim.end, claim.paragraph, claim.text) == new_values:
            counts["claims_unchanged"] += 1
            continue
        if claim.ordinal != ordinal:
            moving.append((claim, ordinal))
        if claim.text != sentence.text:
            counts["claims_carried"] += 1
            if claim.status != Claim.Status.UNREVIEWED:
                outcome.changes.append(
                    f"sentence {claim.ordinal + 1} was edited (now sentence {ordinal + 1}); its "
                    f"claim keeps its verdict “{claim.get_status_display()}”: "
                    f"“{_shorten(claim.text)}” → “{_shorten(sentence.text)}”"
                )
        claim.start, claim.end, claim.paragraph = sentence.start, sentence.end, sentence.paragraph
        claim.text = sentence.text
        # A review form opened before this import showed the old text or place: now stale.
        claim.version += 1
        changed.append(claim)
    if moving:
        parking = max([claim.ordinal for claim in existing] + [len(parsed.sentences)]) + 1
        for claim, ordinal in moving:
            claim.ordinal = parking + ordinal
        # A transient state: no history for it, the final update below records the change.
        _instances_update([claim for claim, _ in moving], ["ordinal"])
        for claim, ordinal in moving:
            claim.ordinal = ordinal
    if changed:
        _instances_update(
            changed,
            ["ordinal", "start", "end", "paragraph", "text", "version"],
            history_reason=reason,
        )
    counts["claims_updated"] += len(changed)

    new_sentences = [
        (ordinal, sentence)
        for ordinal, (sentence, claim) in enumerate(zip(parsed.sentences, matched, strict=True))
        if claim is None
    ]
    # Ids now, rows later: the new claims' evidence is written first (foreign keys are checked
    # at commit), so each claim is inserted with its evidence count already right. Evidence
    # added after its claim would update every cited claim's row again: a new row version,
    # every index entry and the text-search vector once more.
    id_by_ordinal = dict(
        zip(
            (ordinal for ordinal, _ in new_sentences),
            _claim_ids_allocate(len(new_sentences)),
            strict=True,
        )
    )
    counts["claims_created"] += len(id_by_ordinal)
    claim_ids = [
        claim.pk if claim is not None else id_by_ordinal[ordinal]
        for ordinal, claim in enumerate(matched)
    ]
    return claim_ids, [
        (id_by_ordinal[ordinal], ordinal, sentence) for ordinal, sentence in new_sentences
    ]


def _claim_ids_allocate(count: int) -> list[int]:
    """`count` fresh claim ids from the table's own identity sequence, ascending."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Claim._meta.db_table, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _claims_insert(
    *,
    article: Article,
    new_claims: list[tuple[int, int, ParsedSentence]],
    search_config: str,
    reason: str,
    evidence_counts: collections.Counter[int],
) -> None:
    """Insert new claims (id, ordinal, sentence) and their history rows, as plain rows.

    The columns are the model's own; the unreviewed defaults are spelled out. Each claim's
    evidence is written already: its count goes in with the row, which the database checks
    (claims/migrations/0015) and so leaves alone.
    """
    columns = [
        "id",
        "article_id",
        "ordinal",
        "text",
        "start",
        "end",
        "paragraph",
        "status",
        "reason",
        "search_config",
        "checkworthy_reasons",
        "version",
        "evidence_count",
    ]
    unreviewed = Claim.Status.UNREVIEWED.value
    rows = [
        (
            claim_id,
            article.pk,
            ordinal,
            sentence.text,
            sentence.start,
            sentence.end,
            sentence.paragraph,
            unreviewed,
            "",
            search_config,
            [],
            0,
            evidence_counts[claim_id],
        )
        for claim_id, ordinal, sentence in new_claims
    ]
    _rows_insert(
        model=Claim,
        columns=columns,
        rows=rows,
        template="(" + ", ".join(["%s"] * (len(columns) - 3)) + ", %s::varchar(200)[], %s, %s)",
        history_reason=reason,
    )


def _close_matches(
    *,
    existing: list[Claim],
    leftover: list[Claim],
    parsed: ParsedArticle,
    matched: list[Claim | None],
) -> set[int]:
    """Give each unmatched claim the most similar unmatched sentence in its place, if close.

    "In its place": between the sentences that its unchanged neighbours now match, and near
    where it would be by position. Returns the primary keys of the claims so carried over.
    """
    if not leftover:
        return set()
    position_of = {claim.pk: index for index, claim in enumerate(existing)}
    # (old position, new position) of every claim matched so far, sorted by old position.
    anchors = sorted(
        (position_of[claim.pk], index) for index, claim in enumerate(matched) if claim is not None
    )
    anchor_olds = [old for old, _new in anchors]
    carried: set[int] = set()
    for claim in sorted(leftover, key=lambda claim: claim.ordinal):
        old = position_of[claim.pk]
        at = bisect.bisect_left(anchor_olds, old)
        previous_old, before = anchors[at - 1] if at else (-1, -1)
        after = anchors[at][1] if at < len(anchors) else len(matched)
        expected = before + (old - previous_old)
        low = max(before + 1, expected - _CLOSE_MATCH_WINDOW)
        high = min(after, expected + _CLOSE_MATCH_WINDOW + 1)
        best, best_ratio = None, _CLOSE_MATCH_RATIO
        for index in range(low, high):
            if matched[index] is not None:
                continue
            matcher = difflib.SequenceMatcher(
                a=claim.text, b=parsed.sentences[index].text, autojunk=False
            )
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio >= best_ratio:
                best, best_ratio = index, ratio
        if best is not None:
            matched[best] = claim
            anchors.insert(at, (old, best))
            anchor_olds.insert(at, old)
            carried.add(claim.pk)
    return carried


def _claims_remove(
    *,
    claims: list[Claim],
    reason: str,
    counts: collections.Counter[str],
    outcome: ImportOutcome,
    file_name: str,
    force: bool,
    now,
) -> None:
    """Claims whose sentence left the article: withdrawn if anyone worked on them, else deleted.

    Worked on: a verdict, evidence an editor added, or a link to another claim. A withdrawn
    claim keeps all of it and its history; the summary lists each one.
    """
    claim_ids = [claim.pk for claim in claims]
    editor_evidence = dict(
        Evidence.objects.filter(claim_id__in=claim_ids)
        .exclude(_importer_evidence_q())
        .values("claim_id")
        .annotate(count=Count("id"))
        .values_list("claim_id", "count")
    )
    linked = _claims_with_links(claim_ids)
    reviewed = [claim for claim in claims if claim.status != Claim.Status.UNREVIEWED]
    if reviewed and not force:
        raise _NeedsForce(reviewed)
    to_withdraw = [
        claim
        for claim in claims
        if claim.status != Claim.Status.UNREVIEWED
        or editor_evidence.get(claim.pk)
        or claim.pk in linked
    ]
    withdrawn_ids = {claim.pk for claim in to_withdraw}
    for claim in to_withdraw:
        kept = []
        if claim.status != Claim.Status.UNREVIEWED:
            kept.append(f"its verdict “{claim.get_status_display()}”")
        evidence_count = editor_evidence.get(claim.pk, 0)
        if evidence_count:
            kept.append(f"{evidence_count} piece{'s' if evidence_count != 1 else ''} of evidence")
        if claim.pk in linked:
            kept.append("its links to other claims")
        text = _shorten(claim.text)
        outcome.warnings.append(
            _WarnedText(
                f"{file_name}: sentence {claim.ordinal + 1} is no longer in the article; its "
                f"claim was withdrawn, keeping {' and '.join(kept)}: “{text}”",
                "claim withdrawn",
            )
        )
        claim.withdrawn_at = now
        claim.version += 1
    if to_withdraw:
        _instances_update(to_withdraw, ["withdrawn_at", "version"], history_reason=reason)
        outcome.withdrawn.extend(claim for claim in to_withdraw if claim in reviewed)
    counts["claims_withdrawn"] += len(to_withdraw)
    deleted = [pk for pk in claim_ids if pk not in withdrawn_ids]
    counts["evidence_removed"] += _delete_with_history(
        Evidence.objects.filter(claim_id__in=deleted), reason=reason
    )
    counts["claims_removed"] += _delete_with_history(
        Claim.objects.filter(pk__in=deleted), reason=reason
    )


def _claims_with_links(claim_ids: list[int]) -> set[int]:
    """Which of the claims are linked to another claim (a ClaimLink at either end)."""
    rows = ClaimLink.objects.filter(
        Q(from_claim_id__in=claim_ids) | Q(to_claim_id__in=claim_ids)
    ).values_list("from_claim_id", "to_claim_id")
    wanted = set(claim_ids)
    return {claim_id for pair in rows for claim_id in pair if claim_id in wanted}
