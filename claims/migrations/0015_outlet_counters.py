"""Stored counters for the outlet page: coverage per article, claims citing an outlet per article.

The outlet page summed its claims on every request: the biggest outlet at a million claims is
behind 213,000 of them and 180,000 evidence rows (3.3 s). Its three figures now come from rows
kept exact by the database, one per article or per (outlet, article), summed over the outlet's
articles off their indexes:
- claims_articlecoveragecounts: per article, its current sentences, reviewed, checked,
  check-worthy, check-worthy with a citation (the coverage box);
- claims_outletcitationcounts: per (outlet, article), the article's claims citing the outlet's
  work, per verdict (the "citing its work" column of the verdict record). The "in its articles"
  column is already a sum of claims_articleclaimcounts over the outlet's articles.

How they stay exact: every statement that writes claims, evidence or sources recounts the
articles it touched, from the rows, in claims_article_extras_recount(). Not deltas as in
0011_stored_counters: whether a claim still cites an outlet after one of its evidence rows
goes depends on its other rows, and a recount of an article (a few dozen claims, 1,453 at
most in the benchmark corpus) from its index is cheap and cannot drift. Statement-level
triggers with transition tables, like 0011's, so a COPY chunk of 10,000 rows recounts its few
hundred articles once. The order of writes does not matter: evidence written before its claim
or source (foreign keys are checked at commit) is counted when the claim or source arrives;
a claim deleted before its evidence stops counting then.

Concurrency: the recount first locks the articles' coverage rows (in id order), so two
transactions touching the same article recount one after the other, the second from what the
first committed (READ COMMITTED: each statement of the function reads a fresh snapshot). Row
locks, not advisory locks: a corpus load touching 40,000 articles in one transaction would run
out of the lock table.

`claims_article_extras_rebuild()` recomputes both tables from the rows (this migration's
backfill; also for an operator after restoring a partial dump). Publication is applied when
reading, as for the other counters.
"""

import django.db.models.deletion
from django.db import migrations, models

STATUSES = ["unreviewed", "supported", "contested", "false", "unverifiable", "not_a_claim"]
STATUS_COLUMNS = [f"claims_{status}" for status in STATUSES]
COVERAGE_COLUMNS = ["sentences", "reviewed", "checked", "checkworthy", "checkworthy_cited"]


def coverage_counts(articles: str) -> str:
    """(article_id, coverage columns) for the articles `articles` (a FROM item with `id`)."""
    return f"""
SELECT wanted.id AS article_id,
    COUNT(claim.id) AS sentences,
    COUNT(claim.id) FILTER (WHERE claim.status <> 'unreviewed') AS reviewed,
    COUNT(claim.id) FILTER (WHERE claim.checkworthy IS NOT NULL) AS checked,
    COUNT(claim.id) FILTER (WHERE claim.checkworthy) AS checkworthy,
    COUNT(claim.id) FILTER (WHERE claim.checkworthy AND claim.cited) AS checkworthy_cited
FROM {articles} AS wanted
LEFT JOIN (
    SELECT claim.id, claim.article_id, claim.status, claim.checkworthy,
        EXISTS (
            SELECT 1 FROM claims_evidence AS evidence
            WHERE evidence.claim_id = claim.id AND evidence.stance = 'cited'
        ) AS cited
    FROM claims_claim AS claim WHERE claim.withdrawn_at IS NULL
) AS claim ON claim.article_id = wanted.id
GROUP BY wanted.id"""


def citation_counts(condition: str) -> str:
    """(outlet_id, article_id, claims per verdict) of the claims matching `condition`."""
    sums = ", ".join(
        f"COUNT(*) FILTER (WHERE status = '{status}') AS claims_{status}" for status in STATUSES
    )
    return f"""
SELECT outlet_id, article_id, {sums}
FROM (
    SELECT DISTINCT source.outlet_id, claim.article_id, claim.id, claim.status
    FROM claims_claim AS claim
    JOIN articles_article AS article ON article.id = claim.article_id
    JOIN claims_evidence AS evidence ON evidence.claim_id = claim.id
    JOIN sources_source AS source ON source.id = evidence.source_id
    JOIN sources_outlet AS outlet ON outlet.id = source.outlet_id
    WHERE {condition}
) AS citing
GROUP BY outlet_id, article_id"""


