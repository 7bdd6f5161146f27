"""CSV and JSON downloads of the claims page, for whatever filters it shows.

Both are streamed from a server-side cursor, so an export of every claim holds one chunk of rows
in memory at a time, not the whole table.
"""

import csv
import io
import json
from collections.abc import Iterator

from django.db.models import F
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
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
STATUS_LABELS = dict(Claim.Status.choices)
# What each exported row is read as: plain values off a server-side cursor, never a model
# instance (building 100k Claim, Article, Outlet and User objects was most of an export's time).
EXPORTED_VALUES = (
    "pk",
    "article__title",
    "article__outlet__name",
    "article__published_on",
    "text",
    "status",
    "reason",
    "reviewed_by__first_name",
    "reviewed_by__last_name",
    "reviewed_at",
    "evidence_total",
)


def exported_rows(filterset: ClaimFilter) -> Iterator[tuple]:
    """The claims of the filtered, sorted list as tuples of EXPORTED_VALUES, streamed from a
    server-side cursor CHUNK_SIZE rows at a time."""
    search_term = filterset.search_term
    order = filterset.order
    claims = filterset.qs.annotate(
        evidence_total=evidence_total(), article_published_on=F("article__published_on")
    )
    if order == "rank":
        claims = claims.annotate(rank=search_rank(search_term))
    return (
        claims.order_by(*order_by(ORDERS[order]))
        .values_list(*EXPORTED_VALUES)
        .iterator(chunk_size=CHUNK_SIZE)
    )


def export_rows(filterset: ClaimFilter, claim_url_prefix: str) -> Iterator[dict[str, object]]:
    """Each exported claim as a dict of COLUMNS, in the list's order."""
    for (
        pk,
        title,
        outlet,
        published_on,
        text,
        status,
        reason,
        first_name,
        last_name,
        reviewed_at,
        evidence_count,
    ) in exported_rows(filterset):
        yield {
            "id": pk,
            "url": f"{claim_url_prefix}{pk}/",
            "article": title,
            "outlet": outlet or "",
            "published": published_on.isoformat() if published_on else "",
            "sentence": text,
            "verdict": STATUS_LABELS.get(status, status),
            "reason": reason,
            # As public_name(): the full name, never the username.
            "reviewed_by": f"{first_name or ''} {last_name or ''}".strip(),
            "reviewed_at": reviewed_at.isoformat() if reviewed_at else "",
            "evidence_count": evidence_count,
        }


def claim_url_prefix(request: HttpRequest) -> str:
    # reverse() once with a placeholder instead of once per row.
    return absolute_url(request, reverse("claims:claim_detail", kwargs={"pk": 0})).removesuffix(
        "0/"
    )


def neutralize_formula(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


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


def in_chunks(rows: Iterator[dict[str, object]], size: int = CHUNK_SIZE) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def claims_csv(request: HttpRequest) -> HttpResponse:
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.all(), for_readers=True)
    if not filterset.is_valid():
        return invalid_filters_response(filterset)
    prefix = claim_url_prefix(request)

    def lines() -> Iterator[str]:
        # One piece of the response per chunk of rows, not per row: fewer, larger writes.
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        for chunk in in_chunks(export_rows(filterset, prefix)):
            writer.writerows(
                [
                    neutralize_formula(row[column]) if column in FREE_TEXT_COLUMNS else row[column]
                    for column in COLUMNS
                ]
                for row in chunk
            )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="claims.csv"'
    return response


def claims_json(request: HttpRequest) -> HttpResponse:
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.all(), for_readers=True)
    if not filterset.is_valid():
        return invalid_filters_response(filterset)
    prefix = claim_url_prefix(request)
    # Every value is already a str, an int or None: the plain encoder, made once.
    encode = json.JSONEncoder(ensure_ascii=False).encode

    def chunks() -> Iterator[str]:
        yield "["
        separator = "\n"
        for chunk in in_chunks(export_rows(filterset, prefix)):
            pieces = []
            for row in chunk:
                pieces.append(separator + encode(row))
                separator = ",\n"
            yield "".join(pieces)
        yield "\n]\n"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="claims.json"'
    return response
