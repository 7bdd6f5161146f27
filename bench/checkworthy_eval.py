"""Precision, recall and F1 of the needs-citation rules on the labelled sentences.

    .venv/bin/python bench/checkworthy_eval.py [--show-errors]

Reads tests/claims/data/checkworthy_sentences.json (sentences from the seeds and tests/corpus,
labelled by reading) and prints the scores of claims.checkworthy.checkworthiness() for the
tuning split (what the rules were written against), the held-out split (never used to change
them) and each language. No database needed.
"""

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims.checkworthy import checkworthiness  # noqa: E402

DATA = ROOT / "tests" / "claims" / "data" / "checkworthy_sentences.json"


def scores(pairs: list[tuple[bool, bool]]) -> tuple[float, float, float, int]:
    true_positive = sum(1 for gold, guess in pairs if gold and guess)
    false_positive = sum(1 for gold, guess in pairs if guess and not gold)
    false_negative = sum(1 for gold, guess in pairs if gold and not guess)
    precision = true_positive / (true_positive + false_positive) if true_positive else 0.0
    recall = true_positive / (true_positive + false_negative) if true_positive else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true")
    arguments = parser.parse_args()
    sentences = json.loads(DATA.read_text(encoding="utf-8"))["sentences"]
    groups: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    errors = []
    for sentence in sentences:
        result = checkworthiness(sentence["text"], sentence["language"])
        pair = (sentence["checkworthy"], result.checkworthy)
        for key in ("all", f"split {sentence['split']}", f"language {sentence['language']}"):
            groups[key].append(pair)
        if pair[0] != pair[1]:
            errors.append((sentence, result))
    print(f"{'':<20} {'precision':>9} {'recall':>7} {'F1':>6} {'sentences':>10}")
    for key in [
        "split tuning",
        "split held-out",
        "all",
        *sorted(k for k in groups if "language" in k),
    ]:
        precision, recall, f1, count = scores(groups[key])
        print(f"{key:<20} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f} {count:>10}")
    if arguments.show_errors:
        for sentence, result in errors:
            kind = "missed" if sentence["checkworthy"] else "wrongly flagged"
            print(f"\n[{sentence['split']}] {kind}: {sentence['text'][:160]}")
            print(f"    rules: {result.reason_texts or result.excluded_because or 'no cue'}")


if __name__ == "__main__":
    main()
