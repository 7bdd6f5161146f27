# ruff: noqa: RUF001, E501 -- quotes are the data; the report lines read best unwrapped.
"""Import tests/corpus/ and compare with its hand-counted expected.json.

Prints per file and overall: imported, references stored / expected, markers resolved /
expected, metadata right (title, date, byline), claims that are not one whole sentence
(markup or debris, or no sentence end), sample claims found, and throughput. Everything runs in
one transaction that is rolled back, so any database will do.

    .venv/bin/python bench/import_corpus.py
"""

import json
import re
import time
from pathlib import Path

import django_setup  # noqa: F401 -- configures Django before the models are imported
from django.db import transaction

from articles.importer import article_import_file
from articles.parser import decode_article, parse_article
from sources.normalize import normalize_text

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus"
# Markup or page debris left in a claim, or a sentence that does not end as one.
_DEBRIS = re.compile(r"[<>{}\\|]|\]\(|\[edit\]|^\W*$|https?://")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?:\[[^\]]*\])*$")


def main() -> None:
    expected = json.loads((CORPUS / "expected.json").read_text())["files"]
    totals = dict.fromkeys(
        (
            "files",
            "imported",
            "refs",
            "refs_expected",
            "markers",
            "markers_expected",
            "meta",
            "meta_expected",
            "claims",
            "bad_claims",
            "samples",
            "samples_found",
        ),
        0,
    )
    started = time.perf_counter()
    print(f"{'file':<44} {'imp':>3} {'refs':>9} {'markers':>9} {'meta':>5} {'bad':>9} samples")
    with transaction.atomic():
        for name, want in expected.items():
            data = (CORPUS / name).read_bytes()
            outcome = article_import_file(file_name=name, data=data)
            totals["files"] += 1
            imported = outcome.article is not None
            totals["imported"] += imported
            refs = markers = meta = bad = found = claims_count = 0
            if imported:
                article = outcome.article
                parsed = parse_article(decode_article(data), file_name=name)
                refs = sum(1 for reference in parsed.references if reference.in_bibliography)
                refs += sum(
                    1 for reference in parsed.references if reference.key.startswith("link:")
                )
                markers = sum(1 for citation in parsed.citations if citation.reference_key)
                meta += normalize_text(article.title) == normalize_text(want.get("title") or "")
                meta += str(article.published_on or "") == str(want.get("published") or "")
                byline = sorted(article.contributors.values_list("name", flat=True))
                meta += sorted(want.get("byline") or []) == byline
                texts = list(article.claims.current().values_list("text", flat=True))
                claims_count = len(texts)
                bad = sum(
                    1 for text in texts if _DEBRIS.search(text) or not _SENTENCE_END.search(text)
                )
                collapsed = {
                    re.sub(r"\s+", " ", re.sub(r"\[[^\]]*\]", "", text)).strip() for text in texts
                }
                samples = want.get("sample_claims") or []
                found = sum(1 for sample in samples if sample.strip() in collapsed)
                totals["samples"] += len(samples)
                totals["samples_found"] += found
            totals["refs"] += min(refs, want.get("references", 0))
            totals["refs_expected"] += want.get("references", 0)
            totals["markers"] += min(markers, want.get("markers", 0))
            totals["markers_expected"] += want.get("markers", 0)
            totals["meta"] += meta
            totals["meta_expected"] += 3
            totals["claims"] += claims_count
            totals["bad_claims"] += bad
            print(
                f"{name[:44]:<44} {'yes' if imported else 'NO':>3} "
                f"{refs:>4}/{want.get('references', 0):<4} {markers:>4}/{want.get('markers', 0):<4} "
                f"{meta}/3   {bad:>4}/{claims_count:<4} {found}/{len(want.get('sample_claims') or [])}"
                + ("" if imported else f"  {outcome.error}")
            )
        transaction.set_rollback(True)
    elapsed = time.perf_counter() - started

    def share(part: int, whole: int) -> str:
        return f"{100 * part / whole:.0f} %" if whole else "n/a"

    print()
    print(f"imported: {totals['imported']}/{totals['files']}")
    print(
        f"references stored: {totals['refs']}/{totals['refs_expected']} ({share(totals['refs'], totals['refs_expected'])})"
    )
    print(
        f"markers resolved: {totals['markers']}/{totals['markers_expected']} ({share(totals['markers'], totals['markers_expected'])})"
    )
    print(
        f"metadata right (title, date, byline): {totals['meta']}/{totals['meta_expected']} ({share(totals['meta'], totals['meta_expected'])})"
    )
    print(
        f"claims not one whole sentence: {totals['bad_claims']}/{totals['claims']} ({share(totals['bad_claims'], totals['claims'])})"
    )
    print(f"sample claims found whole: {totals['samples_found']}/{totals['samples']}")
    print(f"throughput: {totals['files'] / elapsed:.1f} files/s ({elapsed:.2f} s, shared machine)")
    print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
