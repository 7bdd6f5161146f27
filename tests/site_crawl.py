"""Every public page, found from the URL patterns: the tests that must see each page use this, so a
page added later is covered without anyone listing it."""

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from claims.models import Evidence
from claims.services import claim_set_verdict
from tests.articles.factories_public import ContributorFactory, cite
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory

# Namespaces that are not the public site.
PRIVATE_NAMESPACES = {"admin"}
LINK = re.compile(r'(?:href|src)="(/[^"#]*)"|<loc>https?://[^/<]+(/[^<]*)</loc>')
# Enough to reach every kind of page from the front page and the objects' own pages.
MAX_FETCHES = 400


def public_routes() -> set[str]:
    """The route of every URL pattern outside the admin, as ResolverMatch.route spells it."""
    routes: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in PRIVATE_NAMESPACES:
                    continue
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                routes.add(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, "")
    return routes


def public_objects(editor: AbstractBaseUser) -> list[str]:
    """Real objects of every kind a public page shows, with a verdict and its history; returns
    their addresses."""
    claim = ClaimFactory(text="The first sentence of the article.[1]", start=0, end=37)
    article = claim.article
    article.body = claim.text + " Its second sentence."
    article.save()
    ContributorFactory(article=article, name="Ada Reporter")
    source = SourceFactory(url="https://example.org/report")
    cite(source, article, key="1")
    EvidenceFactory(claim=claim, source=source, stance=Evidence.Stance.CITED)
    EvidenceFactory(
        claim=claim, source=SourceFactory(), stance=Evidence.Stance.CONTRADICTS, quote="Not so."
    )
    claim_set_verdict(claim=claim, status="supported", reason="The report says so.", user=editor)
    claim_set_verdict(
        claim=claim, status="contested", reason="A second report differs.", user=editor
    )
    withdrawn = ClaimFactory(article=article, text="Its second sentence.", start=38, end=58)
    claim_set_verdict(claim=withdrawn, status="false", reason="It is not.", user=editor)
    claim_set_verdict(claim=withdrawn, status="unreviewed", reason="Checked again.", user=editor)
    return [
        claim.get_absolute_url(),
        withdrawn.get_absolute_url(),
        article.get_absolute_url(),
        source.get_absolute_url(),
        source.outlet.get_absolute_url(),
        article.outlet.get_absolute_url(),
        # The type-ahead the filter boxes call (from a data attribute, not a link).
        f"/suggest/outlets/?q={source.outlet.name[:4]}",
    ]


@dataclass
class Page:
    url: str
    response: HttpResponse
    text: str


@dataclass
class Crawl:
    """What a walk over the public site fetched: one 200 response per route, and every status."""

    pages: dict[str, Page] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    uncovered: set[str] = field(default_factory=set)

    def html_pages(self) -> Iterator[Page]:
        for page in self.pages.values():
            if page.response["Content-Type"].startswith("text/html"):
                yield page


def body_text(response: HttpResponse) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def crawl_public_site(client: Client, start: list[str]) -> Crawl:
    """Fetch each public route's page at least once, following links from the parameterless
    routes and `start` until every route has answered 200 or nothing new is linked."""
    routes = public_routes()
    crawl = Crawl()
    seeds = ["/" + route for route in sorted(routes) if "<" not in route and "(" not in route]
    queue = deque([*seeds, *start])
    seen: set[str] = set()
    while queue and len(seen) < MAX_FETCHES and len(crawl.pages) < len(routes):
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        route = route_of(urlsplit(url).path)
        if route not in routes or route in crawl.pages:
            continue
        response = client.get(url)
        crawl.statuses[url] = response.status_code
        if response.status_code != 200:
            continue
        text = body_text(response)
        crawl.pages[route] = Page(url, response, text)
        if response["Content-Type"].startswith(("text/html", "application/xml", "text/xml")):
            for match in LINK.finditer(text):
                link = (match.group(1) or match.group(2)).replace("&amp;", "&")
                if not link.startswith(("/static/", "/admin/")):
                    queue.append(link)
    crawl.uncovered = routes - set(crawl.pages)
    return crawl


def admin_pages() -> list[str]:
    """A page of every kind each registered ModelAdmin serves (its list, its forms, one
    object's change, history and delete pages), for the first object of each model."""
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        first = model._default_manager.order_by("pk").first()
        for pattern in model_admin.get_urls():
            if not pattern.name:
                continue
            parameters = pattern.pattern.regex.groups
            if parameters == 0:
                urls.append(reverse(f"admin:{pattern.name}"))
            elif first is not None and parameters == 1:
                urls.append(reverse(f"admin:{pattern.name}", args=[first.pk]))
    return urls
