"""The public claims pages: the front page, the claims list and one claim. Read-only."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import Truncator

from articles.models import Article
from articles.rendering import safe_external_url
from claims.counters import COUNT_CAP, VerdictCounts, counted_verdicts
from claims.filters import DEFAULT_SORT, SEARCH_SORT, SORT_CHOICES, ClaimFilter
from claims.jsonld import claim_review, json_ld
from claims.links import linked_claims
from claims.models import Claim, Evidence
from claims.pagination import LARGEST_INTEGER, InvalidCursor, keyset_page
from claims.plain_text import (
    claim_plain_text,
    headline_without_markers,
    marker_labels,
    without_markers,
)
from claims.search import search_headline, search_rank
from claims.support import claim_cited_support
from claims.templatetags.claims_extras import FILTER_FORM_RENDERER, quoted
from claims.timeline import claim_timeline, history_records, withdrawal_reason
from factcheck.pages import PAGE_SIZE, absolute_url, url_pattern

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


def verdict_shares(counts: VerdictCounts) -> tuple[list[VerdictShare], int]:
    """Claims per verdict in the chart's order, with their share, and their total."""
    total = counts.total
    shares = []
    offset = 0.0
    for status in CHART_ORDER:
        count = counts.by_status.get(status, 0)
        percent = 100 * count / total if total else 0.0
        shares.append(VerdictShare(status, status.label, count, percent, offset))
        offset += percent
    return shares, total


def claims_count(number: int) -> str:
    return f"{number} claim" if number == 1 else f"{number} claims"


ORDER_LABELS = dict(SORT_CHOICES) | {SEARCH_SORT: "Best match first"}


def evidence_total() -> F:
    # The stored counter, kept exact by triggers (claims 0011_stored_counters).
    return F("evidence_count")


@dataclass(frozen=True)
class ListUrls:
    """Addresses of claims, articles and outlets for list rows, built by string formatting
    from one reverse() each instead of three reverse() calls per row."""

    claim: Callable[[object], str]
    article: Callable[[object], str]
    outlet: Callable[[object], str]

    @classmethod
    def build(cls) -> "ListUrls":
        return cls(
            claim=url_pattern("claims:claim_detail", "pk"),
            article=url_pattern("articles:article_detail", "slug"),
            outlet=url_pattern("sources:outlet_detail", "slug"),
        )

    def annotate(self, claims: list[Claim]) -> None:
        """Set `list_url` on each claim, its article and its outlet (read by _claim_item.html)."""
        for claim in claims:
            # A missing attribute costs the template engine a dir() of the whole claim (1 ms):
            # rows without a search highlight say so.
            if not hasattr(claim, "headline"):
                claim.headline = ""
            claim.list_url = self.claim(claim.pk)
            claim.article.list_url = self.article(claim.article.slug)
            if claim.article.outlet is not None:
                claim.article.outlet.list_url = self.outlet(claim.article.outlet.slug)


def home(request: HttpRequest) -> HttpResponse:
    # Off the stored counters: one SUM over a row per article, not a GROUP BY of every claim.
    shares, total = verdict_shares(counted_verdicts())
    # "Not a claim" is a verdict, but not news: the front page shows what was checked.
    latest = (
        Claim.objects.of_published_articles()
        .recently_reviewed()
        .exclude(status=Claim.Status.NOT_A_CLAIM)
        .select_related("article__outlet")
        .defer(*NOT_IN_LISTS)
        .annotate(marker_labels=marker_labels())[:LATEST_ON_HOME]
    )
    latest = list(latest)
    ListUrls.build().annotate(latest)
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
            "contested_total": next(
                share.count for share in shares if share.status == Claim.Status.CONTESTED
            ),
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
        if name == "reviewed" and filterset.reviewed_by_default:
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
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.all(), for_readers=True)
    claims = filterset.qs
    counts = filterset.verdict_counts()
    shares, total = verdict_shares(counts)
    search_term = filterset.search_term
    order = filterset.order
    rank_skipped = False
    if order == SEARCH_SORT and not counts.exact:
        # Ranking every match reads all of them (a common word: 104,000 claims, over a
        # second); past the cap the matches come newest verdict first, off the index, and the
        # page says so.
        order = DEFAULT_SORT
        rank_skipped = True

    page_claims = (
        claims.select_related("article__outlet")
        .defer(*NOT_IN_LISTS)
        .annotate(
            evidence_total=evidence_total(),
            article_published_on=F("article__published_on"),
            marker_labels=marker_labels(),
        )
    )
    label = ORDER_LABELS[order]
    if order == DEFAULT_SORT and filterset.scope == "no":
        order = "unreviewed"
    if order == "rank":
        page_claims = page_claims.annotate(
            rank=search_rank(search_term, configs=filterset.search_configs)
        )
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
            .annotate(headline=search_headline(search_term, configs=filterset.search_configs))
            .values_list("pk", "headline")
        )
        for claim in page.rows:
            claim.headline = headline_without_markers(headlines[claim.pk], claim.marker_labels)
    ListUrls.build().annotate(page.rows)

    applied = filterset.applied_filters()
    # The long part of the form stays folded so that, on a phone, the results come first.
    # Filters in use are listed above the results; it opens for what is shown nowhere else:
    # an error to correct, or the chosen sort.
    filters_open = bool(filterset.errors) or bool(filterset.sort_choice)
    scope = filterset.scope
    query = canonical_query(filterset, keep_cursor=not cursor_error)
    list_url = reverse("claims:claim_list")
    filterset.form.renderer = FILTER_FORM_RENDERER
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
            "total_exact": counts.exact,
            "count_cap": f"{COUNT_CAP:,}",
            "rank_skipped": rank_skipped,
            "chart_caption": f"The {claims_count(total)} matching, by verdict.",
            "scope": scope,
            "order_label": label,
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
    # "first" (the first verdict), "verdict" (a different verdict), "reason" (the same verdict,
    # its reason rewritten), "withdrawal" (back to unreviewed) or "republished" (a verdict again
    # after a withdrawal).
    kind: str
    # A withdrawal's reason is kept only in the history's short change-reason column.
    reason_shortened: bool = False

    @property
    def is_correction(self) -> bool:
        return self.kind != "first"


