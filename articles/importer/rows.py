"""Plain-row writes: multi-row INSERT and UPDATE of value tuples, and the history rows
simple_history would write for them, in the same statement."""

import functools
from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import get_history_model_for_model


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
