"""Random and mutated query strings against every public list and detail page, in-process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck bin/serve --check   # seeds imported
    DATABASE_URL=... .venv/bin/python bench/fuzz_query_strings.py [--count 10000] [--seed 8]

Each request gets a query string made one of several ways: a real filter's name with a value
from its own choices, mutated (cut, doubled, case-flipped, a byte changed); a real name with a
hostile value (SQL, markup, NUL, 10,000 characters, far-out numbers and dates, invalid UTF-8
escapes); several names at once, repeated names; raw garbage (`&&==`, `%zz`, `%ff%fe`). The raw
bytes reach Django exactly as a server passes them (QUERY_STRING, Latin-1), page cache on, so
the cache's own parsing of the query string is fuzzed too.

Prints how many ran, per page, the status codes, how many answered 5xx (must be 0) and how
many raised a traceback (must be 0), with the first failures in full, and whether the content
version moved: a GET that writes to a table pages are made from would move it. Exits 1 on any
failure.
"""

import argparse
import logging
import random
import sys
import time
import traceback
from collections import Counter
from urllib.parse import quote

import django_setup  # noqa: F401  (sets Django up before the models are imported)
from django.conf import settings
from django.test import Client

from articles.filters import ArticleFilter
from articles.models import Article
from claims.filters import ClaimFilter
from claims.models import Claim
from factcheck.page_cache import content_version
from sources.filters import OutletFilter, SourceFilter
from sources.models import Outlet, Source

HOSTILE = [
    "",
    " ",
    "-1",
    "0",
    "1.5",
    "99999999999999999999999999",
    "-99999999999999999999",
    "1e400",
    "NaN",
    "inf",
    "2023-13-45",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "2024-02-30",
    "' OR 1=1 --",
    "'; DROP TABLE claims_claim; --",
    '"unterminated',
    "\\",
    "<script>alert(1)</script>",
    "%00",
    "\x00",
    "\x00\x01\x1f",
    "\ud800",
    "é" * 3,
    "🙂",
    "x" * 10_000,
    "a b c",
    "&",
    "=",
    "!@#$%^&*()[]{};:,./<>?\\|`~",
    "null",
    "true",
    "[]",
    "{}",
    "../../etc/passwd",
    "militia & !border | (",
    '"a phrase"',
    "-",
    "*",
    ":*",
    "a:b",
]
RAW_GARBAGE = [
    "&&==&",
    "=",
    "==",
    "%",
    "%z",
    "%zz",
    "%ff%fe%fd",
    "%c3%28",
    "%e2%82",
    "%ed%a0%80",
    "a=%",
    "a%=b",
    "q=%ff",
    "page=%00",
    "+++",
    "a[]=1&a[]=2",
    "a=1;b=2",
    ";;;",
    "q=" + "%41" * 3000,
]
COMMON_NAMES = ["page", "after", "before", "sort", "q", "format", "p", "section", "older_than"]


def pages() -> dict[str, list[str]]:
    """Every public list and detail page, with the parameter names it understands."""
    claim = Claim.objects.order_by("-reviewed_at").first()
    article = Article.objects.order_by("pk").first()
    source = Source.objects.order_by("pk").first()
    outlet = Outlet.objects.order_by("pk").first()
    if None in (claim, article, source, outlet):
        raise SystemExit("import the seeds first (bin/serve --check with this DATABASE_URL)")
    claim_names = [*ClaimFilter.base_filters, "after", "before", "page"]
    return {
        "/": ["page"],
        "/claims/": claim_names,
        "/claims/export.csv": claim_names,
        "/claims/export.json": claim_names,
        claim.get_absolute_url(): ["page"],
        "/articles/": [*ArticleFilter.base_filters, "page"],
        article.get_absolute_url(): ["page", "claim"],
        "/sources/": [*SourceFilter.base_filters, "page"],
        source.get_absolute_url(): ["page"],
        "/outlets/": [*OutletFilter.base_filters, "page"],
        outlet.get_absolute_url(): ["page"],
        "/corrections/": ["older_than", "page"],
        "/suggest/articles/": ["q"],
        "/suggest/outlets/": ["q"],
        "/suggest/sources/": ["q"],
        "/feeds/reviewed/": ["page"],
        "/feeds/contested/": ["page"],
        "/sitemap.xml": ["p", "section"],
        "/how-we-rate/": ["page"],
        "/about/": ["page"],
    }


def valid_values() -> dict[str, list[str]]:
    """Values each real filter accepts, to mutate from."""
    values: dict[str, list[str]] = {}
    for filterset in (ClaimFilter, ArticleFilter, SourceFilter, OutletFilter):
        for name, field in filterset.base_filters.items():
            choices = field.extra.get("choices")
            if callable(choices):
                choices = None
            values.setdefault(name, []).extend(str(value) for value, _ in choices or [])
    values.setdefault("article", []).extend(Article.objects.values_list("slug", flat=True)[:5])
    values.setdefault("outlet", []).extend(Outlet.objects.values_list("slug", flat=True)[:5])
    values.setdefault("source", []).extend(
        str(pk) for pk in Source.objects.values_list("pk", flat=True)[:5]
    )
    values.setdefault("q", []).extend(["militia", "border", "drone attack", "Belgorod"])
    values.setdefault("page", []).extend(["1", "2", "3"])
    values.setdefault("after", []).extend(["1", "100"])
    return values