def change_kind(previous: object | None, record: object, *, published_before: bool) -> str:
    if record.status == Claim.Status.UNREVIEWED:
        return "withdrawal"
    if previous is None or previous.status == Claim.Status.UNREVIEWED:
        return "republished" if published_before else "first"
    return "verdict" if record.status != previous.status else "reason"


def verdict_changes(records: list) -> list[VerdictChange]:
    """History records (oldest first) reduced to the changes of verdict or reason, newest
    first. The import that created the claim unreviewed is not a verdict and is left out."""
    changes = []
    previous = None
    published_before = False
    for record in records:
        if record.history_type == "-":
            continue
        if previous is None:
            changed = record.status != Claim.Status.UNREVIEWED
        else:
            changed = record.status != previous.status or record.reason != previous.reason
        if changed:
            kind = change_kind(previous, record, published_before=published_before)
            reason, shortened = (
                withdrawal_reason(record) if kind == "withdrawal" else (record.reason, False)
            )
            changes.append(
                VerdictChange(
                    changed_at=record.history_date,
                    changed_by=record.history_user,
                    old_status=previous.status if previous is not None else None,
                    new_status=record.status,
                    reason=reason,
                    kind=kind,
                    reason_shortened=shortened,
                )
            )
        published_before = published_before or record.status != Claim.Status.UNREVIEWED
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


@dataclass
class EvidenceGroup:
    stance: str
    heading: str
    items: list


EVIDENCE_HEADINGS = {
    Evidence.Stance.CONTRADICTS: "Sources that contradict it",
    Evidence.Stance.SUPPORTS: "Sources that support it",
    Evidence.Stance.CITED: "Sources the article cites for it",
}


def claim_description(claim: Claim, plain: str, *, verdict_withdrawn: bool) -> str:
    """One or two sentences for search results and link previews."""
    if claim.status == Claim.Status.UNREVIEWED:
        state = "Not currently reviewed" if verdict_withdrawn else "Not reviewed yet"
        return f"{state}: {quoted(Truncator(plain).chars(120))}"
    return f"{claim.get_status_display()}: {Truncator(claim.reason).chars(180)}"


