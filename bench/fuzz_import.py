# ruff: noqa: E501, RUF001 -- the report lines read best unwrapped; the dashes are the data.
"""Fuzz the real import function with mutated article files; count tracebacks and partial writes.

Mutations of the seeds (fixtures/) and of tests/corpus/: byte flips, truncation, NUL bytes,
NaN / .inf / "\\0" / huge values in front matter, huge lines, broken HTML, random unicode,
spliced halves, invalid UTF-8. Each goes through `articles.importer.article_import_file`, as the
command and the admin upload call it, and is written for real. Counted: files run,
tracebacks (an exception out of the import function: must be 0), rejected with a message,
imported, and partial writes (a rejected file must leave every table exactly as it was: each
table's row count and newest row version, xmin, compared before and after in one query, so an
UPDATE that keeps the count is caught too; only around rejected files, the only ones that must
leave no trace).

Writes into the database DATABASE_URL names: use a throwaway one, e.g.

    createdb -h 127.0.0.1 -U postgres factcheck_parser_fuzz
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_parser_fuzz .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_parser_fuzz .venv/bin/python bench/fuzz_import.py --files 10000

It refuses a database that already holds articles unless --reuse is given.
"""

import argparse
import collections
import random
import signal
import sys
import time
import traceback
from pathlib import Path

import django_setup  # noqa: F401 -- configures Django before the models are imported
from django.apps import apps
from django.db import connection

from articles.importer import article_import_file
from articles.models import Article
from articles.parser import ParseError, decode_article, parse_article

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "fixtures").glob("0*.txt")) + sorted(
    path
    for path in (ROOT / "tests" / "corpus").iterdir()
    if path.is_file() and path.suffix in (".txt", ".md", ".html")
)
FRONT_MATTER_VALUES = [
    ".nan",
    ".NaN",
    ".inf",
    "-.inf",
    '"\\0"',
    '"\\x00"',
    "'\\0'",
    "!!float nan",
    "~",
    "[]",
    "{}",
    "&a [*a]",
    "!!binary AAAA",
    "2023-13-45",
    "99999999999999999999",
    "1e400",
    "!!python/object:os.system",
    "*undefined_alias",
    '"' + "x" * 100_000 + '"',
    "- - - - -",
    "\t",
    "'",
    '"',
]
FRONT_MATTER_KEYS = [
    "title",
    "date",
    "author",
    "authors",
    "published",
    "subject",
    "headline",
    "url",
    "lang",
    "outlet",
    "pubDate",
]


