"""Build a realistic benchmark corpus (1,000,000 claims by default) in its own database, with COPY.

    .venv/bin/python bench/corpus.py                      # factcheck_bench_1m, 1,000,000 claims
    .venv/bin/python bench/corpus.py --claims 100000      # factcheck_bench_100k
    .venv/bin/python bench/corpus.py --database NAME --force

The shape follows what the importer and the editors write, at scale: article bodies made of
paragraphs that contain their claims' sentences at the stored offsets, citation markers (“[3]”)
inside those sentences with Citation rows pointing at them, reference lists pointing at shared
sources, a few hundred outlets, sources cited with a long-tailed popularity (most once, a few by
thousands of claims), "cited" evidence for every marker plus editors' supports/contradicts
evidence with quotes, ~30 % of the claims reviewed (status, reason, reviewer and reviewed_at
as the CheckConstraints require, some with an earlier verdict in their history), links between
claims, and history rows as django-simple-history writes them (+ on import, ~ on each verdict).

Every COPY names its columns, so a column added later with a default or as nullable does not
break it. Secondary indexes are dropped for the load and rebuilt from their own definitions
afterwards (whatever indexes the migrations define then), then the tables are vacuumed and
analyzed. Triggers stay on, so counters a later migration keeps by trigger stay exact: claims
0011_stored_counters' triggers count each COPY chunk of evidence into claims_claim.evidence_count
and each chunk of claims into claims_articleclaimcounts as the load goes (a corpus migrated
later gets them from that migration's backfill, claims_counters_rebuild()), and claims
0015_outlet_counters' recount each chunk's articles into claims_articlecoveragecounts and
claims_outletcitationcounts (backfill: claims_article_extras_rebuild()); the summary checks all
of them against the rows.

Idempotent: a database already holding a corpus of the same size and seed is only migrated
(new migrations apply; their data migrations backfill) and its counts printed. --force rebuilds.
Deterministic for a given --claims and --seed.
"""

import argparse
import datetime
import io
import json
import math
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import accumulate

import dj_database_url
import django_setup  # noqa: F401  (sets Django up before the models are imported)
import psycopg2
from django.apps import apps
from django_setup import ROOT

from sources.models import source_fingerprint
from sources.normalize import normalize_outlet_name

# Bump when the corpus changes shape, so existing corpora are rebuilt rather than reused.
CORPUS_VERSION = 2
EPOCH = datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC)
CLAIMS_PER_ARTICLE = 25  # 1,000,000 claims in 40,000 articles
SOURCES_PER_CLAIM = 0.15  # 150,000 sources
REVIEWED_SHARE = 0.30
EDITOR_COUNT = 12
CONTENT_TABLES = [
    "claims_historicalevidence",
    "claims_historicalclaim",
    "sources_historicalsource",
    "claims_claimlink",
    "claims_evidence",
    "claims_claim",
    "articles_citation",
    "articles_reference",
    "articles_contributor",
    "articles_article",
    "sources_source",
    "sources_outlet",
]


def words(text: str, separator: str | None = None) -> list[str]:
    return text.split(separator)


