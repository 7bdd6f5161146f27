"""schema.org ClaimReview for a claim's page, so search engines can show the verdict."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Contributor
from claims.models import Claim
from claims.plain_text import claim_plain_text
from factcheck.pages import absolute_url

# reviewRating on a 1-5 scale, worst to best. 4 is left free for a "mostly supported" verdict
# the model does not have, so adding one later does not renumber the others.
# Unverifiable sits in the middle: neither backed nor refuted.
RATING_BY_STATUS: dict[str, int] = {
    Claim.Status.FALSE: 1,
    Claim.Status.CONTESTED: 2,
    Claim.Status.UNVERIFIABLE: 3,
    Claim.Status.SUPPORTED: 5,
}
WORST_RATING = 1
BEST_RATING = 5
# "Not a claim" has no place on a true-or-false scale: its Rating carries only the label
# (alternateName), which schema.org and Google accept without ratingValue.

# What Django's json_script escapes: nothing in the data can close the <script> element or
# open a comment inside it.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def organization() -> dict[str, str]:
    data = {"@type": "Organization", "name": settings.FACTCHECK_ORGANIZATION_NAME}
    url = settings.FACTCHECK_ORGANIZATION_URL or settings.FACTCHECK_SITE_URL
    if url:
        data["url"] = url
    return data


def article_authors(article: Article) -> list[dict[str, str]]:
    """The byline's authors as people; the outlet when the byline names nobody.
    Reads `article.contributors.all()`, which the view prefetches."""
    people = [
        {"@type": "Person", "name": contributor.name}
        for contributor in article.contributors.all()
        if contributor.role == Contributor.Role.AUTHOR
    ]
    if people:
        return people
    if article.outlet is not None:
        outlet = {"@type": "Organization", "name": article.outlet.name}
        if article.outlet.url:
            outlet["url"] = article.outlet.url
        return [outlet]
    return []


def claim_review(claim: Claim, request: HttpRequest) -> dict | None:
    """The ClaimReview for a reviewed claim; None for an unreviewed one, which has no verdict
    to publish."""
    if claim.status == Claim.Status.UNREVIEWED:
        return None
    article = claim.article
    rating = {"@type": "Rating", "alternateName": claim.get_status_display()}
    if claim.status in RATING_BY_STATUS:
        rating |= {
            "ratingValue": RATING_BY_STATUS[claim.status],
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
        }
    appearance = {
        "@type": "NewsArticle",
        "url": article.url
        if article.url.lower().startswith(("https://", "http://"))
        else absolute_url(request, article.get_absolute_url()),
        "headline": article.title,
    }
    item_reviewed: dict = {"@type": "Claim", "appearance": appearance}
    authors = article_authors(article)
    if authors:
        item_reviewed["author"] = authors[0] if len(authors) == 1 else authors
    if article.published_on:
        item_reviewed["datePublished"] = article.published_on.isoformat()
        appearance["datePublished"] = article.published_on.isoformat()
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": absolute_url(request, claim.get_absolute_url()),
        # The sentence as quoted, without the article's citation markers ("…government.[2]").
        "claimReviewed": " ".join(claim_plain_text(claim).split()),
        "reviewRating": rating,
        "author": organization(),
        "datePublished": timezone.localdate(claim.reviewed_at).isoformat(),
        "itemReviewed": item_reviewed,
    }


def json_ld(data: dict) -> SafeString:
    """The data as JSON that is safe inside a <script> element; templates/_json_ld.html writes
    the element, with the request's CSP nonce."""
    encoded = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        JSON_SCRIPT_ESCAPES
    )
    # Every character that could end the element or open markup is escaped just above.
    return mark_safe(encoded)
