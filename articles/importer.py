"""The importer's writer: stores one parsed article file in the database, in one transaction.

`articles.parser` turns bytes into dataclasses without touching the database; everything here
is about mapping that result onto rows so that a re-import keeps what editors did (verdicts,
evidence they added) and history stays complete.
"""

import bisect
import collections
import dataclasses
import difflib
import functools
import hashlib
import logging
import re
from collections.abc import Iterable

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords
from simple_history.utils import get_history_model_for_model

from articles.models import Article, Citation, Contributor, Reference
from articles.parser import (
    ParsedArticle,
    ParsedReference,
    ParsedSentence,
    ParseError,
    ParseWarning,
    decode_article,
    parse_article,
)
from claims.models import Claim, ClaimLink, Evidence
from claims.search import search_config_for
from claims.services import claim_touch
from sources.models import Outlet, Source, source_fingerprint
from sources.normalize import normalize_outlet_name, normalize_text, outlet_name_from_url

logger = logging.getLogger(__name__)

# simple_history stores the change reason in a varchar(100).
CHANGE_REASON_MAX_LENGTH = 100


@dataclasses.dataclass
class ImportOutcome:
    file_name: str
    # "created" | "updated" | "unchanged" | "failed" | "needs_force" (an update that would
    # withdraw reviewed claims, refused until it is confirmed)
    status: str
    counts: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    warnings: list[str] = dataclasses.field(default_factory=list)
    error: str | None = None
    # None for a failure and for a dry run (its rows were rolled back).
    article: Article | None = None
    # Reviewed claims this import withdrew, or (for "needs_force") would withdraw.
    withdrawn: list[Claim] = dataclasses.field(default_factory=list)
    # What an unchanged file was found as, when under another name.
    note: str = ""
    # Editorial work this import carried to an edited sentence, one line each (withdrawals
    # are warnings): the summary shows every one, nothing moves silently.
    changes: list[str] = dataclasses.field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status in ("failed", "needs_force")

    @property
    def warning_kinds(self) -> collections.Counter[str]:
        return collections.Counter(getattr(warning, "kind", "other") for warning in self.warnings)


class _NeedsForce(Exception):
    def __init__(self, claims: list[Claim]) -> None:
        self.claims = claims


class _WarnedText(str):
    """A warning prefixed with the file name that keeps the parser warning's kind."""

    kind: str

    def __new__(cls, text: str, kind: str) -> "_WarnedText":
        warning = super().__new__(cls, text)
        warning.kind = kind
        return warning

    def __reduce__(self) -> tuple:
        # Crosses process boundaries in a bulk import's parsing workers.
        return (_WarnedText, (str(self), self.kind))


def _file_warning(file_name: str, warning: str) -> str:
    return _WarnedText(f"{file_name}: {warning}", getattr(warning, "kind", "other"))


@dataclasses.dataclass(frozen=True)
class PreparedFile:
    """One file read, hashed and parsed, without the database: what the writer stores.

    Pure and picklable, so a bulk import parses in worker processes while it writes.
    """

    file_name: str
    content_hash: str
    parsed: ParsedArticle | None = None
    # The parser's warnings and the cuts to column lengths, each prefixed with the file name.
    warnings: tuple[str, ...] = ()
    error: str | None = None


def file_content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def article_refusal(*, file_name: str, data: bytes) -> str | None:
    """Why the file is refused before it is even hashed, if it is."""
    if not file_name.strip():
        return "the file has no name; give it one"
    limit = settings.ARTICLE_UPLOAD_MAX_BYTES
    if len(data) > limit:
        return (
            f"{file_name}: the file is larger than {limit:,} bytes (ARTICLE_UPLOAD_MAX_BYTES); "
            "that is not one article"
        )
    return None


def article_prepare(*, file_name: str, data: bytes, content_hash: str = "") -> PreparedFile:
    """Parse one file (no database); never raises for bad input or a parser bug."""
    content_hash = content_hash or file_content_hash(data)
    refusal = article_refusal(file_name=file_name, data=data)
    if refusal:
        return PreparedFile(file_name=file_name, content_hash=content_hash, error=refusal)
    try:
        parsed = _parse_file(file_name=file_name, data=data)
    except ParseError as error:
        return PreparedFile(
            file_name=file_name, content_hash=content_hash, error=f"{file_name}: {error}"
        )
    except Exception as error:
        # A parser bug must not take down a whole import run or an upload: this file fails
        # with a clear line (the traceback goes to the log for us), the others go on.
        logger.exception("parser failed on %s", file_name)
        return PreparedFile(
            file_name=file_name,
            content_hash=content_hash,
            error=(
                f"{file_name}: could not be read: the parser failed ({type(error).__name__}); "
                "please report this file to the developers"
            ),
        )
    parsed, length_warnings = _fit_lengths(parsed)
    warnings = [_file_warning(file_name, warning) for warning in parsed.warnings]
    warnings += [_file_warning(file_name, warning) for warning in length_warnings]
    return PreparedFile(
        file_name=file_name, content_hash=content_hash, parsed=parsed, warnings=tuple(warnings)
    )


def article_import_file(
    *,
    file_name: str,
    data: bytes,
    dry_run: bool = False,
    strict: bool = False,
    force: bool = False,
) -> ImportOutcome:
    """Parse one article file and store it; never raises for bad input or a refused write.

    The article is found by its content first (the same bytes under any name are unchanged,
    and are not parsed at all), then by URL, by file name when it is still the same article,
    or by title, outlet and date. With `strict` any warning fails the file. An update that
    would withdraw reviewed claims is refused ("needs_force") unless `force`. With `dry_run`
    the whole write runs and is rolled back, so the counts are exact.
    """
    refusal = article_refusal(file_name=file_name, data=data)
    if refusal:
        return ImportOutcome(file_name=file_name, status="failed", error=refusal)
    content_hash = file_content_hash(data)
    # Compared before parsing: an unchanged file costs one indexed query, whatever its size.
    unchanged = _unchanged_outcome(file_name=file_name, content_hash=content_hash)
    if unchanged is not None:
        return unchanged
    prepared = article_prepare(file_name=file_name, data=data, content_hash=content_hash)
    return article_store(prepared=prepared, dry_run=dry_run, strict=strict, force=force)


