"""Whole-page cache for readers: a public page is made once per content version, then served
from Django's cache (a table in PostgreSQL, or Redis with REDIS_URL) until anything on the site
changes.

Honest by construction:
- The key holds the page content version (claims migration 0014): PostgreSQL moves it on in the
  same transaction as every write to a table pages are made from, whoever writes (an editor, an
  import, a raw UPDATE). It is read before the page is made and from the database the page
  reads (the replica, when there is one), so a cached page is never older than its key.
- The key also holds the canonical URL (scheme, host, path, the query string sorted by name;
  repeated names keep their order, since a filter reads the last value), the code release and
  the settings a page shows.
- Only anonymous GET and HEAD outside the admin: a request carrying a session or messages
  cookie (a logged-in editor, or one who may be) bypasses the cache both ways.
- Only a complete 200 response that sets no cookie, is not private or no-store, varies on
  nothing but Cookie (the session read, empty for these requests) and carries no CSRF token.
- Each worker also keeps the pages it served last in its own memory, under the same keys: a
  key names one version of one page, so an entry there can never be stale, only evicted. A hit
  there is the version query alone.
- The CSP nonce is never replayed: the page is stored with its nonce cut out, and every hit gets
  a fresh nonce, which ContentSecurityPolicyMiddleware (outside this one) puts in the header.
"""

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse
from django.utils.http import split_directive_names, split_header_value

from factcheck.routers import replica_configured

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
STATUS_HEADER = "X-Page-Cache"
# Headers the outer middleware (security, CSP) adds to every response, hit or miss; the length
# is set again from the body served.
NOT_STORED_HEADERS = {"content-length", "set-cookie"}
STORABLE_VARY = {"cookie", "accept-encoding"}
# What the settings put on a page (its footer, its links): a change makes new keys.
SETTINGS_ON_PAGES = [
    "DEBUG",
    "ROOT_URLCONF",
    "STATIC_URL",
    "LANGUAGE_CODE",
    "TIME_ZONE",
    "FACTCHECK_ORGANIZATION_NAME",
    "FACTCHECK_ORGANIZATION_URL",
    "FACTCHECK_SITE_URL",
]
CODE_DIRECTORIES = ["factcheck", "articles", "claims", "sources", "templates"]


