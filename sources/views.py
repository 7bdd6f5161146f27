from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from articles.models import Article, Reference
from articles.rendering import safe_external_url
from articles.views import articles_newest_first, listed_articles
from claims.coverage import COVERAGE_COLUMNS, Coverage
from claims.models import (
    COUNTED_STATUSES,
    ArticleClaimCounts,
    ArticleCoverageCounts,
    Claim,
    Evidence,
    OutletCitationCounts,
)
from claims.plain_text import marker_labels as claim_marker_labels
from claims.views import CHART_ORDER, NOT_IN_LISTS
from factcheck.addresses import article_addresses, claim_addresses
from factcheck.lookups import source_label
from factcheck.pages import absolute_url, correlated_count, render_filtered_list
from sources.filters import OutletFilter, SourceFilter
from sources.models import Outlet, Source

# An outlet page shows this many of each; the filtered lists hold the rest.
OUTLET_LIST_LIMIT = 20

STANCE_HEADINGS = {
    Evidence.Stance.CITED: "Sentences that cite it",
    Evidence.Stance.SUPPORTS: "Sentences it supports",
    Evidence.Stance.CONTRADICTS: "Sentences it contradicts",
}


def listed_sources() -> QuerySet[Source]:
    """Sources with what a list row shows: how many sentences cite, support or contradict it.
    Correlated counts, served by the (source, stance) index, for the page's rows only."""

    def with_stance(stance: str) -> Coalesce:
        # Readers' counts: the claims of unpublished articles are not theirs to see.
        return correlated_count(
            Evidence.objects.filter(source=OuterRef("pk"), stance=stance).exclude(
                claim__article_id__in=Article.objects.unpublished().values("pk")
            ),
            "source",
        )

    return (
        Source.objects.select_related("outlet", "linked_article")
        .defer("fingerprint", "linked_article__body", "linked_article__metadata")
        .annotate(
            cited_count=with_stance(Evidence.Stance.CITED),
            supports_count=with_stance(Evidence.Stance.SUPPORTS),
            contradicts_count=with_stance(Evidence.Stance.CONTRADICTS),
        )
        .order_by("title", "pk")
    )


def source_list(request: HttpRequest) -> HttpResponse:
    filterset = SourceFilter(request.GET, queryset=listed_sources(), request=request)
    return render_filtered_list(
        request, "sources/source_list.html", filterset, reverse("sources:source_list")
    )


# Per stance, a source page lists this many claims; the claims page filtered by the source
# holds them all.
SOURCE_CLAIMS_PER_STANCE = 20
CITING_ARTICLES_SHOWN = 20
OUTLET_CLAIMS_SHOWN = 10


def hidden_claim_ids() -> QuerySet:
    """Ids of the claims of the articles a chief editor unpublished: a few, off the partial
    index of unpublished articles and the claims' article index."""
    return Claim.objects.filter(article_id__in=Article.objects.unpublished().values("pk")).values(
        "pk"
    )


def source_evidence(source: Source) -> tuple[list[Evidence], dict[str, int]]:
    """The most recently linked claims of each stance (SOURCE_CLAIMS_PER_STANCE of them), and
    how many there are per stance, in two queries whatever the source's number of rows.

    Each stance's rows come off the (source, stance, id) index newest first and stop at the
    cap; the ids of the three are one UNION ALL, and only those rows are joined to their claims
    and articles. The counts are an index-only scan of the same index (claim_id is included),
    the few claims of unpublished articles left out by a hashed NOT IN. Ordering by the
    claims' verdict dates instead had to fetch and sort every linked claim: 4.7 s for the
    source with 43,291 rows at 1M claims."""
    hidden = hidden_claim_ids()
    newest_ids = None
    for stance in STANCE_HEADINGS:
        ids = (
            Evidence.objects.filter(source=source, stance=stance)
            .exclude(claim_id__in=hidden)
            .order_by("-pk")
            .values("pk")[:SOURCE_CLAIMS_PER_STANCE]
        )
        newest_ids = ids if newest_ids is None else newest_ids.union(ids, all=True)
    evidence = list(
        Evidence.objects.filter(pk__in=newest_ids)
        .select_related("claim__article")
        .only(
            "stance",
            "quote",
            "claim__text",
            "claim__status",
            "claim__start",
            "claim__end",
            "claim__article__title",
            "claim__article__slug",
            "claim__article__published_on",
        )
        .annotate(marker_labels=claim_marker_labels("claim__"))
        .order_by("stance", "-pk")
    )
    totals = dict(
        Evidence.objects.filter(source=source)
        .exclude(claim_id__in=hidden)
        .order_by()
        .values_list("stance")
        .annotate(total=Count("pk"))
    )
    return evidence, totals


