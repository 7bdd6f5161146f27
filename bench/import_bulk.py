"""Bulk import timings: one 2 MB file, then a folder of 10,000 real-shaped files, interrupted
twice (Ctrl-C, then kill -9) and resumed.

The folder holds variations of the seeds and of the tests/corpus articles (each with a title
and URL of its own, so each is a new article). Runs against DATABASE_URL: use a throwaway
database (the runs commit, as the command does; everything they created is deleted at the end):

    createdb -h 127.0.0.1 -U postgres factcheck_bulk
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bulk
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/import_bulk.py --files 10000

Prints seconds and files per second for each run, how many files each resume skipped, and
checks that no article was left half-written by the interruptions.
"""

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django_setup  # noqa: F401 -- configures Django before the models are imported
from django.db.models import Count

from articles.importer import article_import_file, article_prepare
from articles.models import Article
from claims.models import Claim

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "fixtures").glob("0*.txt"))
CORPUS = sorted(
    path
    for path in (ROOT / "tests" / "corpus").iterdir()
    if path.suffix in (".txt", ".md", ".html", ".htm") and path.name != "README.md"
)
SENTENCE = "The raid lasted two days, officials in the region said on Tuesday. "
# Of every 10 files, this many are corpus variations (bigger, every shape); the rest seeds.
CORPUS_SHARE = 2
PREFIX = "bulk-"