def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(
        Claim.objects.of_published_articles()
        .select_related("article__outlet", "reviewed_by")
        .defer("search_vector")
        .annotate(marker_labels=marker_labels())
        .prefetch_related("article__contributors"),
        pk=pk,
    )
    evidence = list(
        claim.evidence.select_related("source__outlet", "source__linked_article")
        .defer("source__fingerprint", "source__linked_article__body")
        .order_by("id")
    )
    for item in evidence:
        item.source_url = safe_external_url(item.source.url)
    evidence_groups = [
        EvidenceGroup(stance, heading, [item for item in evidence if item.stance == stance])
        for stance, heading in EVIDENCE_HEADINGS.items()
    ]
    # One query for the claim's whole record: its verdicts (`changes`, for the verdict box)
    # and the timeline of every editorial change, evidence and links included.
    history = history_records(claim.pk)
    changes = verdict_changes(history[0])
    # Neither a linked claim nor a cited article of an article a chief editor unpublished.
    links = [
        linked
        for linked in linked_claims(claim, limit=RELATED_CLAIMS_SHOWN)
        if linked.claim.article.publication == Article.Publication.PUBLISHED
    ]
    cited_support = [
        item
        for item in claim_cited_support(claim, evidence=evidence)
        if item.article.publication == Article.Publication.PUBLISHED
    ]
    review = claim_review(claim, request)
    authors = [
        contributor.name
        for contributor in claim.article.contributors.all()
        if contributor.role == contributor.Role.AUTHOR
    ]
    plain = claim_plain_text(claim)
    # A verdict withdrawn by an editor (the claim is unreviewed again), not to be confused with
    # a claim whose sentence a re-import removed from the article (claim.withdrawn_at).
    verdict_withdrawn = claim.status == Claim.Status.UNREVIEWED and bool(changes)
    first_published = next(
        (change.changed_at for change in reversed(changes) if change.kind == "first"), None
    )
    canonical_url = absolute_url(request, claim.get_absolute_url())
    return render(
        request,
        "claims/claim_detail.html",
        {
            "claim": claim,
            "claim_text": plain,
            "article": claim.article,
            "article_url": safe_external_url(claim.article.url),
            "authors": authors,
            "context": sentence_in_paragraph(claim),
            "evidence": evidence,
            "evidence_groups": [group for group in evidence_groups if group.items],
            "changes": changes,
            "timeline": claim_timeline(claim, for_readers=True, records=history),
            "corrections": [change for change in changes if change.is_correction],
            "verdict_withdrawn": verdict_withdrawn,
            "withdrawal": changes[0] if verdict_withdrawn else None,
            "first_published": first_published,
            "links": links,
            "cited_support": cited_support,
            "claim_review": json_ld(review) if review else "",
            "canonical_url": canonical_url,
            "social_title": f"{quoted(Truncator(plain).chars(110))}: {claim.get_status_display()}",
            "social_description": claim_description(
                claim, plain, verdict_withdrawn=verdict_withdrawn
            ),
            "social_type": "article",
        },
    )


CORRECTIONS_PAGE_SIZE = 25


def corrections_log(*, older_than: int | None = None) -> QuerySet:
    """Every change to a published verdict, newest first: a different verdict, a rewritten
    reason, a withdrawal, or a verdict given again after one. A claim's first verdict is
    publication, not a correction, and is left out.

    Read from the verdict history itself (django-simple-history's rows), so nothing can be
    corrected off the record. Each row is compared with the claim's row before it; the walk goes
    down the history's primary key and stops once a page is full."""
    history = Claim.history.model
    earlier = history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
    previous = earlier.order_by("-history_id")
    rows = (
        history.objects.filter(history_type="~")
        .exclude(article_id__in=Article.objects.unpublished().values("pk"))
        .annotate(
            previous_status=Subquery(previous.values("status")[:1]),
            previous_reason=Subquery(previous.values("reason")[:1]),
        )
        .filter(Exists(earlier.exclude(status=Claim.Status.UNREVIEWED)))
        .exclude(status=F("previous_status"), reason=F("previous_reason"))
        .annotate(
            marker_labels=marker_labels(),
            # A scalar subquery, not EXISTS: Postgres would hash every claim's id for EXISTS,
            # where this looks up only the rows of the page.
            live_claim_id=Subquery(Claim.objects.filter(pk=OuterRef("id")).values("pk")[:1]),
            live_claim_left_article=Subquery(
                Claim.objects.filter(pk=OuterRef("id")).values("withdrawn_at")[:1]
            ),
        )
        .select_related("history_user", "article")
        .defer("article__body", "article__metadata")
        .order_by("-history_id")
    )
    if older_than is not None:
        rows = rows.filter(history_id__lt=older_than)
    return rows


@dataclass
class Correction:
    record: object
    claim_text: str
    old_status: str
    kind: str
    reason: str
    reason_shortened: bool


def corrections(request: HttpRequest) -> HttpResponse:
    raw_cursor = request.GET.get("older_than", "")
    older_than = None
    cursor_error = ""
    if raw_cursor:
        if raw_cursor.isdigit() and int(raw_cursor) <= LARGEST_INTEGER:
            older_than = int(raw_cursor)
        else:
            cursor_error = "That page link is damaged, so this is the first page."
    rows = list(corrections_log(older_than=older_than)[: CORRECTIONS_PAGE_SIZE + 1])
    entries = []
    for record in rows[:CORRECTIONS_PAGE_SIZE]:
        kind = change_kind(
            # Only the previous row's status decides the kind; a stand-in carries it.
            Claim(status=record.previous_status),
            record,
            published_before=True,
        )
        reason, shortened = (
            withdrawal_reason(record) if kind == "withdrawal" else (record.reason, False)
        )
        entries.append(
            Correction(
                record=record,
                claim_text=without_markers(record.text, record.marker_labels),
                old_status=record.previous_status,
                kind=kind,
                reason=reason,
                reason_shortened=shortened,
            )
        )
    has_more = len(rows) > CORRECTIONS_PAGE_SIZE
    return render(
        request,
        "claims/corrections.html",
        {
            "entries": entries,
            "next_cursor": entries[-1].record.history_id if has_more else None,
            "is_first_page": older_than is None,
            "cursor_error": cursor_error,
            "canonical_url": absolute_url(request, reverse("claims:corrections")),
        },
    )
