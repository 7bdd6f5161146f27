"""Every public page and the admin's heaviest against a big corpus: queries, time, SQL, plans.

    .venv/bin/python bench/corpus.py                 # once: factcheck_bench_1m
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench_1m \\
        .venv/bin/python bench/pages.py [--rounds 5] [--deep 50] [--only claims]

For each page, in-process through Django's test client with DEBUG off: HTTP status, number of
queries, the median total time of --rounds requests, the median of the time spent in SQL, the median
CPU time of the Python process (view, ORM and templates; unlike wall time, not inflated by the
other jobs of a shared machine)
(Django's own per-query timing: execute plus fetching the rows of ordinary cursors; streamed
exports fetch through server-side cursors, whose fetches are not timed, so their SQL share is
understated), total / SQL, the response size, and the scan types of the plans of its three
slowest queries (EXPLAIN of the SQL exactly as sent). A sequential scan of claims or evidence is
flagged with "!". The last column says which targets of issue 8 the page misses: > 100 ms,
> 4 queries, total > 1.5 times SQL, a seq scan of claims/evidence.

Pages are found from the data, not hard-coded ids: the biggest article, the most-cited source,
the outlet with most articles, a reviewed claim with the most evidence. Deep pages follow the
"next" link as a reader would (keyset pagination has no page numbers).
"""

import argparse
import json
import re
import statistics
import time
from dataclasses import dataclass
from html import unescape

import django_setup  # noqa: F401  (sets Django up before the models are imported)
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from claims.filters import ClaimFilter
from claims.models import Claim, Evidence
from factcheck.pages import PAGE_SIZE
from sources.models import Outlet, Source

NEXT_LINK = re.compile(
    r'<(?:a|link)\b[^>]*?(?:href="([^"]+)"[^>]*?rel="next"|rel="next"[^>]*?href="([^"]+)")'
)
DECLARE = re.compile(r'^DECLARE\s+"?[\w]+"?\s+.*?\bCURSOR\b.*?\bFOR\s+', re.S | re.I)
WATCHED_TABLES = {"claims_claim", "claims_evidence"}
SCAN_SHORT = {
    "Seq Scan": "Seq",
    "Parallel Seq Scan": "Seq",
    "Index Scan": "Index",
    "Index Only Scan": "IndexOnly",
    "Bitmap Heap Scan": "Bitmap",
    "Bitmap Index Scan": None,
}
TARGET_MS = 100
TARGET_QUERIES = 4
TARGET_RATIO = 1.5


@dataclass
class Measurement:
    status: int
    queries: int
    total_ms: float
    sql_ms: float
    # CPU time of this process (Python: view, ORM, templates) per request: on a shared
    # machine wall time grows with the other jobs' load, this does not.
    cpu_ms: float
    size: int
    plans: str
    seq_scan: bool


def scans(plan: dict) -> list[tuple[str, str]]:
    """(relation, scan type) for every scan node of a JSON plan."""
    found = []
    short = SCAN_SHORT.get(plan.get("Node Type", ""), "")
    if short and plan.get("Relation Name"):
        found.append((plan["Relation Name"], short))
    for child in plan.get("Plans", []):
        found.extend(scans(child))
    return found


def explain(sql: str) -> list[tuple[str, str]]:
    sql = DECLARE.sub("", sql.strip())
    if not sql.upper().startswith(("SELECT", "WITH")):
        return []
    with connection.cursor() as cursor:
        # psycopg2's last_executed_query is the statement exactly as sent, values included.
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql.replace("%", "%%"))
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return scans(plan[0]["Plan"])


def read(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def measure(client: Client, url: str, rounds: int) -> Measurement:
    totals, sql_totals, cpu_totals = [], [], []
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            cpu_started = time.process_time()
            response = client.get(url)
            body = read(response)
            totals.append((time.perf_counter() - started) * 1000)
            cpu_totals.append((time.process_time() - cpu_started) * 1000)
        sql_totals.append(sum(float(query["time"]) for query in captured) * 1000)
    slowest = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:3]
    described, seq_scan = [], False
    for query in slowest:
        relations = explain(query["sql"])
        parts = []
        for relation, scan in relations:
            flagged = scan == "Seq" and relation in WATCHED_TABLES
            seq_scan |= flagged
            name = (
                relation.removeprefix("claims_").removeprefix("articles_").removeprefix("sources_")
            )
            parts.append(f"{name}:{scan}{'!' if flagged else ''}")
        if parts:
            described.append(" ".join(dict.fromkeys(parts)))
    return Measurement(
        status=response.status_code,
        queries=len(captured),
        total_ms=statistics.median(totals),
        sql_ms=statistics.median(sql_totals),
        cpu_ms=statistics.median(cpu_totals),
        size=len(body),
        plans=" | ".join(described),
        seq_scan=seq_scan,
    )


