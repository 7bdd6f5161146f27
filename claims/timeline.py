"""One history per claim: its verdicts, reasons, evidence and links, in one timeline.

Read from django-simple-history's three tables (claims, evidence, claim links), each row
compared with the row before it for the same object, so every entry says who, when, what and
old → new, with the editor's whole reason. One query, however long the history: a UNION of the
claim's rows (by `id`), its evidence's (by `claim_id`) and its links' (by either end), each off
its index, with the editors, the sources and the claims at the links' other ends.

The admin shows every entry; readers (`for_readers=True`) see the editorial ones — verdicts,
evidence an editor added, changed or removed, links — and not the import's own bookkeeping.
"""

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db import connections, router

from claims.models import Claim, ClaimLink, Evidence
from sources.models import Outlet, Source

# Newest rows read per table: a claim's whole life, in practice; a bound, whatever happens.
TIMELINE_ROWS_PER_TABLE = 300
VERDICT_KINDS = frozenset({"first", "verdict", "reason", "withdrawal", "republished"})
# Legacy rows (before the change reason was text) were cut to this length with "…".
LEGACY_CHANGE_REASON_LENGTH = 100


@dataclass
class Change:
    """One field's old and new value, as editors read them (labels, not codes)."""

    label: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    at: datetime
    user: object | None  # the editor (a user), None for imports and commands
    # first, verdict, reason, withdrawal, republished (verdicts); imported, deleted, sentence,
    # withdrawn_from_article, back_in_article (imports); evidence_added, evidence_changed,
    # evidence_removed; link_added, link_changed, link_removed
    kind: str
    title: str
    changes: list[Change] = field(default_factory=list)
    # The editor's reason in full (a verdict's reason, a withdrawal's, a link's note).
    reason: str = ""
    reason_shortened: bool = False
    # Verdict entries only: the status before and after (codes, for badges).
    old_status: str = ""
    new_status: str = ""
    # The history row, for "revert to this" (claim rows) and for ordering ties.
    record: object = None
    order: tuple = ()

    @property
    def is_editorial(self) -> bool:
        return self.kind not in {"imported", "deleted", "sentence"} and not (
            self.kind.startswith("evidence") and self.user is None
        )

    @property
    def is_verdict(self) -> bool:
        return self.kind in VERDICT_KINDS


def _label(choices: type, value: str) -> str:
    """A stored choice as editors read it ("contested" → "Contested"), or the value itself."""
    try:
        return choices(value).label
    except ValueError:
        return value or "—"


def _source_name(record: object) -> str:
    if record.source is None:
        return f"source #{record.source_id} (since deleted)"
    return str(record.source) if record.source.title else (record.source.url or str(record.source))


def withdrawal_reason(record: object) -> tuple[str, bool]:
    """The reason an editor gave for withdrawing a verdict, and whether it was cut short.

    An unreviewed claim keeps no reason of its own, so a reset's reason lives in the history
    row's change reason, "Unreviewed: <reason>" — whole since the change reason became text;
    rows written before that were cut to 100 characters."""
    change_reason = record.history_change_reason or ""
    prefix = f"{Claim.Status.UNREVIEWED.label}: "
    if not change_reason.startswith(prefix):
        return "", False
    reason = change_reason.removeprefix(prefix)
    shortened = len(change_reason) == LEGACY_CHANGE_REASON_LENGTH and reason.endswith("…")
    return reason, shortened


def _claim_entries(records: list) -> list[TimelineEntry]:
    entries = []
    previous = None
    published_before = False
    for record in records:
        order = (record.history_date, 0, record.history_id)
        common = {"at": record.history_date, "user": record.history_user, "record": record}
        if record.history_type == "+":
            entries.append(
                TimelineEntry(
                    kind="imported",
                    title="Imported",
                    reason=record.history_change_reason or "",
                    order=order,
                    **common,
                )
            )
            if record.status != Claim.Status.UNREVIEWED:
                entries.append(_verdict_entry(None, record, order, published_before=False))
        elif record.history_type == "-":
            entries.append(
                TimelineEntry(
                    kind="deleted",
                    title="Claim deleted",
                    reason=record.history_change_reason or "",
                    order=order,
                    **common,
                )
            )
        elif previous is not None:
            if (record.status, record.reason) != (previous.status, previous.reason):
                entries.append(
                    _verdict_entry(previous, record, order, published_before=published_before)
                )
            if record.text != previous.text:
                entries.append(
                    TimelineEntry(
                        kind="sentence",
                        title="Sentence changed by a re-import",
                        changes=[Change("Sentence", previous.text, record.text)],
                        reason=record.history_change_reason or "",
                        order=order,
                        **common,
                    )
                )
            if bool(record.withdrawn_at) != bool(previous.withdrawn_at):
                gone = record.withdrawn_at is not None
                entries.append(
                    TimelineEntry(
                        kind="withdrawn_from_article" if gone else "back_in_article",
                        title="Sentence no longer in the article (a re-import removed it)"
                        if gone
                        else "Sentence back in the article",
                        reason=record.history_change_reason or "",
                        order=order,
                        **common,
                    )
                )
        published_before = published_before or record.status != Claim.Status.UNREVIEWED
        previous = record
    return entries