def articles_by_content_hash(content_hashes: Iterable[str]) -> dict[str, Article]:
    """The stored article of each of these file hashes that is stored, with its number of
    current claims (`current_claims`); one query for a whole batch.

    A bulk import run again after an interruption skips every finished file at this cost,
    without parsing it.
    """
    found: dict[str, Article] = {}
    stored = (
        Article.objects.filter(content_hash__in=list(set(content_hashes)))
        .defer("body", "metadata")
        .annotate(current_claims=Count("claims", filter=Q(claims__withdrawn_at__isnull=True)))
        .order_by("pk")
    )
    for article in stored:
        found.setdefault(article.content_hash, article)
    return found


def unchanged_outcome(*, file_name: str, article: Article, current_claims: int) -> ImportOutcome:
    outcome = ImportOutcome(file_name=file_name, status="unchanged", article=article)
    outcome.counts["claims_unchanged"] = current_claims
    if article.source_file_name != file_name:
        outcome.note = f"the same text as {article.source_file_name}"
    return outcome


def _instance_from_row(model: type[models.Model], attnames: list[str], row) -> models.Model:
    """A model instance from a plain row of these columns (in field order; the others are
    deferred), each value converted as the ORM would (a JSON field's text becomes data)."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    values = []
    for attname, value in zip(attnames, row, strict=True):
        field = fields[attname]
        if hasattr(field, "from_db_value"):
            value = field.from_db_value(value, None, connection)
        values.append(value)
    return model.from_db(connection.alias, attnames, values)


def _unchanged_outcome(*, file_name: str, content_hash: str) -> ImportOutcome | None:
    """The outcome of a file whose bytes are stored already, or None: one statement either
    way (the article, without its body, and its number of current claims)."""
    fields = [
        field.attname
        for field in Article._meta.concrete_fields
        if field.attname not in ("body", "metadata")
    ]
    quote = connection.ops.quote_name
    claims = quote(Claim._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(f'article.{quote(field)}' for field in fields)}, "
            f"(SELECT COUNT(*) FROM {claims} AS claim WHERE claim.article_id = article.id "
            "AND claim.withdrawn_at IS NULL) "
            f"FROM {quote(Article._meta.db_table)} AS article "
            "WHERE article.content_hash = %s ORDER BY article.id LIMIT 1",
            [content_hash],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    # Fields left out are deferred, as `.defer("body", "metadata")` would leave them.
    same = _instance_from_row(Article, fields, row[:-1])
    return unchanged_outcome(file_name=file_name, article=same, current_claims=row[-1])


def article_store(
    *,
    prepared: PreparedFile,
    dry_run: bool = False,
    strict: bool = False,
    force: bool = False,
    check_unchanged: bool = False,
) -> ImportOutcome:
    """Store a prepared file in one transaction; see `article_import_file`.

    With `check_unchanged` the content hash is looked up first (a bulk import's worker parsed
    the file in parallel; another file of the same run may have had the same text).
    """
    file_name = prepared.file_name
    outcome = ImportOutcome(file_name=file_name, status="failed")
    if check_unchanged:
        unchanged = _unchanged_outcome(file_name=file_name, content_hash=prepared.content_hash)
        if unchanged is not None:
            return unchanged
    if prepared.error is not None or prepared.parsed is None:
        outcome.error = prepared.error or f"{file_name}: could not be read"
        return outcome
    parsed = prepared.parsed
    content_hash = prepared.content_hash
    outcome.warnings = list(prepared.warnings)
    if strict and outcome.warnings:
        outcome.error = (
            f"{file_name}: {len(outcome.warnings)} warning(s) and --strict: not imported"
        )
        return outcome
    parser_warnings = list(outcome.warnings)

    try:
        with transaction.atomic():
            _article_write(
                file_name=file_name,
                parsed=parsed,
                content_hash=content_hash,
                outcome=outcome,
                force=force,
            )
            if dry_run:
                transaction.set_rollback(True)
    except _NeedsForce as refusal:
        return ImportOutcome(
            file_name=file_name,
            status="needs_force",
            warnings=parser_warnings,
            withdrawn=refusal.claims,
            article=refusal.claims[0].article if refusal.claims else None,
            error=(
                f"{file_name}: this update would withdraw {len(refusal.claims)} reviewed "
                "claim(s) whose sentences are gone; nothing was changed. Check the list and "
                "import again with --force (in the admin: tick “Withdraw reviewed claims”) "
                "to go ahead."
            ),
        )
    except DatabaseError as error:
        # The atomic block has rolled this file back; report it like any other bad file.
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        # Only the parser's warnings still hold: the writer's described rolled-back changes.
        return ImportOutcome(
            file_name=file_name,
            status="failed",
            warnings=parser_warnings,
            error=f"{file_name}: could not be stored: {detail}",
        )
    if dry_run:
        outcome.article = None
    return outcome


def _parse_file(*, file_name: str, data: bytes) -> ParsedArticle:
    parsed = parse_article(decode_article(data), file_name=file_name)
    _check_lengths(file_name=file_name, parsed=parsed)
    return parsed


def _max_length(model: type[models.Model], field_name: str) -> int:
    field = model._meta.get_field(field_name)
    if hasattr(field, "base_field"):  # ArrayField: the limit is on each item
        field = field.base_field
    return field.max_length


def _check_lengths(*, file_name: str, parsed: ParsedArticle) -> None:
    """Refuse article fields the columns cannot hold, naming the field, before writing."""

    def check(value: str | None, model: type[models.Model], field: str, what: str) -> None:
        limit = _max_length(model, field)
        if value and len(value) > limit:
            raise ParseError(f"{what} is {len(value):,} characters long; at most {limit} fit")

    check(file_name, Article, "source_file_name", "the file name")
    check(parsed.title, Article, "title", "the title")
    check(parsed.kicker, Article, "kicker", "the kicker")
    check(parsed.url, Article, "url", "the article's URL")
    check(parsed.outlet, Outlet, "name", "the outlet's name")
    for contributor in parsed.contributors:
        check(contributor.name, Contributor, "name", f"contributor name {contributor.name[:40]!r}")
        check(contributor.role_label, Contributor, "role_label", "a byline label")


def _fit_lengths(parsed: ParsedArticle) -> tuple[ParsedArticle, list[str]]:
    """References whose parts the columns cannot hold are cut to fit, with a warning each.

    One odd entry never costs the article (issue 7): its raw text is kept whole anyway.
    """
    warnings: list[str] = []

    def fit(value: str | None, model, field: str, what: str, line: int | None) -> str | None:
        limit = _max_length(model, field)
        if value and len(value) > limit:
            where = f"line {line}: " if line else ""
            warnings.append(
                ParseWarning(
                    f"{where}{what} is {len(value):,} characters long; cut to {limit}",
                    "too long",
                )
            )
            return value[:limit]
        return value

    references = []
    for reference in parsed.references:
        name = f"reference {reference.label[:40]}"
        line = reference.line
        references.append(
            dataclasses.replace(
                reference,
                key=fit(reference.key, Reference, "key", f"{name}: its key", line),
                label=fit(reference.label, Reference, "label", f"{name}: its label", line) or "",
                title=fit(reference.title, Source, "title", f"{name}: its title", line) or "",
                outlet=fit(reference.outlet, Outlet, "name", f"{name}: its outlet", line),
                url=fit(reference.url, Source, "url", f"{name}: its URL", line),
                authors=tuple(
                    fit(author, Source, "authors", f"{name}: an author", line) or ""
                    for author in reference.authors
                ),
            )
        )
    if not warnings:
        return parsed, []
    # Keys are cut alike in citations, so markers still point at their entries.
    key_limit = _max_length(Reference, "key")
    citations = tuple(
        dataclasses.replace(citation, reference_key=citation.reference_key[:key_limit])
        if citation.reference_key
        else citation
        for citation in parsed.citations
    )
    return dataclasses.replace(parsed, references=tuple(references), citations=citations), warnings


_HISTORY_BOOKKEEPING = {
    "history_id",
    "history_date",
    "history_type",
    "history_user_id",
    "history_change_reason",
}


def _history_user_id() -> int | None:
    """The editor behind this request (an admin upload), as simple_history's middleware saw."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


