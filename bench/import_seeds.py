"""How long the importer takes: the three seed articles, then N synthetic copies of them.

Run against a scratch database (everything happens in one transaction that is rolled back,
so the database is left as it was):

    psql -h 127.0.0.1 -U postgres -c 'create database factcheck_bench'
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/import_seeds.py --copies 100
"""

import argparse
import statistics
import time
from collections.abc import Callable

from django.db import connection, transaction
from django_setup import ROOT

from articles.importer import ImportOutcome, article_import_file
from articles.models import Article
from articles.parser import decode_article, parse_article

SEEDS = sorted((ROOT / "fixtures").glob("0*.txt"))


# CPU seconds of this process in the last timed() call: on a shared machine the wall clock
# also counts time spent waiting for a core; the CPU time is what the import itself costs.
last_cpu = 0.0


def timed(function: Callable[[], object]) -> tuple[float, object]:
    global last_cpu
    started, cpu_started = time.perf_counter(), time.process_time()
    result = function()
    last_cpu = time.process_time() - cpu_started
    return time.perf_counter() - started, result


def import_all(files: list[tuple[str, bytes]]) -> list[ImportOutcome]:
    outcomes = [article_import_file(file_name=name, data=data) for name, data in files]
    failed = [outcome.error for outcome in outcomes if outcome.failed]
    if failed:
        raise SystemExit(f"import failed: {failed[0]}")
    return outcomes


def in_savepoint(function: Callable[[], object], rounds: int) -> list[float]:
    """Time `function` `rounds` times, undoing its writes after each round."""
    global last_cpu
    times, cpus = [], []
    for _ in range(rounds):
        savepoint = transaction.savepoint()
        elapsed, _ = timed(function)
        times.append(elapsed)
        cpus.append(last_cpu)
        transaction.savepoint_rollback(savepoint)
    last_cpu = statistics.median(cpus)
    return times


def synthetic_copies(count: int) -> list[tuple[str, bytes]]:
    """Copies of the seeds with their own titles and names: new articles citing the same works."""
    copies = []
    for number in range(count):
        path = SEEDS[number % len(SEEDS)]
        data = path.read_bytes()
        title = parse_article(decode_article(data), file_name=path.name).title
        copy = data.replace(title.encode(), f"{title} (copy {number})".encode())
        copies.append((f"copy-{number:05d}-{path.name}", copy))
    return copies


def edit_one_sentence(data: bytes) -> bytes:
    # A word in the first body sentence of every seed, so every copy gets a real update.
    for old, new in (
        (b"On May 22,", b"On 22 May,"),
        (b"On the 22nd", b"On the 22"),
        (b"In the late", b"Late in the"),
    ):
        if old in data:
            return data.replace(old, new, 1)
    raise SystemExit("no sentence to edit in a copy")


def line(label: str, seconds: float, files: int, cpu: float | None = None) -> None:
    per_file = seconds / files * 1000
    cpu = last_cpu if cpu is None else cpu
    print(
        f"{label:<40} {seconds:8.3f} s  {per_file:7.1f} ms/file  {files / seconds:7.1f} files/s"
        f"   (Python CPU {cpu / files * 1000:.1f} ms/file)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100, help="synthetic copies (default 100)")
    parser.add_argument("--rounds", type=int, default=5, help="repeats of the seed timings")
    options = parser.parse_args()

    seeds = [(path.name, path.read_bytes()) for path in SEEDS]
    settings_dict = connection.settings_dict
    print(f"database {settings_dict['NAME']} on {settings_dict['HOST'] or 'localhost'}")
    if Article.objects.filter(source_file_name__in=[name for name, _ in seeds]).exists():
        raise SystemExit("the seeds are already in this database; use a scratch database")

    parse_times = []
    for _ in range(options.rounds):
        elapsed, _ = timed(
            lambda: [parse_article(decode_article(data), file_name=name) for name, data in seeds]
        )
        parse_times.append(elapsed)
    line(f"parse only, {len(seeds)} seeds (median)", statistics.median(parse_times), len(seeds))

    with transaction.atomic():
        created = in_savepoint(lambda: import_all(seeds), options.rounds)
        line(f"{len(seeds)} seeds, first import (median)", statistics.median(created), len(seeds))
        print(f"{'':<40} best {min(created) * 1000:.1f} ms, worst {max(created) * 1000:.1f} ms")

        outcomes = import_all(seeds)
        claims = sum(outcome.counts["claims_created"] for outcome in outcomes)
        unchanged = in_savepoint(lambda: import_all(seeds), options.rounds)
        line(f"{len(seeds)} seeds, unchanged (median)", statistics.median(unchanged), len(seeds))
        print(f"{'':<40} {claims} claims from {len(seeds)} seeds")

        if options.copies:
            copies = synthetic_copies(options.copies)
            elapsed, outcomes = timed(lambda: import_all(copies))
            line(f"{len(copies)} copies, first import", elapsed, len(copies))
            claims = sum(outcome.counts["claims_created"] for outcome in outcomes)
            print(f"{'':<40} {claims} claims, {Article.objects.count()} articles in all")

            edited = [(name, edit_one_sentence(data)) for name, data in copies]
            elapsed, outcomes = timed(lambda: import_all(edited))
            assert all(outcome.status == "updated" for outcome in outcomes)
            line(f"{len(copies)} copies, one sentence edited", elapsed, len(copies))

            elapsed, _ = timed(lambda: import_all(edited))
            line(f"{len(copies)} copies, unchanged", elapsed, len(copies))
        transaction.set_rollback(True)
    print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
