"""The editors' pages at scale: admin claims search, the change page, the review desk.

    createdb -T factcheck_bench_1m factcheck_desk_1m          # a copy, then migrate it
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_desk_1m \\
        .venv/bin/python bench/desk.py [--rounds 5]

As bench/pages.py measures the public pages (and with its `measure`): per page, in-process with
DEBUG off, as an editor of the Editors group, the HTTP status, the number of queries, the median
total and SQL time of --rounds requests, and the scan types of the slowest queries' plans (a
sequential scan of claims or evidence flagged "!"). Search terms are picked from the corpus: a
word in about a tenth of the claims, a rare one, a phrase, an article title's word, a number.
Then one claim is reviewed on the desk (a POST and the redirect to the next claim) and rolled
back, so the database is left as it was.
"""

import argparse
import re
import statistics
import time
from html import unescape

import django_setup  # noqa: F401  (sets Django up before the models are imported)
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pages import measure, missed_targets

from articles.models import Article
from claims.models import Claim


def sample_terms() -> dict[str, str]:
    """Words of the corpus: one common, one rare (by PostgreSQL's own statistics)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT common.lexeme, common.frequency
            FROM pg_stats AS stats,
                 unnest(stats.most_common_elems::text::text[], stats.most_common_elem_freqs)
                   AS common(lexeme, frequency)
            WHERE stats.tablename = 'claims_claim' AND stats.attname = 'search_vector'
              AND length(common.lexeme) > 4
            ORDER BY abs(common.frequency - 0.1) LIMIT 1
            """
        )
        row = cursor.fetchone()
    common = row[0] if row else "militia"
    return {"common": common, "rare": "Tallinn harvest", "phrase": '"border militia"'}


def editor_client() -> Client:
    user, _ = get_user_model().objects.get_or_create(
        username="bench-desk-editor", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


def pages() -> dict[str, str]:
    changelist = reverse("admin:claims_claim_changelist")
    terms = sample_terms()
    article = Article.objects.only("title").order_by("-pk").first()
    title_word = max(article.title.split(), key=len) if article else "Belgorod"
    claim = (
        Claim.objects.reviewed()
        .annotate(n=Count("evidence"))
        .order_by("-n", "pk")
        .only("pk")
        .first()
    )
    unreviewed = Claim.objects.current().needs_review().order_by("-article_id", "ordinal").first()
    result = {
        "admin: claims list": changelist,
        f"admin: search common word ({terms['common']})": f"{changelist}?q={terms['common']}",
        "admin: search rare words": f"{changelist}?q={terms['rare'].replace(' ', '+')}",
        "admin: search phrase": f"{changelist}?q={terms['phrase'].replace(' ', '+')}",
        f"admin: search a title word ({title_word})": f"{changelist}?q={title_word}",
        "admin: search claim number": f"{changelist}?q={claim.pk if claim else 1}",
        "admin: claim change page": reverse("admin:claims_claim_change", args=[claim.pk])
        if claim
        else "",
        "admin: claim history": reverse("admin:claims_claim_history", args=[claim.pk])
        if claim
        else "",
        "desk: start page": reverse("admin:claims_desk"),
        "desk: claim, global queue": reverse("admin:claims_desk_claim", args=[unreviewed.pk])
        if unreviewed
        else "",
        "desk: claim, article queue": (
            reverse("admin:claims_desk_claim", args=[unreviewed.pk])
            + f"?article={unreviewed.article_id}"
        )
        if unreviewed
        else "",
    }
    return result


def review_one(client: Client, rounds: int) -> tuple[float, int]:
    """Median ms and queries of "save and next" on the desk (POST + the next claim's page),
    each round rolled back."""
    timings, queries = [], 0
    for _ in range(rounds):
        claim = Claim.objects.current().needs_review().order_by("-article_id", "ordinal").first()
        url = reverse("admin:claims_desk_claim", args=[claim.pk]) + f"?article={claim.article_id}"
        html = client.get(url).content.decode()
        data = {
            "status": "supported",
            "reason": "Checked against the cited report.",
            "loaded_version": hidden_value(html, "loaded_version"),
            "loaded_at": hidden_value(html, "loaded_at"),
            "action": "save_next",
        }
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.post(url, data, follow=True)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            queries = len(captured)
            transaction.set_rollback(True)
    return statistics.median(timings), queries


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    return unescape(match.group(1)) if match else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    settings.DEBUG = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = editor_client()
    found = pages()
    print(f"{Claim.objects.count():,} claims; {arguments.rounds} rounds; shared machine\n")
    header = (
        f"{'page':<44} {'status':>6} {'queries':>7} {'ms':>9} {'SQL ms':>9}  {'targets':<14} "
        "plans of the slowest queries"
    )
    print(header)
    print("-" * len(header))
    for name, url in found.items():
        if not url:
            print(f"{name:<44} (nothing in the corpus to show)")
            continue
        if "search" in name:
            # As the page runs its queries (claims.admin.ClaimAdmin.changelist_view): the
            # plans are EXPLAINed under the same setting.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
                result = measure(client, url, arguments.rounds)
        else:
            result = measure(client, url, arguments.rounds)
        print(
            f"{name:<44} {result.status:>6} {result.queries:>7} {result.total_ms:>9.1f} "
            f"{result.sql_ms:>9.1f}  {missed_targets(result):<14} {result.plans}",
            flush=True,
        )
    milliseconds, queries = review_one(client, arguments.rounds)
    print(
        f"{'desk: save and next (POST + next page)':<44} {'':>6} {queries:>7} "
        f"{milliseconds:>9.1f}  (rolled back)"
    )


if __name__ == "__main__":
    main()
