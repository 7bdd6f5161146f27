"""CSV and JSON downloads of the claims page, for whatever filters it shows.

Both are streamed from a server-side cursor, so an export of every claim holds one chunk of rows
in memory at a time, not the whole table.
"""

import csv
import json
from collections.abc import Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse

from claims.filters import ClaimFilter
from claims.models import Claim
from claims.pagination import ORDERS, order_by
from claims.search import search_rank
from claims.templatetags.claims_extras import public_name
from claims.views import NOT_IN_LISTS, evidence_total
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
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class Echo:
    """csv.writer wants a file; this one hands each written line back instead."""

    def write(self, value: str) -> str:
        return value


def exported_claims(filterset: ClaimFilter) -> Iterator[Claim]:
    search_term = filterset.search_term
    order = filterset.order
    claims = (
        filterset.qs.select_related("article__outlet", "reviewed_by")
        .defer(*NOT_IN_LISTS)
        .annotate(evidence_total=evidence_total(), article_published_on=F("article__published_on"))
        .order_by(*order_by(ORDERS[order]))
    )
    if order == "rank":
        claims = claims.annotate(rank=search_rank(search_term))
    return claims.iterator(chunk_size=CHUNK_SIZE)


def export_row(claim: Claim, claim_url: str) -> dict[str, object]:
    article = claim.article
    return {
        "id": claim.pk,
        "url": claim_url,
        "article": article.title,
        "outlet": article.outlet.name if article.outlet else "",
        "published": article.published_on.isoformat() if article.published_on else "",
        "sentence": claim.text,
        "verdict": claim.get_status_display(),
        "reason": claim.reason,
        "reviewed_by": public_name(claim.reviewed_by),
        "reviewed_at": claim.reviewed_at.isoformat() if claim.reviewed_at else "",
        "evidence_count": claim.evidence_total,
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


def claims_csv(request: HttpRequest) -> HttpResponse:
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.all(), for_readers=True)
    if not filterset.is_valid():
        return invalid_filters_response(filterset)
    prefix = claim_url_prefix(request)
    writer = csv.writer(Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(COLUMNS)
        for claim in exported_claims(filterset):
            row = export_row(claim, f"{prefix}{claim.pk}/")
            yield writer.writerow([neutralize_formula(row[column]) for column in COLUMNS])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="claims.csv"'
    return response


def claims_json(request: HttpRequest) -> HttpResponse:
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.all(), for_readers=True)
    if not filterset.is_valid():
        return invalid_filters_response(filterset)
    prefix = claim_url_prefix(request)

    def chunks() -> Iterator[str]:
        yield "["
        separator = "\n"
        for claim in exported_claims(filterset):
            row = export_row(claim, f"{prefix}{claim.pk}/")
            yield separator + json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)
            separator = ",\n"
        yield "\n]\n"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="claims.json"'
    return response
