"""CSV and JSON downloads of the claims page, for whatever filters it shows.

Each exported row leaves PostgreSQL as one finished line of CSV or JSON, made by the query
itself, and the lines are streamed from a server-side cursor one chunk at a time: an export of
every claim holds one chunk in memory, not the whole table, and Python does no work per value.
(Reading eleven values per row and converting, escaping and joining them in Python held an
export to about 5,000 rows a second; the text the database makes is the same, byte for byte:
the tests compare it with Python's csv and json modules.)
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connections
from django.db.models import F
from django.db.models.expressions import Expression
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse

from claims.filters import ClaimFilter
from claims.models import Claim
from claims.pagination import ORDERS, order_by
from claims.search import search_rank
from claims.views import evidence_total
from factcheck.pages import absolute_url

CHUNK_SIZE = 2000
COLUMNS = [
    "id",
    "url",
    "article",
    "outlet",
    "published",
    "sentence",
    "verdict",
    "reason",
    "reviewed_by",
    "reviewed_at",
    "evidence_count",
]
# Free text from imported files and editors, where a spreadsheet could find a formula.
FREE_TEXT_COLUMNS = {"article", "outlet", "sentence", "reason", "reviewed_by"}
# Besides the free text, the columns that could hold a comma, a quote or a line break: the
# address (its host comes from the settings or the request) and the verdict's label. Numbers,
# dates and timestamps never do.
MAY_NEED_QUOTES = {"url", "verdict"}
# The columns that are numbers in JSON; every other one is a string.
NUMBER_COLUMNS = {"id", "evidence_count"}
STATUS_LABELS = dict(Claim.Status.choices)
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# The same as a regular expression ("-" last in the brackets, where it stands for itself).
FORMULA_START = (
    "^["
    + "".join(
        {"\t": r"\t", "\r": r"\r"}.get(prefix, prefix)
        for prefix in sorted(FORMULA_PREFIXES, key=lambda prefix: prefix == "-")
    )
    + "]"
)
# What makes Python's csv module (its "excel" dialect, which the export was first written with)
# quote a field; that dialect ends every row with CSV_LINE_END.
CSV_SPECIAL = r'[",\r\n]'
CSV_LINE_END = "\r\n"
# What each row is read as, from the claims page's own query: plain columns, by the names the
# export's SQL gives them.
SOURCE_COLUMNS: dict[str, Expression] = {
    "id": F("pk"),
    "title": F("article__title"),
    "outlet": F("article__outlet__name"),
    "published_on": F("article__published_on"),
    "text": F("text"),
    "status": F("status"),
    "reason": F("reason"),
    "first_name": F("reviewed_by__first_name"),
    "last_name": F("reviewed_by__last_name"),
    "reviewed_at": F("reviewed_at"),
    "evidence_count": evidence_total(),
}


@dataclass(frozen=True)
class Sql:
    """A piece of SQL and its parameters."""

    text: str
    params: tuple = ()


def sql(template: str, *parts: Sql) -> Sql:
    """`template` with {0}, {1}, … replaced by `parts` (one may appear more than once: its
    parameters are then repeated where it does)."""
    params = []

    def placeholder(match: re.Match) -> str:
        part = parts[int(match.group(1))]
        params.extend(part.params)
        return f"({part.text})"

    return Sql(re.sub(r"\{(\d+)\}", placeholder, template), tuple(params))


def column(name: str) -> Sql:
    """A column of SOURCE_COLUMNS, as the query around the claims page's reads it."""
    return Sql(f'export."export_{name}"')


def text(value: str) -> Sql:
    return Sql("%s::text", (value,))