# A newsroom vocabulary, most frequent first: word frequencies follow Zipf's law, so a search
# for a common word hits a large share of the corpus and a rare one a handful.
NOUNS = words(
    "officials government ministry forces troops border region village city residents civilians "
    "militia report statement attack drone strike casualties police army president spokesman "
    "intelligence evidence claims volunteers legion corps incursion defence governor authorities "
    "prosecutors court election parliament budget inflation prices energy gas pipeline sanctions "
    "talks ceasefire refugees hospital school bridge railway airport harbour factory election "
    "journalists agency footage photographs satellite analysts researchers survey poll voters "
    "minister commander battalion brigade convoy vehicles weapons artillery missiles shells "
    "explosions fire damage power outage water supply evacuation shelter aid convoy donors "
    "economy exports imports harvest grain wheat fuel shortage strike union workers wages"
)
VERBS = words(
    "said reported confirmed denied claimed announced rejected accused warned estimated "
    "described suggested insisted acknowledged revealed disputed stated alleged noted added"
)
ADJECTIVES = words(
    "Russian Ukrainian local regional military official independent unverified armed heavy "
    "several dozen hundreds new former senior foreign western eastern northern southern "
    "civilian private public international national emergency unconfirmed"
)
PLACES = words(
    "Belgorod Kharkiv Kyiv Moscow Bakhmut Kupiansk Sumy Kursk Donetsk Luhansk Odesa Kherson "
    "Zaporizhzhia Mariupol Dnipro Lviv Brussels Warsaw Vilnius Riga Tallinn Minsk Berlin Paris "
    "London Washington Ankara Geneva Vienna Rome"
)
OUTLET_STEMS = words(
    "Courier Herald Gazette Times Post Observer Chronicle Tribune Record Journal Mirror "
    "Express Standard Independent Review Dispatch Bulletin Monitor Sentinel Telegraph Ledger "
    "Beacon Echo Voice Press Wire News Report Today Daily Weekly Radio TV Agency Insider Digest"
)
OUTLET_PREFIXES = words(
    "The Northern|The Southern|The Eastern|The Western|The Baltic|The Atlantic|The Pacific|The "
    "Continental|The Metropolitan|The Capital|The Evening|The Morning|The Sunday|The Free|The "
    "Open|The Civic|The National|The Global|Euro|Nord|Ost|Radio|Kyiv|Moscow|Riga|Warsaw|Baltic|"
    "Black Sea|Danube|Carpathian|Volga|Dnipro|Neva|Oder|Vistula|Alpine|Nordic|Iberian|Balkan|"
    "Levant|Caucasus|Caspian|Steppe|Frontier|Harbour|Valley|Coastal|Prairie|Highland",
    separator="|",
)
FIRST_NAMES = words(
    "Anna Olena Maria Sofia Iryna Daria Natalia Julia Elena Kateryna Marta Laura Sarah Emma "
    "Ivan Oleksandr Dmitri Pavel Mark Thomas Jonas Lukas Peter David Michael Andrew James Tom"
)
LAST_NAMES = words(
    "Kovalenko Shevchenko Petrov Ivanova Smith Jones Brown Wilson Taylor Novak Horvat Kowalski "
    "Nowak Muller Schmidt Rossi Bianchi Garcia Martin Bernard Dubois Hansen Larsen Berg Lindqvist "
    "Watts Harding Sauer Roth Kramer Weber Fischer Meyer Wagner Becker Hoffmann Schulz Koch Bauer"
)
STATUS_WEIGHTS = {
    "supported": 40,
    "contested": 20,
    "false": 15,
    "unverifiable": 15,
    "not_a_claim": 10,
}
STATUS_LABELS = {
    "supported": "Supported",
    "contested": "Contested",
    "false": "False",
    "unverifiable": "Unverifiable",
    "not_a_claim": "Not a claim",
}
REASONS = {
    "supported": "{source} reports the same figure, and the ministry's own statement confirms it.",
    "contested": "{source} gives a different account; the two sides' figures cannot be "
    "reconciled with what has been published.",
    "false": "{source} shows the opposite: the footage was recorded elsewhere and earlier.",
    "unverifiable": "No published source settles it; {source} repeats the claim without "
    "evidence of its own.",
    "not_a_claim": "An opinion about the events, not a statement of fact that can be checked.",
}
# What an editor's evidence says, by verdict: supports, contradicts or both.
EDITOR_STANCES = {
    "supported": ["supports"],
    "contested": ["contradicts", "supports"],
    "false": ["contradicts"],
    "unverifiable": ["supports"],
    "not_a_claim": [],
}
# Columns added after this script, given a realistic value when the schema has them: the corpus
# is English, and its claims are searched as English. (A required column not listed here gets its
# Django default; list it, and bump CORPUS_VERSION, when that default is not what the
# importer would write.)
REALISTIC_VALUES: dict[str, dict[str, object]] = {
    "articles_article": {"language": "en"},
    "claims_claim": {"search_config": "english"},
}


def zipf_weights(count: int, exponent: float) -> list[float]:
    """Cumulative weights (for random.choices' cum_weights) of ranks 1..count under Zipf's law."""
    return list(accumulate(1 / (rank**exponent) for rank in range(1, count + 1)))