@functools.cache
def _history_model(model: type[models.Model]) -> type[models.Model]:
    # simple_history builds a manager class on every lookup: once per model is enough.
    return get_history_model_for_model(model)


@functools.cache
def _history_columns(model: type[models.Model]) -> str:
    """The tracked columns a history row copies from its row, quoted, comma-separated."""
    quote = connection.ops.quote_name
    return ", ".join(
        quote(field.column)
        for field in _history_model(model)._meta.concrete_fields
        if field.column not in _HISTORY_BOOKKEEPING
    )


def _history_insert_sql(model: type[models.Model], rows: str) -> str:
    """INSERT of one history row per row of `rows` (a table or CTE name); its four %s are the
    date, type, user and reason."""
    quote = connection.ops.quote_name
    columns = _history_columns(model)
    # Table and column names come from the models, never from input.
    return (
        f"INSERT INTO {quote(_history_model(model)._meta.db_table)} ({columns}, history_date, "
        "history_type, history_user_id, history_change_reason) "
        f"SELECT {columns}, %s, %s, %s, %s FROM {rows}"
    )


def _rows_record_history(
    *, model: type[models.Model], ids: Iterable[int], reason: str, history_type: str = "+"
) -> None:
    """One history row per stored row, as simple_history would write it, in one statement.

    INSERT … SELECT from the rows just written: no historical instance per row in Python (that
    was most of an import's time), the same columns, date, user and reason.
    """
    ids = list(ids)
    if not ids:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            _history_insert_sql(model, table) + " WHERE id = ANY(%s) ORDER BY id",
            [timezone.now(), history_type, _history_user_id(), reason, ids],
        )


# Rows per INSERT or UPDATE statement: big enough that an article is one or a few statements,
# small enough that a 2 MB article's statement stays a few megabytes.
_ROWS_PER_STATEMENT = 5000


def _rows_insert(
    *,
    model: type[models.Model],
    columns: list[str],
    rows: list[tuple],
    template: str = "",
    returning: str = "",
    on_conflict: str = "",
    history_reason: str | None = None,
) -> list[tuple]:
    """Insert plain value tuples in multi-row INSERTs; the `returning` columns of each row.

    No model instance per row: building and compiling those was most of an import's time.
    With `history_reason`, the same statement writes each new row's history row (a
    data-modifying WITH), as simple_history would: one round trip instead of two. Rows an
    `on_conflict` clause skipped get no history row and are not returned.
    """
    if not rows:
        return []
    quote = connection.ops.quote_name
    template = template or "(" + ", ".join(["%s"] * len(columns)) + ")"
    # Table and column names come from the models, never from input; values are mogrified.
    insert = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "
        f"VALUES __VALUES__ {on_conflict}"
    )
    params: list = []
    if history_reason is not None:
        sql = (
            f"WITH inserted AS ({insert} RETURNING *), "
            f"recorded AS ({_history_insert_sql(model, 'inserted')} ORDER BY id) "
            f"SELECT {returning or 'NULL'} FROM inserted"
        )
        params = [timezone.now(), "+", _history_user_id(), history_reason]
    else:
        sql = insert + (f" RETURNING {returning}" if returning else "")
    return _values_execute(
        sql, params, template=template, rows=rows, fetch=bool(returning) or bool(params)
    )