COVERAGE_SET = ", ".join(f"{column} = counted.{column}" for column in COVERAGE_COLUMNS)
STATUS_LIST = ", ".join(STATUS_COLUMNS)
COVERAGE_LIST = ", ".join(COVERAGE_COLUMNS)

RECOUNT = f"""
CREATE FUNCTION claims_article_extras_recount(article_ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF article_ids IS NULL OR cardinality(article_ids) = 0 THEN
        RETURN;
    END IF;
    -- Deleted articles (foreign keys are checked at commit) get no row.
    INSERT INTO claims_articlecoveragecounts (article_id)
        SELECT id FROM articles_article WHERE id = ANY(article_ids) ORDER BY id
        ON CONFLICT (article_id) DO NOTHING;
    -- One writer per article at a time; each statement below sees what the one before
    -- committed.
    PERFORM 1 FROM claims_articlecoveragecounts WHERE article_id = ANY(article_ids)
        ORDER BY article_id FOR UPDATE;
    UPDATE claims_articlecoveragecounts AS coverage SET {COVERAGE_SET}
    FROM ({coverage_counts("(SELECT DISTINCT unnest(article_ids) AS id)")}) AS counted
    WHERE coverage.article_id = counted.article_id;
    DELETE FROM claims_outletcitationcounts WHERE article_id = ANY(article_ids);
    INSERT INTO claims_outletcitationcounts (outlet_id, article_id, {STATUS_LIST})
    {citation_counts("claim.article_id = ANY(article_ids)")}
    ORDER BY outlet_id, article_id;
END $$;
"""

REBUILD = f"""
CREATE FUNCTION claims_article_extras_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE claims_articlecoveragecounts, claims_outletcitationcounts IN EXCLUSIVE MODE;
    DELETE FROM claims_articlecoveragecounts;
    INSERT INTO claims_articlecoveragecounts (article_id, {COVERAGE_LIST})
    {coverage_counts("articles_article")};
    DELETE FROM claims_outletcitationcounts;
    INSERT INTO claims_outletcitationcounts (outlet_id, article_id, {STATUS_LIST})
    {citation_counts("TRUE")};
END $$;
"""


def articles_of_claims(claim_ids: str) -> str:
    return (
        f"ARRAY(SELECT DISTINCT claim.article_id FROM claims_claim AS claim "
        f"WHERE claim.id IN ({claim_ids}))"
    )


def articles_citing_sources(source_ids: str) -> str:
    return articles_of_claims(
        f"SELECT evidence.claim_id FROM claims_evidence AS evidence "
        f"WHERE evidence.source_id IN ({source_ids})"
    )


CHANGED_EVIDENCE = (
    "FROM old_rows AS earlier JOIN new_rows AS later ON later.id = earlier.id "
    "WHERE (earlier.claim_id, earlier.source_id, earlier.stance) "
    "IS DISTINCT FROM (later.claim_id, later.source_id, later.stance)"
)
CHANGED_CLAIMS = (
    "FROM old_rows AS earlier JOIN new_rows AS later ON later.id = earlier.id "
    "WHERE (earlier.article_id, earlier.status, earlier.withdrawn_at IS NULL, earlier.checkworthy) "
    "IS DISTINCT FROM (later.article_id, later.status, later.withdrawn_at IS NULL, later.checkworthy)"
)
CHANGED_SOURCES = (
    "SELECT later.id FROM old_rows AS earlier JOIN new_rows AS later ON later.id = earlier.id "
    "WHERE earlier.outlet_id IS DISTINCT FROM later.outlet_id"
)

