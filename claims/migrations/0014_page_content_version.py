"""The page content version: a number PostgreSQL itself moves on, in the same transaction, with
every write to a table that public pages are made from. The page cache (factcheck/page_cache.py)
keys every page by it, so a verdict, an import, a raw `UPDATE` in psql or a `TRUNCATE` makes
every cached page stale at the moment the change commits, never before and never later.

How, without making writers wait for one another:
- A statement-level trigger on each such table inserts a row into factcheck_page_content_change
  for every writing statement. Inserts of distinct rows never wait on one another, and no lock
  is held that could form a deadlock with the row locks editors and the importer take
  (`SELECT ... FOR UPDATE`, then write, in any order).
- The version is `base + count(change rows)`. Other sessions see a transaction's rows when it
  commits, all at once; a rolled-back transaction (or savepoint) leaves none. The writing
  session itself sees its own rows at once, so inside one transaction (a test, a shell) every
  write moves the version too. Readers read it in one statement (one snapshot) before they read
  the page's data, so a cached page is never older than its version.
- Now and then (past COMPACT_AFTER rows) a writer folds the rows it sees into `base`: delete
  them and add their count in one statement, which leaves the sum unchanged. Only a writer that
  gets the version row with `SKIP LOCKED` folds, so no one ever waits for it.

A single counter row updated by every writer would be simpler, but every writer would then hold
that row's lock from its first write to its commit: imports would run one at a time, and an
editor holding a claim `FOR UPDATE` could deadlock with an import holding the counter.
"""

from django.db import migrations

COMPACT_AFTER = 500

# Every table a public page (list, detail, feed, sitemap, export) is made from, history included
# (the claim page shows how the verdict changed). Not: link suggestions (the review desk only),
# sessions, the admin log, login throttling, the cache tables. tests/test_page_cache.py fails
# when a new model's table is in neither list. (The stored counters change with the claims, in
# the same statement; their own trigger covers a recount.)
PAGE_TABLES = [
    "articles_article",
    "articles_contributor",
    "articles_reference",
    "articles_citation",
    "claims_claim",
    "claims_articleclaimcounts",
    "claims_evidence",
    "claims_claimlink",
    "claims_historicalclaim",
    "claims_historicalevidence",
    "claims_historicalclaimlink",
    "sources_outlet",
    "sources_source",
    "sources_historicalsource",
]
# Pages show an editor's full name; a login only sets last_login, which no page shows.
USER_COLUMNS = ["first_name", "last_name"]

FUNCTIONS = f"""
CREATE TABLE factcheck_page_content_version (
    id smallint PRIMARY KEY CONSTRAINT factcheck_page_content_version_single_row CHECK (id = 1),
    base bigint NOT NULL,
    -- Random per database: a database made anew counts from 1 again, and a shared Redis may
    -- still hold pages of those numbers from the one before.
    epoch text NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text)
);
INSERT INTO factcheck_page_content_version (id, base) VALUES (1, 1);
CREATE TABLE factcheck_page_content_change (
    id bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY
);

CREATE FUNCTION factcheck_page_content_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    change_id bigint;
BEGIN
    INSERT INTO factcheck_page_content_change DEFAULT VALUES RETURNING id INTO change_id;
    -- Counting the rows now and then is enough to keep the table short.
    IF change_id % 50 = 0
        AND current_setting('transaction_isolation') = 'read committed'
        AND (SELECT count(*) FROM factcheck_page_content_change) > {COMPACT_AFTER}
    THEN
        PERFORM 1 FROM factcheck_page_content_version WHERE id = 1 FOR UPDATE SKIP LOCKED;
        IF FOUND THEN
            WITH folded AS (DELETE FROM factcheck_page_content_change RETURNING 1)
            UPDATE factcheck_page_content_version
            SET base = base + (SELECT count(*) FROM folded) WHERE id = 1;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION factcheck_page_content_version() RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT base + (SELECT count(*) FROM factcheck_page_content_change)
    FROM factcheck_page_content_version WHERE id = 1
$$;
"""


def trigger_sql(table: str, events: str) -> str:
    return (
        f"CREATE TRIGGER factcheck_page_content_changed AFTER {events} ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION factcheck_page_content_changed();"
    )


FORWARD = "\n".join(
    [
        FUNCTIONS,
        *(trigger_sql(table, "INSERT OR UPDATE OR DELETE OR TRUNCATE") for table in PAGE_TABLES),
        trigger_sql("auth_user", f"INSERT OR DELETE OR UPDATE OF {', '.join(USER_COLUMNS)}"),
    ]
)
BACKWARD = "\n".join(
    [
        *(
            f"DROP TRIGGER IF EXISTS factcheck_page_content_changed ON {table};"
            for table in [*PAGE_TABLES, "auth_user"]
        ),
        "DROP FUNCTION IF EXISTS factcheck_page_content_version();",
        "DROP FUNCTION IF EXISTS factcheck_page_content_changed();",
        "DROP TABLE IF EXISTS factcheck_page_content_change;",
        "DROP TABLE IF EXISTS factcheck_page_content_version;",
    ]
)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("articles", "0005_list_order_indexes"),
        ("sources", "0002_list_order_indexes"),
        ("claims", "0013_evidence_source_stance_id_index"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