def _values_execute(
    sql: str, params: list, *, template: str, rows: list[tuple], fetch: bool
) -> list[tuple]:
    """Run `sql` with its `__VALUES__` replaced by the rows (`template` each), in pages of
    _ROWS_PER_STATEMENT rows; the rows returned, if `fetch`."""
    returned: list[tuple] = []
    with connection.cursor() as cursor:
        head = cursor.mogrify(sql, params) if params else sql.encode()
        before, after = head.split(b"__VALUES__")
        for start in range(0, len(rows), _ROWS_PER_STATEMENT):
            values = b",".join(
                cursor.mogrify(template, row) for row in rows[start : start + _ROWS_PER_STATEMENT]
            )
            cursor.execute(before + values + after)
            if fetch:
                returned.extend(cursor.fetchall())
    return returned


def _instances_update(
    instances: list[models.Model], fields: list[str], *, history_reason: str | None = None
) -> None:
    """UPDATE these fields of saved instances in one statement (UPDATE … FROM VALUES).

    With `history_reason` the same statement writes each row's history row ("~"), as
    bulk_update_with_history would, from the row as updated: no CASE per row and field to
    compile, no historical instance per row.
    """
    if not instances:
        return
    model = type(instances[0])
    quote = connection.ops.quote_name
    targets = [model._meta.get_field(name) for name in fields]
    primary_key = model._meta.pk
    # Typed, because VALUES outside an INSERT takes its types from the literals.
    template = (
        "("
        + ", ".join(f"%s::{field.db_type(connection)}" for field in [primary_key, *targets])
        + ")"
    )
    rows = [
        tuple(
            field.get_db_prep_save(getattr(instance, field.attname), connection)
            for field in [primary_key, *targets]
        )
        for instance in instances
    ]
    names = ["id", *(f"v{index}" for index in range(len(targets)))]
    assignments = ", ".join(
        f"{quote(field.column)} = v.v{index}" for index, field in enumerate(targets)
    )
    table = quote(model._meta.db_table)
    update = (
        f"UPDATE {table} AS row SET {assignments} FROM (VALUES __VALUES__) "
        f"AS v({', '.join(names)}) WHERE row.{quote(primary_key.column)} = v.id"
    )
    params: list = []
    if history_reason is not None:
        update = (
            f"WITH updated AS ({update} RETURNING row.*) "
            f"{_history_insert_sql(model, 'updated')} ORDER BY id"
        )
        params = [timezone.now(), "~", _history_user_id(), history_reason]
    _values_execute(update, params, template=template, rows=rows, fetch=False)


def _instances_insert(
    instances: list[models.Model],
    *,
    key: str = "",
    on_conflict: str = "",
    history_reason: str | None = None,
) -> int:
    """Insert unsaved instances of one model in one statement, as bulk_create would, and give
    each its id; returns how many rows were inserted.

    The values are what `save()` sends (each field's `pre_save`, so `auto_now_add` is set, and
    its database preparation). Ids come back in row order, as bulk_create relies on; with
    `on_conflict` rows may be skipped, so they come back with their unique `key` column, and a
    skipped instance keeps no id.
    """
    if not instances:
        return 0
    model = type(instances[0])
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not getattr(field, "generated", False)
    ]
    rows = [
        tuple(
            field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
        )
        for instance in instances
    ]
    key_field = model._meta.get_field(key) if key else None
    inserted = _rows_insert(
        model=model,
        columns=[field.column for field in fields],
        rows=rows,
        returning="id" + (f", {connection.ops.quote_name(key_field.column)}" if key_field else ""),
        on_conflict=on_conflict,
        history_reason=history_reason,
    )
    if key_field is None:
        matched = zip(instances, (row[0] for row in inserted), strict=True)
    else:
        id_by_key = {row[1]: row[0] for row in inserted}
        matched = (
            (instance, id_by_key.get(getattr(instance, key_field.attname)))
            for instance in instances
        )
    for instance, row_id in matched:
        if row_id is not None:
            instance.pk = row_id
            instance._state.adding = False
            instance._state.db = connection.alias
    return len(inserted)