def two_megabyte_file() -> bytes:
    paragraph = SENTENCE * 30 + "\n\n"
    body = paragraph * (2_000_000 // len(paragraph))
    return ("A two-megabyte article\n\n" + body).encode()


def templates(paths: list[Path]) -> list[tuple[Path, bytes, str, str]]:
    """(path, bytes, title, url) of each file the importer reads as an article."""
    found = []
    for path in paths:
        data = path.read_bytes()
        prepared = article_prepare(file_name=path.name, data=data)
        parsed = prepared.parsed
        # Only files whose title is written out as such: a variation must be able to make
        # it its own (the same title, outlet and date would be the same article).
        if parsed is not None and parsed.title and parsed.title.encode() in data:
            found.append((path, data, parsed.title, parsed.url or ""))
    return found


def variation(data: bytes, title: str, url: str, number: int) -> bytes:
    """A new article from a template: its title and URL made its own, one sentence varied."""
    data = data.replace(title.encode(), f"{title} (variant {number})".encode())
    if url:
        data = data.replace(url.encode(), f"{url}?variant={number}".encode())
    return data.replace(b" said ", f" said on day {number % 28 + 1} ".encode(), 1)


def write_folder(folder: Path, count: int) -> dict[str, int]:
    seeds, corpus = templates(SEEDS), templates(CORPUS)
    shapes = {"seed": 0, "corpus": 0}
    chooser = random.Random(7)
    for number in range(count):
        kind = "corpus" if corpus and number % 10 < CORPUS_SHARE else "seed"
        path, data, title, url = chooser.choice(corpus if kind == "corpus" else seeds)
        shapes[kind] += 1
        name = f"{PREFIX}{number:05d}-{path.stem}{path.suffix}"
        (folder / name).write_bytes(variation(data, title, url, number))
    return shapes


def command(folder: Path, jobs: int) -> list[str]:
    return [
        sys.executable,
        str(ROOT / "manage.py"),
        "import_articles",
        str(folder),
        "--jobs",
        str(jobs),
    ]


def stored() -> int:
    return Article.objects.filter(source_file_name__startswith=PREFIX).count()


def run(folder: Path, jobs: int, *, stop_after: float | None, stop_signal: int) -> dict:
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    before = stored()
    started = time.perf_counter()
    process = subprocess.Popen(
        command(folder, jobs),
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Its own process group, so kill -9 takes the workers too, as a terminal would.
        start_new_session=True,
        # Ctrl-C as at a terminal, even when this bench runs in the background (where the
        # shell hands children an ignored SIGINT).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    stopped = False
    try:
        # communicate, not wait: the command's output must be read as it comes, or a full
        # pipe stops it.
        output, errors = process.communicate(timeout=stop_after)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, stop_signal)
        stopped = True
        output, errors = process.communicate()
    elapsed = time.perf_counter() - started
    lines = output.splitlines()
    return {
        "elapsed": elapsed,
        "returncode": process.returncode,
        "stopped": stopped,
        "new": stored() - before,
        "progress": [line for line in lines if line.startswith("Progress:")][-1:],
        "summary": [line for line in lines if line.startswith("Files:")],
        "errors": errors.strip().splitlines()[-2:],
        "unchanged": sum(1 for line in lines if ": unchanged —" in line),
    }


def half_written() -> int:
    """Articles of the run stored without their claims (every file has sentences): an
    interrupted write left behind. None may exist."""
    return (
        Article.objects.filter(source_file_name__startswith=PREFIX)
        .annotate(claim_count=Count("claims"))
        .filter(claim_count=0)
        .count()
    )


def report(name: str, result: dict) -> None:
    rate = result["new"] / result["elapsed"] if result["elapsed"] else 0
    how = "stopped" if result["stopped"] else "finished"
    print(
        f"{name}: {how} after {result['elapsed']:.1f} s (exit {result['returncode']}), "
        f"{result['new']:,} new articles ({rate:.1f}/s), {result['unchanged']:,} files "
        "skipped as already imported"
    )
    for line in result["progress"] + result["summary"] + result["errors"]:
        print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument("--interrupt-after", type=float, default=60.0, help="seconds")
    parser.add_argument("--skip-two-megabytes", action="store_true")
    options = parser.parse_args()
    if stored():
        raise SystemExit("files of an earlier run are in this database; use a scratch database")
    print("shared machine: 2 cores, several other jobs running; numbers are wall-clock")

    if not options.skip_two_megabytes:
        data = two_megabyte_file()
        started = time.perf_counter()
        outcome = article_import_file(file_name="two-megabytes.txt", data=data)
        elapsed = time.perf_counter() - started
        print(
            f"2 MB file ({len(data):,} bytes): {outcome.status} in {elapsed:.2f} s, "
            f"{outcome.counts['claims_created']:,} claims"
        )
        started = time.perf_counter()
        again = article_import_file(file_name="two-megabytes.txt", data=data)
        print(f"2 MB file again: {again.status} in {time.perf_counter() - started:.3f} s")
        if outcome.article is not None:
            Claim.objects.filter(article=outcome.article).delete()
            outcome.article.delete()

    folder = Path(tempfile.mkdtemp(prefix="bulk-import-"))
    try:
        started = time.perf_counter()
        shapes = write_folder(folder, options.files)
        print(
            f"wrote {options.files:,} files ({shapes['seed']:,} seed variations, "
            f"{shapes['corpus']:,} corpus variations; "
            f"{sum(path.stat().st_size for path in folder.iterdir()) / 1e6:.1f} MB) "
            f"in {time.perf_counter() - started:.1f} s; --jobs {options.jobs}"
        )
        first = run(
            folder, options.jobs, stop_after=options.interrupt_after, stop_signal=signal.SIGINT
        )
        report("run 1 (Ctrl-C)", first)
        second = run(
            folder, options.jobs, stop_after=options.interrupt_after, stop_signal=signal.SIGKILL
        )
        report("run 2 (kill -9)", second)
        print(f"half-written articles after two interruptions: {half_written()}")
        third = run(folder, options.jobs, stop_after=None, stop_signal=signal.SIGINT)
        report("run 3 (to the end)", third)
        total = stored()
        working = first["elapsed"] + second["elapsed"] + third["elapsed"]
        print(
            f"articles stored: {total:,} of {options.files:,}; half-written: {half_written()}; "
            f"{total / working:.1f} files/s over the three runs ({working:.0f} s in all)"
        )
    finally:
        shutil.rmtree(folder)
        runs = Article.objects.filter(source_file_name__startswith=PREFIX)
        Claim.objects.filter(article__in=runs).delete()
        runs.delete()


if __name__ == "__main__":
    main()
