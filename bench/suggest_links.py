"""Time similar-claim suggestions on the database named by DATABASE_URL.

    .venv/bin/python bench/suggest_links.py [--sample 0] [--lookups 50]

Prints, for the corpus in that database: its size; `suggest_links --dry-run` over the whole
corpus (or, with --sample N, over its first N claims, the rest extrapolated: the token index is
built once for the whole corpus either way, and each batch costs what its claims cost), split
into building the index and pairing; and the latency of one claim's "similar claims" panel
lookup (p50, p95). Build a large corpus first with bench/corpus.py and point DATABASE_URL at it.
"""

import argparse
import io
import random
import re
import statistics
import time

import django_setup  # noqa: F401  (sets Django up before the models are imported)
from django.core.management import call_command
from django.db import connection

from claims.models import Claim
from claims.similarity import candidate_query, claim_lexemes, claim_suggestions, lexeme_frequencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sample", type=int, default=0, help="claims to pair (default 0: the whole corpus)"
    )
    parser.add_argument("--lookups", type=int, default=50, help="single-claim lookups to time")
    arguments = parser.parse_args()

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), min(id), max(id) FROM claims_claim")
        total, low, high = cursor.fetchone()
        cursor.execute("ANALYZE claims_claim (search_vector)")
    print(f"database {connection.settings_dict['NAME']}: {total:,} claims (shared machine)")

    out, err = io.StringIO(), io.StringIO()
    options = ["--max-claims", str(arguments.sample)] if arguments.sample else []
    started = time.perf_counter()
    call_command("suggest_links", "--dry-run", *options, stdout=out, stderr=err)
    elapsed = time.perf_counter() - started
    summary = out.getvalue().splitlines()[0]
    print("    " + next(line for line in err.getvalue().splitlines() if " postings; " in line))
    print("    " + summary)
    indexed = float(re.search(r"index ([\d.]+) s", summary).group(1))
    done = int(re.search(r"suggest_links: (\d+) claims", summary).group(1))
    if done < total:
        whole = indexed + (elapsed - indexed) * total / max(done, 1)
        print(f"    whole corpus, extrapolated: {whole / 60:.1f} min")
    else:
        print(f"    whole corpus: {elapsed / 60:.1f} min")

    rng = random.Random(1)
    statistics_now = lexeme_frequencies()
    ids = [rng.randint(low, high) for _ in range(arguments.lookups)]
    lexemes = claim_lexemes(ids)
    candidates = []
    timings = []
    for claim in Claim.objects.select_related("article").filter(pk__in=ids):
        query = candidate_query(lexemes.get(claim.pk) or [], statistics_now)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM claims_claim WHERE search_vector @@ to_tsquery('simple', %s)",
                [query],
            )
            candidates.append(cursor.fetchone()[0])
        started = time.perf_counter()
        claim_suggestions(claim=claim, language="en")
        timings.append(1000 * (time.perf_counter() - started))
    timings.sort()
    print(
        f"one claim's suggestions ({len(timings)} claims): "
        f"p50 {statistics.median(timings):.1f} ms, "
        f"p95 {timings[int(0.95 * (len(timings) - 1))]:.1f} ms; candidates off the index: "
        f"median {statistics.median(candidates):.0f}, max {max(candidates)}"
    )


if __name__ == "__main__":
    main()