def mutate(value: str, randomizer: random.Random) -> str:
    if not value:
        return randomizer.choice(HOSTILE)
    kind = randomizer.randrange(8)
    if kind == 0:
        return value[: randomizer.randrange(len(value) + 1)]
    if kind == 1:
        return value * randomizer.randint(2, 50)
    if kind == 2:
        return value.swapcase()
    if kind == 3:
        position = randomizer.randrange(len(value))
        return value[:position] + chr(randomizer.randrange(1, 0x2FFF)) + value[position + 1 :]
    if kind == 4:
        return value + randomizer.choice(HOSTILE)
    if kind == 5:
        return randomizer.choice(HOSTILE) + value
    if kind == 6:
        return str(randomizer.randint(-(10**30), 10**30))
    return "".join(randomizer.sample(value, len(value)))


def encode(text: str, randomizer: random.Random) -> str:
    """Percent-encoded as a browser would, or (now and then) with + for spaces."""
    encoded = quote(text.encode("utf-8", "surrogatepass"), safe="")
    return encoded.replace("%20", "+") if randomizer.random() < 0.5 else encoded


def query_string(names: list[str], values: dict[str, list[str]], randomizer: random.Random) -> str:
    kind = randomizer.randrange(10)
    if kind == 0:
        return randomizer.choice(RAW_GARBAGE)
    pairs = []
    for _ in range(randomizer.choice([1, 1, 1, 2, 3, 5])):
        name = randomizer.choice(names if randomizer.random() < 0.85 else COMMON_NAMES)
        if randomizer.random() < 0.05:
            name = mutate(name, randomizer)
        known = values.get(name) or [""]
        if kind <= 5:
            value = mutate(randomizer.choice(known), randomizer)
        elif kind <= 7:
            value = randomizer.choice(HOSTILE)
        else:
            value = randomizer.choice(known)
        pairs.append(f"{encode(name, randomizer)}={encode(value, randomizer)}")
        if randomizer.random() < 0.1:
            pairs.append(pairs[-1])
    if kind == 9:
        pairs.append(randomizer.choice(RAW_GARBAGE))
    return "&".join(pairs)


def body_of(response) -> bytes:
    # A streamed export does its work, and could fail, while it is read.
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=8)
    arguments = parser.parse_args()
    randomizer = random.Random(arguments.seed)
    # DEBUG is off, as in production; the static manifest is not what is fuzzed here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # 404s and 400s are expected answers here; failures are counted and printed below.
    logging.disable(logging.CRITICAL)
    page_names = pages()
    values = valid_values()
    client = Client(raise_request_exception=True)
    statuses: Counter = Counter()
    per_page: Counter = Counter()
    five_hundreds, tracebacks = [], []
    version_before = content_version()
    started = time.perf_counter()
    paths = list(page_names)
    for number in range(1, arguments.count + 1):
        path = paths[number % len(paths)]
        raw = query_string(page_names[path], values, randomizer)
        per_page[path] += 1
        try:
            response = client.generic("GET", path, QUERY_STRING=raw)
            body_of(response)
        except Exception:
            tracebacks.append((path, raw, traceback.format_exc()))
            statuses["exception"] += 1
            continue
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            five_hundreds.append((path, raw, response.status_code))
        if number % 1000 == 0:
            elapsed = time.perf_counter() - started
            print(f"  {number:,} / {arguments.count:,} ({elapsed:.0f} s)", flush=True)
    elapsed = time.perf_counter() - started
    version_after = content_version()

    print(f"\nquery strings run: {sum(per_page.values()):,} in {elapsed:.0f} s")
    print(f"pages: {len(per_page)}")
    for path, count in per_page.items():
        print(f"  {path:40} {count:,}")
    print(
        "status codes: "
        + ", ".join(f"{code}: {n:,}" for code, n in sorted(statuses.items(), key=str))
    )
    print(f"5xx responses: {len(five_hundreds)}")
    print(f"tracebacks: {len(tracebacks)}")
    kinds = Counter(text.strip().splitlines()[-1][:120] for _, _, text in tracebacks)
    for kind, count in kinds.most_common():
        print(f"  {count:5} {kind}")
    moved = version_after - version_before
    print(f"content version moved by GETs: {moved} (must be 0: no request wrote)")
    for path, raw, status in five_hundreds[:5]:
        print(f"\n{status} {path}?{raw[:300]}")
    for path, raw, text in tracebacks[:5]:
        print(f"\ntraceback {path}?{raw[:300]}\n{text}")
    if five_hundreds or tracebacks or moved:
        sys.exit(1)


if __name__ == "__main__":
    main()