def _shorten(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _change_reason(file_name: str) -> str:
    return f"import {file_name}"[:CHANGE_REASON_MAX_LENGTH]


# ---------------------------------------------------------------------------
# Which article a file is
# ---------------------------------------------------------------------------


def _article_find(*, file_name: str, parsed: ParsedArticle) -> Article | None:
    """The stored article this parse is a version of, locked; None for a new article.

    By URL; else by file name when it is still the same article (same title, or most of its
    sentences); else by title with the same outlet and date. A different article uploaded
    under a file name already used is a new article, never a replacement.
    """
    candidates = _article_candidates(file_name=file_name, parsed=parsed)
    if parsed.url:
        for candidate in candidates:
            if candidate.url == parsed.url:
                return candidate
    title = normalize_text(parsed.title)
    for candidate in candidates:
        if candidate.source_file_name == file_name and (
            normalize_text(candidate.title) == title or _shares_most_sentences(candidate, parsed)
        ):
            return candidate
    if parsed.outlet or parsed.published:
        outlet = normalize_outlet_name(parsed.outlet or "")
        for candidate in candidates:
            candidate_outlet = candidate.outlet.normalized_name if candidate.outlet_id else ""
            if (
                candidate.title.upper() == parsed.title.strip().upper()
                and candidate.published_on == parsed.published
                and candidate_outlet == outlet
            ):
                return candidate
    return None


def _article_candidates(*, file_name: str, parsed: ParsedArticle) -> list[Article]:
    """Every stored article this parse could be a version of, locked, with its outlet.

    One plain statement (this runs for every new file, which finds nothing): by URL, by file
    name, or by title (case-insensitively, as `iexact`, off the title trigram index) with the
    same date when the parse has an outlet or a date. Bodies are not needed to decide, and are
    replaced if one is chosen: they are left deferred.
    """
    conditions = ["article.source_file_name = %s"]
    params: list = [file_name]
    if parsed.url:
        conditions.append("article.url = %s")
        params.append(parsed.url)
    if parsed.outlet or parsed.published:
        if parsed.published is None:
            conditions.append(
                "(UPPER(article.title::text) = UPPER(%s) AND article.published_on IS NULL)"
            )
            params.append(parsed.title.strip())
        else:
            conditions.append(
                "(UPPER(article.title::text) = UPPER(%s) AND article.published_on = %s)"
            )
            params += [parsed.title.strip(), parsed.published]
    article_fields = [
        field.attname
        for field in Article._meta.concrete_fields
        if field.attname not in ("body", "metadata")
    ]
    outlet_fields = [field.attname for field in Outlet._meta.concrete_fields]
    quote = connection.ops.quote_name
    columns = [f"article.{quote(name)}" for name in article_fields]
    columns += [f"outlet.{quote(name)}" for name in outlet_fields]
    # Table and column names come from the models, never from input.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {quote(Article._meta.db_table)} AS article "
            f"LEFT JOIN {quote(Outlet._meta.db_table)} AS outlet "
            "ON outlet.id = article.outlet_id "
            f"WHERE {' OR '.join(conditions)} ORDER BY article.id FOR UPDATE OF article",
            params,
        )
        rows = cursor.fetchall()
    outlet_field = Article._meta.get_field("outlet")
    candidates = []
    for row in rows:
        article = _instance_from_row(Article, article_fields, row[: len(article_fields)])
        outlet_row = row[len(article_fields) :]
        outlet_field.set_cached_value(
            article,
            None
            if outlet_row[0] is None
            else _instance_from_row(Outlet, outlet_fields, outlet_row),
        )
        candidates.append(article)
    return candidates


def _shares_most_sentences(article: Article, parsed: ParsedArticle) -> bool:
    stored = set(article.claims.current().values_list("text", flat=True))
    if not stored:
        return False
    shared = sum(1 for sentence in parsed.sentences if sentence.text in stored)
    return shared * 2 >= min(len(stored), len(parsed.sentences))


# ---------------------------------------------------------------------------
# Writing one article
# ---------------------------------------------------------------------------


def _article_write(
    *,
    file_name: str,
    parsed: ParsedArticle,
    content_hash: str,
    outcome: ImportOutcome,
    force: bool,
) -> None:
    counts = outcome.counts
    # Locked so two imports of the same article (command and admin upload) cannot interleave.
    article = _article_find(file_name=file_name, parsed=parsed)

    reason = _change_reason(file_name)
    now = timezone.now()
    outlet_names = [parsed.outlet] + [
        _reference_outlet(reference) for reference in parsed.references
    ]
    outlets = _outlets_get_or_create(names=outlet_names)

    is_new = article is None
    corrected = set() if article is None else set(article.corrected_fields or [])
    if article is None:
        article = Article(imported_at=now)
    article.source_file_name = file_name
    if "title" not in corrected:
        article.title = parsed.title
    article.kicker = parsed.kicker
    article.standfirst = parsed.standfirst
    if "outlet" not in corrected:
        article.outlet = outlets.get(normalize_outlet_name(parsed.outlet or ""))
    if "published_on" not in corrected:
        article.published_on = parsed.published
    if "url" not in corrected:
        article.url = parsed.url or ""
    language_changed = article.language != parsed.language
    article.language = parsed.language
    article.body = parsed.body
    article.metadata = parsed.metadata
    article.content_hash = content_hash
    article.updated_at = now
    _article_save(article, is_new=is_new)
    outcome.status = "created" if is_new else "updated"
    outcome.article = article

    resolutions: dict[tuple[str, int], tuple[str, int]] = {}
    if not is_new:
        resolutions = _editor_resolutions(article)
        # The file is the truth for these; editors' resolutions are carried over below.
        # Plain deletes (none of these rows has history or signals): the ORM would first
        # collect the references' citations, already gone, in a query of its own.
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM articles_citation WHERE article_id = %s OR reference_id IN "
                "(SELECT id FROM articles_reference WHERE article_id = %s)",
                [article.pk, article.pk],
            )
            counts["citations_removed"] = cursor.rowcount
            cursor.execute("DELETE FROM articles_reference WHERE article_id = %s", [article.pk])
            counts["references_removed"] = cursor.rowcount
            if "byline" not in corrected:
                cursor.execute(
                    "DELETE FROM articles_contributor WHERE article_id = %s", [article.pk]
                )
    if is_new or "byline" not in corrected:
        _rows_insert(
            model=Contributor,
            columns=["article_id", "name", "role", "role_label", "position"],
            rows=[
                (article.pk, contributor.name, contributor.role, contributor.role_label, position)
                for position, contributor in enumerate(parsed.contributors)
            ],
        )

    sources_by_key = _sources_for_references(
        references=parsed.references,
        outlets=outlets,
        reason=reason,
        counts=counts,
        warnings=outcome.warnings,
        file_name=file_name,
    )
    # Plain rows, not model instances: a long reference list and its markers are most of an
    # article's rows after its sentences.
    reference_ids = dict(
        _rows_insert(
            model=Reference,
            columns=[
                "article_id",
                "source_id",
                "position",
                "key",
                "label",
                "raw_text",
                "in_bibliography",
            ],
            rows=[
                (
                    article.pk,
                    sources_by_key[reference.key].pk,
                    position,
                    reference.key,
                    reference.label,
                    reference.raw_text,
                    reference.in_bibliography,
                )
                for position, reference in enumerate(parsed.references)
            ],
            returning="position, id",
        )
    )
    counts["references_created"] = len(reference_ids)
    # The reference id and source of each key.
    references_by_key = {
        reference.key: (reference_ids[position], sources_by_key[reference.key])
        for position, reference in enumerate(parsed.references)
    }
    citation_rows = []
    # The source each citation resolves to, by the citation's index; None if unresolved.
    citation_sources: list[Source | None] = []
    seen_labels: collections.Counter[str] = collections.Counter()
    for position, citation in enumerate(parsed.citations):
        key = citation.reference_key
        occurrence = seen_labels[citation.label]
        seen_labels[citation.label] += 1
        resolved_by = None
        # An editor's resolution stands over the parser's: it is editorial work.
        if (citation.label, occurrence) in resolutions:
            carried, editor_id = resolutions[(citation.label, occurrence)]
            if carried in references_by_key:
                key, resolved_by = carried, editor_id
        reference_id, source = references_by_key.get(key, (None, None)) if key else (None, None)
        citation_sources.append(source)
        citation_rows.append(
            (
                article.pk,
                reference_id,
                source.pk if source is not None else None,
                resolved_by,
                citation.label,
                position,
                citation.start,
                citation.end,
            )
        )
        if resolved_by:
            counts["citations_resolution_kept"] += 1
    _rows_insert(
        model=Citation,
        columns=[
            "article_id",
            "reference_id",
            "source_id",
            "resolved_by_id",
            "label",
            "position",
            "start",
            "end",
        ],
        rows=citation_rows,
    )
    counts["citations_created"] = len(citation_rows)
    counts["citations_unresolved"] = sum(1 for source in citation_sources if source is None)

    claim_ids, new_claims = _claims_sync(
        article=article,
        parsed=parsed,
        is_new=is_new,
        reason=reason,
        counts=counts,
        outcome=outcome,
        file_name=file_name,
        force=force,
        now=now,
    )
    if language_changed and not is_new:
        Claim.objects.filter(article=article).current().update(
            search_config=search_config_for(parsed.language)
        )
    cited_sources = {
        index: source for index, source in enumerate(citation_sources) if source is not None
    }
    evidence_created = _cited_evidence_sync(
        claim_ids=claim_ids,
        parsed=parsed,
        cited_sources=cited_sources,
        created_claim_ids={claim_id for claim_id, _, _ in new_claims},
        reason=reason,
        counts=counts,
    )
    # After their evidence: see `_claims_sync`.
    _claims_insert(
        article=article,
        new_claims=new_claims,
        search_config=search_config_for(parsed.language),
        reason=reason,
        evidence_counts=evidence_created,
    )
    counts["links_made"] = sources_link_articles(
        articles=[article],
        sources=list({source.pk: source for source in sources_by_key.values()}.values()),
        change_reason=reason,
    )