def follow_next(client: Client, url: str, pages: int) -> tuple[str, int]:
    """The address `pages` "next" links on from `url`, and how many links were followed."""
    followed = 0
    for _ in range(pages):
        html = client.get(url).content.decode()
        found = NEXT_LINK.search(html)
        if not found:
            break
        link = unescape(found.group(1) or found.group(2))
        url = link if link.startswith("/") else url.split("?")[0] + link
        followed += 1
    return url, followed


def sample_filter_values() -> dict[str, str]:
    """A realistic value for each claims-page filter, read from the corpus."""
    article = Article.objects.annotate(n=Count("claims")).order_by("-n").only("slug").first()
    outlet = Outlet.objects.annotate(n=Count("articles")).order_by("-n").only("slug").first()
    source = Source.objects.annotate(n=Count("evidence")).order_by("-n").only("pk").first()
    return {
        "q": "militia",
        "verdict": "contested",
        "contested": "on",
        "reviewed": "yes",
        "evidence": "yes",
        "article": article.slug if article else "",
        "outlet": outlet.slug if outlet else "",
        "source": str(source.pk) if source else "",
        "published_from": "2023-01-01",
        "published_to": "2023-06-30",
        "sort": "evidence",
    }


def last_page(rows: int) -> int:
    return max(1, -(-rows // PAGE_SIZE))


def claim_with_most_evidence() -> Claim | None:
    return (
        Claim.objects.reviewed()
        .annotate(n=Count("evidence"))
        .order_by("-n", "pk")
        .only("pk")
        .first()
    )


def public_pages(client: Client, deep: int, deep_sorted: int) -> dict[str, str]:
    claims_url = reverse("claims:claim_list")
    pages = {"front page": reverse("claims:home"), "claims, unfiltered": claims_url}
    values = sample_filter_values()
    for name in ClaimFilter.base_filters:
        if name == "sort":
            continue
        value = values.get(name)
        pages[f"claims ?{name}"] = f"{claims_url}?{name}={value}" if value else ""
    pages["claims ?reviewed=no"] = f"{claims_url}?reviewed=no"
    pages["claims ?evidence=no"] = f"{claims_url}?evidence=no"
    pages["claims ?q=phrase"] = f'{claims_url}?q="border+militia"'
    pages["claims ?q=rare word"] = f"{claims_url}?q=Tallinn+harvest"
    for value, _label in ClaimFilter.base_filters["sort"].extra["choices"]:
        pages[f"claims sort={value}"] = f"{claims_url}?sort={value}"
    pages["claims ?q=militia&sort=reviewed"] = f"{claims_url}?q=militia&sort=reviewed"
    url, followed = follow_next(client, claims_url, deep)
    pages[f"claims, {followed} pages deep"] = url
    url, followed = follow_next(client, f"{claims_url}?sort=evidence", deep_sorted)
    pages[f"claims sort=evidence, {followed} pages deep"] = url
    url, followed = follow_next(client, f"{claims_url}?sort=newest", deep_sorted)
    pages[f"claims sort=newest, {followed} pages deep"] = url
    url, followed = follow_next(client, f"{claims_url}?q=militia&sort=reviewed", deep_sorted)
    pages[f"claims ?q=militia, {followed} pages deep"] = url

    claim = claim_with_most_evidence()
    article = Article.objects.annotate(n=Count("claims")).order_by("-n").only("slug").first()
    source = Source.objects.annotate(n=Count("evidence")).order_by("-n").only("pk").first()
    outlet = Outlet.objects.annotate(n=Count("articles")).order_by("-n").only("slug").first()
    typical_source = Source.objects.annotate(n=Count("evidence")).filter(n=3).first()
    pages |= {
        "claim page (most evidence)": claim.get_absolute_url() if claim else "",
        "article page (most claims)": article.get_absolute_url() if article else "",
        "source page (most cited)": source.get_absolute_url() if source else "",
        "source page (3 evidence rows)": typical_source.get_absolute_url()
        if typical_source
        else "",
        "outlet page (most articles)": outlet.get_absolute_url() if outlet else "",
        "articles list": reverse("articles:article_list"),
        "articles list, last page": f"{reverse('articles:article_list')}?page="
        f"{last_page(Article.objects.published().count())}",
        "sources list": reverse("sources:source_list"),
        "sources list, last page": f"{reverse('sources:source_list')}?page="
        f"{last_page(Source.objects.count())}",
        "outlets list": reverse("sources:outlet_list"),
        "outlets list, last page": f"{reverse('sources:outlet_list')}?page="
        f"{last_page(Outlet.objects.count())}",
        "sitemap.xml": reverse("sitemap"),
        "feed: reviewed": reverse("claims:feed_reviewed"),
        "feed: contested": reverse("claims:feed_contested"),
        "CSV export, contested": reverse("claims:claims_csv") + "?verdict=contested",
        "JSON export, contested": reverse("claims:claims_json") + "?verdict=contested",
    }
    return pages


def admin_pages() -> dict[str, str]:
    claim = claim_with_most_evidence()
    changelist = reverse("admin:claims_claim_changelist")
    return {
        "admin: claims list": changelist,
        "admin: claims search": f"{changelist}?q=militia",
        "admin: claim change page": reverse("admin:claims_claim_change", args=[claim.pk])
        if claim
        else "",
        "admin: evidence list": reverse("admin:claims_evidence_changelist"),
    }


def missed_targets(measurement: Measurement) -> str:
    missed = []
    if measurement.total_ms > TARGET_MS:
        missed.append("ms")
    if measurement.queries > TARGET_QUERIES:
        missed.append("queries")
    if measurement.sql_ms and measurement.total_ms / measurement.sql_ms > TARGET_RATIO:
        missed.append("ratio")
    if measurement.seq_scan:
        missed.append("seq")
    return ",".join(missed) or "ok"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--deep", type=int, default=50, help="pages to follow, default order")
    parser.add_argument(
        "--deep-sorted", type=int, default=10, help="pages to follow in 'most evidence' order"
    )
    parser.add_argument(
        "--only", help="measure only pages whose name contains this (several: comma-separated)"
    )
    arguments = parser.parse_args()

    settings.DEBUG = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    started = time.perf_counter()
    client = Client()
    pages = public_pages(client, arguments.deep, arguments.deep_sorted)
    admin_client = Client()
    admin_user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    admin_client.force_login(admin_user)
    admin = admin_pages()
    print(
        f"{Claim.objects.count():,} claims, {Article.objects.count():,} articles, "
        f"{Source.objects.count():,} sources, {Outlet.objects.count():,} outlets, "
        f"{Evidence.objects.count():,} evidence rows; {arguments.rounds} rounds; "
        f"pages found in {time.perf_counter() - started:.0f} s\n"
    )
    header = (
        f"{'page':<38} {'status':>6} {'queries':>7} {'ms':>9} {'SQL ms':>9} {'py CPU':>7} "
        f"{'ratio':>6} "
        f"{'KB':>8}  {'targets':<18} plans of the slowest queries"
    )
    print(header)
    print("-" * len(header))
    summary = {"pages": 0, "ok": 0}
    for name, url in [*pages.items(), *admin.items()]:
        if arguments.only and not any(part in name for part in arguments.only.split(",")):
            continue
        if not url:
            print(f"{name:<38} (nothing in the corpus to show)")
            continue
        measurement = measure(
            admin_client if name.startswith("admin") else client, url, arguments.rounds
        )
        ratio = measurement.total_ms / measurement.sql_ms if measurement.sql_ms else 0
        missed = missed_targets(measurement)
        summary["pages"] += 1
        summary["ok"] += missed == "ok"
        print(
            f"{name:<38} {measurement.status:>6} {measurement.queries:>7} "
            f"{measurement.total_ms:>9.1f} {measurement.sql_ms:>9.1f} {measurement.cpu_ms:>7.1f} "
            f"{ratio:>6.2f} "
            f"{measurement.size / 1024:>8.1f}  {missed:<18} {measurement.plans}",
            flush=True,
        )
    print(
        f"\n{summary['ok']} of {summary['pages']} pages meet every target (≤ {TARGET_MS} ms, "
        f"≤ {TARGET_QUERIES} queries, total ≤ {TARGET_RATIO}x SQL, no seq scan of "
        f"claims/evidence); measured on a shared machine."
    )


if __name__ == "__main__":
    main()
