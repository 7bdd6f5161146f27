"""The publication's own pages (how we rate, methodology, corrections policy, about), the
type-ahead endpoint the public filters share, and the site's error pages."""

import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from claims.jsonld import BEST_RATING, RATING_BY_STATUS, WORST_RATING
from claims.models import Claim, Evidence
from claims.views import CHART_ORDER
from factcheck.filters import SEARCH_MAX_LENGTH
from factcheck.lookups import KINDS
from factcheck.pages import absolute_url

logger = logging.getLogger(__name__)

# Fewer letters than this match too much to be worth a query.
SUGGEST_MIN_LENGTH = 2
# Suggestions change only when articles are imported; a short cache spares the database while
# a reader types.
SUGGEST_CACHE_SECONDS = 300
FAVICON_CACHE_SECONDS = 24 * 60 * 60


@require_safe
def suggest(request: HttpRequest, kind: str) -> JsonResponse:
    """Type-ahead matches for a filter box: {"results": [{"value": …, "detail": …}, …]}."""
    lookups = KINDS.get(kind)
    if lookups is None:
        raise Http404("No such list of suggestions.")
    # PostgreSQL refuses a NUL in any string: one sent in the box is read as a space rather
    # than failing the request.
    term = " ".join(request.GET.get("q", "").replace("\x00", " ").split())[:SEARCH_MAX_LENGTH]
    results = lookups.suggestions(term) if len(term) >= SUGGEST_MIN_LENGTH else []
    response = JsonResponse({"results": [asdict(result) for result in results]})
    patch_cache_control(response, public=True, max_age=SUGGEST_CACHE_SECONDS)
    return response


FAVICON = Path(__file__).resolve().parent.parent / "static" / "favicon.svg"


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """The icon at the address browsers and feed readers ask for whatever a page links; served
    as it is rather than redirected, since the hashed static name changes with the icon."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/svg+xml")
    patch_cache_control(response, public=True, max_age=FAVICON_CACHE_SECONDS)
    return response


@dataclass
class VerdictExplained:
    status: str
    label: str
    meaning: str
    # On ClaimReview's 1-5 scale, as search engines show it; None for "Not a claim".
    rating: int | None


def publication_page(request: HttpRequest, template_name: str, url_name: str, **context):
    return render(
        request,
        template_name,
        {
            "canonical_url": absolute_url(request, reverse(url_name)),
            # Where readers reach the organisation (to ask for a correction, say).
            "organization_url": settings.FACTCHECK_ORGANIZATION_URL,
            **context,
        },
    )


def how_we_rate(request: HttpRequest) -> HttpResponse:
    verdicts = [
        VerdictExplained(status, status.label, status.meaning, RATING_BY_STATUS.get(status))
        for status in CHART_ORDER
        if status != Claim.Status.UNREVIEWED
    ]
    return publication_page(
        request,
        "pages/how_we_rate.html",
        "how_we_rate",
        verdicts=verdicts,
        unreviewed=Claim.Status.UNREVIEWED,
        stances=list(Evidence.Stance),
        best_rating=BEST_RATING,
        worst_rating=WORST_RATING,
    )


def methodology(request: HttpRequest) -> HttpResponse:
    return publication_page(request, "pages/methodology.html", "methodology")


def corrections_policy(request: HttpRequest) -> HttpResponse:
    return publication_page(request, "pages/corrections_policy.html", "corrections_policy")


def about(request: HttpRequest) -> HttpResponse:
    return publication_page(request, "pages/about.html", "about")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page. Rendered with no database and no context processors, since either may be
    what failed; if even the template fails (a missing static file, say), a plain page."""
    try:
        content = loader.render_to_string(
            "500.html", {"organization_name": settings.FACTCHECK_ORGANIZATION_NAME}
        )
    except Exception:
        logger.exception("the 500 page itself failed to render")
        content = (
            "<!doctype html><title>Server error</title><h1>Something went wrong on our side"
            "</h1><p>Please try again in a moment.</p>"
        )
    return HttpResponseServerError(content)
