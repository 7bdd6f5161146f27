from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from articles.filters import ArticleFilter
from articles.models import Article, Citation, Contributor, Reference
from articles.rendering import (
    CitationSpan,
    ClaimSpan,
    count_sentences_with_citations,
    render_body,
    safe_external_url,
)
from claims.coverage import coverage_of_rows
from claims.models import COUNTED_STATUSES, Claim, Evidence
from claims.views import CHART_ORDER
from factcheck.addresses import claim_addresses
from factcheck.pages import absolute_url, render_filtered_list
from sources.models import Source


def articles_newest_first() -> QuerySet[Article]:
    """Articles in the order and with the fields every list of them uses: the outlet loaded,
    the body left out, newest first and undated last."""
    return (
        Article.objects.published()
        .with_outlet()
        .defer("body", "metadata")
        .order_by(F("published_on").desc(nulls_last=True), "title", "pk")
    )


def cited_as_outlet() -> QuerySet[Source]:
    """The works in our sources that are a given article (OuterRef "pk"), with an outlet: how
    an article whose file names no publisher is still known to be, say, The Economist's."""
    return Source.objects.filter(linked_article=OuterRef("pk"), outlet__isnull=False).order_by("pk")


def with_cited_outlet(articles: QuerySet[Article]) -> QuerySet[Article]:
    """The outlet (name and slug) other articles cite each article as: for the articles whose
    file does not say who published them. Subqueries, so no extra query."""
    return articles.annotate(
        cited_outlet_name=Subquery(cited_as_outlet().values("outlet__name")[:1]),
        cited_outlet_slug=Subquery(cited_as_outlet().values("outlet__slug")[:1]),
    )


def listed_articles() -> QuerySet[Article]:
    """Articles with the claim counts a list row shows (the sentences the article now has, and
    how many of them are contested), read from the stored counters (claims.ArticleClaimCounts,
    kept by triggers): a join by primary key per row of the page instead of counting its
    claims, so a deep page costs what the first one does. With the outlet they are cited as."""
    counts = "claim_counts__"
    current = sum(
        (F(f"{counts}claims_{status}") for status in COUNTED_STATUSES[1:]),
        F(f"{counts}claims_{COUNTED_STATUSES[0]}"),
    ) - F(f"{counts}withdrawn")
    return with_cited_outlet(articles_newest_first()).annotate(
        claim_count=Coalesce(current, 0),
        contested_count=Coalesce(
            F(f"{counts}claims_contested") - F(f"{counts}withdrawn_contested"), 0
        ),
    )


def article_list(request: HttpRequest) -> HttpResponse:
    filterset = ArticleFilter(request.GET, queryset=listed_articles(), request=request)
    return render_filtered_list(
        request, "articles/article_list.html", filterset, reverse("articles:article_list")
    )


@dataclass
class VerdictCount:
    status: str
    label: str
    count: int


# The summary lists this many contested or false sentences, and the page this many of the
# articles citing it; the claims page filtered by the article holds them all.
DISPUTED_SHOWN = 20
CITING_ARTICLES_SHOWN = 20
STATUS_LABELS = dict(Claim.Status.choices)


