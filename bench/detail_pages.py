"""Detail pages, the sitemap and the admin claim page against a big corpus, read-only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench_1m \\
        .venv/bin/python bench/detail_pages.py [--rounds 5] [--only article]

Prints, per page (in-process through Django's test client, DEBUG off, no cache, so every
request does its full work): status, queries, median ms, median SQL ms, size, the scan types of
the slowest queries' plans, and which targets of issue 8 it misses (see bench/pages.py, whose
measuring this reuses). Pages are found from the data: the article with most claims, the source
with most evidence rows and one with about 3,800, the outlet with most articles, the reviewed
claim with most evidence, every sitemap section page.

The connection is opened with default_transaction_read_only, so the run cannot write to the
corpus: the admin page is reached with a signed-cookie session made by hand (force_login would
record the login), and caching is off.
"""

import argparse
import time

import django_setup  # noqa: F401  (sets Django up before the models are imported)
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from pages import TARGET_MS, TARGET_QUERIES, measure, missed_targets

from articles.models import Article
from claims.models import Claim, Evidence
from factcheck.sitemaps import pages_with_rows, section_page_path
from sources.models import Outlet, Source

TYPICAL_BIG_SOURCE = 3_800


def read_only_connection() -> None:
    connection.close()
    options = connection.settings_dict.setdefault("OPTIONS", {})
    options["options"] = (
        options.get("options", "") + " -c default_transaction_read_only=on"
    ).strip()
    connection.ensure_connection()


def editor_client() -> Client | None:
    """A client logged in as a staff editor of the corpus, without writing a session row."""
    editor = (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .order_by("-is_superuser", "pk")
        .first()
    )
    if editor is None:
        return None
    session = SessionStore()
    session[SESSION_KEY] = str(editor.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = editor.get_session_auth_hash()
    session.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def detail_pages() -> dict[str, str]:
    started = time.perf_counter()
    article_id = (
        Claim.objects.current()
        .values("article")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("article", flat=True)
        .first()
    )
    by_source = Evidence.objects.values("source").annotate(n=Count("pk"))
    most_cited = by_source.order_by("-n").values_list("source", "n").first()
    typical = (
        by_source.filter(n__lte=TYPICAL_BIG_SOURCE)
        .order_by("-n")
        .values_list("source", "n")
        .first()
    )
    outlet = Outlet.objects.annotate(n=Count("articles")).order_by("-n").only("slug").first()
    claim_id = (
        Evidence.objects.filter(claim__status__in=["supported", "contested", "false"])
        .values("claim")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("claim", flat=True)
        .first()
    )
    article = Article.objects.filter(pk=article_id).only("slug").first()
    pages = {
        f"article page ({article.claims.current().count()} claims)": article.get_absolute_url()
        if article
        else "",
        "claim page (most evidence)": reverse("claims:claim_detail", args=[claim_id])
        if claim_id
        else "",
    }
    for label, row in (("most cited", most_cited), ("typical big", typical)):
        if row:
            pages[f"source page ({label}, {row[1]} rows)"] = reverse(
                "sources:source_detail", args=[row[0]]
            )
    pages["outlet page (most articles)"] = outlet.get_absolute_url() if outlet else ""
    pages["sitemap index"] = reverse("sitemap")
    for section, number in pages_with_rows():
        pages[f"sitemap {section} {number}"] = section_page_path(section, number)
    print(f"pages found in {time.perf_counter() - started:.1f} s")
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", help="measure only pages whose name contains this")
    arguments = parser.parse_args()

    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    read_only_connection()
    pages = detail_pages()
    admin_client = editor_client()
    claim_url = pages.get("claim page (most evidence)", "")
    if admin_client and claim_url:
        claim_id = int(claim_url.rstrip("/").rsplit("/", 1)[1])
        pages["admin: claim change page"] = reverse("admin:claims_claim_change", args=[claim_id])
    print(
        f"{Claim.objects.count():,} claims, {Evidence.objects.count():,} evidence rows, "
        f"{Source.objects.count():,} sources; {arguments.rounds} rounds, shared machine\n"
    )
    header = (
        f"{'page':<40} {'status':>6} {'queries':>7} {'ms':>8} {'SQL ms':>8} {'KB':>8}  "
        f"{'targets':<14} plans of the slowest queries"
    )
    print(header)
    print("-" * len(header))
    client = Client()
    for name, url in pages.items():
        if arguments.only and arguments.only not in name:
            continue
        if not url:
            print(f"{name:<40} (nothing in the corpus to show)")
            continue
        measurement = measure(
            admin_client if name.startswith("admin") else client, url, arguments.rounds
        )
        print(
            f"{name:<40} {measurement.status:>6} {measurement.queries:>7} "
            f"{measurement.total_ms:>8.1f} {measurement.sql_ms:>8.1f} "
            f"{measurement.size / 1024:>8.1f}  {missed_targets(measurement):<14} "
            f"{measurement.plans}",
            flush=True,
        )
    print(
        f"\nTargets: <= {TARGET_MS} ms, <= {TARGET_QUERIES} queries, "
        "no seq scan of claims/evidence."
    )


if __name__ == "__main__":
    main()