def _article_save(article: Article, *, is_new: bool) -> None:
    """Save the article; a new one gets a slug no other article has, even one saved meanwhile.

    A new article is inserted with ON CONFLICT (slug) DO NOTHING: the usual case, a slug no
    one has, costs that one statement (no look-up of taken slugs, no savepoint); a taken slug,
    or one a concurrent import took first (the insert waits for it to commit), is looked up
    and the next free one tried.
    """
    if not is_new:
        article.save()
        return
    base = slugify(article.title) or "article"
    article.slug = _unique_slug(base, taken=set())
    for _attempt in range(_CONCURRENT_RETRIES):
        if _instances_insert([article], key="slug", on_conflict="ON CONFLICT (slug) DO NOTHING"):
            return
        article.slug = _unique_slug(base, taken=_slugs_taken(Article, [base]))
    raise IntegrityError(f"no free slug for {base!r} after {_CONCURRENT_RETRIES} attempts")


def _editor_resolutions(article: Article) -> dict[tuple[str, int], tuple[str, int]]:
    """Markers an editor resolved by hand: (label, how many times seen before) -> (reference
    key, the editor's id)."""
    resolutions: dict[tuple[str, int], tuple[str, int]] = {}
    seen: collections.Counter[str] = collections.Counter()
    for label, key, resolved_by in article.citations.order_by("position").values_list(
        "label", "reference__key", "resolved_by"
    ):
        if resolved_by is not None and key is not None:
            resolutions[(label, seen[label])] = (key, resolved_by)
        seen[label] += 1
    return resolutions


def _reference_outlet(reference: ParsedReference) -> str | None:
    """The reference's outlet; for a bare link or URL, the site's domain."""
    if reference.outlet:
        return reference.outlet
    if reference.url and not normalize_text(reference.title):
        return outlet_name_from_url(reference.url)
    return None


def _unique_slug(base: str, *, taken: set[str], max_length: int = 200) -> str:
    """`base`, or `base-2`, `base-3`… whichever is not taken, within the column's length."""
    base = base[:max_length].strip("-")
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1


def _slugs_taken(model: type[models.Model], bases: Iterable[str]) -> set[str]:
    condition = Q()
    for base in bases:
        condition |= Q(slug__startswith=base[:200].strip("-"))
    return set(model.objects.filter(condition).values_list("slug", flat=True))


