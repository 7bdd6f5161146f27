# ruff: noqa: RUF001, E501 -- quotes are the data; the report lines read best unwrapped.
"""Import tests/corpus/ and the seeds, and compare with the hand-counted expected.json.

Prints per file and overall: imported, references stored / expected, markers resolved /
expected (to an entry of the reference list, a footnote or an inline-link source: a marker
kept unresolved, or pointing at a source that is not in the bibliography, does not count),
metadata right (title, date, byline: the contributors credited as authors), claims that are not one whole sentence (markup or debris
left in, no sentence end, or a line expected.json lists as not a claim), sample claims found,
then the parser alone: time per file and per stage, and end-to-end throughput. Counts above
the expected number are shown (a "+n") but never credited. Everything runs in one
transaction that is rolled back, so any database will do.

    .venv/bin/python bench/import_corpus.py [--rounds N]
"""

import argparse
import collections
import functools
import json
import re
import statistics
import time
from pathlib import Path

import django_setup  # noqa: F401 -- configures Django before the models are imported
from django.db import transaction

from articles.importer import article_import_file
from articles.parser import decode_article, parse_article
from articles.parser import pipeline as parser_pipeline
from sources.normalize import normalize_text

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
SEEDS = ROOT / "fixtures"
# Markup or page debris left in a claim: tags, template braces, Markdown link syntax, escapes,
# table bars, "[edit]" links, bare URLs.
_DEBRIS = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>|[{}\\|]|\]\(|\[edit\]|^\W*$|https?://")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]\s]*(?:\^?\[[^\]]*\]|[⁰¹²³⁴⁵⁶⁷⁸⁹*])*[\"'”’»)\s]*$")
# The parser's stages, timed by wrapping the functions the pipeline calls.
_STAGES = {
    "html": "html_document",
    "markdown": "markdown_document",
    "references": "_split_reference_list",
    "header": "_consume_header",
    "entries": "_parse_references",
    "blocks": "_build_paragraphs",
    "language": "detect_language",
    "markers": "_find_citations",
    "sentences": "_split_sentences",
}


def collapse(text: str) -> str:
    """A sentence as expected.json writes samples: markers and spaces before stops gone."""
    text = re.sub(r"\^?\[[^\]]*\]", "", text)
    return re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s+", " ", text)).strip()


def expected_files() -> list[tuple[Path, dict]]:
    expected = json.loads((CORPUS / "expected.json").read_text())
    files = [(CORPUS / name, want) for name, want in expected["files"].items()]
    files += [
        (SEEDS / name, want) for name, want in expected["seeds"].items() if not name.startswith("_")
    ]
    return files


def measure_file(path: Path, want: dict, totals: collections.Counter) -> None:
    data = path.read_bytes()
    started = time.perf_counter()
    outcome = article_import_file(file_name=path.name, data=data)
    totals["import_seconds"] += time.perf_counter() - started
    totals["files"] += 1
    imported = outcome.article is not None
    totals["imported"] += imported
    refs = markers = meta = bad = found = claims_count = 0
    notes = []
    if imported:
        article = outcome.article
        parsed = parse_article(decode_article(data), file_name=path.name)
        stored = {
            reference.key
            for reference in parsed.references
            if reference.in_bibliography or reference.key.startswith("link:")
        }
        refs = len(stored)
        markers = sum(1 for citation in parsed.citations if citation.reference_key in stored)
        checks = {
            "title": normalize_text(article.title) == normalize_text(want.get("title") or ""),
            "date": str(article.published_on or "") == str(want.get("published") or ""),
            "byline": sorted(want.get("byline") or [])
            == sorted(article.contributors.filter(role="author").values_list("name", flat=True)),
        }
        meta = sum(checks.values())
        notes += [f"{name} {value!r}" for name, value in _wrong(article, checks).items()]
        texts = list(article.claims.current().values_list("text", flat=True))
        claims_count = len(texts)
        collapsed = {collapse(text) for text in texts}
        not_claims = {collapse(line) for line in want.get("not_claims") or []}
        bad = sum(
            1
            for text in texts
            if _DEBRIS.search(text)
            or not _SENTENCE_END.search(text)
            or collapse(text) in not_claims
        )
        samples = want.get("sample_claims") or []
        found = sum(1 for sample in samples if collapse(sample) in collapsed)
        totals["samples"] += len(samples)
        totals["samples_found"] += found
    else:
        notes.append(str(outcome.error))
    want_refs, want_markers = want.get("references", 0), want.get("markers", 0)
    totals["refs"] += min(refs, want_refs)
    totals["refs_extra"] += max(refs - want_refs, 0)
    totals["refs_expected"] += want_refs
    totals["markers"] += min(markers, want_markers)
    totals["markers_extra"] += max(markers - want_markers, 0)
    totals["markers_expected"] += want_markers
    totals["meta"] += meta
    totals["meta_expected"] += 3
    totals["claims"] += claims_count
    totals["bad_claims"] += bad
    print(
        f"{path.name[:44]:<44} {'yes' if imported else 'NO':>3} "
        f"{refs:>4}/{want_refs:<4} {markers:>4}/{want_markers:<4} "
        f"{meta}/3   {bad:>4}/{claims_count:<4} {found}/{len(want.get('sample_claims') or [])}"
        + (f"  ({'; '.join(notes)})" if notes else "")
    )


def _wrong(article, checks: dict[str, bool]) -> dict[str, object]:
    values = {
        "title": article.title,
        "date": article.published_on,
        "byline": list(article.contributors.filter(role="author").values_list("name", flat=True)),
    }
    return {name: values[name] for name, right in checks.items() if not right}


def time_parser(files: list[tuple[Path, dict]], rounds: int) -> None:
    """The parser alone: median per file over the rounds, and where the time goes."""
    stage_seconds: collections.Counter = collections.Counter()
    originals = {name: getattr(parser_pipeline, name) for name in _STAGES.values()}

    def timed(stage: str, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                stage_seconds[stage] += time.perf_counter() - started

        return wrapper

    for stage, name in _STAGES.items():
        setattr(parser_pipeline, name, timed(stage, originals[name]))
    per_file: dict[str, list[float]] = collections.defaultdict(list)
    try:
        for _round in range(rounds):
            for path, _want in files:
                data = path.read_bytes()
                started = time.perf_counter()
                parse_article(decode_article(data), file_name=path.name)
                per_file[path.name].append(time.perf_counter() - started)
    finally:
        for name, function in originals.items():
            setattr(parser_pipeline, name, function)
    print()
    print(f"parser alone, median of {rounds} rounds (shared machine):")
    for path, _want in files:
        size = path.stat().st_size
        print(
            f"  {path.name[:44]:<44} {size / 1024:>7.1f} KiB {1000 * statistics.median(per_file[path.name]):>8.1f} ms"
        )
    total = sum(sum(times) for times in per_file.values())
    print(f"  all files: {1000 * total / rounds:.0f} ms per round")
    print("  by stage (share of all parse time; the rest is glue in the pipeline):")
    for stage, seconds in stage_seconds.most_common():
        print(
            f"    {stage:<11} {1000 * seconds / rounds:>8.1f} ms per round  {100 * seconds / total:>5.1f} %"
        )
    seeds = [name for name in per_file if name.startswith("0")]
    if seeds:
        seed_ms = statistics.median(1000 * time for name in seeds for time in per_file[name])
        print(f"  seed files: median {seed_ms:.1f} ms each (target <= 8 ms)")


def time_two_megabytes() -> None:
    """The parser on 2 MB articles of each shape: one huge paragraph, many paragraphs."""
    sentence = "The raid began on Monday near the border, said Mr. Smith of the U.S. Army.[1] "
    references = "\n\nReferences\n\n1. “A title” The Outlet, 25 May 2023, https://example.org/a\n"
    count = 2_000_000 // len(sentence)
    many = "\n\n".join(sentence.strip() for _ in range(count))
    shapes = {
        "text, one paragraph": ("a.txt", "A title\n\n" + sentence * count + references),
        "text, many paragraphs": ("a.txt", "A title\n\n" + many + references),
        "Markdown, many paragraphs": (
            "a.md",
            "# A title\n\n" + many.replace("[1]", "[^1]") + "\n\n[^1]: “A title” Outlet, 2023\n",
        ),
        "HTML, many paragraphs": (
            "a.html",
            "<html><body><article><h1>A title</h1>"
            + "".join(f"<p>{sentence}</p>" for _ in range(count))
            + "</article></body></html>",
        ),
        "text, one line without a stop": ("a.txt", "A title\n\n" + "word " * (count * 15)),
    }
    print()
    print("parser alone on 2 MB files (target: well under 5 s; CPU and wall time, shared machine):")
    for name, (file_name, text) in shapes.items():
        wall, cpu = time.perf_counter(), time.process_time()
        parsed = parse_article(text, file_name=file_name)
        print(
            f"  {name:<32} {len(text.encode()) / 1e6:.2f} MB  {time.process_time() - cpu:5.2f} s CPU"
            f"  {time.perf_counter() - wall:5.2f} s wall  {len(parsed.sentences)} sentences"
        )


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--rounds", type=int, default=3, help="rounds of the parser timing")
    options = arguments.parse_args()
    files = expected_files()
    totals: collections.Counter = collections.Counter()
    print(f"{'file':<44} {'imp':>3} {'refs':>9} {'markers':>9} {'meta':>5} {'bad':>9} samples")
    started = time.perf_counter()
    with transaction.atomic():
        for path, want in files:
            measure_file(path, want, totals)
        transaction.set_rollback(True)
    elapsed = time.perf_counter() - started

    def share(part: int, whole: int) -> str:
        return f"{100 * part / whole:.0f} %" if whole else "n/a"

    print()
    print(f"imported: {totals['imported']}/{totals['files']}")
    print(
        f"references stored: {totals['refs']}/{totals['refs_expected']} ({share(totals['refs'], totals['refs_expected'])}); {totals['refs_extra']} more than expected"
    )
    print(
        f"markers resolved: {totals['markers']}/{totals['markers_expected']} ({share(totals['markers'], totals['markers_expected'])}); {totals['markers_extra']} more than expected"
    )
    print(
        f"metadata right (title, date, byline): {totals['meta']}/{totals['meta_expected']} ({share(totals['meta'], totals['meta_expected'])})"
    )
    print(
        f"claims not one whole sentence: {totals['bad_claims']}/{totals['claims']} ({share(totals['bad_claims'], totals['claims'])})"
    )
    print(f"sample claims found whole: {totals['samples_found']}/{totals['samples']}")
    print(
        f"import: {totals['files'] / totals['import_seconds']:.1f} files/s in the import function"
        f" ({totals['import_seconds']:.2f} s; whole check {elapsed:.2f} s, shared machine)"
    )
    print("rolled back: the database is as it was")
    time_parser(files, options.rounds)
    time_two_megabytes()


if __name__ == "__main__":
    main()
