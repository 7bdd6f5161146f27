import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from articles.models import Article
from claims.models import Claim
from sources.models import Outlet, Source


class SiteSitemap(Sitemap):
    """Addresses on FACTCHECK_SITE_URL when it is set, like the pages' canonical links."""

    def get_protocol(self, protocol: str | None = None) -> str:
        if settings.FACTCHECK_SITE_URL:
            return urlsplit(settings.FACTCHECK_SITE_URL).scheme
        return super().get_protocol(protocol)

    def get_domain(self, site=None) -> str:
        if settings.FACTCHECK_SITE_URL:
            return urlsplit(settings.FACTCHECK_SITE_URL).netloc
        return super().get_domain(site)


# The public pages that are not one object's: the lists, and the publication's own pages.
PUBLIC_LISTS = [
    "claims:home",
    "claims:claim_list",
    "articles:article_list",
    "sources:source_list",
    "sources:outlet_list",
    "claims:corrections",
]
PUBLICATION_PAGES = ["how_we_rate", "methodology", "corrections_policy", "about"]


class StaticPagesSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return [*PUBLIC_LISTS, *PUBLICATION_PAGES]

    def location(self, item: str) -> str:
        return reverse(item)


class ArticleSitemap(SiteSitemap):
    def items(self) -> QuerySet[Article]:
        return Article.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Article) -> datetime.datetime:
        return item.updated_at


class ClaimSitemap(SiteSitemap):
    # Unreviewed sentences are a bare quotation until someone checks them: not worth indexing.
    def items(self) -> QuerySet[Claim]:
        return Claim.objects.of_published_articles().reviewed().only("reviewed_at").order_by("pk")

    def lastmod(self, item: Claim) -> datetime.datetime | None:
        return item.reviewed_at


class SourceSitemap(SiteSitemap):
    def items(self) -> QuerySet[Source]:
        return Source.objects.only("pk").order_by("pk")


class OutletSitemap(SiteSitemap):
    def items(self) -> QuerySet[Outlet]:
        return Outlet.objects.only("slug").order_by("pk")


SITEMAPS = {
    "static": StaticPagesSitemap,
    "articles": ArticleSitemap,
    "claims": ClaimSitemap,
    "sources": SourceSitemap,
    "outlets": OutletSitemap,
}
