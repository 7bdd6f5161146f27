from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from articles.rendering import safe_external_url
from articles.views import articles_newest_first, listed_articles
from claims.models import Evidence
from factcheck.pages import absolute_url, render_filtered_list
from sources.filters import SourceFilter
from sources.models import Outlet, Source

# An outlet page shows this many of each; the filtered lists hold the rest.
OUTLET_LIST_LIMIT = 20

STANCE_HEADINGS = {
    Evidence.Stance.CITED: "Sentences that cite it",
    Evidence.Stance.SUPPORTS: "Sentences it supports",
    Evidence.Stance.CONTRADICTS: "Sentences it contradicts",
}


def listed_sources() -> QuerySet[Source]:
    """Sources with what a list row shows: how many sentences cite, support or contradict it."""
    return (
        Source.objects.select_related("outlet", "linked_article")
        .defer("fingerprint", "linked_article__body", "linked_article__metadata")
        .annotate(
            cited_count=Count("evidence", filter=Q(evidence__stance=Evidence.Stance.CITED)),
            supports_count=Count("evidence", filter=Q(evidence__stance=Evidence.Stance.SUPPORTS)),
            contradicts_count=Count(
                "evidence", filter=Q(evidence__stance=Evidence.Stance.CONTRADICTS)
            ),
        )
        .order_by("title", "pk")
    )


def source_list(request: HttpRequest) -> HttpResponse:
    filterset = SourceFilter(request.GET, queryset=listed_sources(), request=request)
    return render_filtered_list(
        request, "sources/source_list.html", filterset, reverse("sources:source_list")
    )


def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(
        Source.objects.select_related("outlet", "linked_article__outlet").defer(
            "fingerprint", "linked_article__body", "linked_article__metadata"
        ),
        pk=pk,
    )
    evidence = list(
        Evidence.objects.filter(source=source)
        .select_related("claim__article")
        .only(
            "stance",
            "quote",
            "claim__text",
            "claim__status",
            "claim__article__title",
            "claim__article__slug",
            "claim__article__published_on",
        )
        .order_by(
            F("claim__article__published_on").desc(nulls_last=True),
            "claim__article__title",
            "claim__ordinal",
            "pk",
        )
    )
    citing_articles = list(articles_newest_first().filter(references__source=source).distinct())
    stance_groups = [
        {
            "stance": stance,
            "heading": heading,
            "evidence": [item for item in evidence if item.stance == stance],
        }
        for stance, heading in STANCE_HEADINGS.items()
    ]
    return render(
        request,
        "sources/source_detail.html",
        {
            "source": source,
            "source_url": safe_external_url(source.url),
            "stance_groups": stance_groups,
            "has_evidence": bool(evidence),
            "citing_articles": citing_articles,
            "canonical_url": absolute_url(request, source.get_absolute_url()),
        },
    )


def outlet_detail(request: HttpRequest, slug: str) -> HttpResponse:
    outlet = get_object_or_404(Outlet, slug=slug)
    # One row past the limit tells whether to point at the full list, without a count query.
    articles = list(listed_articles().filter(outlet=outlet)[: OUTLET_LIST_LIMIT + 1])
    sources = list(listed_sources().filter(outlet=outlet)[: OUTLET_LIST_LIMIT + 1])
    return render(
        request,
        "sources/outlet_detail.html",
        {
            "outlet": outlet,
            "outlet_url": safe_external_url(outlet.url),
            "articles": articles[:OUTLET_LIST_LIMIT],
            "more_articles": len(articles) > OUTLET_LIST_LIMIT,
            "sources": sources[:OUTLET_LIST_LIMIT],
            "more_sources": len(sources) > OUTLET_LIST_LIMIT,
            "canonical_url": absolute_url(request, outlet.get_absolute_url()),
        },
    )
