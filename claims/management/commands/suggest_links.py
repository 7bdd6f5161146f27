import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from claims.similarity import (
    SUGGESTION_THRESHOLD,
    SUGGESTIONS_SHOWN,
    corpus_index,
    corpus_index_drop,
    id_ranges,
    similar_pairs,
)

UPSERT_SQL = """
    INSERT INTO claims_linksuggestion (first_claim_id, second_claim_id, score, found_at)
    SELECT pair.first_id, pair.second_id, pair.score, %s
    FROM unnest(%s::bigint[], %s::bigint[], %s::float8[]) AS pair(first_id, second_id, score)
    WHERE NOT EXISTS (
        SELECT 1 FROM claims_claimlink AS link
        WHERE least(link.from_claim_id, link.to_claim_id) = pair.first_id
          AND greatest(link.from_claim_id, link.to_claim_id) = pair.second_id
    )
    ON CONFLICT (first_claim_id, second_claim_id)
    DO UPDATE SET score = excluded.score, found_at = excluded.found_at
"""


class Command(BaseCommand):
    help = (
        "Find pairs of claims in different articles that say much the same thing and store them "
        "as suggestions for editors (admin: Claims → Link suggestions). PostgreSQL indexes the "
        "corpus once by each claim's rarest words and pairs of words, pairs claims through that "
        "index and scores a few candidates per claim; nothing compares every pair. Pairs already "
        "linked are skipped; pairs an editor dismissed stay dismissed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--threshold",
            type=float,
            default=SUGGESTION_THRESHOLD,
            help=f"Lowest score (0 to 1) worth suggesting (default {SUGGESTION_THRESHOLD}).",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=SUGGESTIONS_SHOWN,
            help=f"Most partners kept per claim (default {SUGGESTIONS_SHOWN}).",
        )
        parser.add_argument(
            "--since-id",
            type=int,
            default=0,
            help="Only claims with a larger id (those imported since the last run).",
        )
        parser.add_argument(
            "--max-claims",
            type=int,
            default=0,
            help="Stop after this many claims (to time a sample of a large corpus).",
        )
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the best pairs, store nothing."
        )

    def handle(self, *args, **options) -> None:
        threshold = options["threshold"]
        if not 0 <= threshold <= 1:
            raise CommandError("--threshold is a score between 0 and 1")
        if options["limit"] < 1 or options["batch_size"] < 1:
            raise CommandError("--limit and --batch-size must be at least 1")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM claims_claim WHERE id > %s", [options["since_id"]])
            (total,) = cursor.fetchone()
        if options["max_claims"]:
            total = min(total, options["max_claims"])
        started = time.monotonic()
        done = found = 0
        best: list[tuple[int, int, float]] = []
        now = timezone.now()
        self.stderr.write("indexing the corpus by its claims' rarest words …")
        index = corpus_index()
        indexed = time.monotonic() - started
        self.stderr.write(
            f"    {indexed:.1f} s: {index.postings:,} postings; "
            f"{index.indexed_claims:,} of {index.claims:,} claims have words rare enough to pair by"
        )
        try:
            for low, high, count in id_ranges(
                batch_size=options["batch_size"], since_id=options["since_id"]
            ):
                if options["max_claims"] and done + count > options["max_claims"]:
                    high = self._last_id(low, options["max_claims"] - done)
                    count = options["max_claims"] - done
                pairs = similar_pairs(
                    low=low,
                    high=high,
                    since_id=options["since_id"],
                    threshold=threshold,
                    per_claim=options["limit"],
                )
                found += len(pairs)
                if options["dry_run"]:
                    best = sorted([*best, *pairs], key=lambda pair: -pair[2])[:20]
                elif pairs:
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute(
                            UPSERT_SQL,
                            [
                                now,
                                [pair[0] for pair in pairs],
                                [pair[1] for pair in pairs],
                                [pair[2] for pair in pairs],
                            ],
                        )
                done += count
                self._progress(done, total, found, started)
                if options["max_claims"] and done >= options["max_claims"]:
                    break
        finally:
            corpus_index_drop()
        elapsed = time.monotonic() - started
        if sys.stderr.isatty():
            self.stderr.write("")
        self.stdout.write(
            f"suggest_links: {done} claims in {elapsed:.1f} s "
            f"(index {indexed:.1f} s, pairing {elapsed - indexed:.1f} s; "
            f"{1000 * elapsed / max(done, 1):.2f} ms per claim); "
            f"{found} pairs at score ≥ {threshold}"
            + (" (dry run: nothing stored)" if options["dry_run"] else " stored or refreshed")
        )
        if options["dry_run"]:
            self._print_pairs(best)

    def _last_id(self, low: int, claims: int) -> int:
        """The id of the `claims`-th claim from `low` on."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT max(id) FROM (SELECT id FROM claims_claim WHERE id >= %s"
                " ORDER BY id LIMIT %s) AS batch",
                [low, claims],
            )
            return cursor.fetchone()[0]

    def _progress(self, done: int, total: int, found: int, started: float) -> None:
        elapsed = time.monotonic() - started
        rate = done / elapsed if elapsed else 0.0
        line = f"{done}/{total} claims, {found} pairs, {rate:.0f} claims/s"
        # A live line on a terminal; one line per batch when logged to a file.
        self.stderr.write(("\r" + line) if sys.stderr.isatty() else line, ending="")
        if not sys.stderr.isatty():
            self.stderr.write("")

    def _print_pairs(self, pairs: list[tuple[int, int, float]]) -> None:
        from claims.models import Claim

        texts = dict(
            Claim.objects.filter(pk__in={i for pair in pairs for i in pair[:2]}).values_list(
                "pk", "text"
            )
        )
        for first, second, score in pairs:
            self.stdout.write(f"{score:.3f}  #{first} {texts[first][:70]!r}")
            self.stdout.write(f"       #{second} {texts[second][:70]!r}")
