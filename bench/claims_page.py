"""How fast the public pages answer with many claims in the database.

Fills a scratch database with synthetic articles, claims, sources and evidence (once; later
runs reuse them), then requests each page several times and prints the median time and the
number of queries:

    psql -h 127.0.0.1 -U postgres -c 'create database factcheck_bench'
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/claims_page.py --claims 200000
"""

import argparse
import datetime
import random
import re
import statistics
import time
from html import unescape

import django_setup  # noqa: F401  (sets Django up before the models are imported)
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from claims.models import Claim, Evidence
from sources.models import Outlet, Source

WORDS = [
    "raid",
    "border",
    "militia",
    "casualties",
    "civilians",
    "Belgorod",
    "Kremlin",
    "Ukraine",
    "intelligence",
    "legion",
    "volunteer",
    "corps",
    "incursion",
    "village",
    "defence",
    "ministry",
    "evidence",
    "report",
    "claim",
    "government",
    "soldiers",
    "drone",
    "attack",
    "region",
    "officials",
    "weapons",
    "armoured",
    "vehicles",
    "evacuation",
]
CLAIMS_PER_ARTICLE = 40
NEXT_LINK = re.compile(r'<a href="(\?[^"]*)" rel="next"')


def populate(claim_total: int) -> None:
    """Synthetic data in bulk; deterministic, so two runs measure the same thing."""
    have = Claim.objects.count()
    if have >= claim_total:
        print(f"using the {have} claims already in the database")
        return
    print(f"adding {claim_total - have} claims …", flush=True)
    randomizer = random.Random(have)
    outlets = [Outlet.objects.get_or_create(name=f"Bench Outlet {n}")[0] for n in range(20)]
    sources = Source.objects.bulk_create(
        Source(
            title=f"Bench source {have}-{n}",
            outlet=outlets[n % len(outlets)],
            fingerprint=f"bench source {have}-{n}|",
        )
        for n in range(500)
    )
    now = timezone.now()
    editor_statuses = [status for status in Claim.Status.values if status != "unreviewed"]
    article_count = (claim_total - have) // CLAIMS_PER_ARTICLE + 1
    for batch_start in range(0, article_count, 200):
        articles = Article.objects.bulk_create(
            Article(
                title=f"Bench article {have}-{n}",
                slug=f"bench-article-{have}-{n}",
                outlet=outlets[n % len(outlets)],
                published_on=datetime.date(2023, 1, 1) + datetime.timedelta(days=n % 900),
                body="x",
                source_file_name=f"bench-{have}-{n}.txt",
                content_hash=f"{have}-{n}",
                imported_at=now,
                updated_at=now,
            )
            for n in range(batch_start, min(batch_start + 200, article_count))
        )
        claims = []
        for article in articles:
            for ordinal in range(CLAIMS_PER_ARTICLE):
                text = " ".join(randomizer.choices(WORDS, k=18)).capitalize() + "."
                reviewed = randomizer.random() < 0.3
                claims.append(
                    Claim(
                        article=article,
                        ordinal=ordinal,
                        text=text,
                        start=0,
                        end=len(text),
                        paragraph=ordinal // 5,
                        status=randomizer.choice(editor_statuses) if reviewed else "unreviewed",
                        reason="Bench reason." if reviewed else "",
                        reviewed_at=now - datetime.timedelta(minutes=randomizer.randint(0, 10**5))
                        if reviewed
                        else None,
                    )
                )
        claims = Claim.objects.bulk_create(claims, batch_size=2000)
        Evidence.objects.bulk_create(
            (
                Evidence(claim=claim, source=randomizer.choice(sources), stance=stance)
                for claim in claims
                for stance in randomizer.sample(["cited", "supports", "contradicts"], k=2)
                if randomizer.random() < 0.5
            ),
            batch_size=5000,
            ignore_conflicts=True,
        )
        print(f"  {Claim.objects.count()} claims", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


CORRECTED_SHARE = 0.02


def populate_history(randomizer: random.Random) -> None:
    """The verdict history the corrections log reads: for every reviewed claim its import and
    its verdict, and for a few a later correction. Written in bulk, once."""
    history = Claim.history.model
    if history.objects.exists():
        return
    print("adding verdict history …", flush=True)
    rows = []
    for claim in (
        Claim.objects.reviewed()
        .only(
            "id",
            "article_id",
            "text",
            "start",
            "end",
            "ordinal",
            "paragraph",
            "status",
            "reason",
            "reviewed_at",
        )
        .iterator(chunk_size=5000)
    ):
        common = {
            "id": claim.pk,
            "article_id": claim.article_id,
            "text": claim.text,
            "start": claim.start,
            "end": claim.end,
            "ordinal": claim.ordinal,
            "paragraph": claim.paragraph,
        }
        rows.append(
            history(
                **common,
                status="unreviewed",
                reason="",
                history_type="+",
                history_date=claim.reviewed_at - datetime.timedelta(days=1),
            )
        )
        corrected = randomizer.random() < CORRECTED_SHARE
        first_status = "contested" if corrected else claim.status
        rows.append(
            history(
                **common,
                status=first_status,
                reason="First reason.",
                reviewed_at=claim.reviewed_at,
                history_type="~",
                history_date=claim.reviewed_at,
            )
        )
        if corrected:
            rows.append(
                history(
                    **common,
                    status=claim.status,
                    reason=claim.reason,
                    reviewed_at=claim.reviewed_at,
                    history_type="~",
                    history_date=claim.reviewed_at + datetime.timedelta(hours=1),
                )
            )
        if len(rows) >= 20000:
            history.objects.bulk_create(rows)
            rows = []
    history.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client: Client, url: str, rounds: int) -> tuple[float, int, int]:
    timings = []
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                # An export does its work while it streams.
                b"".join(response.streaming_content)
            timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000, len(queries), response.status_code


