"""An index that answers quoted phrases: each claim's pairs of nearby lexemes.

A GIN index over `search_vector` knows which claims hold each lexeme, not where: for
`"border militia"` PostgreSQL fetched every claim holding both words (48,000 at a million
claims) to check their positions, or walked the newest-verdict index testing every claim
(3.2 s). `claims_lexeme_pairs()` lists, for a vector, every pair of lexemes at most two
positions apart with their distance ("border 1 militia"); a GIN index over it (an expression
index: no column, no table rewrite) finds the claims holding a phrase's pairs, a superset of
the phrase's matches a few times its size, and the tsquery checks those few exactly.

Two positions, not one: a phrase with a stop word inside ("rule of law" is 'rule' <2> 'law')
is answered too. Pairs further apart are left out of the search (claims.search), which then
still finds every match, from fewer pairs.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

PAIRS_FUNCTION = """
CREATE FUNCTION claims_lexeme_pairs(vector tsvector) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT COALESCE(
        array_agg(DISTINCT first.lexeme || ' ' || (second.position - first.position)
            || ' ' || second.lexeme),
        '{}'
    )
    FROM (SELECT lexeme, unnest(positions) AS position FROM unnest(vector)) AS first
    JOIN (SELECT lexeme, unnest(positions) AS position FROM unnest(vector)) AS second
        ON second.position - first.position BETWEEN 1 AND 2
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("claims", "0015_outlet_counters")]

    operations = [
        migrations.RunSQL(PAIRS_FUNCTION, "DROP FUNCTION claims_lexeme_pairs(tsvector);"),
        migrations.AddIndex(
            model_name="claim",
            index=GinIndex(
                models.Func(
                    models.F("search_vector"),
                    function="claims_lexeme_pairs",
                    output_field=models.TextField(),
                ),
                name="claim_phrase_pairs_idx",
            ),
        ),
    ]