def _verdict_entry(
    previous: object | None, record: object, order: tuple, *, published_before: bool
) -> TimelineEntry:
    old_status = previous.status if previous is not None else ""
    if record.status == Claim.Status.UNREVIEWED:
        kind, title = "withdrawal", "Verdict withdrawn"
        reason, shortened = withdrawal_reason(record)
    elif old_status in ("", Claim.Status.UNREVIEWED):
        kind, title = (
            ("republished", "Verdict given again")
            if published_before
            else ("first", "Verdict published")
        )
        reason, shortened = record.reason, False
    elif old_status == record.status:
        kind, title = "reason", "Reason rewritten"
        reason, shortened = record.reason, False
    else:
        kind, title = "verdict", "Verdict changed"
        reason, shortened = record.reason, False
    changes = []
    if old_status != record.status:
        changes.append(
            Change("Verdict", _label(Claim.Status, old_status), _label(Claim.Status, record.status))
        )
    if previous is not None and previous.reason != record.reason and record.reason:
        changes.append(Change("Reason", previous.reason, record.reason))
    return TimelineEntry(
        at=record.history_date,
        user=record.history_user,
        kind=kind,
        title=title,
        changes=changes,
        reason=reason,
        reason_shortened=shortened,
        old_status=old_status,
        new_status=record.status,
        record=record,
        order=order,
    )


def _evidence_entries(records: list) -> list[TimelineEntry]:
    entries = []
    previous_by_id: dict[int, object] = {}
    for record in records:
        previous = previous_by_id.get(record.id)
        previous_by_id[record.id] = record
        source = _source_name(record)
        stance = _label(Evidence.Stance, record.stance)
        common = {
            "at": record.history_date,
            "user": record.history_user,
            "record": record,
            "order": (record.history_date, 1, record.history_id),
        }
        if record.history_type == "+":
            changes = [Change("Quote", "", record.quote)] if record.quote else []
            entries.append(
                TimelineEntry(
                    kind="evidence_added",
                    title=f"Evidence added: {source} ({stance})",
                    changes=changes,
                    **common,
                )
            )
        elif record.history_type == "-":
            entries.append(
                TimelineEntry(
                    kind="evidence_removed",
                    title=f"Evidence removed: {source} ({stance})",
                    reason=record.history_change_reason or "",
                    **common,
                )
            )
        elif previous is not None:
            changes = []
            if previous.stance != record.stance:
                changes.append(Change("Stance", _label(Evidence.Stance, previous.stance), stance))
            if previous.quote != record.quote:
                changes.append(Change("Quote", previous.quote, record.quote))
            if previous.source_id != record.source_id:
                changes.append(Change("Source", _source_name(previous), source))
            if changes:
                entries.append(
                    TimelineEntry(
                        kind="evidence_changed",
                        title=f"Evidence changed: {source}",
                        changes=changes,
                        **common,
                    )
                )
    return entries


def _link_entries(records: list, claim_id: int, *, for_readers: bool) -> list[TimelineEntry]:
    entries = []
    previous_by_id: dict[int, object] = {}
    for record in records:
        previous = previous_by_id.get(record.id)
        previous_by_id[record.id] = record
        other_id = record.to_claim_id if record.from_claim_id == claim_id else record.from_claim_id
        other_text = record.other_text or f"claim #{other_id} (since deleted)"
        if for_readers and not record.other_published:
            # A claim of an article a chief editor has unpublished: readers do not see it.
            other_text = "a claim that is not published"
        label = _label(ClaimLink.Kind, record.kind)
        if record.kind == ClaimLink.Kind.ELABORATES and record.to_claim_id == claim_id:
            label = "Elaborated on by"
        common = {
            "at": record.history_date,
            "user": record.history_user,
            "record": record,
            "order": (record.history_date, 2, record.history_id),
        }
        if record.history_type == "+":
            entries.append(
                TimelineEntry(
                    kind="link_added",
                    title=f"Linked: {label.lower()} #{other_id}",
                    changes=[Change("Claim", "", other_text)],
                    reason=record.note,
                    **common,
                )
            )
        elif record.history_type == "-":
            entries.append(
                TimelineEntry(
                    kind="link_removed",
                    title=f"Link removed: {label.lower()} #{other_id}",
                    changes=[Change("Claim", other_text, "")],
                    reason=record.history_change_reason or "",
                    **common,
                )
            )
        elif previous is not None:
            changes = []
            if (previous.kind, previous.from_claim_id) != (record.kind, record.from_claim_id):
                changes.append(Change("Link", _label(ClaimLink.Kind, previous.kind), label))
            if previous.note != record.note:
                changes.append(Change("Note", previous.note, record.note))
            if changes:
                entries.append(
                    TimelineEntry(
                        kind="link_changed",
                        title=f"Link changed: #{other_id}",
                        changes=changes,
                        **common,
                    )
                )
    return entries


class HistoryRecord(SimpleNamespace):
    """One history row as the timeline reads it (the attributes simple-history's rows have)."""