def _outlets_get_or_create(*, names: Iterable[str | None]) -> dict[str, Outlet]:
    """Outlets by normalized name; the first spelling met names a new outlet.

    Two imports may create the same new outlet at the same moment: the second one's insert
    waits for the first to commit, fails on the unique name or slug inside a savepoint, and is
    retried, now finding the first one's outlet.
    """
    spelling_by_normalized: dict[str, str] = {}
    for name in names:
        if name and name.strip():
            normalized = normalize_outlet_name(name)
            if normalized:
                spelling_by_normalized.setdefault(normalized, name.strip())
    if not spelling_by_normalized:
        return {}
    for attempt in range(_CONCURRENT_RETRIES):
        outlets = _outlets_select(spelling_by_normalized)
        missing = {
            normalized: (spelling, slugify(normalized) or "outlet")
            for normalized, spelling in spelling_by_normalized.items()
            if normalized not in outlets
        }
        if not missing:
            return outlets
        # bulk_create skips Outlet.save(), so its derived fields are set here; the slug is also
        # made unique, which save() does not do ("Al-Jazeera" and "Al Jazeera" slugify alike).
        taken = _slugs_taken(Outlet, [base for _, base in missing.values()])
        new_outlets = []
        for normalized, (spelling, base) in missing.items():
            slug = _unique_slug(base, taken=taken)
            taken.add(slug)
            new_outlets.append(Outlet(name=spelling, normalized_name=normalized, slug=slug))
        try:
            with transaction.atomic():
                created = Outlet.objects.bulk_create(new_outlets)
        except IntegrityError:
            if attempt + 1 == _CONCURRENT_RETRIES:
                raise
            continue  # another import created one of them meanwhile: look again
        for outlet in created:
            outlets[outlet.normalized_name] = outlet
        return outlets
    raise AssertionError("unreachable")


# How often a write that lost a race with a concurrent import is tried again.
_CONCURRENT_RETRIES = 5


def _outlets_select(spelling_by_normalized: dict[str, str]) -> dict[str, Outlet]:
    # Every file asks this: a plain statement, not a queryset compiled each time.
    fields = [field.attname for field in Outlet._meta.concrete_fields]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(map(quote, fields))} FROM {quote(Outlet._meta.db_table)} "
            "WHERE normalized_name = ANY(%s)",
            [list(spelling_by_normalized)],
        )
        outlets = [_instance_from_row(Outlet, fields, row) for row in cursor.fetchall()]
    return {outlet.normalized_name: outlet for outlet in outlets}


def _sources_for_references(
    *,
    references: Iterable[ParsedReference],
    outlets: dict[str, Outlet],
    reason: str,
    counts: collections.Counter[str],
    warnings: list[str],
    file_name: str,
) -> dict[str, Source]:
    """One Source per cited work, found by fingerprint or created; keyed by reference key.

    A work with a title is known by title and outlet; a bare link or URL entry by its URL.
    """
    references_by_fingerprint: dict[str, list[tuple[ParsedReference, str, Outlet | None]]] = {}
    fingerprint_by_key: dict[str, str] = {}
    for reference in references:
        outlet = outlets.get(normalize_outlet_name(_reference_outlet(reference) or ""))
        title = reference.title
        if not normalize_text(title) and outlet is None and not reference.url:
            # With neither, every such work would share the fingerprint "|" and merge into one.
            title = reference.raw_text.removeprefix(reference.label).strip()[
                : _max_length(Source, "title")
            ]
            warnings.append(
                _WarnedText(
                    f"{file_name}: line {reference.line}: reference {reference.label} names "
                    "neither a title nor an outlet; its whole text is used as the source's title",
                    "reference",
                )
            )
        fingerprint = source_fingerprint(
            title=title, outlet_name=outlet.name if outlet else "", url=reference.url or ""
        )
        fingerprint_by_key[reference.key] = fingerprint
        references_by_fingerprint.setdefault(fingerprint, []).append((reference, title, outlet))

    sources = _sources_store(references_by_fingerprint, reason=reason, counts=counts)
    return {key: sources[fingerprint] for key, fingerprint in fingerprint_by_key.items()}


def _sources_store(
    references_by_fingerprint: dict[str, list[tuple[ParsedReference, str, Outlet | None]]],
    *,
    reason: str,
    counts: collections.Counter[str],
) -> dict[str, Source]:
    """The Source of each fingerprint: the stored one (locked, blanks filled) or a new one.

    New ones are inserted with ON CONFLICT (fingerprint) DO NOTHING, so a concurrent import
    creating the same work needs no savepoint: the insert waits for it to commit, skips that
    row, and the work is looked up again and used like any stored one.
    """
    sources: dict[str, Source] = {}
    pending = references_by_fingerprint
    for _attempt in range(_CONCURRENT_RETRIES):
        existing = {
            source.fingerprint: source
            for source in Source.objects.select_for_update(of=("self",))
            .select_related("outlet")
            .filter(fingerprint__in=pending)
        }
        to_create: list[Source] = []
        to_update: list[Source] = []
        for fingerprint, entries in pending.items():
            source = existing.get(fingerprint)
            if source is None:
                _, title, outlet = entries[0]
                # Inserted without Source.save(), which is what normally sets the fingerprint.
                source = Source(title=title, outlet=outlet, fingerprint=fingerprint)
                source.in_bibliography = False
                _source_fill_blanks(source=source, references=[entry[0] for entry in entries])
                to_create.append(source)
            else:
                counts["sources_reused"] += 1
                if _source_fill_blanks(source=source, references=[entry[0] for entry in entries]):
                    to_update.append(source)
                sources[fingerprint] = source
        if to_update:
            _instances_update(
                to_update,
                ["url", "published_on", "authors", "in_bibliography"],
                history_reason=reason,
            )
        counts["sources_created"] += _instances_insert(
            to_create,
            key="fingerprint",
            on_conflict="ON CONFLICT (fingerprint) DO NOTHING",
            history_reason=reason,
        )
        counts["sources_updated"] += len(to_update)
        for source in to_create:
            if source.pk is not None:
                sources[source.fingerprint] = source
        pending = {
            fingerprint: entries
            for fingerprint, entries in pending.items()
            if fingerprint not in sources
        }
        if not pending:
            return sources
    raise IntegrityError(
        f"{len(pending)} cited work(s) kept being created by concurrent imports; try again"
    )


