"""Atom feeds of verdicts, for readers and newsrooms that follow the site in a feed reader."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from claims.models import Claim
from claims.plain_text import claim_plain_text, marker_labels
from claims.templatetags.claims_extras import public_name
from claims.views import NOT_IN_LISTS

ITEMS_PER_FEED = 50


def site_url(path: str) -> str:
    # Relative paths get the request's host from the syndication framework; an absolute one
    # (when the site's public address is configured) is used as it is.
    return settings.FACTCHECK_SITE_URL + path if settings.FACTCHECK_SITE_URL else path


class ReviewedClaimsFeed(Feed):
    feed_type = Atom1Feed
    description_template = "claims/feed_item.html"

    def title(self) -> str:
        return f"Recently reviewed claims · {settings.FACTCHECK_ORGANIZATION_NAME}"

    def subtitle(self) -> str:
        return "The latest verdicts on claims from published articles, with their reasons."

    def link(self) -> str:
        return site_url(reverse("claims:claim_list") + "?reviewed=yes&sort=reviewed")

    def author_name(self) -> str:
        return settings.FACTCHECK_ORGANIZATION_NAME

    def claims(self) -> QuerySet:
        return Claim.objects.of_published_articles().recently_reviewed()

    def items(self) -> QuerySet:
        return (
            self.claims()
            .select_related("article__outlet", "reviewed_by")
            .defer(*NOT_IN_LISTS)
            .annotate(marker_labels=marker_labels())[:ITEMS_PER_FEED]
        )

    def item_title(self, claim: Claim) -> str:
        return f"{claim.get_status_display()}: {Truncator(claim_plain_text(claim)).chars(140)}"

    def item_author_name(self, claim: Claim) -> str | None:
        # The editor who signed the verdict, by full name only; the feed's author otherwise.
        return public_name(claim.reviewed_by) or None

    def item_link(self, claim: Claim) -> str:
        return site_url(claim.get_absolute_url())

    def item_pubdate(self, claim: Claim):
        return claim.reviewed_at

    def item_updateddate(self, claim: Claim):
        return claim.reviewed_at


class ContestedClaimsFeed(ReviewedClaimsFeed):
    def title(self) -> str:
        return f"Contested claims · {settings.FACTCHECK_ORGANIZATION_NAME}"

    def subtitle(self) -> str:
        return "Claims on which credible sources disagree, most recently reviewed first."

    def link(self) -> str:
        return site_url(reverse("claims:claim_list") + "?sort=reviewed&verdict=contested")

    def claims(self) -> QuerySet:
        return Claim.objects.of_published_articles().contested().recently_reviewed()