def deep_url(client: Client, url: str, pages: int) -> str:
    """Follow the "Next page" link `pages` times, as a reader paging through would."""
    for _ in range(pages):
        html = client.get(url).content.decode()
        found = NEXT_LINK.search(html)
        if not found:
            break
        url = "/claims/" + unescape(found.group(1))
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--deep", type=int, default=50, help="pages to follow for 'deep'")
    arguments = parser.parse_args()

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.DEBUG = False
    populate(arguments.claims)
    populate_history(random.Random(0))
    client = Client()
    one_claim = Claim.objects.reviewed().order_by("pk").first()
    outlet = Outlet.objects.order_by("pk").first()
    source = Source.objects.order_by("pk").first()
    article = Article.objects.order_by("pk").first()
    pages = {
        "front page": "/",
        "claims, first page": "/claims/",
        f"claims, {arguments.deep} pages deep": deep_url(client, "/claims/", arguments.deep),
        "contested only": "/claims/?contested=on",
        "search 'casualties civilians'": "/claims/?q=casualties+civilians",
        "search a phrase": '/claims/?q="border+militia"',
        "sort: recently reviewed": "/claims/?sort=reviewed",
        "sort: newest article": "/claims/?sort=newest",
        "sort: most evidence": "/claims/?sort=evidence",
        "claim page": f"/claims/{one_claim.pk}/" if one_claim else "/claims/0/",
        "CSV export, contested": "/claims/export.csv?contested=on",
        "claims, every sentence": "/claims/?reviewed=all",
        "claims by outlet (cited or own)": f"/claims/?outlet={outlet.slug}",
        "claims by source": f"/claims/?source={source.pk}",
        "articles list": "/articles/",
        "articles by outlet": f"/articles/?outlet={outlet.slug}",
        "article page": f"/articles/{article.slug}/",
        "sources list": "/sources/",
        "source page": f"/sources/{source.pk}/",
        "outlet page": f"/outlets/{outlet.slug}/",
        "outlets index": "/outlets/",
        "corrections log": "/corrections/",
        "type-ahead: sources 'bench'": "/suggest/sources/?q=bench+source+1",
        "type-ahead: articles 'bench'": "/suggest/articles/?q=bench+article+1",
        "type-ahead: outlets 'outlet'": "/suggest/outlets/?q=outlet",
        "how we rate": "/how-we-rate/",
    }
    print(f"\n{Claim.objects.count()} claims, {Evidence.objects.count()} evidence rows")
    print(f"{'page':<34} {'median ms':>10} {'queries':>8} {'status':>7}")
    for name, url in pages.items():
        milliseconds, query_count, status = measure(client, url, arguments.rounds)
        print(f"{name:<34} {milliseconds:>10.1f} {query_count:>8} {status:>7}")


if __name__ == "__main__":
    main()
