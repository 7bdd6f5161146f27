"""CSV and JSON exports of about 100,000 claims: rows per second and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench_1m \\
        .venv/bin/python bench/exports.py [--rounds 3] [--query verdict=contested]

Each export is requested in-process through Django's test client and read to the end, as a
download would be. Printed per format: rows, median seconds and rows/s over --rounds, and the
peak of Python memory allocated while one export streams (tracemalloc, in a separate run, since
tracing slows Python down), with the size of the file for scale. Flat memory means the peak
stays a small fraction of the file. Target (issue 8): >= 20,000 rows/s with flat memory.
Read-only: the connection is opened with default_transaction_read_only.
"""

import argparse
import statistics
import time
import tracemalloc

import django_setup  # noqa: F401  (sets Django up before the models are imported)
from detail_pages import read_only_connection
from django.conf import settings
from django.test import Client
from django.urls import reverse

TARGET_ROWS_PER_SECOND = 20_000


def download(client: Client, url: str) -> tuple[int, int, float]:
    """(rows, bytes, seconds) of one export read to its end, counted as it streams."""
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    size = newlines = 0
    for piece in response.streaming_content:
        size += len(piece)
        newlines += piece.count(b"\n")
    return newlines, size, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--query",
        default="verdict=contested&verdict=false",
        help="the claims filter (105k rows at 1M)",
    )
    arguments = parser.parse_args()
    settings.DEBUG = False
    read_only_connection()
    client = Client()
    print(f"exports of /claims/?{arguments.query}; {arguments.rounds} rounds, shared machine\n")
    print(f"{'format':<6} {'rows':>9} {'MB':>8} {'s':>7} {'rows/s':>9} {'peak MB':>8}  target")
    for name, format_ in (("csv", "claims:claims_csv"), ("json", "claims:claims_json")):
        url = f"{reverse(format_)}?{arguments.query}"
        timings = []
        for _ in range(arguments.rounds):
            lines, size, seconds = download(client, url)
            timings.append(seconds)
        # Data rows: CSV has a header line; JSON a line for "[" and one for "]".
        rows = lines - 1 if name == "csv" else lines - 2
        tracemalloc.start()
        download(client, url)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        seconds = statistics.median(timings)
        rate = rows / seconds if seconds else 0
        print(
            f"{name:<6} {rows:>9,} {size / 1e6:>8.1f} {seconds:>7.2f} {rate:>9,.0f} "
            f"{peak / 1e6:>8.1f}  {'ok' if rate >= TARGET_ROWS_PER_SECOND else 'missed'}",
            flush=True,
        )


if __name__ == "__main__":
    main()