# (trigger and function name, table, event, transition tables, article ids to recount)
RECOUNT_TRIGGERS = [
    (
        "claims_extras_evidence_insert",
        "claims_evidence",
        "INSERT",
        "NEW TABLE AS new_rows",
        articles_of_claims("SELECT claim_id FROM new_rows"),
    ),
    (
        "claims_extras_evidence_delete",
        "claims_evidence",
        "DELETE",
        "OLD TABLE AS old_rows",
        articles_of_claims("SELECT claim_id FROM old_rows"),
    ),
    (
        "claims_extras_evidence_update",
        "claims_evidence",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        articles_of_claims(
            f"SELECT earlier.claim_id {CHANGED_EVIDENCE} UNION ALL "
            f"SELECT later.claim_id {CHANGED_EVIDENCE}"
        ),
    ),
    (
        "claims_extras_claim_insert",
        "claims_claim",
        "INSERT",
        "NEW TABLE AS new_rows",
        "ARRAY(SELECT DISTINCT article_id FROM new_rows)",
    ),
    (
        "claims_extras_claim_delete",
        "claims_claim",
        "DELETE",
        "OLD TABLE AS old_rows",
        "ARRAY(SELECT DISTINCT article_id FROM old_rows)",
    ),
    (
        # Also fires for the evidence triggers' evidence_count updates: none of the columns
        # counted here changes then, and the array is empty.
        "claims_extras_claim_update",
        "claims_claim",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        f"ARRAY(SELECT earlier.article_id {CHANGED_CLAIMS} UNION "
        f"SELECT later.article_id {CHANGED_CLAIMS})",
    ),
    (
        # A source written after evidence that cites it (foreign keys are checked at commit).
        "claims_extras_source_insert",
        "sources_source",
        "INSERT",
        "NEW TABLE AS new_rows",
        articles_citing_sources("SELECT id FROM new_rows WHERE outlet_id IS NOT NULL"),
    ),
    (
        "claims_extras_source_update",
        "sources_source",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        articles_citing_sources(CHANGED_SOURCES),
    ),
    (
        "claims_extras_source_delete",
        "sources_source",
        "DELETE",
        "OLD TABLE AS old_rows",
        articles_citing_sources("SELECT id FROM old_rows WHERE outlet_id IS NOT NULL"),
    ),
]


def statement_trigger(name: str, table: str, event: str, transitions: str, body: str) -> str:
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {body}
    RETURN NULL;
END $$;
CREATE TRIGGER {name} AFTER {event} ON {table}
    REFERENCING {transitions} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""


TRIGGERS = [
    (
        name,
        table,
        statement_trigger(
            name, table, event, transitions, f"PERFORM claims_article_extras_recount({ids});"
        ),
    )
    for name, table, event, transitions, ids in RECOUNT_TRIGGERS
] + [
    (
        "claims_extras_article_delete",
        "articles_article",
        statement_trigger(
            "claims_extras_article_delete",
            "articles_article",
            "DELETE",
            "OLD TABLE AS old_rows",
            "DELETE FROM claims_outletcitationcounts WHERE article_id IN (SELECT id FROM old_rows);"
            "DELETE FROM claims_articlecoveragecounts WHERE article_id IN (SELECT id FROM old_rows);",
        ),
    ),
    (
        "claims_extras_outlet_delete",
        "sources_outlet",
        statement_trigger(
            "claims_extras_outlet_delete",
            "sources_outlet",
            "DELETE",
            "OLD TABLE AS old_rows",
            "DELETE FROM claims_outletcitationcounts WHERE outlet_id IN (SELECT id FROM old_rows);",
        ),
    ),
]

# A rebuild (or an operator's manual fix) changes what pages show: the page cache's version
# moves with it (0014_page_content_version).
PAGE_VERSION = "".join(
    f"CREATE TRIGGER factcheck_page_content_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION factcheck_page_content_changed();"
    for table in ("claims_articlecoveragecounts", "claims_outletcitationcounts")
)

FORWARD = (
    RECOUNT
    + REBUILD
    + "".join(sql for _, _, sql in TRIGGERS)
    + PAGE_VERSION
    + "SELECT claims_article_extras_rebuild();"
)
BACKWARD = (
    "".join(
        f"DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}();" for name, table, _ in TRIGGERS
    )
    + "DROP FUNCTION claims_article_extras_rebuild();"
    + "DROP FUNCTION claims_article_extras_recount(bigint[]);"
)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_list_order_indexes"),
        ("sources", "0002_list_order_indexes"),
        ("claims", "0014_page_content_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleCoverageCounts",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="coverage_counts",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                *(
                    (column, models.IntegerField(db_default=0, default=0, editable=False))
                    for column in COVERAGE_COLUMNS
                ),
            ],
            options={"verbose_name_plural": "article coverage counts"},
        ),
        migrations.CreateModel(
            name="OutletCitationCounts",
            fields=[
                ("pk", models.CompositePrimaryKey("outlet", "article", serialize=False)),
                (
                    "outlet",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="citation_counts",
                        to="sources.outlet",
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="outlet_citation_counts",
                        to="articles.article",
                    ),
                ),
                *(
                    (column, models.IntegerField(db_default=0, default=0, editable=False))
                    for column in STATUS_COLUMNS
                ),
            ],
            options={"verbose_name_plural": "outlet citation counts"},
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
