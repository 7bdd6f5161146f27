"""Bulk import timings: one 2 MB file, and a folder of many seed-sized files with a resume.

Runs against DATABASE_URL (use a scratch database: the folder run commits, as the command does;
everything it created is deleted at the end). Prints seconds and files per second.

    .venv/bin/python bench/import_bulk.py --files 10000
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django_setup  # noqa: F401 -- configures Django before the models are imported

from articles.importer import article_import_file
from articles.models import Article
from articles.parser import decode_article, parse_article
from claims.models import Claim

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "fixtures").glob("0*.txt"))
SENTENCE = "The raid lasted two days, officials in the region said on Tuesday. "


def two_megabyte_file() -> bytes:
    paragraph = SENTENCE * 30 + "\n\n"
    body = paragraph * (2_000_000 // len(paragraph))
    return ("A two-megabyte article\n\n" + body).encode()


def write_folder(folder: Path, count: int) -> None:
    titles = {
        seed: parse_article(decode_article(seed.read_bytes()), file_name=seed.name).title
        for seed in SEEDS
    }
    for number in range(count):
        seed = SEEDS[number % len(SEEDS)]
        # Each file its own article: a title of its own (the same title and date would be
        # the same article).
        title = titles[seed].encode()
        copy = seed.read_bytes().replace(title, title + f" (copy {number})".encode())
        (folder / f"copy-{number:05d}-{seed.name}").write_bytes(copy)


def command(folder: Path) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), "import_articles", str(folder)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--interrupt-after", type=float, default=20.0, help="seconds")
    options = parser.parse_args()
    if Article.objects.filter(source_file_name__startswith="copy-").exists():
        raise SystemExit("copies are already in this database; use a scratch database")

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
        write_folder(folder, options.files)
        environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
        started = time.perf_counter()
        first = subprocess.Popen(
            command(folder),
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            first.wait(timeout=options.interrupt_after)
        except subprocess.TimeoutExpired:
            first.send_signal(signal.SIGINT)  # Ctrl-C
        output, errors = first.communicate()
        interrupted_at = time.perf_counter() - started
        done = Article.objects.filter(source_file_name__startswith="copy-").count()
        print(
            f"first run: interrupted after {interrupted_at:.1f} s with {done:,} files stored "
            f"(exit {first.returncode}); last lines:"
        )
        for text in output.splitlines()[-3:] + errors.splitlines()[-2:]:
            print(f"    {text}")
        started = time.perf_counter()
        second = subprocess.run(
            command(folder), env=environment, capture_output=True, text=True, check=False
        )
        resumed = time.perf_counter() - started
        total = Article.objects.filter(source_file_name__startswith="copy-").count()
        summary = [text for text in second.stdout.splitlines() if text.startswith("Files:")]
        print(f"second run: {resumed:.1f} s, exit {second.returncode}; {summary}")
        print(
            f"articles stored: {total:,} of {options.files:,}; "
            f"{(total - done) / resumed:.1f} new files/s in the second run"
        )
    finally:
        shutil.rmtree(folder)
        copies = Article.objects.filter(source_file_name__startswith="copy-")
        Claim.objects.filter(article__in=copies).delete()
        copies.delete()


if __name__ == "__main__":
    main()