def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(
        Source.objects.select_related("outlet", "linked_article__outlet").defer(
            "fingerprint", "linked_article__body", "linked_article__metadata"
        ),
        pk=pk,
    )
    evidence, totals = source_evidence(source)
    claim_address, article_address = claim_addresses(), article_addresses()
    for item in evidence:
        item.claim.marker_labels = item.marker_labels
        item.claim_url = claim_address(item.claim_id)
        item.article_url = article_address(item.claim.article.slug)
    citing_articles = list(
        articles_newest_first().filter(
            Exists(Reference.objects.filter(article=OuterRef("pk"), source=source))
        )[: CITING_ARTICLES_SHOWN + 1]
    )
    stance_groups = [
        {
            "stance": stance,
            "heading": heading,
            "evidence": [item for item in evidence if item.stance == stance],
            "total": totals.get(stance, 0),
        }
        for stance, heading in STANCE_HEADINGS.items()
    ]
    source_url = safe_external_url(source.url)
    return render(
        request,
        "sources/source_detail.html",
        {
            "source": source,
            "source_url": source_url,
            "stance_groups": stance_groups,
            "has_evidence": bool(evidence),
            "shown_per_stance": SOURCE_CLAIMS_PER_STANCE,
            "citing_articles": citing_articles[:CITING_ARTICLES_SHOWN],
            "more_citing_articles": len(citing_articles) > CITING_ARTICLES_SHOWN,
            "claims_url": claims_list_url(source=source.pk),
            "canonical_url": absolute_url(request, source.get_absolute_url()),
            "social_title": source_label(source),
            "social_description": f"Which claims cite, support or contradict "
            f"{source_label(source)}, and our verdicts on them.",
        },
    )


def claims_list_url(**filters: object) -> str:
    """The claims page filtered to one entity, every sentence included, in reading order."""
    return f"{reverse('claims:claim_list')}?{urlencode({**filters, 'reviewed': 'all'})}"


@dataclass
class VerdictRecord:
    status: str
    label: str
    # Claims that cite the outlet's work, and claims in articles it published.
    citing: int
    published: int


def outlet_article_ids(**outlet: object) -> QuerySet:
    """Ids of the published articles of the outlet `outlet` names (`pk=`, `slug=`): as the
    article says, or as the work other articles cite as the outlet's."""
    by_outlet = {f"outlet__{field}": value for field, value in outlet.items()}
    return (
        Article.objects.published()
        .filter(**by_outlet)
        .order_by()
        .values("id")
        .union(
            Source.objects.filter(**by_outlet, linked_article__isnull=False)
            .exclude(linked_article__publication=Article.Publication.UNPUBLISHED)
            .order_by()
            .values("linked_article_id")
        )
    )


def column_sums(rows: QuerySet, columns: list[str]) -> Subquery:
    """One row of SUMs of `columns` over `rows`, as a JSON object (null for no rows).

    A plain SUM(), not Django's Sum: an aggregate would make the subquery GROUP BY; this is an
    aggregate query of its own inside the outlet's, so the page's figures come with the outlet
    in one query."""
    sums = {column: Func(F(column), function="SUM") for column in columns}
    return Subquery(rows.order_by().values(sums=JSONObject(**sums)))


def outlet_with_counts(slug: str) -> Outlet:
    """The outlet, with its verdict record and coverage summed from the stored counters
    (claims 0011 and 0015, kept exact by triggers) over its articles' rows, off their indexes:
    `citing_sums` (claims citing its work), `published_sums` (claims in its articles), per
    verdict column, and `coverage_sums`. Publication applied: unpublished articles' rows left
    out. One query, whatever the number of claims behind the outlet."""
    unpublished = Article.objects.unpublished().values("pk")
    citing = OutletCitationCounts.objects.filter(outlet__slug=slug).exclude(
        article_id__in=unpublished
    )
    published = ArticleClaimCounts.objects.filter(article_id__in=outlet_article_ids(slug=slug))
    # As a join on the published articles: article_published_outlet_idx serves it index-only.
    coverage = ArticleCoverageCounts.objects.filter(
        article__outlet__slug=slug, article__publication=Article.Publication.PUBLISHED
    )
    status_columns = [f"claims_{status}" for status in COUNTED_STATUSES]
    return get_object_or_404(
        Outlet.objects.annotate(
            citing_sums=column_sums(citing, status_columns),
            published_sums=column_sums(published, status_columns),
            coverage_sums=column_sums(coverage, COVERAGE_COLUMNS),
        ),
        slug=slug,
    )


def outlet_verdict_record(outlet: Outlet) -> list[VerdictRecord]:
    """How the claims an outlet is behind fared, by verdict: the claims citing its work and the
    claims in its articles, from outlet_with_counts()' sums."""
    citing, published = outlet.citing_sums or {}, outlet.published_sums or {}
    return [
        VerdictRecord(
            status,
            status.label,
            citing.get(f"claims_{status}") or 0,
            published.get(f"claims_{status}") or 0,
        )
        for status in CHART_ORDER
    ]