def text_values(claim_url_prefix: str) -> dict[str, Sql]:
    """Each column as text, never NULL, as the exports write it (before CSV or JSON quoting):
    dates as Python's isoformat() writes them, timestamps in UTC (the connection's zone)."""
    verdict_cases = " ".join(
        f"WHEN {{0}} = {{{index + 1}}} THEN {{{index + 1 + len(STATUS_LABELS)}}}"
        for index in range(len(STATUS_LABELS))
    )
    return {
        "id": sql("{0}::text", column("id")),
        "url": sql("{0} || {1}::text || '/'", text(claim_url_prefix), column("id")),
        "article": sql("coalesce({0}, '')", column("title")),
        "outlet": sql("coalesce({0}, '')", column("outlet")),
        "published": sql("coalesce(to_char({0}, 'YYYY-MM-DD'), '')", column("published_on")),
        "sentence": sql("coalesce({0}, '')", column("text")),
        "verdict": sql(
            f"CASE {verdict_cases} ELSE {{0}} END",
            column("status"),
            *(text(status) for status in STATUS_LABELS),
            *(text(str(label)) for label in STATUS_LABELS.values()),
        ),
        "reason": sql("coalesce({0}, '')", column("reason")),
        # As public_name(): the full name, never the username; stripped as str.strip() does.
        "reviewed_by": sql(
            r"btrim(coalesce({0}, '') || ' ' || coalesce({1}, ''), E' \t\n\r\f\v')",
            column("first_name"),
            column("last_name"),
        ),
        # isoformat() leaves out microseconds of 0 (the time has no other ".").
        "reviewed_at": sql(
            "coalesce(replace(to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'),"
            " '.000000', '') || '+00:00', '')",
            column("reviewed_at"),
        ),
        "evidence_count": sql("{0}::text", column("evidence_count")),
    }


def csv_cell(value: Sql, *, free_text: bool) -> Sql:
    """A cell as the export has always written it with Python's csv.writer: free text that a
    spreadsheet would run as a formula with a ' in front, then quoted (its quotes doubled) when
    it holds a comma, a quote or a line break. Most cells need neither and cost one test."""
    quoted = """'"' || replace({0}, '"', '""') || '"'"""
    if not free_text:
        return sql(f"CASE WHEN {{0}} ~ '{CSV_SPECIAL}' THEN {quoted} ELSE {{0}} END", value)
    defused = f"(CASE WHEN {{0}} ~ '{FORMULA_START}' THEN '''' || {{0}} ELSE {{0}} END)"
    return sql(
        f"CASE WHEN {{0}} !~ '{FORMULA_START}|{CSV_SPECIAL}' THEN {{0}}"
        f" WHEN {{0}} ~ '{CSV_SPECIAL}' THEN {quoted.replace('{0}', defused)}"
        " ELSE '''' || {0} END",
        value,
    )


def csv_line(claim_url_prefix: str) -> Sql:
    values = text_values(claim_url_prefix)
    cells = [
        csv_cell(values[name], free_text=name in FREE_TEXT_COLUMNS)
        if name in FREE_TEXT_COLUMNS | MAY_NEED_QUOTES
        else values[name]
        for name in COLUMNS
    ]
    template = " || ',' || ".join(f"{{{index}}}" for index in range(len(cells)))
    return sql(f"{template} || E'\\r\\n'", *cells)


def json_line(claim_url_prefix: str) -> Sql:
    """A row as json.JSONEncoder(ensure_ascii=False) writes a dict of COLUMNS: the same
    separators, and to_json() escapes strings as it does (quotes, backslashes and control
    characters; everything else as it is)."""
    values = text_values(claim_url_prefix)
    parts = []
    for index, name in enumerate(COLUMNS):
        value = f"{{{index}}}" if name in NUMBER_COLUMNS else f"to_json({{{index}}})::text"
        parts.append(f"'{', ' if index else '{'}\"{name}\": ' || {value}")
    return sql(" || ".join(parts) + " || '}'", *(values[name] for name in COLUMNS))


