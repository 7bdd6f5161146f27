from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from articles.filters import ArticleFilter
from articles.models import Article
from articles.rendering import (
    CitationSpan,
    ClaimSpan,
    count_sentences_with_citations,
    render_body,
    safe_external_url,
)
from claims.models import Claim
from factcheck.pages import absolute_url, render_filtered_list


def articles_newest_first() -> QuerySet[Article]:
    """Articles in the order and with the fields every list of them uses: the outlet loaded,
    the body left out, newest first and undated last."""
    return (
        Article.objects.with_outlet()
        .defer("body", "metadata")
        .order_by(F("published_on").desc(nulls_last=True), "title", "pk")
    )


def listed_articles() -> QuerySet[Article]:
    """Articles with the claim counts a list row shows."""
    return articles_newest_first().annotate(
        claim_count=Count("claims"),
        contested_count=Count("claims", filter=Q(claims__status=Claim.Status.CONTESTED)),
    )


def article_list(request: HttpRequest) -> HttpResponse:
    filterset = ArticleFilter(request.GET, queryset=listed_articles(), request=request)
    return render_filtered_list(
        request, "articles/article_list.html", filterset, reverse("articles:article_list")
    )


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.with_outlet().defer("metadata"), slug=slug)
    contributors = list(article.contributors.order_by("position"))
    claims = list(article.claims.current().only("id", "start", "end", "status").order_by("ordinal"))
    references = list(
        article.references.select_related("source__outlet", "source__linked_article")
        .defer(
            "source__fingerprint",
            "source__linked_article__body",
            "source__linked_article__metadata",
        )
        .order_by("position")
    )
    citations = list(
        article.citations.order_by("position").values_list("start", "end", "reference")
    )
    citing_articles = list(
        articles_newest_first()
        .filter(references__source__linked_article=article)
        .exclude(pk=article.pk)
        .distinct()
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
            status_label=claim.get_status_display(),
            url=claim.get_absolute_url(),
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
        for start, end, reference_id in citations
        # A marker pointing at another article's reference list has no entry here to link to.
        if reference_id in reference_by_id
    ]
    cited_count = count_sentences_with_citations(claim_spans, citation_spans)
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "article_url": safe_external_url(article.url),
            "contributors": contributors,
            "paragraphs": render_body(article.body, claims=claim_spans, citations=citation_spans),
            "references": references,
            "citing_articles": citing_articles,
            "sentence_count": len(claim_spans),
            "cited_sentence_count": cited_count,
            "cited_sentence_percent": round(100 * cited_count / len(claim_spans))
            if claim_spans
            else 0,
            "canonical_url": absolute_url(request, article.get_absolute_url()),
        },
    )