def outlet_coverage(outlet: Outlet) -> Coverage:
    """Coverage of the current sentences of the outlet's own articles, from
    outlet_with_counts()' sums (the verdict mix is the record's, not repeated here)."""
    sums = {column: (outlet.coverage_sums or {}).get(column) or 0 for column in COVERAGE_COLUMNS}
    return Coverage(**sums, verdicts=[])


# Past this many reviewed claims citing an outlet, its latest ones are found by walking the
# newest-verdict index and testing each claim (they come every few claims); below it, from the
# outlet's evidence rows, where walking the index would test most reviewed claims to find a few.
MANY_CITING_CLAIMS = 2000
# Likewise for its articles: past this many claims in them (some 400 articles, 1 % of the
# benchmark corpus), the articles list's index is walked.
MANY_PUBLISHED_CLAIMS = 10_000


def outlet_detail(request: HttpRequest, slug: str) -> HttpResponse:
    outlet = outlet_with_counts(slug)
    record = outlet_verdict_record(outlet)
    reviewed_citing = sum(row.citing for row in record if row.status != Claim.Status.UNREVIEWED)
    outlet_evidence = Evidence.objects.filter(source__outlet=outlet)
    if reviewed_citing > MANY_CITING_CLAIMS:
        citing = Exists(outlet_evidence.filter(claim=OuterRef("pk")))
    else:
        citing = Q(pk__in=outlet_evidence.values("claim_id"))
    # The claims citing its work, newest verdict first: what a reader comes to see.
    citing_claims = list(
        Claim.objects.of_published_articles()
        .filter(citing)
        .recently_reviewed()
        .select_related("article__outlet")
        .defer(*NOT_IN_LISTS)
        .annotate(marker_labels=claim_marker_labels())[: OUTLET_CLAIMS_SHOWN + 1]
    )
    # One row past the limit tells whether to point at the full list, without a count query.
    if sum(row.published for row in record) > MANY_PUBLISHED_CLAIMS:
        # Its articles come every few rows of the articles list's index: walk it and test each
        # (the outlet, or a hashed list of the articles cited as its). Gathering the ids of its
        # 8,589 articles first read and sorted them all (650 ms on a loaded machine).
        its_articles = Q(outlet=outlet) | Q(
            pk__in=Source.objects.filter(outlet=outlet, linked_article__isnull=False).values(
                "linked_article_id"
            )
        )
    else:
        its_articles = Q(pk__in=outlet_article_ids(pk=outlet.pk))
    articles = list(listed_articles().filter(its_articles)[: OUTLET_LIST_LIMIT + 1])
    sources = list(listed_sources().filter(outlet=outlet)[: OUTLET_LIST_LIMIT + 1])
    return render(
        request,
        "sources/outlet_detail.html",
        {
            "outlet": outlet,
            "outlet_url": safe_external_url(outlet.url),
            "record": record,
            "citing_total": sum(row.citing for row in record),
            "published_total": sum(row.published for row in record),
            "citing_claims": citing_claims[:OUTLET_CLAIMS_SHOWN],
            "more_citing_claims": len(citing_claims) > OUTLET_CLAIMS_SHOWN,
            "articles": articles[:OUTLET_LIST_LIMIT],
            "more_articles": len(articles) > OUTLET_LIST_LIMIT,
            "sources": sources[:OUTLET_LIST_LIMIT],
            "more_sources": len(sources) > OUTLET_LIST_LIMIT,
            "claims_url": claims_list_url(outlet=outlet.slug),
            "coverage": outlet_coverage(outlet),
            "needs_citation_url": claims_list_url(outlet=outlet.slug, needs_citation="on"),
            "canonical_url": absolute_url(request, outlet.get_absolute_url()),
            "social_title": f"{outlet.name}: its articles and the claims that cite it",
            "social_description": f"The claims that cite {outlet.name}'s work and our verdicts "
            f"on them, and the articles by {outlet.name} we check.",
        },
    )


def listed_outlets() -> QuerySet[Outlet]:
    """Outlets with what an index row shows: how many of their articles we hold and how many of
    their works are cited. Correlated counts, so only the rows of the page pay for them."""
    return Outlet.objects.annotate(
        article_count=correlated_count(
            Article.objects.published().filter(outlet=OuterRef("pk")), "outlet"
        ),
        source_count=correlated_count(Source.objects.filter(outlet=OuterRef("pk")), "outlet"),
    ).order_by("normalized_name", "pk")


def outlet_list(request: HttpRequest) -> HttpResponse:
    filterset = OutletFilter(request.GET, queryset=listed_outlets(), request=request)
    return render_filtered_list(
        request, "sources/outlet_list.html", filterset, reverse("sources:outlet_list")
    )
