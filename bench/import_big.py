"""How long a 2 MB article takes, in each shape: plain text, Markdown, HTML (issue 7: < 5 s).

Each file is built here: about 2 MB of varied sentences in paragraphs, a numbered marker in
every fifth sentence and a reference list of 200 entries (Markdown: footnotes; HTML: a saved
page with an ordered list). For each shape the script prints, twice:

- parse: `article_prepare` (decode, parse; no database), this process;
- write: `article_store` of that parse, committed (deferred foreign keys are checked at
  commit, so commit is part of the write);
- total: `manage.py import_articles FILE --jobs 1` in a new process, wall clock: what a user
  waits for, Python start-up and Django set-up included;
- CPU seconds of the parse and of the write (this process, and the PostgreSQL backend read
  from /proc): on a shared machine the wall clock mostly counts waiting for a core.

The runs commit, so use a scratch database; every article they create is removed again
(with its claims, evidence and history) after it is timed:

    psql -h 127.0.0.1 -U postgres -c 'create database factcheck_bench'
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/import_big.py [--shapes text,markdown,html] [--rounds 2]
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django_setup  # noqa: F401 -- configures Django before the models are imported
from django.db import connection, transaction

from articles.importer import article_prepare, article_store
from articles.models import Article

ROOT = Path(__file__).resolve().parents[1]
TARGET_BYTES = 2_000_000
REFERENCES = 200

SUBJECTS = [
    "The ministry",
    "A spokesperson for the regional council",
    "Local residents",
    "The central bank",
    "Researchers at the university",
    "Police in the capital",
    "The opposition leader",
    "An independent monitor",
    "Farmers in the north",
    "The health agency",
]
VERBS = ["said", "reported", "denied", "confirmed", "estimated", "warned", "announced"]
OBJECTS = [
    "that prices rose by {n} percent in the last quarter",
    "that {n} people had been evacuated from the coast",
    "that the bridge would reopen within {n} days",
    "that the budget for schools was cut by {n} million",
    "that turnout reached {n} percent in the second round",
    "that {n} tonnes of grain left the port on Monday",
    "that the new line carries {n} passengers a day",
    "that the river was {n} centimetres above its usual level",
]
TAILS = ["", " on Tuesday", " in a statement", " according to the official figures", " last week"]


def sentences(rng: random.Random):
    number = 0
    while True:
        number += 1
        text = (
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} "
            f"{rng.choice(OBJECTS).format(n=rng.randint(2, 9999))}{rng.choice(TAILS)}"
        )
        marker = rng.randint(1, REFERENCES) if number % 5 == 0 else None
        yield text, marker


def reference(number: int) -> tuple[str, str]:
    title = f"Report number {number} on the regional economy"
    return title, f"https://example.org/reports/{number}"


def paragraphs(rng: random.Random, budget: int, render) -> list[str]:
    """Paragraphs of 4 to 9 sentences, rendered by `render(text, marker)`, until `budget`."""
    produced, size = [], 0
    stream = sentences(rng)
    while size < budget:
        paragraph = " ".join(render(*next(stream)) for _ in range(rng.randint(4, 9)))
        produced.append(paragraph)
        size += len(paragraph) + 2
    return produced


def plain_text(rng: random.Random, title: str) -> str:
    body = paragraphs(
        rng,
        TARGET_BYTES - 20_000,
        lambda text, marker: f"{text} [{marker}]." if marker else f"{text}.",
    )
    entries = []
    for number in range(1, REFERENCES + 1):
        name, url = reference(number)
        entries.append(f"[{number}] {name}. Example Institute. 2024. {url}")
    return (
        f"{title}\n\nBy Ada Lovelace\n\n"
        + "\n\n".join(body)
        + "\n\nSources\n\n"
        + ("\n".join(entries) + "\n")
    )


def markdown(rng: random.Random, title: str) -> str:
    body = paragraphs(
        rng,
        TARGET_BYTES - 20_000,
        lambda text, marker: f"{text}.[^{marker}]" if marker else f"{text}.",
    )
    sections = []
    for index, paragraph in enumerate(body):
        if index % 20 == 0:
            sections.append(f"## Part {index // 20 + 1}")
        sections.append(paragraph)
    notes = []
    for number in range(1, REFERENCES + 1):
        name, url = reference(number)
        notes.append(f"[^{number}]: [{name}]({url}), Example Institute, 2024.")
    return (
        f"---\ntitle: {title}\nauthor: Ada Lovelace\ndate: 2024-05-20\n---\n\n"
        + "\n\n".join(sections)
        + "\n\n"
        + "\n".join(notes)
        + "\n"
    )


def html(rng: random.Random, title: str) -> str:
    body = paragraphs(
        rng,
        TARGET_BYTES - 40_000,
        lambda text, marker: (
            f'{text}.<sup><a href="#ref-{marker}">[{marker}]</a></sup>' if marker else f"{text}."
        ),
    )
    items = []
    for number in range(1, REFERENCES + 1):
        name, url = reference(number)
        items.append(
            f'<li id="ref-{number}"><a href="{url}">{name}</a>. Example Institute. 2024.</li>'
        )
    paragraphs_html = "\n".join(f"<p>{paragraph}</p>" for paragraph in body)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title><meta name='author' content='Ada Lovelace'>"
        "<meta property='article:published_time' content='2024-05-20'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1><p class='byline'>By Ada Lovelace</p>\n{paragraphs_html}\n"
        f"<h2>References</h2><ol>{''.join(items)}</ol></article>"
        "<footer>Subscribe to our newsletter</footer></body></html>"
    )


SHAPES = {"text": (plain_text, ".txt"), "markdown": (markdown, ".md"), "html": (html, ".html")}


def remove_article(article_id: int) -> None:
    """Delete one benchmark article and everything the import stored for it, history too."""
    statements = [
        "DELETE FROM claims_historicalevidence WHERE claim_id IN "
        "(SELECT id FROM claims_claim WHERE article_id = %(id)s)",
        "DELETE FROM claims_evidence WHERE claim_id IN "
        "(SELECT id FROM claims_claim WHERE article_id = %(id)s)",
        "DELETE FROM claims_historicalclaim WHERE article_id = %(id)s",
        "DELETE FROM claims_claim WHERE article_id = %(id)s",
        "DELETE FROM articles_citation WHERE article_id = %(id)s",
        "DELETE FROM articles_reference WHERE article_id = %(id)s",
        "DELETE FROM articles_contributor WHERE article_id = %(id)s",
        "UPDATE sources_source SET linked_article_id = NULL WHERE linked_article_id = %(id)s",
        "DELETE FROM articles_article WHERE id = %(id)s",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, {"id": article_id})


def backend_cpu_seconds() -> float:
    """CPU seconds this connection's PostgreSQL backend has used (same machine): on a shared
    machine the wall clock counts waiting for a core, and this what the server itself did."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    # utime and stime, fields 14 and 15 of stat(5), in clock ticks.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_round(shape: str, number: int, folder: Path) -> tuple[float, ...]:
    build, suffix = SHAPES[shape]
    rng = random.Random(number)
    nonce = f"{shape} {os.getpid()} {time.time_ns()}"
    # In-process: parse, then write (committed), then remove.
    data = build(rng, f"A two-megabyte article ({nonce} a)").encode()
    name = f"big-{shape}-{number}-a{suffix}"
    started, cpu_started = time.perf_counter(), time.process_time()
    prepared = article_prepare(file_name=name, data=data)
    parsed_at, cpu_parsed = time.perf_counter(), time.process_time()
    server_started = backend_cpu_seconds()
    outcome = article_store(prepared=prepared)
    stored_at, cpu_stored = time.perf_counter(), time.process_time()
    server_cpu = backend_cpu_seconds() - server_started
    if outcome.failed:
        raise SystemExit(f"{name}: {outcome.error}")
    claims = outcome.counts["claims_created"]
    remove_article(outcome.article.pk)
    # End to end: the command on a file of its own (another title, so a new article).
    data = build(random.Random(number), f"A two-megabyte article ({nonce} b)").encode()
    path = folder / f"big-{shape}-{number}-b{suffix}"
    path.write_bytes(data)
    command_started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "import_articles", str(path), "--jobs", "1"],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "DEBUG": os.environ.get("DEBUG", "1")},
    )
    total = time.perf_counter() - command_started
    for article_id in Article.objects.filter(source_file_name=path.name).values_list(
        "pk", flat=True
    ):
        remove_article(article_id)
    return (
        parsed_at - started,
        stored_at - parsed_at,
        total,
        claims,
        cpu_parsed - cpu_started,
        cpu_stored - cpu_parsed,
        server_cpu,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default="text,markdown,html", help="comma-separated")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each shape (default 2)")
    options = parser.parse_args()
    print(f"database {connection.settings_dict['NAME']}; load average {os.getloadavg()}")
    print(
        f"{'shape':<10} {'MB':>5} {'claims':>7} {'parse s':>8} {'write s':>8} {'total s':>8}"
        "   CPU s: parse, write (Python + PostgreSQL)"
    )
    with tempfile.TemporaryDirectory() as folder:
        for shape in options.shapes.split(","):
            for number in range(options.rounds):
                size = len(SHAPES[shape][0](random.Random(number), "x").encode()) / 1e6
                parse, write, total, claims, parse_cpu, write_cpu, server_cpu = one_round(
                    shape, number, Path(folder)
                )
                print(
                    f"{shape:<10} {size:5.2f} {claims:7d} {parse:8.2f} {write:8.2f} {total:8.2f}"
                    f"   {parse_cpu:.2f}, {write_cpu:.2f} + {server_cpu:.2f}"
                )
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
