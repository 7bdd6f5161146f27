"""Print request paths for bench/load.sh: a realistic mix of claims-page requests, or claim pages.

    .venv/bin/python bench/load_paths.py claims-mix 2000 > paths.txt
    .venv/bin/python bench/load_paths.py claim-pages 2000 > paths.txt
    .venv/bin/python bench/load_paths.py fetch paths.txt http://127.0.0.1:8702 16

`fetch` requests each path of the file once, from that many threads at a time (bench/load.sh's
cold pass: with an empty page cache, each distinct URL is a miss), and prints req/s, p50, p99
and errors in load.sh's columns, and how the page cache answered.

The claims-page mix is what readers do there: mostly the first page, unfiltered or with one
filter (a verdict, contested, reviewed, an article, an outlet, a source), some searches for
common and rare words, the three sorts, and some later pages. Deterministic (seeded).
"""

import http.client
import random
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import django_setup  # noqa: F401  (sets Django up before the models are imported)

from articles.models import Article
from claims.models import Claim
from sources.models import Outlet, Source

SEARCHES = ["militia", "border", "casualties", "drone attack", "Belgorod", "harvest", "ceasefire"]
VERDICTS = ["contested", "supported", "false", "unverifiable", "not_a_claim"]


def sample_ids(model, count: int, randomizer: random.Random) -> list:
    """Random primary keys without ORDER BY random() over the whole table."""
    highest = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    wanted = {randomizer.randint(1, highest) for _ in range(count * 2)} if highest else set()
    return list(model.objects.filter(pk__in=wanted).values_list("pk", flat=True)[:count])


def claims_mix(count: int, randomizer: random.Random) -> list[str]:
    articles = list(
        Article.objects.filter(pk__in=sample_ids(Article, 200, randomizer)).values_list(
            "slug", flat=True
        )
    )
    outlets = list(Outlet.objects.values_list("slug", flat=True)[:200])
    sources = sample_ids(Source, 200, randomizer)
    choices = [
        (30, lambda: "/claims/"),
        (10, lambda: f"/claims/?verdict={randomizer.choice(VERDICTS)}"),
        (8, lambda: "/claims/?contested=on"),
        (8, lambda: "/claims/?reviewed=yes"),
        (6, lambda: f"/claims/?article={randomizer.choice(articles)}"),
        (5, lambda: f"/claims/?outlet={randomizer.choice(outlets)}"),
        (5, lambda: f"/claims/?source={randomizer.choice(sources)}"),
        (12, lambda: f"/claims/?q={randomizer.choice(SEARCHES).replace(' ', '+')}"),
        (6, lambda: f"/claims/?sort={randomizer.choice(['newest', 'evidence', 'reviewed'])}"),
        (5, lambda: "/claims/?evidence=yes"),
        (5, lambda: "/claims/?sort=reviewed&reviewed=yes"),
    ]
    weights = [weight for weight, _ in choices]
    makers = [maker for _, maker in choices]
    return [randomizer.choices(makers, weights=weights)[0]() for _ in range(count)]


def claim_pages(count: int, randomizer: random.Random) -> list[str]:
    ids = sample_ids(Claim, count, randomizer)
    return [f"/claims/{pk}/" for pk in ids]


def fetch(paths_file: str, base: str, concurrency: int) -> None:
    lines = Path(paths_file).read_text(encoding="utf-8").splitlines()
    paths = [line.strip() for line in lines if line.strip()]
    address = urlsplit(base)
    latencies: list[float] = []
    statuses: Counter = Counter()
    cache_answers: Counter = Counter()
    errors = 0
    lock = threading.Lock()
    queue = iter(paths)

    def worker() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        while True:
            with lock:
                path = next(queue, None)
            if path is None:
                break
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                with lock:
                    errors += 1
                connection.close()
                connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[response.status] += 1
                cache_answers[(response.getheader("X-Page-Cache") or "none").split(":")[0]] += 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    non_2xx = sum(count for status, count in statuses.items() if not 200 <= status < 400)
    print(
        f"{'claims mix, cold':22} {len(latencies) / wall:10.2f} {'(each URL once)':>22} "
        f"{quantiles[49] * 1000:8.2f}ms {quantiles[98] * 1000:8.2f}ms {errors:8} {non_2xx:8}"
    )
    answers = ", ".join(f"{answer}: {count}" for answer, count in cache_answers.most_common())
    print(f"{'':22} {len(paths)} distinct URLs in {wall:.1f} s; page cache {answers}")


def main() -> None:
    if sys.argv[1] == "fetch":
        fetch(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    kind, count = sys.argv[1], int(sys.argv[2])
    randomizer = random.Random(8)
    paths = {"claims-mix": claims_mix, "claim-pages": claim_pages}[kind](count, randomizer)
    if not paths:
        raise SystemExit("the database has nothing to request")
    print("\n".join(paths))


if __name__ == "__main__":
    main()