_ROW_COLUMNS = (
    "table_number, history_id, history_date, history_type, history_user_id, "
    "history_change_reason, id, status, reason, text, withdrawn_at, stance, quote, source_id, "
    "from_claim_id, to_claim_id, kind, note"
)
TIMELINE_SQL = f"""
WITH history AS (
    (SELECT 0 AS table_number, history_id, history_date, history_type, history_user_id,
            history_change_reason, id, status, reason, text, withdrawn_at,
            NULL::varchar AS stance, NULL::text AS quote, NULL::bigint AS source_id,
            NULL::bigint AS from_claim_id, NULL::bigint AS to_claim_id,
            NULL::varchar AS kind, NULL::text AS note
     FROM claims_historicalclaim WHERE id = %(claim)s
     ORDER BY history_id DESC LIMIT %(limit)s)
    UNION ALL
    (SELECT 1, history_id, history_date, history_type, history_user_id,
            history_change_reason, id, NULL, NULL, NULL, NULL, stance, quote, source_id,
            NULL, NULL, NULL, NULL
     FROM claims_historicalevidence WHERE claim_id = %(claim)s
     ORDER BY history_id DESC LIMIT %(limit)s)
    UNION ALL
    (SELECT 2, history_id, history_date, history_type, history_user_id,
            history_change_reason, id, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            from_claim_id, to_claim_id, kind, note
     FROM claims_historicalclaimlink
     WHERE from_claim_id = %(claim)s OR to_claim_id = %(claim)s
     ORDER BY history_id DESC LIMIT %(limit)s)
)
SELECT {", ".join("history." + name.strip() for name in _ROW_COLUMNS.split(","))},
       editor.username, editor.first_name, editor.last_name,
       source.title, source.url, source.outlet_id, outlet.name, other.text,
       other_article.publication
FROM history
LEFT JOIN {{user_table}} editor ON editor.id = history.history_user_id
LEFT JOIN sources_source source ON source.id = history.source_id
LEFT JOIN sources_outlet outlet ON outlet.id = source.outlet_id
LEFT JOIN claims_claim other ON other.id = CASE
    WHEN history.from_claim_id = %(claim)s THEN history.to_claim_id
    ELSE history.from_claim_id END
LEFT JOIN articles_article other_article ON other_article.id = other.article_id
ORDER BY table_number, history_id
"""


def history_records(claim_id: int, *, limit: int = TIMELINE_ROWS_PER_TABLE) -> list[list]:
    """The claim's, its evidence's and its links' history rows, in three lists, oldest first."""
    user_model = get_user_model()
    # The database Django would read claims from: a reader's page view may go to a replica.
    connection = connections[router.db_for_read(Claim)]
    sql = TIMELINE_SQL.replace("{user_table}", connection.ops.quote_name(user_model._meta.db_table))
    tables: list[list] = [[], [], []]
    users: dict[int, object] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, {"claim": claim_id, "limit": limit})
        names = [name.strip() for name in _ROW_COLUMNS.split(",")]
        for row in cursor.fetchall():
            values = dict(zip(names, row[: len(names)], strict=True))
            (
                username,
                first_name,
                last_name,
                title,
                url,
                outlet_id,
                outlet_name,
                other_text,
                other_publication,
            ) = row[len(names) :]
            user = None
            if values["history_user_id"] is not None and username is not None:
                user = users.setdefault(
                    values["history_user_id"],
                    user_model(
                        pk=values["history_user_id"],
                        username=username,
                        first_name=first_name,
                        last_name=last_name,
                    ),
                )
            source = None
            if values["source_id"] is not None and (title is not None or url is not None):
                source = Source(pk=values["source_id"], title=title, url=url, outlet_id=outlet_id)
                if outlet_id is not None:
                    source.outlet = Outlet(pk=outlet_id, name=outlet_name)
            tables[values.pop("table_number")].append(
                HistoryRecord(
                    **values,
                    history_user=user,
                    source=source,
                    other_text=other_text,
                    other_published=other_publication != "unpublished",
                )
            )
    return tables


def claim_timeline(
    claim: Claim,
    *,
    for_readers: bool = False,
    limit: int = TIMELINE_ROWS_PER_TABLE,
    records: list[list] | None = None,
) -> list[TimelineEntry]:
    """Every recorded change of `claim`, newest first; one query (none given `records`)."""
    claim_rows, evidence_rows, link_rows = records or history_records(claim.pk, limit=limit)
    entries = [
        *_claim_entries(claim_rows),
        *_evidence_entries(evidence_rows),
        *_link_entries(link_rows, claim.pk, for_readers=for_readers),
    ]
    if for_readers:
        entries = [entry for entry in entries if entry.is_editorial]
    entries.sort(key=lambda entry: entry.order, reverse=True)
    return entries


def claim_changes_since(claim: Claim, since: datetime | None) -> list[TimelineEntry]:
    """What changed on `claim` after `since` (when a stale page was loaded), newest first."""
    entries = claim_timeline(claim, limit=50)
    if since is None:
        return entries[:5]
    return [entry for entry in entries if entry.at > since]
