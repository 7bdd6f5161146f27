"""Time similar-claim suggestions on the database named by DATABASE_URL.

    .venv/bin/python bench/suggest_links.py [--sample 2000] [--lookups 50]

Prints, for the corpus in that database: its size; `suggest_links --dry-run` over a sample of
claims (ms per claim, candidates scored, pairs found) and the whole run extrapolated from it;
and the latency of one claim's "similar claims" panel lookup (p50, p95). Build a large corpus
first with bench/corpus.py (1,000,000 claims) and point DATABASE_URL at it.
"""

import argparse
import io
import random
import statistics
import time

import django_setup  # noqa: F401  (sets Django up before the models are imported)
from django.core.management import call_command
from django.db import connection

from claims.models import Claim
from claims.similarity import candidate_query, claim_lexemes, claim_suggestions, lexeme_frequencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=2000, help="claims for the batch timing")
    parser.add_argument("--lookups", type=int, default=50, help="single-claim lookups to time")
    arguments = parser.parse_args()

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), min(id), max(id) FROM claims_claim")
        total, low, high = cursor.fetchone()
        cursor.execute("ANALYZE claims_claim (search_vector)")
    print(f"database {connection.settings_dict['NAME']}: {total:,} claims")

    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    call_command(
        "suggest_links", "--dry-run", "--max-claims", str(arguments.sample), stdout=out, stderr=err
    )
    elapsed = time.perf_counter() - started
    done = min(arguments.sample, total)
    per_claim = elapsed / max(done, 1)
    print(f"suggest_links over {done:,} claims: {elapsed:.1f} s, {1000 * per_claim:.1f} ms/claim")
    print("    " + out.getvalue().splitlines()[0])
    print(
        f"    whole corpus, extrapolated: {per_claim * total / 60:.1f} min "
        f"(one PostgreSQL backend; batches are independent and can run in parallel)"
    )

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