@dataclass
class ArticleSentence:
    """What the page shows of one of its claims: loaded as plain values (no model instance
    per sentence), its address built without a reverse() each."""

    pk: int
    text: str
    start: int
    end: int
    status: str
    reason: str
    checkworthy: bool | None
    cited: bool
    url: str
    marker_labels: list[str] = field(default_factory=list)

    def get_absolute_url(self) -> str:
        return self.url


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # With what other articles' reference lists say it is, for a file that names no publisher,
    # date or address: their outlet, date and link. The byline comes in the same query.
    cited_as = cited_as_outlet().order_by("published_on", "pk")
    article = get_object_or_404(
        with_cited_outlet(Article.objects.published().with_outlet().defer("metadata")).annotate(
            cited_published_on=Subquery(
                cited_as.filter(published_on__isnull=False).values("published_on")[:1]
            ),
            cited_url=Subquery(
                Source.objects.filter(linked_article=OuterRef("pk"))
                .exclude(url="")
                .order_by("pk")
                .values("url")[:1]
            ),
            byline=ArraySubquery(
                Contributor.objects.filter(article=OuterRef("pk"))
                .order_by("position")
                .values(json=JSONObject(name="name", role="role", role_label="role_label"))
            ),
            # The citation markers too: rows of four numbers and a label, one query fewer.
            citation_rows=ArraySubquery(
                Citation.objects.filter(article=OuterRef("pk"))
                .order_by("position")
                .values(
                    json=JSONObject(
                        start="start", end="end", reference="reference_id", label="label"
                    )
                )
            ),
        ),
        slug=slug,
    )
    contributors = [
        Contributor(name=entry["name"], role=entry["role"], role_label=entry["role_label"])
        for entry in article.byline
    ]
    claim_address = claim_addresses()
    cited = Exists(Evidence.objects.filter(claim=OuterRef("pk"), stance=Evidence.Stance.CITED))
    claims = [
        ArticleSentence(*row, url=claim_address(row[0]))
        for row in article.claims.current()
        .annotate(cited=cited)
        .order_by("ordinal")
        .values_list("pk", "text", "start", "end", "status", "reason", "checkworthy", "cited")
    ]
    references = list(
        article.references.select_related("source__outlet", "source__linked_article")
        .defer(
            "source__fingerprint",
            "source__linked_article__body",
            "source__linked_article__metadata",
        )
        .order_by("position")
    )
    citations = [
        (row["start"], row["end"], row["reference"], row["label"]) for row in article.citation_rows
    ]
    citing_articles = list(
        articles_newest_first()
        .filter(
            Exists(Reference.objects.filter(article=OuterRef("pk"), source__linked_article=article))
        )
        .exclude(pk=article.pk)[: CITING_ARTICLES_SHOWN + 1]
    )

    for reference in references:
        reference.safe_url = safe_external_url(reference.source.url)
    reference_by_id = {reference.pk: reference for reference in references}
    claim_spans = [
        ClaimSpan(
            identifier=claim.pk,
            start=claim.start,
            end=claim.end,
            status=claim.status,
            status_label=STATUS_LABELS.get(claim.status, claim.status),
            url=claim.url,
        )
        for claim in claims
    ]
    citation_spans = [
        CitationSpan(
            start=start,
            end=end,
            reference_position=reference_by_id[reference_id].position,
            reference_text=reference_by_id[reference_id].raw_text,
        )
        for start, end, reference_id, _label in citations
        # A marker pointing at another article's reference list has no entry here to link to.
        if reference_id in reference_by_id
    ]
    cited_count = count_sentences_with_citations(claim_spans, citation_spans)

    # The summary at the top: verdicts counted, the disputed sentences with their reasons.
    statuses = Counter(claim.status for claim in claims)
    verdict_counts = [
        VerdictCount(status, status.label, statuses[status])
        for status in CHART_ORDER
        if statuses[status]
    ]
    disputed = [
        claim for claim in claims if claim.status in (Claim.Status.CONTESTED, Claim.Status.FALSE)
    ]
    labels_by_claim = markers_by_claim(claims, citations)
    for claim in disputed[:DISPUTED_SHOWN]:
        claim.marker_labels = labels_by_claim.get(claim.pk, [])
    article_url = safe_external_url(article.url) or safe_external_url(article.cited_url or "")
    claims_list = reverse("claims:claim_list")
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "article_url": article_url,
            "contributors": contributors,
            "body_html": mark_safe(
                "".join(
                    f"<p>{paragraph}</p>"
                    for paragraph in render_body(
                        article.body, claims=claim_spans, citations=citation_spans
                    )
                )
            ),
            "references": references,
            "citing_articles": citing_articles[:CITING_ARTICLES_SHOWN],
            "more_citing_articles": len(citing_articles) > CITING_ARTICLES_SHOWN,
            "sentence_count": len(claim_spans),
            "reviewed_count": len(claims) - statuses[Claim.Status.UNREVIEWED],
            "verdict_counts": verdict_counts,
            "disputed": disputed[:DISPUTED_SHOWN],
            "disputed_total": len(disputed),
            "disputed_url": f"{claims_list}?"
            + urlencode(
                [
                    ("article", article.slug),
                    ("verdict", Claim.Status.CONTESTED),
                    ("verdict", Claim.Status.FALSE),
                    ("sort", "article"),
                ]
            ),
            "cited_sentence_count": cited_count,
            "cited_sentence_percent": round(100 * cited_count / len(claim_spans))
            if claim_spans
            else 0,
            "claims_url": f"{claims_list}?"
            + urlencode({"article": article.slug, "reviewed": "all", "sort": "article"}),
            "coverage": coverage_of_rows(
                (claim.status, claim.checkworthy, claim.cited) for claim in claims
            ),
            "needs_citation_url": f"{claims_list}?"
            + urlencode({"article": article.slug, "reviewed": "all", "needs_citation": "on"}),
            "canonical_url": absolute_url(request, article.get_absolute_url()),
            "social_title": article.title,
            "social_description": article_description(article, statuses),
            "social_type": "article",
        },
    )


def markers_by_claim(claims: list, citations: list[tuple]) -> dict[int, list[str]]:
    """The labels of the citation markers inside each claim, from rows already loaded."""
    starts = [claim.start for claim in claims]
    labels: dict[int, list[str]] = {}
    for start, end, _reference_id, label in citations:
        index = bisect_right(starts, start) - 1
        if index >= 0 and end <= claims[index].end:
            labels.setdefault(claims[index].pk, []).append(label)
    return labels


def article_description(article: Article, statuses: Counter) -> str:
    reviewed = sum(statuses.values()) - statuses[Claim.Status.UNREVIEWED]
    if article.standfirst:
        return Truncator(article.standfirst).chars(200)
    summary = f"{reviewed} of its {sum(statuses.values())} sentences checked"
    if statuses[Claim.Status.CONTESTED]:
        summary += f", {statuses[Claim.Status.CONTESTED]} contested"
    return f"{Truncator(article.title).chars(120)}: {summary}, with their sources."
