"""The public claims pages: the front page, the claims list and one claim. Read-only."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from claims.filters import ClaimFilter
from claims.jsonld import claim_review, json_ld_script
from claims.models import Claim, Evidence
from claims.pagination import InvalidCursor, keyset_page
from claims.search import search_headline, search_rank
from factcheck.pages import PAGE_SIZE, absolute_url

LATEST_ON_HOME = 10
RELATED_CLAIMS_SHOWN = 20
CURSOR_PARAMETERS = ("after", "before")
# Lists never show an article's body or the claim's search vector, and both can be large.
NOT_IN_LISTS = ("search_vector", "article__body", "article__metadata")

# Verdicts first, strongest to weakest, then what is left to do: the order of the chart.
CHART_ORDER = [
    Claim.Status.SUPPORTED,
    Claim.Status.CONTESTED,
    Claim.Status.FALSE,
    Claim.Status.UNVERIFIABLE,
    Claim.Status.NOT_A_CLAIM,
    Claim.Status.UNREVIEWED,
]


@dataclass
class VerdictShare:
    status: str
    label: str
    count: int
    percent: float
    # Where the verdict's segment starts along the bar, in percent.
    offset: float


def verdict_shares(claims: QuerySet) -> tuple[list[VerdictShare], int]:
    """Claims per verdict (one GROUP BY query) and their total."""
    counts = dict(claims.order_by().values_list("status").annotate(total=Count("pk")))
    total = sum(counts.values())
    shares = []
    offset = 0.0
    for status in CHART_ORDER:
        count = counts.get(status, 0)
        percent = 100 * count / total if total else 0.0
        shares.append(VerdictShare(status, status.label, count, percent, offset))
        offset += percent
    return shares, total


def claims_count(number: int) -> str:
    return f"{number} claim" if number == 1 else f"{number} claims"


def evidence_total() -> Coalesce:
    # A correlated count (served by the (claim, source, stance) unique index) rather than a
    # JOIN + GROUP BY, so the list query keeps one row per claim and can be keyset-filtered.
    per_claim = (
        Evidence.objects.filter(claim=OuterRef("pk"))
        .order_by()
        .values("claim")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(per_claim), 0)


def home(request: HttpRequest) -> HttpResponse:
    shares, total = verdict_shares(Claim.objects.all())
    latest = (
        Claim.objects.recently_reviewed()
        .select_related("article__outlet")
        .defer(*NOT_IN_LISTS)[:LATEST_ON_HOME]
    )
    unreviewed = next(share.count for share in shares if share.status == Claim.Status.UNREVIEWED)
    return render(
        request,
        "home.html",
        {
            "shares": shares,
            "total": total,
            "chart_caption": f"All {claims_count(total)} by verdict, "
            f"{total - unreviewed} reviewed.",
            "latest": latest,
            "canonical_url": absolute_url(request, reverse("claims:home")),
        },
    )


def canonical_query(filterset: ClaimFilter, *, keep_cursor: bool) -> str:
    """The filters that validated, non-empty, in a stable order: one URL per result set."""
    form = filterset.form
    pairs = []
    for name in sorted(form.fields):
        if name in filterset.errors or form.cleaned_data.get(name) in (None, "", [], False):
            continue
        values = [value for value in form.data.getlist(name) if value]
        pairs.extend((name, value) for value in sorted(values))
    if keep_cursor:
        pairs.extend((name, form.data[name]) for name in CURSOR_PARAMETERS if form.data.get(name))
    return urlencode(pairs)


def without_cursor(query: QueryDict) -> str:
    query = query.copy()
    for name in CURSOR_PARAMETERS:
        query.pop(name, None)
    return query.urlencode()


def claim_list(request: HttpRequest) -> HttpResponse:
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.all())
    claims = filterset.qs
    shares, total = verdict_shares(claims)
    search_term = filterset.search_term
    order = filterset.sort_choice or ("rank" if search_term else "article")

    page_claims = (
        claims.select_related("article__outlet")
        .defer(*NOT_IN_LISTS)
        .annotate(evidence_total=evidence_total(), article_published_on=F("article__published_on"))
    )
    if order == "rank":
        page_claims = page_claims.annotate(rank=search_rank(search_term))
    cursor_error = ""
    try:
        page = keyset_page(
            page_claims,
            order,
            size=PAGE_SIZE,
            after_cursor=request.GET.get("after", ""),
            before_cursor=request.GET.get("before", ""),
        )
    except InvalidCursor:
        cursor_error = "That page link is damaged or was made for another sort order, so this is "
        cursor_error += "the first page."
        page = keyset_page(page_claims, order, size=PAGE_SIZE)

    if search_term and page.rows:
        # Highlighting is costly (it re-parses each sentence), so only the visible page pays.
        headlines = dict(
            Claim.objects.filter(pk__in=[claim.pk for claim in page.rows])
            .annotate(headline=search_headline(search_term))
            .values_list("pk", "headline")
        )
        for claim in page.rows:
            claim.headline = headlines[claim.pk]

    applied = filterset.applied_filters()
    # The long part of the form stays folded so that, on a phone, the results come first.
    # Filters in use are listed above the results; it opens for what is shown nowhere else:
    # an error to correct, or the chosen sort.
    filters_open = bool(filterset.errors) or bool(filterset.sort_choice)
    query = canonical_query(filterset, keep_cursor=not cursor_error)
    list_url = reverse("claims:claim_list")
    return render(
        request,
        "claims/claim_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "applied": applied,
            "filters_open": filters_open,
            "claims": page.rows,
            "page": page,
            "shares": shares,
            "total": total,
            "chart_caption": f"The {claims_count(total)} matching, by verdict.",
            "search_term": search_term,
            "cursor_error": cursor_error,
            "is_first_page": not (request.GET.get("after") or request.GET.get("before"))
            or bool(cursor_error),
            "export_query": without_cursor(request.GET),
            "canonical_url": absolute_url(request, list_url + (f"?{query}" if query else "")),
        },
    )


@dataclass
class VerdictChange:
    changed_at: datetime
    changed_by: AbstractBaseUser | None
    old_status: str | None
    new_status: str
    reason: str


def verdict_changes(records: list) -> list[VerdictChange]:
    """History records (oldest first) reduced to the changes of verdict or reason, newest
    first. The import that created the claim unreviewed is not a verdict and is left out."""
    changes = []
    previous = None
    for record in records:
        if record.history_type == "-":
            continue
        if previous is None:
            changed = record.status != Claim.Status.UNREVIEWED
        else:
            changed = record.status != previous.status or record.reason != previous.reason
        if changed:
            changes.append(
                VerdictChange(
                    changed_at=record.history_date,
                    changed_by=record.history_user,
                    old_status=previous.status if previous is not None else None,
                    new_status=record.status,
                    reason=record.reason,
                )
            )
        previous = record
    return list(reversed(changes))


def sentence_in_paragraph(claim: Claim) -> tuple[str, str, str] | None:
    """The text before the sentence in its paragraph, the sentence, and the text after it; None
    when the stored offsets no longer match the body (then the page shows the sentence alone)."""
    body = claim.article.body
    if body[claim.start : claim.end] != claim.text:
        return None
    paragraph = claim.paragraph_text()
    paragraph_start = body.rfind("\n\n", 0, claim.start)
    paragraph_start = 0 if paragraph_start == -1 else paragraph_start + 2
    before = paragraph[: claim.start - paragraph_start]
    after = paragraph[claim.end - paragraph_start :]
    return before, claim.text, after


def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(
        Claim.objects.select_related("article__outlet", "reviewed_by")
        .defer("search_vector")
        .prefetch_related("article__contributors"),
        pk=pk,
    )
    evidence = list(claim.evidence.select_related("source__outlet").order_by("id"))
    evidence_by_stance = [
        (stance, [item for item in evidence if item.stance == stance]) for stance in Evidence.Stance
    ]
    history = claim.history.select_related("history_user").order_by("history_date", "history_id")
    related = (
        claim.related_claims.exclude(article_id=claim.article_id)
        .select_related("article__outlet")
        .defer(*NOT_IN_LISTS)
        .order_by(F("reviewed_at").desc(nulls_last=True), "id")[:RELATED_CLAIMS_SHOWN]
    )
    review = claim_review(claim, request)
    authors = [
        contributor.name
        for contributor in claim.article.contributors.all()
        if contributor.role == contributor.Role.AUTHOR
    ]
    return render(
        request,
        "claims/claim_detail.html",
        {
            "claim": claim,
            "article": claim.article,
            "authors": authors,
            "context": sentence_in_paragraph(claim),
            "evidence_count": len(evidence),
            "evidence_by_stance": [group for group in evidence_by_stance if group[1]],
            "changes": verdict_changes(list(history)),
            "related": list(related),
            "claim_review": json_ld_script(review) if review else "",
            "canonical_url": absolute_url(request, claim.get_absolute_url()),
        },
    )