def export_query(filterset: ClaimFilter, line: Sql) -> tuple[str, str, tuple]:
    """(database alias, SQL, parameters) of an export: the claims page's query, filtered and
    sorted as the page is, selecting plain columns; around it, the lines made of them.

    The lines are made outside, after the sort: made inside, Postgres would make every line
    before sorting, and then sort finished lines (on disk, for 100k of them) instead of narrow
    rows. The outer ORDER BY repeats the inner one, so the order is certain; Postgres sees the
    rows already come in that order and does not sort them twice."""
    keys = ORDERS[filterset.order]
    claims = filterset.qs.annotate(
        evidence_total=evidence_total(), article_published_on=F("article__published_on")
    )
    if filterset.order == "rank":
        claims = claims.annotate(rank=search_rank(filterset.search_term))
    sources = {f"export_{name}": expression for name, expression in SOURCE_COLUMNS.items()}
    sort_columns = {f"export_sort_{index}": F(key.name) for index, key in enumerate(keys)}
    inner = (
        claims.annotate(**sources, **sort_columns)
        .order_by(*order_by(keys))
        .values_list(*sources, *sort_columns)
    )
    inner_sql, inner_params = inner.query.sql_with_params()
    outer_order = ", ".join(
        f'export."{name}" {"DESC" if key.descending else "ASC"}'
        + (" NULLS LAST" if key.nullable else "")
        for name, key in zip(sort_columns, keys, strict=True)
    )
    return (
        inner.db,
        f"SELECT {line.text} FROM ({inner_sql}) AS export ORDER BY {outer_order}",
        line.params + tuple(inner_params),
    )


def exported_lines(filterset: ClaimFilter, line: Sql) -> Iterator[list[str]]:
    """The lines of the filtered, sorted list, CHUNK_SIZE at a time, from a server-side
    cursor."""
    using, query, params = export_query(filterset, line)
    connection = connections[using]
    # Behind a transaction pooler a server-side cursor does not survive (see the settings): the
    # rows then come whole, as Django's .iterator() reads them there.
    server_side = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with connection.chunked_cursor() if server_side else connection.cursor() as cursor:
        cursor.itersize = CHUNK_SIZE
        cursor.execute(query, params)
        while rows := cursor.fetchmany(CHUNK_SIZE):
            yield [row[0] for row in rows]


def claim_url_prefix(request: HttpRequest) -> str:
    # reverse() once with a placeholder instead of once per row.
    return absolute_url(request, reverse("claims:claim_detail", kwargs={"pk": 0})).removesuffix(
        "0/"
    )


def invalid_filters_response(filterset: ClaimFilter) -> HttpResponse:
    # A download that silently ignored a filter would look like a correct answer; say what is
    # wrong instead, naming each parameter.
    lines = [
        f"{name}: {' '.join(str(message) for message in messages)}"
        for name, messages in filterset.errors.items()
    ]
    return HttpResponse(
        "The export was not made because some filters are invalid:\n" + "\n".join(lines) + "\n",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def claims_csv(request: HttpRequest) -> HttpResponse:
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.all(), for_readers=True)
    if not filterset.is_valid():
        return invalid_filters_response(filterset)
    line = csv_line(claim_url_prefix(request))

    def pieces() -> Iterator[str]:
        # One piece of the response per chunk of rows, not per row: fewer, larger writes.
        yield ",".join(COLUMNS) + CSV_LINE_END
        for lines in exported_lines(filterset, line):
            yield "".join(lines)

    response = StreamingHttpResponse(pieces(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="claims.csv"'
    return response


def claims_json(request: HttpRequest) -> HttpResponse:
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.all(), for_readers=True)
    if not filterset.is_valid():
        return invalid_filters_response(filterset)
    line = json_line(claim_url_prefix(request))

    def pieces() -> Iterator[str]:
        yield "["
        separator = "\n"
        for lines in exported_lines(filterset, line):
            yield separator + ",\n".join(lines)
            separator = ",\n"
        yield "\n]\n"

    response = StreamingHttpResponse(pieces(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="claims.json"'
    return response