def copy_value(value: object) -> str:
    """One field in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        items = ",".join(
            '"' + str(item).replace("\\", "\\\\").replace('"', '\\"') + '"' for item in value
        )
        value = "{" + items + "}"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


class Loader:
    """Buffers rows per table and COPYs them in chunks, in the order the tables were opened."""

    def __init__(
        self,
        connection,
        columns: dict[str, list[str]],
        defaults: dict[str, dict[str, object]],
        chunk_rows: int = 50_000,
    ):
        self.connection = connection
        self.columns = {
            table: [*names, *defaults.get(table, {})] for table, names in columns.items()
        }
        # Appended to every row, already in COPY's text format.
        self.suffix = {
            table: "".join("\t" + copy_value(value) for value in defaults.get(table, {}).values())
            for table in columns
        }
        self.buffers: dict[str, list[str]] = {table: [] for table in columns}
        self.counts: dict[str, int] = dict.fromkeys(columns, 0)
        self.chunk_rows = chunk_rows

    def add(self, table: str, row: Iterable[object]) -> None:
        self.buffers[table].append("\t".join(map(copy_value, row)) + self.suffix[table])

    def flush_if_full(self) -> None:
        """Call between complete groups of rows, so no child is copied before its parent."""
        if max(map(len, self.buffers.values())) >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        # Parents before children: the order of `columns` is the foreign keys' order.
        with self.connection.cursor() as cursor:
            for table, buffer in self.buffers.items():
                if not buffer:
                    continue
                data = io.StringIO("\n".join(buffer) + "\n")
                columns = ", ".join(f'"{column}"' for column in self.columns[table])
                cursor.copy_expert(f'COPY "{table}" ({columns}) FROM STDIN', data)
                self.counts[table] += len(buffer)
                buffer.clear()


@contextmanager
def phase(name: str, timings: dict[str, float]) -> Iterator[None]:
    print(f"==> {name} …", flush=True)
    started = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - started
    print(f"    {timings[name]:.1f} s", flush=True)


def server_connection(url: str, database: str):
    config = dj_database_url.parse(url)
    connection = psycopg2.connect(
        dbname=database,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    return connection


def database_url_for(url: str, database: str) -> str:
    config = dj_database_url.parse(url)
    password = f":{config['PASSWORD']}" if config["PASSWORD"] else ""
    return (
        f"postgres://{config['USER']}{password}@{config['HOST']}:{config['PORT'] or 5432}"
        f"/{database}"
    )


def existing_corpus(url: str, database: str) -> dict[str, str] | None:
    admin = server_connection(url, "postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        exists = cursor.fetchone() is not None
    admin.close()
    if not exists:
        return None
    connection = server_connection(url, database)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('bench_corpus')")
            if cursor.fetchone()[0] is None:
                return {}
            cursor.execute("SELECT key, value FROM bench_corpus")
            return dict(cursor.fetchall())
    finally:
        connection.close()


def recreate_database(url: str, database: str) -> None:
    admin = server_connection(url, "postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{database}"')
    admin.close()


def migrate(url: str) -> None:
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "benchmark-corpus-not-a-secret-0123456789",
    }
    for command in (["migrate", "--no-input", "-v0"], ["createcachetable"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=environment, check=True
        )


def table_columns(connection, tables: Iterable[str]) -> dict[str, dict[str, bool]]:
    """Each table's writable columns, and whether each must be given a value (NOT NULL with no
    database default; generated and identity columns are left out)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, is_nullable = 'NO' AND column_default IS NULL "
            "AND is_identity = 'NO' FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = ANY(%s) AND is_generated = 'NEVER'",
            [list(tables)],
        )
        found: dict[str, dict[str, bool]] = {}
        for table, column, required in cursor.fetchall():
            found.setdefault(table, {})[column] = required
    return found


def column_defaults(
    present: dict[str, dict[str, bool]], written: dict[str, list[str]]
) -> dict[str, dict[str, object]]:
    """Values for the required columns this script does not write: a column added after it was
    written, NOT NULL with only a Django-side default, gets that default (or the realistic
    value in REALISTIC_VALUES) rather than breaking the COPY."""
    models_by_table = {
        model._meta.db_table: model for model in apps.get_models(include_auto_created=True)
    }
    defaults: dict[str, dict[str, object]] = {}
    for table, columns in written.items():
        for column, required in present.get(table, {}).items():
            if column in columns or not required:
                continue
            if column in REALISTIC_VALUES.get(table, {}):
                value = REALISTIC_VALUES[table][column]
            else:
                model = models_by_table.get(table)
                field = (
                    next((f for f in model._meta.concrete_fields if f.column == column), None)
                    if model
                    else None
                )
                if field is None or not (field.has_default() or field.empty_strings_allowed):
                    raise SystemExit(
                        f"{table}.{column} is required and has no default: bench/corpus.py "
                        "must write it"
                    )
                value = field.get_default() if field.has_default() else ""
                if field.get_internal_type() == "JSONField":
                    value = json.dumps(value)
            defaults.setdefault(table, {})[column] = value
    return defaults