def mutate(
    data: bytes, name: str, rng: random.Random, pool: list[tuple[str, bytes]]
) -> tuple[str, bytes]:
    """One mutated file (name, bytes): a random operation, sometimes two."""
    kind = rng.choice(
        [
            "flip",
            "truncate",
            "nul",
            "front_matter",
            "huge_line",
            "broken_html",
            "unicode",
            "splice",
            "invalid_utf8",
            "delete_lines",
            "duplicate_lines",
            "control",
            "empty_ish",
            "markers",
            "rename",
        ]
    )
    text = data.decode("utf-8", errors="replace")
    suffix = Path(name).suffix
    if kind == "flip":
        buffer = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            position = rng.randrange(len(buffer))
            buffer[position] ^= 1 << rng.randrange(8)
        data = bytes(buffer)
    elif kind == "truncate":
        data = data[: rng.randrange(len(data) + 1)]
    elif kind == "nul":
        position = rng.randrange(len(text) + 1)
        text = text[:position] + "\x00" * rng.randint(1, 5) + text[position:]
        data = text.encode()
    elif kind == "front_matter":
        fields = "\n".join(
            f"{rng.choice(FRONT_MATTER_KEYS)}: {rng.choice(FRONT_MATTER_VALUES)}"
            for _ in range(rng.randint(1, 6))
        )
        body = text.split("\n---\n", 1)[-1] if text.startswith("---") else text
        data = f"---\n{fields}\n---\n{body}".encode()
        suffix = ".md"
    elif kind == "huge_line":
        # Mostly 20-200 KB; one in twenty a megabyte (the 2 MB case is timed in import_corpus.py).
        repeat = 1_000_000 if rng.random() < 0.05 else rng.randint(5_000, 30_000)
        line = (
            rng.choice(["word ", "a", "[1]", "*a", "(", "<b>", "1. ", "http://x.org/ ", "Mr. X. "])
            * repeat
        )
        position = rng.randrange(len(text) + 1)
        data = (text[:position] + "\n" + line + "\n" + text[position:]).encode()
    elif kind == "broken_html":
        cut = rng.randrange(len(text) + 1)
        junk = rng.choice(
            [
                "<div",
                "<p><b><i>",
                "</html></body>",
                "<![CDATA[",
                "<!--",
                "<script>",
                "<?xml version='1.0' encoding='latin-1'?>",
                "<meta charset=utf-16>",
                "&#0;&#xD800;&bogus;",
                "<table><tr><th>Title:</th><td>",
            ]
        )
        data = (
            "<html><head><title>T</title></head><body>" + text[:cut] + junk + text[cut:]
        ).encode()
        suffix = ".html"
    elif kind == "unicode":
        alphabet = [chr(rng.randrange(0x20, 0x2FFF)) for _ in range(50)] + [
            "\u202e",
            "\u200b",
            "\ufeff",
            "\u2028",
            "\u00a0",
            "🙂",
            "́",
        ]
        position = rng.randrange(len(text) + 1)
        text = (
            text[:position]
            + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 400)))
            + text[position:]
        )
        data = text.encode("utf-8", errors="replace")
    elif kind == "splice":
        _other_name, other = rng.choice(pool)
        data = data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1) :]
    elif kind == "invalid_utf8":
        position = rng.randrange(len(data) + 1)
        data = (
            data[:position]
            + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xfe\xff", b"\x80\x80"])
            + data[position:]
        )
    elif kind == "delete_lines":
        lines = text.split("\n")
        for _ in range(rng.randint(1, max(1, len(lines) // 3))):
            if lines:
                del lines[rng.randrange(len(lines))]
        data = "\n".join(lines).encode()
    elif kind == "duplicate_lines":
        lines = text.split("\n")
        for _ in range(rng.randint(1, 20)):
            if lines:
                position = rng.randrange(len(lines))
                lines.insert(rng.randrange(len(lines)), lines[position])
        data = "\n".join(lines).encode()
    elif kind == "control":
        position = rng.randrange(len(data) + 1)
        data = (
            data[:position]
            + bytes(rng.choice([1, 2, 7, 8, 11, 12, 27, 127]) for _ in range(rng.randint(1, 50)))
            + data[position:]
        )
    elif kind == "empty_ish":
        data = rng.choice(
            [
                b"",
                b"\n\n\n",
                b"   ",
                b"\xef\xbb\xbf",
                b"---\n---\n",
                b"<html></html>",
                b"# \n",
                b"References\n1. x",
            ]
        )
    elif kind == "markers":
        position = rng.randrange(len(text) + 1)
        noise = rng.choice(
            [
                "[999]",
                "[1-999999]",
                "[^missing]",
                "(Smith, 2020a)",
                "\\[3\\]",
                "¹²³⁴⁵",
                "[@key]",
                "(Il Post).",
                "[0, 1, 2–4]",
            ]
        )
        data = (text[:position] + noise * rng.randint(1, 50) + text[position:]).encode()
    elif kind == "rename":
        suffix = rng.choice([".txt", ".md", ".html", ".htm", ".xhtml", "", ".TXT"])
    return f"{Path(name).stem}{suffix}", data


CHECK_SECONDS = [0.0]  # time spent comparing tables: the harness's own share


def table_states(models: list) -> dict[str, tuple[int, int]]:
    """Each table's (row count, newest committed row version) in one query, one round trip.

    A committed INSERT or DELETE changes the count; a committed UPDATE writes a new row version
    whose xmin (the writing transaction's id) is newer than every older one, so max(xmin)
    changes even when the count does not. Both come from the same scan.
    """
    tables = [model._meta.db_table for model in models]
    sql = " UNION ALL ".join(
        f"SELECT {index}, count(*), coalesce(max(xmin::text::bigint), 0)"
        f" FROM {connection.ops.quote_name(table)}"
        for index, table in enumerate(tables)
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        states = {index: (count, newest) for index, count, newest in cursor.fetchall()}
    CHECK_SECONDS[0] += time.perf_counter() - started
    return {models[index]._meta.label: states[index] for index in range(len(models))}


def fuzz_parser(options: argparse.Namespace) -> None:
    """The same mutations through decode_article and parse_article only."""
    rng = random.Random(options.seed)
    pool = [(path.name, path.read_bytes()) for path in SOURCES]
    weights = [1 / max(len(data), 2000) for _name, data in pool]
    totals: collections.Counter = collections.Counter()
    tracebacks: list[str] = []
    started = time.perf_counter()
    for index in range(options.files):
        if time.perf_counter() - started > options.minutes * 60:
            break
        name, data = rng.choices(pool, weights)[0]
        file_name, mutated = mutate(data, name, rng, pool)
        if rng.random() < 0.3:
            file_name, mutated = mutate(mutated or b" ", file_name or name, rng, pool)
        totals["ran"] += 1
        try:
            parse_article(decode_article(mutated), file_name=file_name or "unnamed")
            totals["parsed"] += 1
        except ParseError as error:
            totals["rejected"] += 1
            totals["rejected_without_message"] += not str(error).strip()
        except Exception:  # counting them is the point
            totals["tracebacks"] += 1
            tracebacks.append(f"{file_name}:\n{traceback.format_exc()}")
        if (index + 1) % 1000 == 0:
            elapsed = time.perf_counter() - started
            print(
                f"  {index + 1} files, {elapsed:.0f} s, tracebacks {totals['tracebacks']}",
                flush=True,
            )
    print()
    print(
        f"files run through decode_article + parse_article: {totals['ran']} in {time.perf_counter() - started:.0f} s (shared machine)"
    )
    print(f"tracebacks: {totals['tracebacks']}")
    print(
        f"parsed: {totals['parsed']}; rejected with a message: {totals['rejected'] - totals['rejected_without_message']} (without one: {totals['rejected_without_message']})"
    )
    for text in tracebacks[:5]:
        print(text)


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--files", type=int, default=10_000)
    arguments.add_argument("--seed", type=int, default=7)
    arguments.add_argument("--minutes", type=float, default=60.0, help="stop after this long")
    arguments.add_argument("--reuse", action="store_true", help="allow a database with articles")
    arguments.add_argument(
        "--parser-only",
        action="store_true",
        help="decode and parse only (no database): many more files in the same time",
    )
    options = arguments.parse_args()
    if options.parser_only:
        fuzz_parser(options)
        return
    if Article.objects.exists() and not options.reuse:
        sys.exit(
            f"{connection.settings_dict['NAME']} holds articles: use a throwaway database (or --reuse)"
        )
    rng = random.Random(options.seed)
    pool = [(path.name, path.read_bytes()) for path in SOURCES]
    # Small files are mutated more often: they are what editors upload most, and quick.
    weights = [1 / max(len(data), 2000) for _name, data in pool]
    models = [
        model
        for model in apps.get_models()
        if model._meta.app_label in ("articles", "claims", "sources")
    ]
    totals: collections.Counter = collections.Counter()
    tracebacks: list[str] = []
    partial: list[str] = []
    started = time.perf_counter()
    baseline: dict[str, tuple[int, int]] | None = None
    # SIGTERM or Ctrl-C: stop after the file in progress and print the summary of what ran.
    stop_requested: list[int] = []
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda signum, frame: stop_requested.append(signum))
    for index in range(options.files):
        if stop_requested or time.perf_counter() - started > options.minutes * 60:
            break
        name, data = rng.choices(pool, weights)[0]
        file_name, mutated = mutate(data, name, rng, pool)
        if rng.random() < 0.3:
            file_name, mutated = mutate(mutated or b" ", file_name or name, rng, pool)
        file_name = f"fuzz{index:05d}_{file_name}"
        # The counts before this file: known from the last file unless that one wrote.
        before = baseline if baseline is not None else table_states(models)
        try:
            outcome = article_import_file(file_name=file_name, data=mutated)
        except Exception:  # counting them is the point
            baseline = None
            totals["tracebacks"] += 1
            tracebacks.append(f"{file_name}:\n{traceback.format_exc()}")
            continue
        totals["ran"] += 1
        if outcome.failed:
            totals["rejected"] += 1
            if not outcome.error or not str(outcome.error).strip():
                totals["rejected_without_message"] += 1
            after = table_states(models)
            baseline = after
            if after != before:
                totals["partial_writes"] += 1
                changed = {
                    key: (before[key], after[key]) for key in before if before[key] != after[key]
                }
                partial.append(f"{file_name}: {changed} ({outcome.error})")
            else:
                totals["rejected_db_unchanged"] += 1
            totals[f"error: {str(outcome.error).split(': ', 1)[-1][:60]}"] += 1
        else:
            totals[f"status {outcome.status}"] += 1
            baseline = None  # it wrote: count again before the next file
        if (index + 1) % 500 == 0:
            elapsed = time.perf_counter() - started
            print(
                f"  {index + 1} files, {elapsed:.0f} s, {(index + 1) / elapsed:.1f} files/s, tracebacks {totals['tracebacks']}, partial writes {totals['partial_writes']}",
                flush=True,
            )
    elapsed = time.perf_counter() - started
    print()
    print(
        f"files run through article_import_file: {totals['ran'] + totals['tracebacks']} in {elapsed:.0f} s (shared machine)"
    )
    print(f"tracebacks: {totals['tracebacks']}")
    print(
        f"rejected with a message: {totals['rejected'] - totals['rejected_without_message']} (without one: {totals['rejected_without_message']})"
    )
    print(
        f"rejected and the database exactly as it was (row count and newest row version of {len(models)} tables): {totals['rejected_db_unchanged']}"
    )
    print(f"partial writes: {totals['partial_writes']}")
    print(f"time spent comparing tables: {CHECK_SECONDS[0]:.1f} s of {elapsed:.0f} s")
    for key, count in sorted(totals.items()):
        if key.startswith("status "):
            print(f"  {key}: {count}")
    print("most common rejections:")
    for key, count in collections.Counter(
        {k: v for k, v in totals.items() if k.startswith("error: ")}
    ).most_common(12):
        print(f"  {count:>6}  {key[7:]}")
    for text in tracebacks[:5]:
        print(text)
    for text in partial[:5]:
        print(text)


if __name__ == "__main__":
    main()