def _source_fill_blanks(*, source: Source, references: list[ParsedReference]) -> bool:
    """Fill what the Source lacks from the references; never overwrite. True if it changed."""
    changed = False
    for reference in references:
        if not source.url and reference.url:
            source.url, changed = reference.url, True
        if source.published_on is None and reference.published is not None:
            source.published_on, changed = reference.published, True
        if not source.authors and reference.authors:
            source.authors, changed = list(reference.authors), True
        # Found in some article's bibliography: no longer a work only named in passing.
        if not source.in_bibliography and reference.in_bibliography:
            source.in_bibliography, changed = True, True
    return changed


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


def _delete_with_history(queryset: models.QuerySet, *, reason: str) -> int:
    """Delete rows (simple_history records each through post_delete) and give them the reason."""
    model = queryset.model
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    model.objects.filter(pk__in=ids).delete()
    # The deletion signal has no way to receive a reason for a queryset delete; add it after.
    _history_model(model).objects.filter(
        id__in=ids, history_type="-", history_change_reason__isnull=True
    ).update(history_change_reason=reason)
    return len(ids)


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


# ---------------------------------------------------------------------------
# Cross-article links
# ---------------------------------------------------------------------------


def sources_link_articles(
    *,
    articles: Iterable[Article] | None = None,
    sources: Iterable[Source] | None = None,
    change_reason: str = "link cited works to articles",
) -> int:
    """Point unlinked Sources at the Article that is the same work; returns how many were linked.

    Same work: equal normalized titles, outlets that do not disagree, dates that do not
    disagree, and at least one of outlet or date known on both sides and equal. With
    `articles`, those articles are matched against every unlinked source; with `sources`,
    those sources against every article; with neither, everything against everything. A
    source that two articles match equally well is left alone rather than guessed.
    """
    candidates: dict[int, tuple[Source, dict[int, Article]]] = {}

    def consider(source: Source, article: Article) -> None:
        if source.linked_article_id is None and _source_is_article(source=source, article=article):
            candidates.setdefault(source.pk, (source, {}))[1][article.pk] = article

    if articles is None and sources is None:
        articles = Article.objects.select_related("outlet").iterator(chunk_size=500)
    if articles is not None:
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) == 500:
                _match_articles_to_sources(articles=batch, consider=consider)
                batch = []
        if batch:
            _match_articles_to_sources(articles=batch, consider=consider)
    if sources is not None:
        _match_sources_to_articles(
            sources=[source for source in sources if source.linked_article_id is None],
            consider=consider,
        )

    linked: list[Source] = []
    for source, matches in candidates.values():
        ranked = sorted(
            matches.values(),
            key=lambda article: _agreement(source=source, article=article),
            reverse=True,
        )
        best = _agreement(source=source, article=ranked[0])
        if len(ranked) > 1 and _agreement(source=source, article=ranked[1]) == best:
            continue
        source.linked_article = ranked[0]
        linked.append(source)
    if linked:
        _instances_update(linked, ["linked_article"], history_reason=change_reason)
    return len(linked)


def _match_articles_to_sources(*, articles: list[Article], consider) -> None:
    articles_by_title: dict[str, list[Article]] = {}
    condition = Q()
    for article in articles:
        title = normalize_text(article.title)
        if not title:
            continue
        if article.outlet_id is not None:
            # A source naming another outlet cannot match, so exact fingerprints suffice.
            outlet = article.outlet.normalized_name
            condition |= Q(fingerprint__in=[f"{title}|{outlet}", f"{title}|"])
        elif article.published_on is not None:
            condition |= Q(fingerprint__startswith=f"{title}|", published_on=article.published_on)
        else:
            continue  # neither outlet nor date: nothing could ever agree
        articles_by_title.setdefault(title, []).append(article)
    if not articles_by_title:
        return
    unlinked = Source.objects.select_related("outlet").filter(
        condition, linked_article__isnull=True
    )
    for source in unlinked:
        for article in articles_by_title.get(normalize_text(source.title), []):
            consider(source, article)


_WORD = re.compile(r"\w+")


def _match_sources_to_articles(*, sources: list[Source], consider) -> None:
    sources = [source for source in sources if normalize_text(source.title)]
    dates = {source.published_on for source in sources if source.published_on is not None}
    outlet_ids = {source.outlet_id for source in sources if source.outlet_id is not None}
    if not dates and not outlet_ids:
        return
    # Only articles sharing a date or an outlet with some source can agree with it, and only
    # those whose title holds the longest word of some source's title (off the title trigram
    # index): without that, each import of a big outlet's article read all its articles.
    title_words = Q()
    for source in sources:
        words = _WORD.findall(normalize_text(source.title))
        if words:
            title_words |= Q(title__icontains=max(words, key=len))
        else:
            title_words |= Q(title__iexact=source.title.strip())
    articles = Article.objects.filter(
        Q(published_on__in=dates) | Q(outlet_id__in=outlet_ids), title_words
    )
    articles_by_title: dict[str, list[Article]] = {}
    for article in articles.only("title", "outlet", "published_on"):
        articles_by_title.setdefault(normalize_text(article.title), []).append(article)
    for source in sources:
        for article in articles_by_title.get(normalize_text(source.title), []):
            consider(source, article)


def _source_is_article(*, source: Source, article: Article) -> bool:
    title = normalize_text(source.title)
    if not title or title != normalize_text(article.title):
        return False
    both_outlets = source.outlet_id is not None and article.outlet_id is not None
    both_dates = source.published_on is not None and article.published_on is not None
    if both_outlets and source.outlet_id != article.outlet_id:
        return False
    if both_dates and source.published_on != article.published_on:
        return False
    return both_outlets or both_dates


def _agreement(*, source: Source, article: Article) -> int:
    return int(source.outlet_id is not None and source.outlet_id == article.outlet_id) + int(
        source.published_on is not None and source.published_on == article.published_on
    )
