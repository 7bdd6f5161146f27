# ruff: noqa: RUF001, E501 -- quotes and dashes are the data; the report lines read best unwrapped.
"""The parser on real published pages it has never seen, scored against their ground truth.

The pages are not in this repository (they are other people's articles, not openly
licensed): point the bench at a directory laid out as one of these public benchmarks.

- trafilatura's evaluation set, adbar/trafilatura at commit e90b0ef5 (tests/eval, tests/cache,
  tests/evaldata.json): ~990 pages, many languages, with hand-written ground truth — title,
  date, author for 851 of them, and snippets the main content must contain ("with") and page
  debris it must not ("without").
- Zyte's article-extraction benchmark, scrapinghub/article-extraction-benchmark at commit
  4a3bc97 (html/*.html.gz, ground-truth.json): 181 English news pages with the whole
  article body written out.

Get either with git (`git clone` the repository, `git checkout` the commit) and pass the
checkout (or a copy of just those files):

    .venv/bin/python bench/heldout_pages.py /path/to/trafilatura --split tune
    .venv/bin/python bench/heldout_pages.py /path/to/article-extraction-benchmark --split heldout

The split is frozen: a page is held out when the SHA-1 of its ground-truth key is 0 mod 3.
Tune the parser on `--split tune` only; `--split heldout` is read to report, never to fix.

Per page and overall it prints: imported or rejected (with the message), title right
(against the ground-truth headline, both normalized: case, accents kept, punctuation and
spaces folded), date and byline right where the ground truth has them, main-content recall
(share of ground-truth body sentences, or "with" snippets, found in our body and claims;
fuzzy: 70 % of a sentence's word 3-grams), precision (share of our claims found in the
ground-truth body; for the snippet set, share of "without" debris snippets kept out of the
claims), claims that are not one whole sentence (markup, debris or no sentence end, as
bench/import_corpus.py counts them) and parse milliseconds. Pure parser: no database.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from articles.parser import ParseError, decode_article, parse_article

# As bench/import_corpus.py counts a claim that is not one whole sentence.
_DEBRIS = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>|[{}\\|]|\]\(|\[edit\]|^\W*$|https?://")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]\s]*(?:\^?\[[^\]]*\]|[⁰¹²³⁴⁵⁶⁷⁸⁹*])*[\"'”’»)\s]*$")
_WORDS = re.compile(r"\w+")
# A ground-truth body's sentences: split after a stop followed by a space and a capital/digit.
_GROUND_SENTENCE = re.compile(r"(?<=[.!?…])[\"'”’»)]*\s+(?=[\"'“‘«(]?[A-Z0-9À-Ý])")
_FUZZY_SHARE = 0.7


@dataclass
class Page:
    key: str
    name: str
    data: bytes
    title: str | None = None
    date: str | None = None
    authors: list[str] | None = None
    body: str | None = None
    with_snippets: list[str] = field(default_factory=list)
    without_snippets: list[str] = field(default_factory=list)


def held_out(key: str) -> bool:
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % 3 == 0


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORDS.findall(text))


def grams(text: str, size: int = 3) -> set[tuple[str, ...]]:
    words = normalize(text).split()
    if len(words) < size:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def found_in(sentence: str, pool: set[tuple[str, ...]], pool_text: str) -> bool:
    sentence_grams = grams(sentence)
    if not sentence_grams:
        return True
    if len(normalize(sentence).split()) < 3:
        return normalize(sentence) in pool_text
    return sum(gram in pool for gram in sentence_grams) >= _FUZZY_SHARE * len(sentence_grams)


def load_pages(root: Path) -> list[Page]:
    if (root / "tests" / "evaldata.json").is_file():
        root = root / "tests"
    if (root / "evaldata.json").is_file():
        return _trafilatura_pages(root)
    if (root / "ground-truth.json").is_file():
        return _zyte_pages(root)
    raise SystemExit(f"{root}: neither evaldata.json (trafilatura) nor ground-truth.json (Zyte)")


def _trafilatura_pages(root: Path) -> list[Page]:
    pages = []
    for url, item in json.loads((root / "evaldata.json").read_text()).items():
        path = next(
            (
                root / sub / item["file"]
                for sub in ("cache", "eval")
                if (root / sub / item["file"]).is_file()
            ),
            None,
        )
        if path is None:
            continue
        author = item.get("author")
        if isinstance(author, list):
            author = "; ".join(author)
        name = path.name if path.suffix in {".html", ".htm"} else path.name + ".html"
        pages.append(
            Page(
                key=url,
                name=name,
                data=path.read_bytes(),
                title=item.get("title") or None,
                date=item.get("date") or None,
                authors=[part.strip() for part in author.split(";") if part.strip()]
                if author
                else None,
                with_snippets=item.get("with") or [],
                without_snippets=item.get("without") or [],
            )
        )
    return pages


def _zyte_pages(root: Path) -> list[Page]:
    truth = json.loads((root / "ground-truth.json").read_text())
    pages = []
    for key, item in sorted(truth.items()):
        path = root / "html" / f"{key}.html.gz"
        if path.is_file():
            data = gzip.decompress(path.read_bytes())
            pages.append(
                Page(
                    key=key, name=f"{key[:16]}.html", data=data, body=item.get("articleBody") or ""
                )
            )
    return pages


def measure(page: Page) -> dict:
    result: dict = {"name": page.name}
    started = time.perf_counter()
    try:
        parsed = parse_article(decode_article(page.data), file_name=page.name)
    except ParseError as error:
        result.update(imported=False, error=str(error), ms=1000 * (time.perf_counter() - started))
        return _missed(result, page)
    except Exception as error:  # a crash is the worst outcome: count it, name it, go on
        result.update(imported=False, error=f"CRASH {type(error).__name__}: {error}", ms=0.0)
        return _missed(result, page)
    result["ms"] = 1000 * (time.perf_counter() - started)
    result["imported"] = True
    claims = [sentence.text for sentence in parsed.sentences]
    result["claims"] = len(claims)
    result["bad"] = [
        text for text in claims if _DEBRIS.search(text) or not _SENTENCE_END.search(text)
    ]
    if page.title is not None:
        result["title_ok"] = normalize(parsed.title) == normalize(page.title)
        result["title"] = parsed.title
    if page.date is not None:
        result["date_ok"] = str(parsed.published or "") == page.date[:10]
        result["date"] = str(parsed.published or "")
    if page.authors:
        ours = sorted(normalize(c.name) for c in parsed.contributors if c.role == "author")
        result["byline_ok"] = ours == sorted(normalize(name) for name in page.authors)
        result["byline"] = [c.name for c in parsed.contributors if c.role == "author"]
    ours_text = parsed.title + " " + parsed.standfirst + " " + parsed.body
    ours_pool = grams(ours_text)
    ours_normal = normalize(ours_text)
    if page.body is not None:
        truth = _body_sentences(page.body)
        result["recall"] = (sum(found_in(s, ours_pool, ours_normal) for s in truth), len(truth))
        truth_pool, truth_normal = grams(page.body), normalize(page.body)
        result["precision"] = (
            sum(found_in(c, truth_pool, truth_normal) for c in claims),
            len(claims),
        )
        result["debris"] = [c for c in claims if not found_in(c, truth_pool, truth_normal)]
    if page.with_snippets:
        result["recall"] = (
            sum(normalize(s) in ours_normal for s in page.with_snippets),
            len(page.with_snippets),
        )
    if page.without_snippets:
        claims_normal = [normalize(c) for c in claims]
        kept = [s for s in page.without_snippets if any(normalize(s) in c for c in claims_normal)]
        result["precision"] = (len(page.without_snippets) - len(kept), len(page.without_snippets))
        result["debris"] = kept
    return result


def _body_sentences(body: str) -> list[str]:
    return [
        s for part in body.split("\n") for s in _GROUND_SENTENCE.split(part) if len(s.split()) >= 4
    ]


def _missed(result: dict, page: Page) -> dict:
    """A refused page gets every field its ground truth has wrong and none of its content."""
    for key, truth in (
        ("title_ok", page.title),
        ("date_ok", page.date),
        ("byline_ok", page.authors),
    ):
        if truth:
            result[key] = False
    if page.body is not None:
        result["recall"] = (0, len(_body_sentences(page.body)))
    if page.with_snippets:
        result["recall"] = (0, len(page.with_snippets))
    return result


def share(pairs: list[tuple[int, int]]) -> str:
    got, total = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
    return f"{got}/{total} = {100 * got / total:.1f} %" if total else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--split", choices=("tune", "heldout", "all"), default="tune")
    parser.add_argument("--quiet", action="store_true", help="overall numbers only")
    parser.add_argument("--show", type=int, default=2, help="debris claims shown per page")
    arguments = parser.parse_args()
    pages = load_pages(arguments.root)
    if arguments.split != "all":
        pages = [p for p in pages if held_out(p.key) == (arguments.split == "heldout")]
    results = [measure(page) for page in pages]
    if not arguments.quiet:
        print(f"{'page':<44} imp  title date byline  recall   precision  bad/claims   ms")
        for r in results:
            if not r["imported"]:
                print(f"{r['name'][:44]:<44} NO   ({r['error']})")
                continue
            flags = " ".join(
                {True: "ok ", False: "NO ", None: " - "}[r.get(k)]
                for k in ("title_ok", "date_ok", "byline_ok")
            )
            recall = "{}/{}".format(*r["recall"]) if "recall" in r else "-"
            precision = "{}/{}".format(*r["precision"]) if "precision" in r else "-"
            notes = []
            if r.get("title_ok") is False:
                notes.append(f"title {r['title'][:60]!r}")
            if r.get("date_ok") is False:
                notes.append(f"date {r['date']!r}")
            if r.get("byline_ok") is False:
                notes.append(f"byline {r['byline']!r}")
            notes += [f"debris {text[:70]!r}" for text in r.get("debris", [])[: arguments.show]]
            notes += [f"bad {text[:70]!r}" for text in r["bad"][: arguments.show]]
            print(
                f"{r['name'][:44]:<44} yes  {flags}  {recall:>8} {precision:>9}  {len(r['bad']):>4}/{r['claims']:<5} {r['ms']:>6.0f}"
                + (f"  ({'; '.join(notes)})" if notes else "")
            )
    imported = [r for r in results if r["imported"]]
    print()
    print(f"split {arguments.split}: {len(results)} pages from {arguments.root}")
    print(f"  imported          {len(imported)}/{len(results)}")
    for label, key in (
        ("title right", "title_ok"),
        ("date right", "date_ok"),
        ("byline right", "byline_ok"),
    ):
        checked = [r[key] for r in results if key in r]
        if checked:
            print(
                f"  {label:<17} {sum(checked)}/{len(checked)} = {100 * sum(checked) / len(checked):.1f} %"
            )
    # Refused pages count: their fields as wrong, their content as not found.
    print(f"  content recall    {share([r['recall'] for r in results if 'recall' in r])}")
    print(f"  claim precision   {share([r['precision'] for r in imported if 'precision' in r])}")
    bad = sum(len(r["bad"]) for r in imported)
    claims = sum(r["claims"] for r in imported)
    print(
        f"  whole sentences   {claims - bad}/{claims} = {100 * (claims - bad) / max(claims, 1):.1f} %"
    )
    no_claims = sum(1 for r in imported if r["claims"] == 0)
    print(f"  pages with no claim {no_claims}")
    times = [r["ms"] for r in imported]
    if times:
        print(
            f"  parse ms          median {statistics.median(times):.0f}, max {max(times):.0f} (shared machine)"
        )


if __name__ == "__main__":
    main()
