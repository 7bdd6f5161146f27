"""Precision, recall and F1 of the needs-citation rules on the labelled sentences.

    .venv/bin/python bench/checkworthy_eval.py [--tuning-only] [--show-errors]
                                               [--show-held-out-errors]

Reads tests/claims/data/checkworthy_sentences.json (sentences from the seeds and tests/corpus,
labelled by reading against checkworthy_sentences.md) and prints the scores of
claims.checkworthy.checkworthiness() for the tuning split (what the rules are written against)
and the held-out split (frozen before the rules were changed; never used to change them), each
per language, then a confusion summary by rule: for every rule, how many of the sentences it
matched were rightly and wrongly flagged, and why the missed ones were missed.

--show-errors lists the tuning split's errors only. Held-out errors are listed only on request
(--show-held-out-errors); once a rule is changed after reading them, the held-out number is no
longer held out and must be reported as such. --tuning-only prints the tuning split alone (what
to run while changing the rules, so the held-out number is not seen between changes). No
database needed.
"""

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims.checkworthy import checkworthiness  # noqa: E402

DATA = ROOT / "tests" / "claims" / "data" / "checkworthy_sentences.json"
SPLITS = ("tuning", "held-out")


def scores(pairs: list[tuple[bool, bool]]) -> tuple[float, float, float, int, int]:
    true_positive = sum(1 for gold, guess in pairs if gold and guess)
    false_positive = sum(1 for gold, guess in pairs if guess and not gold)
    false_negative = sum(1 for gold, guess in pairs if gold and not guess)
    precision = true_positive / (true_positive + false_positive) if true_positive else 0.0
    recall = true_positive / (true_positive + false_negative) if true_positive else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, len(pairs), sum(1 for gold, _ in pairs if gold)


def print_scores(groups: dict[str, list[tuple[bool, bool]]], splits: tuple[str, ...]) -> None:
    print(f"{'':<22} {'precision':>9} {'recall':>7} {'F1':>6} {'sentences':>10} {'worthy':>7}")
    for split in splits:
        keys = [split, *sorted(key for key in groups if key.startswith(f"{split} "))]
        for key in keys:
            precision, recall, f1, count, worthy = scores(groups[key])
            label = key if key == split else f"  {key.split(' ', 1)[1]}"
            print(
                f"{label:<22} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f} {count:>10} {worthy:>7}"
            )
    if splits != SPLITS:
        return
    precision, recall, f1, count, worthy = scores(groups["all"])
    print(f"{'all':<22} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f} {count:>10} {worthy:>7}")


def print_confusion(rows: list[tuple[dict, object]], split: str) -> None:
    """Per rule: flagged sentences it matched that were check-worthy (right) or not (wrong),
    and how often it was the only reason; then the missed sentences by why they were missed."""
    right: Counter = Counter()
    wrong: Counter = Counter()
    alone_wrong: Counter = Counter()
    missed: Counter = Counter()
    for sentence, result in rows:
        if sentence["split"] != split:
            continue
        rules = {reason.rule for reason in result.reasons}
        if result.checkworthy:
            (right if sentence["checkworthy"] else wrong).update(rules)
            if not sentence["checkworthy"] and len(rules) == 1:
                alone_wrong.update(rules)
        elif sentence["checkworthy"]:
            why = result.excluded_because.split(":")[0] or "no cue"
            missed[why] += 1
    print(f"\n{split}: flagged sentences by rule (a sentence counts under each rule it matched)")
    print(f"  {'rule':<14} {'right':>6} {'wrong':>6} {'wrong, only this rule':>22}")
    for rule in sorted(set(right) | set(wrong), key=lambda r: -(right[r] + wrong[r])):
        print(f"  {rule:<14} {right[rule]:>6} {wrong[rule]:>6} {alone_wrong[rule]:>22}")
    print(f"  missed check-worthy sentences, by why: {dict(missed.most_common()) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true", help="list the tuning errors")
    parser.add_argument(
        "--show-held-out-errors",
        action="store_true",
        help="list the held-out errors too (then the held-out number is no longer held out)",
    )
    parser.add_argument(
        "--tuning-only", action="store_true", help="the tuning split's numbers alone"
    )
    arguments = parser.parse_args()
    splits = ("tuning",) if arguments.tuning_only else SPLITS
    sentences = json.loads(DATA.read_text(encoding="utf-8"))["sentences"]
    groups: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    rows = []
    for sentence in sentences:
        result = checkworthiness(sentence["text"], sentence["language"])
        rows.append((sentence, result))
        pair = (sentence["checkworthy"], result.checkworthy)
        for key in ("all", sentence["split"], f"{sentence['split']} {sentence['language']}"):
            groups[key].append(pair)
    print_scores(groups, splits)
    for split in splits:
        print_confusion(rows, split)
    shown = {"tuning"} | ({"held-out"} if arguments.show_held_out_errors else set())
    if arguments.show_errors or arguments.show_held_out_errors:
        for sentence, result in rows:
            if sentence["checkworthy"] == result.checkworthy or sentence["split"] not in shown:
                continue
            kind = "missed" if sentence["checkworthy"] else "wrongly flagged"
            print(
                f"\n[{sentence['split']} {sentence['language']}] {kind}: {sentence['text'][:200]}"
            )
            print(f"    rules: {result.reason_texts or result.excluded_because or 'no cue'}")


if __name__ == "__main__":
    main()