class LocalPages:
    """The worker's own least-recently-used pages, at most `budget` bytes of them."""

    def __init__(self, budget: int):
        self.budget = budget
        self.size = 0
        self.entries: OrderedDict[str, tuple[dict, int]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> dict | None:
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            self.entries.move_to_end(key)
            return found[0]

    def set(self, key: str, entry: dict) -> None:
        size = sum(len(chunk) for chunk in entry["chunks"]) + 1024
        if size > self.budget // 4:
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = (entry, size)
            self.size += size
            while self.size > self.budget:
                _, (_, dropped) = self.entries.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0


local_pages = LocalPages(budget=int(getattr(settings, "PAGE_CACHE_LOCAL_BYTES", 64 * 2**20)))


def content_version(using: str = "default") -> int:
    """The page content version as the database `using` sees it now (one cheap query)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT factcheck_page_content_version()")
        return cursor.fetchone()[0]


# One statement, one snapshot, nothing to plan but a primary-key lookup and a short count.
VERSION_KEY_SQL = """
SELECT version.epoch || '.' || version.xmin || '.'
    || (version.base + (SELECT count(*) FROM factcheck_page_content_change))
FROM factcheck_page_content_version AS version WHERE version.id = 1
"""
VERSION_STATEMENT = "factcheck_page_version_key"


def read_version_key(connection: BaseDatabaseWrapper) -> str:
    """VERSION_KEY_SQL, run as a statement prepared once per database session: planning it took
    more of the server's time than running it (0.4 ms against 1.0 ms a call, pgbench on a busy
    machine), and every cache hit sends it. Behind a transaction pooler the next statement may
    reach another session, so it is sent whole there."""
    with connection.cursor() as cursor:
        if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
            cursor.execute(VERSION_KEY_SQL)
            return cursor.fetchone()[0]
        if getattr(connection, "_page_version_prepared_on", None) is not connection.connection:
            # Set-up of a new session, as Django's own (its time zone) is: on the session's
            # own cursor, once, not counted among a request's queries.
            with connection.wrap_database_errors, connection.connection.cursor() as setup:
                setup.execute(f"PREPARE {VERSION_STATEMENT} AS {VERSION_KEY_SQL}")
            connection._page_version_prepared_on = connection.connection
        cursor.execute(f"EXECUTE {VERSION_STATEMENT}")
        return cursor.fetchone()[0]


def content_version_key(using: str = "default") -> str:
    """The version as the cache key holds it, in one query: the number, and what makes a number
    unique across databases. A database made anew (a new random epoch) or restored in place (the
    version row rewritten: a new xmin) counts the same numbers again, and a shared Redis may
    still hold pages of those numbers from before.

    This query is also the request's connection health check. With CONN_HEALTH_CHECKS, Django
    sends a "SELECT 1" before a request's first query on a kept connection: a round trip of
    its own, half of what a cache hit asked of the database. This query finds a connection that
    broke while it waited just as well: it then fails, and the connection is replaced and the
    query sent again, which is all the health check would have done."""
    connection = connections[using]
    if (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    ):
        connection.health_check_done = True
        try:
            return read_version_key(connection)
        except (InterfaceError, OperationalError):
            logger.info("database connection unusable; connecting again", exc_info=True)
            connection.close()
    return read_version_key(connection)


@cache
def code_release() -> str:
    """The release a page was made by: PAGE_CACHE_RELEASE (say, the commit) or a digest of the
    code, templates and static manifest. Several app servers sharing one Redis then never serve
    each other a page made by other templates during a deploy."""
    if release := getattr(settings, "PAGE_CACHE_RELEASE", ""):
        return release
    digest = hashlib.sha256()
    for directory in CODE_DIRECTORIES:
        for path in sorted((settings.BASE_DIR / directory).rglob("*")):
            if path.suffix in {".py", ".html", ".txt", ".xml"} and path.is_file():
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def canonical_query(request: HttpRequest) -> str:
    """The query string as the views read it, names sorted (a stable sort: the values of one
    name keep their order, since the last one is the one a filter uses)."""
    pairs = sorted(request.GET.lists(), key=lambda pair: pair[0])
    query = request.GET.copy()
    query.clear()
    for name, values in pairs:
        query.setlist(name, values)
    return query.urlencode()


def page_key(request: HttpRequest, version: str) -> str:
    parts = [
        code_release(),
        repr([getattr(settings, name, None) for name in SETTINGS_ON_PAGES]),
        request.scheme,
        request.get_host(),
        request.path,
        canonical_query(request),
    ]
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"page:{version}:{digest}"


def bypasses_cache(request: HttpRequest) -> bool:
    if not getattr(settings, "PAGE_CACHE_ENABLED", True):
        return True
    if request.method not in {"GET", "HEAD"}:
        return True
    if request.path.startswith(("/admin/", "/static/", settings.STATIC_URL)):
        return True
    # A session may be an editor's; messages are one person's. Other cookies (an old CSRF
    # cookie, a reader's own) change nothing on a page this cache stores.
    return any(
        name in request.COOKIES
        for name in (settings.SESSION_COOKIE_NAME, getattr(settings, "MESSAGE_COOKIE_NAME", ""))
        if name
    )


def refusal(request: HttpRequest, response: HttpResponse) -> str | None:
    """Why `response` must not be stored, or None when it may be."""
    if request.method != "GET":
        return "not a GET"
    if response.status_code != 200:
        return f"status {response.status_code}"
    if response.streaming:
        return "streaming"
    if response.cookies:
        return "sets a cookie"
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return "uses a CSRF token"
    cache_control = set(split_directive_names(response.get("Cache-Control", "")))
    if cache_control & {"private", "no-store", "no-cache"}:
        return "private or no-store"
    vary = {part.lower() for part in split_header_value(response.get("Vary", ""))}
    if vary - STORABLE_VARY:
        return f"varies on {', '.join(sorted(vary - STORABLE_VARY))}"
    if b"csrfmiddlewaretoken" in response.content:
        return "holds a CSRF token"
    return None


def stored_entry(request: HttpRequest, response: HttpResponse) -> dict:
    nonce = getattr(request, "_csp_nonce", None)
    content = response.content
    chunks = content.split(str(nonce).encode()) if nonce else [content]
    entry = {
        "status": response.status_code,
        "headers": [
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in NOT_STORED_HEADERS and name != STATUS_HEADER
        ],
        "chunks": chunks,
    }
    for attribute in ("_csp_config", "_csp_ro_config"):
        if hasattr(response, attribute):
            entry[attribute] = getattr(response, attribute)
    return entry


def response_from(request: HttpRequest, entry: dict) -> HttpResponse:
    # A fresh nonce for this response, when the page had one: the CSP middleware puts the same
    # one in the header.
    chunks = entry["chunks"]
    content = str(request._csp_nonce).encode().join(chunks) if len(chunks) > 1 else chunks[0]
    response = HttpResponse(content, status=entry["status"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    response.headers["Content-Length"] = str(len(content))
    for attribute in ("_csp_config", "_csp_ro_config"):
        if attribute in entry:
            setattr(response, attribute, entry[attribute])
    return response


class PageCacheMiddleware:
    """Between the CSP middleware (which must see every response, hit or miss) and the session
    middleware (which a hit never needs)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if bypasses_cache(request):
            return self.get_response(request)
        try:
            host_known = bool(request.get_host())
        except DisallowedHost:
            host_known = False
        if not host_known:
            return self.get_response(request)
        # Before the page reads anything, and from the database the page will read.
        using = settings.REPLICA_DATABASE if replica_configured() else "default"
        key = page_key(request, content_version_key(using))
        entry = local_pages.get(key)
        if entry is not None:
            return self.hit(request, entry)
        page_cache = caches[CACHE_ALIAS]
        try:
            entry = page_cache.get(key)
        except Exception:  # A cache that is down must not take the site down.
            logger.warning("page cache unavailable; serving uncached", exc_info=True)
            return self.get_response(request)
        if entry is not None:
            local_pages.set(key, entry)
            return self.hit(request, entry)
        response = self.get_response(request)
        reason = refusal(request, response)
        if reason is None:
            entry = stored_entry(request, response)
            local_pages.set(key, entry)
            try:
                page_cache.set(key, entry)
            except Exception:
                logger.warning("page cache unavailable; page not stored", exc_info=True)
            response.headers[STATUS_HEADER] = "miss"
        else:
            response.headers[STATUS_HEADER] = f"not stored: {reason}"
        return response

    @staticmethod
    def hit(request: HttpRequest, entry: dict) -> HttpResponse:
        response = response_from(request, entry)
        response.headers[STATUS_HEADER] = "hit"
        return response