def drop_secondary_indexes(connection, tables: list[str]) -> list[str]:
    """Drop the indexes that back no constraint; return their definitions to rebuild them."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT index_class.relname, pg_get_indexdef(index.indexrelid)
            FROM pg_index index
            JOIN pg_class index_class ON index_class.oid = index.indexrelid
            JOIN pg_class table_class ON table_class.oid = index.indrelid
            WHERE table_class.relname = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = index.indexrelid)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in indexes]


def reset_sequences(connection, tables: list[str]) -> None:
    with connection.cursor() as cursor:
        for table in [*tables, "auth_user"]:
            key = "history_id" if "_historical" in table else "id"
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, key])
            sequence = cursor.fetchone()[0]
            if sequence:
                cursor.execute(
                    f'SELECT setval(%s, GREATEST((SELECT MAX("{key}") FROM "{table}"), 1))',
                    [sequence],
                )


class Corpus:
    """Generates the rows. One Random, so a --claims and --seed always give the same corpus."""

    def __init__(self, claim_total: int, seed: int):
        self.random = random.Random(seed)
        self.claim_total = claim_total
        self.article_total = max(1, round(claim_total / CLAIMS_PER_ARTICLE))
        self.source_total = max(10, round(claim_total * SOURCES_PER_CLAIM))
        self.outlet_total = max(10, min(400, round(claim_total / 2500)))
        self.noun_weights = zipf_weights(len(NOUNS), 1.0)
        self.place_weights = zipf_weights(len(PLACES), 1.0)

    # --- words -------------------------------------------------------------------------------

    def words(self, count: int) -> list[str]:
        return self.random.choices(NOUNS, cum_weights=self.noun_weights, k=count)

    def sentence(self) -> str:
        """One newsroom sentence of 12 to 30 words."""
        choose = self.random.choice
        nouns = self.words(self.random.randint(6, 16))
        place = self.random.choices(PLACES, cum_weights=self.place_weights)[0]
        head = f"{choose(ADJECTIVES)} {nouns[0]} in {place} {choose(VERBS)} that"
        rest = " ".join(
            f"{choose(ADJECTIVES).lower()} {noun}" if index % 3 == 0 else noun
            for index, noun in enumerate(nouns[1:])
        )
        return f"{head[0].upper()}{head[1:]} {rest} on {self.random.randint(1, 28)} May"

    def title(self, length: int) -> str:
        words = [*self.words(length), self.random.choice(PLACES)]
        self.random.shuffle(words)
        text = " ".join(words)
        return text[0].upper() + text[1:]

    def person(self) -> str:
        return f"{self.random.choice(FIRST_NAMES)} {self.random.choice(LAST_NAMES)}"

    # --- sizes -------------------------------------------------------------------------------

    def claims_per_article(self) -> list[int]:
        """Long-tailed sizes summing to claim_total: most articles of 10-40 sentences, a few
        long reports of 1,500 or more."""
        sizes = [max(3.0, self.random.lognormvariate(3.0, 0.7)) for _ in range(self.article_total)]
        for index, big in enumerate((1500, 1200, 900, 600)):
            if index < len(sizes) and self.claim_total >= big * 50:
                sizes[index] = big
        scale = self.claim_total / sum(sizes)
        counts = [max(1, int(size * scale)) for size in sizes]
        shortfall = self.claim_total - sum(counts)
        index = len(counts) - 1
        while shortfall != 0:
            step = 1 if shortfall > 0 else -1
            if counts[index] + step >= 1:
                counts[index] += step
                shortfall -= step
            index = (index - 1) % len(counts)
        return counts


def build(connection, corpus: Corpus, timings: dict[str, float]) -> dict[str, int]:
    rng = corpus.random
    columns = {
        "auth_user": [
            "id",
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
        ],
        "auth_user_groups": ["user_id", "group_id"],
        "sources_outlet": ["id", "name", "normalized_name", "slug", "url"],
        "sources_source": [
            "id",
            "title",
            "outlet_id",
            "authors",
            "published_on",
            "url",
            "in_bibliography",
            "linked_article_id",
            "fingerprint",
            "created_at",
        ],
        "sources_historicalsource": [
            "id",
            "title",
            "outlet_id",
            "authors",
            "published_on",
            "url",
            "in_bibliography",
            "linked_article_id",
            "fingerprint",
            "created_at",
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
        ],
        "articles_article": [
            "id",
            "title",
            "slug",
            "kicker",
            "standfirst",
            "outlet_id",
            "published_on",
            "url",
            "body",
            "metadata",
            "source_file_name",
            "content_hash",
            "imported_at",
            "updated_at",
        ],
        "articles_contributor": ["id", "article_id", "name", "role", "role_label", "position"],
        "articles_reference": [
            "id",
            "article_id",
            "source_id",
            "position",
            "key",
            "label",
            "raw_text",
            "in_bibliography",
        ],
        "articles_citation": [
            "id",
            "article_id",
            "reference_id",
            "source_id",
            "label",
            "position",
            "start",
            "end",
        ],
        "claims_claim": [
            "id",
            "article_id",
            "ordinal",
            "text",
            "start",
            "end",
            "paragraph",
            "status",
            "reason",
            "reviewed_by_id",
            "reviewed_at",
        ],
        "claims_evidence": [
            "id",
            "claim_id",
            "source_id",
            "stance",
            "quote",
            "added_by_id",
            "added_at",
        ],
        "claims_historicalclaim": [
            "id",
            "article_id",
            "ordinal",
            "text",
            "start",
            "end",
            "paragraph",
            "status",
            "reason",
            "reviewed_by_id",
            "reviewed_at",
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
        ],
        "claims_historicalevidence": [
            "id",
            "claim_id",
            "source_id",
            "stance",
            "quote",
            "added_by_id",
            "added_at",
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
        ],
        "claims_claimlink": ["from_claim_id", "to_claim_id", "kind", "note", "linked_at"],
    }
    present = table_columns(connection, columns)
    for table, wanted in columns.items():
        missing = set(wanted) - set(present.get(table, {}))
        if missing:
            raise SystemExit(
                f"the schema has no {table}.{sorted(missing)[0]}: update bench/corpus.py"
            )
    defaults = column_defaults(present, columns)
    for table, values in defaults.items():
        print(f"    {table}: also writing {', '.join(f'{k}={v!r}' for k, v in values.items())}")
    loader = Loader(connection, columns, defaults)

    with phase("editors, outlets and sources", timings):
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM auth_group WHERE name = 'Editors'")
            editors_group = cursor.fetchone()[0]
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM auth_user")
            first_user = cursor.fetchone()[0] + 1
        editors = []
        for number in range(EDITOR_COUNT):
            user_id = first_user + number
            first, last = corpus.person().split()
            loader.add(
                "auth_user",
                [
                    user_id,
                    "!",
                    False,
                    f"bench-editor-{number}",
                    first,
                    last,
                    f"editor{number}@example.org",
                    True,
                    True,
                    EPOCH,
                ],
            )
            loader.add("auth_user_groups", [user_id, editors_group])
            editors.append(user_id)

        outlets: list[tuple[int, str]] = []
        seen_outlets: set[str] = set()
        while len(outlets) < corpus.outlet_total:
            name = f"{rng.choice(OUTLET_PREFIXES)} {rng.choice(OUTLET_STEMS)}"
            normalized = normalize_outlet_name(name)
            if normalized in seen_outlets:
                name = f"{name} {len(outlets)}"
                normalized = normalize_outlet_name(name)
            seen_outlets.add(normalized)
            outlet_id = len(outlets) + 1
            slug = normalized.replace(" ", "-")
            url = f"https://www.{slug.replace('-', '')}.example/" if rng.random() < 0.8 else ""
            loader.add("sources_outlet", [outlet_id, name, normalized, slug, url])
            outlets.append((outlet_id, name))
        outlet_weights = zipf_weights(len(outlets), 1.1)

        # Each source: (id, title, outlet name, date) for the reference entries written later.
        sources: list[tuple[int, str, str, datetime.date | None]] = []
        fingerprints: set[str] = set()
        while len(sources) < corpus.source_total:
            has_outlet = rng.random() < 0.9
            outlet_id, outlet_name = (
                rng.choices(outlets, cum_weights=outlet_weights)[0] if has_outlet else (None, "")
            )
            title = corpus.title(rng.randint(4, 9))
            fingerprint = source_fingerprint(title=title, outlet_name=outlet_name, url="")
            if fingerprint in fingerprints:
                continue
            fingerprints.add(fingerprint)
            source_id = len(sources) + 1
            published = (
                (EPOCH + datetime.timedelta(days=rng.randint(0, 1000))).date()
                if rng.random() < 0.7
                else None
            )
            authors = [corpus.person() for _ in range(rng.choice((0, 0, 1, 1, 1, 2)))]
            url = f"https://example.org/works/{source_id}" if rng.random() < 0.6 else ""
            created = EPOCH + datetime.timedelta(minutes=source_id)
            row = [
                source_id,
                title,
                outlet_id,
                authors,
                published,
                url,
                True,
                None,
                fingerprint,
                created,
            ]
            loader.add("sources_source", row)
            loader.add(
                "sources_historicalsource", [*row, created, "import bench corpus", "+", None]
            )
            sources.append((source_id, title, outlet_name, published))
            loader.flush_if_full()
        loader.flush()

    # Every source is cited by some article (the importer creates sources from references);
    # beyond that, popularity is long-tailed: a few works are cited by thousands of articles.
    unassigned = list(range(len(sources)))
    rng.shuffle(unassigned)
    popular_pool = min(len(sources), 20_000)
    popular_weights = zipf_weights(popular_pool, 1.05)

    counts = corpus.claims_per_article()
    reference_id = citation_id = claim_id = evidence_id = contributor_id = 0
    reviewed_claims: list[int] = []
    statuses = list(STATUS_WEIGHTS)
    status_weights = list(STATUS_WEIGHTS.values())
    started = time.perf_counter()
    with phase(f"{corpus.article_total:,} articles and {corpus.claim_total:,} claims", timings):
        for article_index, claim_count in enumerate(counts):
            article_id = article_index + 1
            imported = EPOCH + datetime.timedelta(minutes=30 * article_index)
            published = (imported - datetime.timedelta(days=rng.randint(0, 3))).date()
            outlet_id = (
                rng.choices(outlets[:150], cum_weights=outlet_weights[:150])[0][0]
                if rng.random() < 0.95
                else None
            )
            # The reference list: its share of never-cited sources, then popular ones.
            reference_count = max(2, min(60, round(math.sqrt(claim_count) * 1.6)))
            remaining_articles = corpus.article_total - article_index
            fresh = min(
                len(unassigned),
                max(1, math.ceil(len(unassigned) / remaining_articles)),
                reference_count,
            )
            chosen = [unassigned.pop() for _ in range(fresh)]
            chosen_set = set(chosen)
            while len(chosen) < reference_count:
                pick = rng.choices(range(popular_pool), cum_weights=popular_weights)[0]
                if pick not in chosen_set:
                    chosen.append(pick)
                    chosen_set.add(pick)
            references = []  # (reference id, source id, key)
            for position, source_index in enumerate(chosen):
                source_id, title, outlet_name, source_date = sources[source_index]
                reference_id += 1
                key = str(position + 1)
                date_text = source_date.strftime(" %d %b. %Y,") if source_date else ""
                raw = f"{key}. “{title}” {outlet_name},{date_text}".strip()
                loader.add(
                    "articles_reference",
                    [
                        reference_id,
                        article_id,
                        source_id,
                        position,
                        key,
                        f"{key}.",
                        raw,
                        True,
                    ],
                )
                references.append((reference_id, source_id, key))

            # The body: paragraphs of 1-6 sentences; claims point into it by offsets.
            parts: list[str] = []
            offset = 0
            paragraph = 0
            in_paragraph = 0
            paragraph_length = rng.randint(1, 6)
            marker_position = 0
            claim_rows = []
            for ordinal in range(claim_count):
                if in_paragraph == paragraph_length:
                    parts.append("\n\n")
                    offset += 2
                    paragraph += 1
                    in_paragraph = 0
                    paragraph_length = rng.randint(1, 6)
                elif in_paragraph:
                    parts.append(" ")
                    offset += 1
                text = corpus.sentence() + "."
                draw = rng.random()
                markers = 2 if draw < 0.08 else 1 if draw < 0.62 else 0
                cited_sources = []
                for _ in range(markers):
                    ref_id, source_id, key = rng.choice(references)
                    label = f"[{key}]"
                    marker_start = offset + len(text)
                    text += label
                    citation_id += 1
                    loader.add(
                        "articles_citation",
                        [
                            citation_id,
                            article_id,
                            ref_id,
                            source_id,
                            label,
                            marker_position,
                            marker_start,
                            marker_start + len(label),
                        ],
                    )
                    marker_position += 1
                    if source_id not in cited_sources:
                        cited_sources.append(source_id)
                claim_id += 1
                claim_rows.append((claim_id, ordinal, text, offset, paragraph, cited_sources))
                parts.append(text)
                offset += len(text)
                in_paragraph += 1
            body = "".join(parts)
            title = corpus.title(rng.randint(6, 11))
            standfirst = corpus.sentence() + "." if rng.random() < 0.6 else ""
            slug = f"{title.lower().replace(' ', '-')[:150]}-{article_id}"
            loader.add(
                "articles_article",
                [
                    article_id,
                    title,
                    slug,
                    "",
                    standfirst,
                    outlet_id,
                    published,
                    f"https://news.example/{article_id}" if rng.random() < 0.7 else "",
                    body,
                    "{}",
                    f"bench-{article_id:06d}.txt",
                    f"{article_id:064x}",
                    imported,
                    imported,
                ],
            )
            for position in range(rng.choice((0, 1, 1, 1, 2))):
                contributor_id += 1
                loader.add(
                    "articles_contributor",
                    [
                        contributor_id,
                        article_id,
                        corpus.person(),
                        "author",
                        "By",
                        position,
                    ],
                )

            import_reason = f"import bench-{article_id:06d}.txt"
            for claim_key, ordinal, text, start, paragraph_index, cited_sources in claim_rows:
                end = start + len(text)
                base = [claim_key, article_id, ordinal, text, start, end, paragraph_index]
                loader.add(
                    "claims_historicalclaim",
                    [
                        *base,
                        "unreviewed",
                        "",
                        None,
                        None,
                        imported,
                        import_reason,
                        "+",
                        None,
                    ],
                )
                for source_id in cited_sources:
                    evidence_id += 1
                    row = [evidence_id, claim_key, source_id, "cited", "", None, imported]
                    loader.add("claims_evidence", row)
                    loader.add(
                        "claims_historicalevidence", [*row, imported, import_reason, "+", None]
                    )
                if rng.random() >= REVIEWED_SHARE:
                    loader.add("claims_claim", [*base, "unreviewed", "", None, None])
                    continue
                status = rng.choices(statuses, weights=status_weights)[0]
                reviewer = rng.choice(editors)
                reviewed_at = imported + datetime.timedelta(minutes=rng.randint(60, 60 * 24 * 60))
                reason_source = sources[rng.randrange(len(sources))][2] or "The cited report"
                reason = REASONS[status].format(source=reason_source)
                if rng.random() < 0.05:
                    # An earlier verdict, since changed: the history keeps both.
                    earlier = rng.choice([other for other in statuses if other != status])
                    earlier_reason = REASONS[earlier].format(source=reason_source)
                    earlier_at = reviewed_at - datetime.timedelta(hours=rng.randint(1, 200))
                    loader.add(
                        "claims_historicalclaim",
                        [
                            *base,
                            earlier,
                            earlier_reason,
                            reviewer,
                            earlier_at,
                            earlier_at,
                            change_reason(earlier, earlier_reason),
                            "~",
                            reviewer,
                        ],
                    )
                loader.add("claims_claim", [*base, status, reason, reviewer, reviewed_at])
                loader.add(
                    "claims_historicalclaim",
                    [
                        *base,
                        status,
                        reason,
                        reviewer,
                        reviewed_at,
                        reviewed_at,
                        change_reason(status, reason),
                        "~",
                        reviewer,
                    ],
                )
                reviewed_claims.append(claim_key)
                for stance in EDITOR_STANCES[status]:
                    if rng.random() < 0.55:
                        evidence_id += 1
                        source_id = references[rng.randrange(len(references))][1]
                        added_at = reviewed_at - datetime.timedelta(minutes=rng.randint(1, 50))
                        quote = corpus.sentence() + "."
                        row = [evidence_id, claim_key, source_id, stance, quote, reviewer, added_at]
                        loader.add("claims_evidence", row)
                        loader.add(
                            "claims_historicalevidence", [*row, added_at, None, "+", reviewer]
                        )
            loader.flush_if_full()
            if article_id % 2000 == 0:
                elapsed = time.perf_counter() - started
                print(
                    f"    {article_id:,} / {corpus.article_total:,} articles, {claim_id:,} claims, "
                    f"{evidence_id:,} evidence ({elapsed:.0f} s)",
                    flush=True,
                )
        # Claims in different articles linked as "same": one row per pair, smaller id first.
        linked_pairs = set()
        for _ in range(min(5000, len(reviewed_claims) // 2)):
            first, second = sorted(rng.sample(reviewed_claims, 2))
            if (first, second) in linked_pairs:
                continue
            linked_pairs.add((first, second))
            loader.add("claims_claimlink", [first, second, "same", "", EPOCH])
        loader.flush()
    return loader.counts


def change_reason(status: str, reason: str) -> str:
    # As claims.services writes it: the history's change reason is text, kept whole.
    return f"{STATUS_LABELS[status]}: {reason}"


def default_name(claims: int) -> str:
    if claims % 1_000_000 == 0:
        return f"factcheck_bench_{claims // 1_000_000}m"
    if claims % 1000 == 0:
        return f"factcheck_bench_{claims // 1000}k"
    return f"factcheck_bench_{claims}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", help="default: factcheck_bench_1m, _100k, …")
    parser.add_argument("--force", action="store_true", help="rebuild even if it exists")
    arguments = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck")
    database = arguments.database or default_name(arguments.claims)
    url = database_url_for(server_url, database)
    wanted = {
        "claims": str(arguments.claims),
        "seed": str(arguments.seed),
        "version": str(CORPUS_VERSION),
    }
    timings: dict[str, float] = {}
    overall = time.perf_counter()

    found = existing_corpus(server_url, database)
    if found and not arguments.force and all(found.get(k) == v for k, v in wanted.items()):
        print(f"{database} already holds this corpus (built {found.get('built_at')}); migrating")
        with phase("migrate", timings):
            migrate(url)
    else:
        with phase(f"create {database} and migrate", timings):
            recreate_database(server_url, database)
            migrate(url)
        connection = server_connection(server_url, database)
        connection.autocommit = False
        with phase("drop secondary indexes", timings):
            index_definitions = drop_secondary_indexes(connection, CONTENT_TABLES)
            connection.commit()
        corpus = Corpus(arguments.claims, arguments.seed)
        counts = build(connection, corpus, timings)
        connection.commit()
        with phase(f"rebuild {len(index_definitions)} indexes", timings):
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                for definition in index_definitions:
                    cursor.execute(definition)
            reset_sequences(connection, CONTENT_TABLES)
            with connection.cursor() as cursor:
                cursor.execute("CREATE TABLE bench_corpus (key text PRIMARY KEY, value text)")
                cursor.executemany(
                    "INSERT INTO bench_corpus VALUES (%s, %s)",
                    [
                        *wanted.items(),
                        ("built_at", datetime.datetime.now(datetime.UTC).isoformat()),
                    ],
                )
            connection.commit()
        connection.autocommit = True
        with phase("vacuum analyze", timings), connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        connection.close()
        print("rows written:")
        for table, count in counts.items():
            print(f"    {table:<32} {count:>12,}")

    connection = server_connection(server_url, database)
    with connection.cursor() as cursor:
        summary = {}
        for label, sql in {
            "claims": "SELECT COUNT(*) FROM claims_claim",
            "reviewed": "SELECT COUNT(*) FROM claims_claim WHERE status <> 'unreviewed'",
            "articles": "SELECT COUNT(*) FROM articles_article",
            "sources": "SELECT COUNT(*) FROM sources_source",
            "outlets": "SELECT COUNT(*) FROM sources_outlet",
            "evidence": "SELECT COUNT(*) FROM claims_evidence",
            "history (claims)": "SELECT COUNT(*) FROM claims_historicalclaim",
            "most evidence for one source": "SELECT MAX(n) FROM (SELECT COUNT(*) n FROM "
            "claims_evidence GROUP BY source_id) counts",
            "most claims in one article": "SELECT MAX(n) FROM (SELECT COUNT(*) n FROM "
            "claims_claim GROUP BY article_id) counts",
            # The stored counters against the rows: both must be 0.
            "claims, evidence count off": "SELECT COUNT(*) FROM claims_claim claim LEFT "
            "JOIN (SELECT claim_id, COUNT(*) n FROM claims_evidence GROUP BY claim_id) counted "
            "ON counted.claim_id = claim.id WHERE claim.evidence_count <> COALESCE(counted.n, 0)",
            "articles, claim counts off": "SELECT COUNT(*) FROM (SELECT article_id, "
            "COUNT(*) total, COUNT(*) FILTER (WHERE status = 'contested') contested, "
            "COUNT(*) FILTER (WHERE evidence_count > 0) evidenced, "
            "COUNT(*) FILTER (WHERE withdrawn_at IS NOT NULL) withdrawn "
            "FROM claims_claim GROUP BY article_id) counted FULL JOIN claims_articleclaimcounts "
            "stored USING (article_id) WHERE (counted.total, counted.contested, counted.evidenced, "
            "counted.withdrawn) IS DISTINCT FROM (stored.claims_unreviewed + "
            "stored.claims_supported + stored.claims_contested + stored.claims_false + "
            "stored.claims_unverifiable + stored.claims_not_a_claim, stored.claims_contested, "
            "stored.evidenced_unreviewed + stored.evidenced_supported + "
            "stored.evidenced_contested + stored.evidenced_false + stored.evidenced_unverifiable "
            "+ stored.evidenced_not_a_claim, stored.withdrawn)",
            # The outlet page's counters (claims 0015_outlet_counters): both must be 0 too.
            "articles, coverage off": "SELECT COUNT(*) FROM (SELECT article.id AS article_id, "
            "COUNT(claim.id) sentences, COUNT(claim.id) FILTER (WHERE claim.status <> "
            "'unreviewed') reviewed, COUNT(claim.id) FILTER (WHERE claim.checkworthy IS NOT "
            "NULL) checked, COUNT(claim.id) FILTER (WHERE claim.checkworthy) checkworthy, "
            "COUNT(claim.id) FILTER (WHERE claim.checkworthy AND EXISTS (SELECT 1 FROM "
            "claims_evidence evidence WHERE evidence.claim_id = claim.id AND evidence.stance = "
            "'cited')) cited FROM articles_article article LEFT JOIN claims_claim claim ON "
            "claim.article_id = article.id AND claim.withdrawn_at IS NULL GROUP BY article.id) "
            "counted FULL JOIN claims_articlecoveragecounts stored USING (article_id) WHERE "
            "(counted.sentences, counted.reviewed, counted.checked, counted.checkworthy, "
            "counted.cited) IS DISTINCT FROM (stored.sentences, stored.reviewed, stored.checked, "
            "stored.checkworthy, stored.checkworthy_cited)",
            "outlet citations off": "SELECT COUNT(*) FROM (SELECT outlet_id, article_id, "
            "COUNT(*) total, COUNT(*) FILTER (WHERE status = 'contested') contested FROM "
            "(SELECT DISTINCT source.outlet_id, claim.article_id, claim.id, claim.status FROM "
            "claims_claim claim JOIN claims_evidence evidence ON evidence.claim_id = claim.id "
            "JOIN sources_source source ON source.id = evidence.source_id WHERE source.outlet_id "
            "IS NOT NULL) citing GROUP BY outlet_id, article_id) counted FULL JOIN "
            "claims_outletcitationcounts stored USING (outlet_id, article_id) WHERE "
            "(counted.total, counted.contested) IS DISTINCT FROM (stored.claims_unreviewed + "
            "stored.claims_supported + stored.claims_contested + stored.claims_false + "
            "stored.claims_unverifiable + stored.claims_not_a_claim, stored.claims_contested)",
        }.items():
            cursor.execute(sql)
            summary[label] = cursor.fetchone()[0]
    connection.close()
    print(f"\n{database}:")
    for label, value in summary.items():
        print(f"    {label:<32} {value:>12,}")
    print(f"    {'reviewed share':<32} {summary['reviewed'] / max(1, summary['claims']):>12.1%}")
    print("timings:")
    for name, seconds in timings.items():
        print(f"    {name:<48} {seconds:8.1f} s")
    print(f"    {'total':<48} {time.perf_counter() - overall:8.1f} s")
    print(f"\nexport DATABASE_URL={url}")


if __name__ == "__main__":
    main()
