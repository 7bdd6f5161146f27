"""Keyset ("cursor") pagination for the claims page.

OFFSET pagination makes Postgres produce and throw away every row before the page, so page 4 000
costs 4 000 pages of work. A keyset page instead starts right after the last row already shown:
`WHERE (key1, key2, …) > (last row's values) ORDER BY key1, key2, … LIMIT n`, so every page
costs the same. The default order (article, ordinal) is the unique index
`claim_unique_ordinal`, which Postgres walks from the cursor; the other orders are bounded by
the filters' result set, sorted once per page with a LIMIT (a top-n heap sort, no OFFSET).

A cursor is the sort name plus the boundary row's key values, as URL-safe base64 JSON. It is
parsed strictly and any damage is reported, never trusted: it only ever becomes query
parameters of the expected types.
"""

import base64
import binascii
import datetime
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy

# Postgres bigint: a larger number in a cursor can only be tampering, and must not reach SQL.
LARGEST_INTEGER = 2**63 - 1


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class SortKey:
    # An attribute of every row (a field or an annotation on the queryset).
    name: str
    descending: bool
    parse: Callable[[object], object]
    nullable: bool = False


def parse_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidCursor("not a whole number")
    if abs(value) > LARGEST_INTEGER:
        raise InvalidCursor("a number out of range")
    return value


def parse_float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidCursor("not a number")
    if not math.isfinite(value):
        raise InvalidCursor("not a finite number")
    return float(value)


def parse_status(value: object) -> str:
    # A verdict's value, as in "not_a_claim"; the filter pins which one.
    if not isinstance(value, str) or len(value) > 20 or not value.replace("_", "").isalpha():
        raise InvalidCursor("not a verdict")
    return value


def parse_date(value: object) -> datetime.date:
    if not isinstance(value, str):
        raise InvalidCursor("not a date")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise InvalidCursor("not a date") from error


def parse_datetime(value: object) -> datetime.datetime:
    if not isinstance(value, str):
        raise InvalidCursor("not a time")
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError as error:
        raise InvalidCursor("not a time") from error
    if parsed.tzinfo is None:
        raise InvalidCursor("a time without a time zone")
    return parsed


# Every order ends in a unique key so that no two rows tie and no row is skipped or repeated.
ORDERS: dict[str, tuple[SortKey, ...]] = {
    "article": (
        SortKey("article_id", False, parse_int),
        SortKey("ordinal", False, parse_int),
    ),
    "newest": (
        SortKey("article_published_on", True, parse_date, nullable=True),
        SortKey("article_id", True, parse_int),
        SortKey("ordinal", False, parse_int),
    ),
    "evidence": (
        SortKey("evidence_total", True, parse_int),
        SortKey("id", False, parse_int),
    ),
    "reviewed": (
        SortKey("reviewed_at", True, parse_datetime, nullable=True),
        SortKey("id", True, parse_int),
    ),
    "rank": (
        SortKey("rank", True, parse_float),
        SortKey("id", False, parse_int),
    ),
    # "reviewed" for the sentences not reviewed yet (?reviewed=no): the same rows in the same
    # order, the status stated first so that only claim_status_reviewed_idx gives the order.
    # Left to choose, Postgres walked claim_reviewed_at_idx past all 300,000 reviewed claims to
    # reach the first unreviewed one (3.9 s at a million claims).
    "unreviewed": (
        SortKey("status", False, parse_status),
        SortKey("reviewed_at", True, parse_datetime, nullable=True),
        SortKey("id", True, parse_int),
    ),
}


def encode_value(value: object) -> object:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def encode_cursor(order: str, row: object) -> str:
    values = [encode_value(getattr(row, key.name)) for key in ORDERS[order]]
    payload = json.dumps([order, values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(order: str, token: str) -> list[object]:
    if len(token) > 500:
        raise InvalidCursor("too long")
    try:
        payload = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        cursor_order, values = json.loads(payload)
    except (binascii.Error, ValueError, TypeError) as error:
        raise InvalidCursor("unreadable") from error
    keys = ORDERS[order]
    if cursor_order != order or not isinstance(values, list) or len(values) != len(keys):
        raise InvalidCursor("made for another sort order")
    return [
        None if value is None and key.nullable else key.parse(value)
        for key, value in zip(keys, values, strict=True)
    ]


def order_by(keys: Sequence[SortKey], *, reverse: bool = False) -> list[OrderBy]:
    ordering = []
    for key in keys:
        expression = F(key.name)
        descending = key.descending != reverse
        # Empty values (no date, not reviewed) come last in reading order. NOT NULL columns get
        # no NULLS clause: a plain ASC/DESC lets Postgres walk an index in either direction.
        nulls = {}
        if key.nullable:
            nulls = {"nulls_first": True} if reverse else {"nulls_last": True}
        ordering.append(expression.desc(**nulls) if descending else expression.asc(**nulls))
    return ordering


def after(keys: Sequence[SortKey], values: Sequence[object], *, reverse: bool = False) -> Q:
    """Rows strictly after `values` in the order (before them when `reverse`):
    k1 > v1 OR (k1 = v1 AND k2 > v2) OR …, with ">" meaning "later in this order"."""
    nothing = Q(pk__in=[])
    condition = nothing
    equal_so_far = Q()
    for key, value in zip(keys, values, strict=True):
        descending = key.descending != reverse
        nulls_last = not reverse
        if value is None:
            later = nothing if nulls_last else Q(**{f"{key.name}__isnull": False})
            same = Q(**{f"{key.name}__isnull": True})
        else:
            later = Q(**{f"{key.name}__{'lt' if descending else 'gt'}": value})
            if key.nullable and nulls_last:
                later |= Q(**{f"{key.name}__isnull": True})
            same = Q(**{key.name: value})
        condition |= equal_so_far & later
        equal_so_far &= same
    first = keys[0]
    if values[0] is not None and not first.nullable:
        # Implied by the condition above, but stated so Postgres can start an index scan at the
        # cursor instead of filtering the whole index.
        descending = first.descending != reverse
        condition &= Q(**{f"{first.name}__{'lte' if descending else 'gte'}": values[0]})
    return condition


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None


def keyset_page(
    queryset: QuerySet,
    order: str,
    *,
    size: int,
    after_cursor: str = "",
    before_cursor: str = "",
) -> KeysetPage:
    """One page of `queryset` in `order`, after or before a cursor. Raises InvalidCursor."""
    keys = ORDERS[order]
    if before_cursor:
        values = decode_cursor(order, before_cursor)
        found = list(
            queryset.filter(after(keys, values, reverse=True)).order_by(
                *order_by(keys, reverse=True)
            )[: size + 1]
        )
        has_more_before = len(found) > size
        rows = list(reversed(found[:size]))
        return KeysetPage(
            rows=rows,
            next_cursor=encode_cursor(order, rows[-1]) if rows else None,
            previous_cursor=encode_cursor(order, rows[0]) if rows and has_more_before else None,
        )
    if after_cursor:
        values = decode_cursor(order, after_cursor)
        queryset = queryset.filter(after(keys, values))
    found = list(queryset.order_by(*order_by(keys))[: size + 1])
    rows = found[:size]
    return KeysetPage(
        rows=rows,
        next_cursor=encode_cursor(order, rows[-1]) if len(found) > size else None,
        previous_cursor=encode_cursor(order, rows[0]) if after_cursor and rows else None,
    )
