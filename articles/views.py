from django.conf import settings
from django.core.paginator import Page, Paginator
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

PAGE_SIZE = 25


def absolute_url(request: HttpRequest, path: str) -> str:
    """An address for canonical links: the configured site URL when set, so every host that
    serves the site points search engines at the same address."""
    if settings.FACTCHECK_SITE_URL:
        return settings.FACTCHECK_SITE_URL + path
    return request.build_absolute_uri(path)


def list_canonical_url(request: HttpRequest, path: str, page: Page) -> str:
    # Filtered views are the same list seen through a filter; only the page number is its own.
    if page.number > 1:
        return absolute_url(request, f"{path}?page={page.number}")
    return absolute_url(request, path)


def paginate(request: HttpRequest, queryset: QuerySet) -> Page:
    # get_page turns a page number a reader mistyped ("abc", "-1", "99999") into a real page.
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def listed_articles() -> QuerySet[Article]:
    """Articles with what a list row shows, newest first and undated last."""
    return (
        Article.objects.with_outlet()
        .defer("body", "metadata")
        .annotate(
            claim_count=Count("claims"),
            contested_count=Count("claims", filter=Q(claims__status=Claim.Status.CONTESTED)),
        )
        .order_by(F("published_on").desc(nulls_last=True), "title", "pk")
    )


def article_list(request: HttpRequest) -> HttpResponse:
    filterset = ArticleFilter(request.GET, queryset=listed_articles(), request=request)
    page = paginate(request, filterset.qs)
    return render(
        request,
        "articles/article_list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "canonical_url": list_canonical_url(request, reverse("articles:article_list"), page),
        },
    )


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.with_outlet().defer("metadata"), slug=slug)
    contributors = list(article.contributors.order_by("position"))
    claims = list(article.claims.only("id", "start", "end", "status").order_by("ordinal"))
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
        Article.objects.with_outlet()
        .defer("body", "metadata")
        .filter(references__source__linked_article=article)
        .exclude(pk=article.pk)
        .distinct()
        .order_by(F("published_on").desc(nulls_last=True), "title", "pk")
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
