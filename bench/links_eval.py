"""Success@1, Success@5 and MRR of the similar-claims ranker on the labelled claim pairs.

    .venv/bin/python bench/links_eval.py [--show-misses] [--show-held-out-misses]

Reads tests/claims/data/claim_pairs.json: articles (their sentences) and pairs labelled by
reading. Inside one transaction that is rolled back at the end (the database named by
DATABASE_URL is left as it was) it stores every listed article and its sentences as claims,
runs claims.similarity.claim_suggestions() for each query and finds where the labelled match
ranks among the claims of the listed articles (other claims in the database are ignored, so the
numbers do not depend on what else is there). Pairs labelled not_same are hard negatives: it
counts how many would be suggested (score over the threshold) and how many outrank the query's
true match.

Every pair is in a split: "tuning" (what the ranker's weights and candidate rule are chosen on)
or "held-out" (frozen before the ranker was tuned; never used to change it). Numbers are printed
for each split and group. --show-misses lists the tuning split's misses only; held-out misses
only on request (--show-held-out-misses), after which the held-out number is no longer held out
and must be reported as such.
"""

import argparse
import json
from collections import defaultdict
from pathlib import Path

import django_setup  # noqa: F401  (sets Django up before the models are imported)
from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article
from claims.models import Claim
from claims.search import search_config_for
from claims.similarity import SUGGESTION_THRESHOLD, claim_suggestions

DATA = Path(__file__).resolve().parent.parent / "tests" / "claims" / "data" / "claim_pairs.json"
DEPTH = 200


class Rollback(Exception):
    pass


def store_articles(articles: dict) -> dict[tuple[str, int], Claim]:
    claims = {}
    now = timezone.now()
    for number, (name, spec) in enumerate(sorted(articles.items())):
        body = "\n\n".join(spec["sentences"])
        article = Article.objects.create(
            title=f"links eval: {name}",
            slug=f"links-eval-{number}",
            body=body,
            language=spec["language"],
            source_file_name=f"links-eval/{name}",
            content_hash=f"{number:064x}",
            imported_at=now,
            updated_at=now,
        )
        offset = 0
        for position, sentence in enumerate(spec["sentences"]):
            claims[name, position] = Claim.objects.create(
                article=article,
                ordinal=position,
                text=sentence,
                start=offset,
                end=offset + max(len(sentence), 1),
                paragraph=position,
                search_config=search_config_for(spec["language"]),
            )
            offset += len(sentence) + 2
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
    return claims


SPLITS = ("tuning", "held-out")


def evaluate(data: dict, show_misses: set[str]) -> None:
    claims = store_articles(data["articles"])
    eval_ids = {claim.pk for claim in claims.values()}
    ranked: dict[int, list[tuple[int, float]]] = {}

    def ranking(query: Claim) -> list[tuple[int, float]]:
        if query.pk not in ranked:
            suggestions = claim_suggestions(claim=query, limit=DEPTH, threshold=0.0)
            ranked[query.pk] = [
                (s.claim.pk, s.score) for s in suggestions if s.claim.pk in eval_ids
            ]
        return ranked[query.pk]

    groups: dict[str, list[int | None]] = defaultdict(list)
    negatives: dict[str, list[tuple[float | None, bool]]] = defaultdict(list)
    best_rank: dict[int, int | None] = {}
    for pair in data["pairs"]:
        query = claims[pair["query"]["article"], pair["query"]["position"]]
        match = claims[pair["match"]["article"], pair["match"]["position"]]
        order = [claim_id for claim_id, _ in ranking(query)]
        rank = order.index(match.pk) + 1 if match.pk in order else None
        if pair["label"] == "not_same":
            continue
        for key in (pair["split"], f"{pair['split']} {pair['group']}"):
            groups[key].append(rank)
        best_rank[query.pk] = min(filter(None, [best_rank.get(query.pk), rank]), default=None)
        if pair["split"] in show_misses and rank != 1:
            print(f"[{pair['group']}] rank {rank}: {query.text[:90]!r}")
            print(f"    wanted {match.text[:90]!r}")
    for pair in data["pairs"]:
        if pair["label"] != "not_same":
            continue
        query = claims[pair["query"]["article"], pair["query"]["position"]]
        match = claims[pair["match"]["article"], pair["match"]["position"]]
        scores = dict(ranking(query))
        order = [claim_id for claim_id, _ in ranking(query)]
        rank = order.index(match.pk) + 1 if match.pk in order else None
        true_rank = best_rank.get(query.pk)
        outranks = rank is not None and (true_rank is None or rank < true_rank)
        for key in (pair["split"], f"{pair['split']} {pair['group']}"):
            negatives[key].append((scores.get(match.pk), outranks))

    print(f"{'pairs':<24} {'linked':>6} {'Success@1':>10} {'Success@5':>10} {'MRR':>6}")
    for key in _keys(groups):
        ranks = groups[key]
        at_1 = sum(1 for rank in ranks if rank == 1) / len(ranks)
        at_5 = sum(1 for rank in ranks if rank is not None and rank <= 5) / len(ranks)
        mrr = sum(1 / rank for rank in ranks if rank) / len(ranks)
        print(f"{_label(key):<24} {len(ranks):>6} {at_1:>10.3f} {at_5:>10.3f} {mrr:>6.3f}")
    print(f"\n{'hard negatives':<24} {'pairs':>6} {'suggested':>10} {'outrank match':>14}")
    for key in _keys(negatives):
        rows = negatives[key]
        suggested = sum(
            1 for score, _ in rows if score is not None and score >= SUGGESTION_THRESHOLD
        )
        outranking = sum(1 for _, outranks in rows if outranks)
        print(f"{_label(key):<24} {len(rows):>6} {suggested:>10} {outranking:>14}")


def _keys(table: dict) -> list[str]:
    """Each split, then its groups."""
    return [
        key
        for split in SPLITS
        for key in [split, *sorted(k for k in table if k.startswith(f"{split} "))]
        if key in table
    ]


def _label(key: str) -> str:
    return key if key in SPLITS else "  " + key.split(" ", 1)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true", help="the tuning split's misses")
    parser.add_argument("--show-held-out-misses", action="store_true")
    arguments = parser.parse_args()
    show_misses = {"tuning"} if arguments.show_misses else set()
    if arguments.show_held_out_misses:
        show_misses.add("held-out")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    try:
        with transaction.atomic():
            evaluate(data, show_misses)
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
