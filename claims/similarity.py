"""Similar claims in other articles, ranked by PostgreSQL.

Two steps, both in the database, so nothing compares every pair in Python:

1. **Candidates off the full-text index.** A claim's rarest lexemes (by the frequencies
   PostgreSQL's ANALYZE keeps for `claims_claim.search_vector` in pg_stats, a lexeme it does
   not list being rarer than any it does) make a query "at least two of these"; the GIN index
   on the stored search vector returns the claims that share two of them. Rare words — names,
   numbers, specific nouns — are what two reports of one fact share, and their posting lists
   are short, so a lookup reads a few hundred rows whatever the corpus size. At most
   CANDIDATE_CAP candidates go on.
2. **Scoring the candidates** in the same statement:

       score = 0.8 * similarity             (pg_trgm: trigram overlap of the two sentences)
             + 0.2 * shared lexemes / lexemes in either   (stems, each in its claim's language)

   The first is language-blind (names, numbers and cognates match across languages); the
   second compares the stored search vectors, each made with the text search configuration of
   its claim's language (english, italian, german, …).

The weights were chosen on the tuning split of tests/claims/data/claim_pairs.json; the held-out
split, frozen before, measures them (bench/links_eval.py prints both). The whole corpus is paired
another way, through a token index built once per run (see "The whole corpus at once" below).
Everything here is a suggestion: an editor decides.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection

from claims.language import article_language
from claims.models import Claim, ClaimLink
from claims.search import FALLBACK_SEARCH_CONFIG
from claims.wording import shared_words

# The most of a claim's rarest lexemes its candidate query holds (a candidate shares two).
QUERY_TERMS = 16
# Aim for about this many candidates per claim, by the frequencies pg_stats gives...
CANDIDATE_TARGET = 150
# ...and never score more than this many (a claim made only of very common words).
CANDIDATE_CAP = 200
# The score: trigram overlap of the sentences (language-blind: names, numbers and shared word
# stems across languages) and the share of lexemes they have in common (stemmed in each claim's
# own language). Chosen on the tuning split of tests/claims/data/claim_pairs.json
# (bench/links_eval.py): MRR 0.82 with main's 0.5 trigram + 0.3 word similarity + 0.2 full-text
# rank, 0.85 with this, and four to five times cheaper to compute (no word_similarity, no
# tsquery per pair), which is what lets suggest_links score the whole corpus.
TRIGRAM_WEIGHT = 0.8
LEXEME_WEIGHT = 0.2
# Suggestions under this score are noise: same topic, not the same statement. Chosen on the
# tuning split with the weights above: at 0.25, 20 of its 51 linked pairs are suggested (16 of
# 51 at main's 0.3 with main's score) and 1 of its 10 hard negatives (1 before).
SUGGESTION_THRESHOLD = 0.25
SUGGESTIONS_SHOWN = 5


def score_sql(*, text: str, vector: str) -> str:
    """The score of `candidate` (a row with text and search_vector) against the SQL expressions
    `text` and `vector` (that text's search vector, made in its own language)."""
    # Lexemes shared over lexemes in either: the length of two tsvectors concatenated is the
    # number of lexemes in their union, so this is set arithmetic in C, not a join.
    union = f"length(candidate.search_vector || {vector})"
    shared = f"(length(candidate.search_vector) + length({vector}) - {union})"
    return f"""
        {TRIGRAM_WEIGHT} * similarity(candidate.text, {text})
        + {LEXEME_WEIGHT} * {shared}::float8 / greatest({union}, 1)
    """


def suggestions_sql() -> str:
    # The claim's own search vector, made as the stored one is (Claim.search_vector).
    vector = "to_tsvector(%(config)s::regconfig, %(text)s)"
    return f"""
        SELECT candidate.id, {score_sql(text="%(text)s", vector=vector)} AS score
        FROM (
            SELECT id, text, search_vector FROM claims_claim
            WHERE search_vector @@ to_tsquery('simple', %(query)s)
              AND article_id <> %(article_id)s
              AND withdrawn_at IS NULL
            LIMIT %(cap)s
        ) AS candidate
        ORDER BY score DESC, candidate.id
        LIMIT %(limit)s
    """


LEXEME_FREQUENCIES_SQL = """
    SELECT common.lexeme, common.frequency
    FROM pg_stats AS stats,
         unnest(stats.most_common_elems::text::text[], stats.most_common_elem_freqs)
             AS common(lexeme, frequency)
    WHERE stats.schemaname = current_schema()
      AND stats.tablename = 'claims_claim' AND stats.attname = 'search_vector'
      AND common.lexeme IS NOT NULL
    UNION ALL
    SELECT NULL, greatest(reltuples, 0) FROM pg_class WHERE oid = 'claims_claim'::regclass
"""


@dataclass
class LexemeStatistics:
    """What ANALYZE knows: the share of claims holding each common lexeme, and the row count."""

    frequencies: dict[str, float]
    claims: float

    @property
    def rare_frequency(self) -> float:
        # pg_stats lists the lexemes above a cut-off; one it does not list is rarer than all.
        return min(self.frequencies.values(), default=0.0) / 2

    def frequency(self, lexeme: str) -> float:
        return self.frequencies.get(lexeme, self.rare_frequency)


def lexeme_frequencies() -> LexemeStatistics:
    """The lexeme statistics of claims_claim.search_vector as of the last ANALYZE; one query."""
    with connection.cursor() as cursor:
        cursor.execute(LEXEME_FREQUENCIES_SQL)
        rows = cursor.fetchall()
    return LexemeStatistics(
        frequencies={lexeme: frequency for lexeme, frequency in rows if lexeme is not None},
        claims=next((frequency for lexeme, frequency in rows if lexeme is None), 0.0),
    )


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def candidate_query(lexemes: list[str], statistics: LexemeStatistics) -> str:
    """A tsquery (for to_tsquery('simple', …)) for the candidates of a claim with `lexemes`;
    "" when there is nothing to ask.

    Rarest lexemes first, each kept while the expected number of matching claims (claims times
    the sum of frequencies) stays under CANDIDATE_TARGET: alone when it is rare enough to match
    few claims by itself, else in pairs with the other kept ones (a candidate must then share
    both), up to QUERY_TERMS lexemes. In a small corpus that is nearly every word; in a large one,
    the names, numbers and specific nouns. Before the table's first ANALYZE every lexeme is
    "rare" and longer ones are taken first."""
    rare = sorted(
        {lexeme for lexeme in lexemes if lexeme},
        key=lambda lexeme: (statistics.frequency(lexeme), -len(lexeme), lexeme),
    )[:QUERY_TERMS]
    if not rare:
        return ""
    singles = [rare[0]]
    expected = statistics.claims * statistics.frequency(rare[0])
    paired: list[str] = []
    clauses = [_quoted(rare[0])]
    for lexeme in rare[1:]:
        alone = statistics.claims * statistics.frequency(lexeme)
        if not paired and expected + alone <= CANDIDATE_TARGET:
            singles.append(lexeme)
            clauses.append(_quoted(lexeme))
            expected += alone
            continue
        partners = [other for other in [*singles, *paired] if other != lexeme]
        more = statistics.claims * sum(
            statistics.frequency(lexeme) * statistics.frequency(other) for other in partners
        )
        if expected + more > CANDIDATE_TARGET:
            break
        clauses += [f"({_quoted(other)} & {_quoted(lexeme)})" for other in partners]
        paired.append(lexeme)
        expected += more
    return " | ".join(clauses)


def claim_lexemes(claim_ids: list[int]) -> dict[int, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, tsvector_to_array(search_vector) FROM claims_claim WHERE id = ANY(%s)",
            [claim_ids],
        )
        return dict(cursor.fetchall())


@dataclass
class Suggestion:
    claim: Claim
    score: float
    overlap: list[str] = field(default_factory=list)
    # The link the two claims already have, if an editor made one.
    link: ClaimLink | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.score)


def similar_claim_scores(
    *,
    text: str,
    lexemes: list[str],
    article_id: int,
    config: str = FALLBACK_SEARCH_CONFIG,
    limit: int = SUGGESTIONS_SHOWN,
    statistics: LexemeStatistics | None = None,
) -> list[tuple[int, float]]:
    """(claim id, score) of the claims of other articles most like `text`, best first.
    `lexemes` are the text's lexemes as the stored search vector has them, `config` the text
    search configuration they were made with (the claim's `search_config`)."""
    if statistics is None:
        statistics = lexeme_frequencies()
    query = candidate_query(lexemes, statistics)
    if not query:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            suggestions_sql(),
            {
                "text": text,
                "query": query,
                "article_id": article_id,
                "config": config,
                "cap": CANDIDATE_CAP,
                "limit": limit,
            },
        )
        return [(claim_id, float(score)) for claim_id, score in cursor.fetchall()]


def claim_suggestions(
    *,
    claim: Claim,
    limit: int = SUGGESTIONS_SHOWN,
    threshold: float = SUGGESTION_THRESHOLD,
    language: str | None = None,
) -> list[Suggestion]:
    """The claims of other articles most like `claim`, best first, with score and shared words.

    Five queries whatever the corpus size: the claim's lexemes, their frequencies, the
    ranking, the suggested claims with their articles and outlets, and the links `claim`
    already has to them.
    """
    language = language or article_language(claim.article)
    lexemes = claim_lexemes([claim.pk]).get(claim.pk, [])
    scores = [
        (claim_id, score)
        for claim_id, score in similar_claim_scores(
            text=claim.text,
            lexemes=lexemes,
            article_id=claim.article_id,
            config=claim.search_config,
            limit=limit,
        )
        if score >= threshold
    ]
    if not scores:
        return []
    ids = [claim_id for claim_id, _ in scores]
    claims = (
        Claim.objects.select_related("article__outlet")
        .defer("search_vector", "article__body", "article__metadata")
        .in_bulk(ids)
    )
    links = {
        _other_id(link, claim.pk): link
        for link in ClaimLink.objects.touching(claim).filter(
            from_claim_id__in=[*ids, claim.pk], to_claim_id__in=[*ids, claim.pk]
        )
    }
    return [
        Suggestion(
            claim=claims[claim_id],
            score=score,
            overlap=shared_words(claim.text, claims[claim_id].text, language),
            link=links.get(claim_id),
        )
        for claim_id, score in scores
        if claim_id in claims
    ]


def _other_id(link: ClaimLink, claim_id: int) -> int:
    return link.to_claim_id if link.from_claim_id == claim_id else link.from_claim_id


# --- The whole corpus at once (manage.py suggest_links) -----------------------------------------
#
# One claim's panel asks the GIN index for its candidates (above). For every claim of the corpus
# that would be a million index searches, most of them for common words; instead the corpus is
# indexed once, in SQL, by what is distinctive in each claim, and claims are paired through that
# index in one join per batch:
#
# 1. Lexeme document frequencies, once: ts_stat over the stored search vectors.
# 2. Each claim's TOKENS: every lexeme that at most TOKEN_CAP claims hold, and each pair of its
#    TOKEN_LEXEMES rarest commoner lexemes ("civilian kill" for a claim holding both). A pair of
#    common words is as distinctive as one rare word: "civilians" and "killed" are everywhere in
#    war reporting, both together far less.
# 3. The POSTINGS: the tokens that 2 to TOKEN_CAP claims share, with an IDF weight, indexed by
#    token. A token more claims share than that narrows nothing and is left out, so a token
#    yields at most TOKEN_CAP² / 2 pairs and a claim at most TOKEN_CAP per token: the work grows
#    with the number of claims, not with its square. A claim with no token rare enough (made
#    only of the corpus's commonest words) gets no candidates and is counted as such.
# 4. Per batch of claims: candidate pairs by a self-join of the postings on token (through its
#    index), ranked per claim by the weight of the tokens they share; the best
#    CANDIDATES_PER_CLAIM of each claim are scored in full (score_sql, as the panel does) and those
#    over the threshold kept, at most `per_claim` per claim.

# A claim's rarest common lexemes (held by more than TOKEN_CAP claims) that pair into tokens
# (5 lexemes: 10 pairs).
TOKEN_LEXEMES = 5
# A token shared by more claims than this is too common to narrow anything.
TOKEN_CAP = 20
# The candidates of each claim (best by shared tokens) that are scored in full.
CANDIDATES_PER_CLAIM = 5

CORPUS_TABLES_SQL = [
    "DROP TABLE IF EXISTS similarity_lexeme, similarity_token, similarity_posting",
    # 1. How many claims hold each lexeme.
    """
    CREATE TEMPORARY TABLE similarity_lexeme AS
    SELECT word AS lexeme, ndoc AS claims
    FROM ts_stat('SELECT search_vector FROM claims_claim WHERE withdrawn_at IS NULL')
    """,
    "ALTER TABLE similarity_lexeme ADD PRIMARY KEY (lexeme)",
    "ANALYZE similarity_lexeme",
    # 2. Each claim's tokens: its rare lexemes alone, its rarest common ones in pairs.
    """
    CREATE TEMPORARY TABLE similarity_token AS
    WITH lexeme AS (
        SELECT claim.id AS claim_id, claim.article_id, entry.lexeme, known.claims
        FROM claims_claim AS claim
        CROSS JOIN LATERAL unnest(tsvector_to_array(claim.search_vector)) AS entry(lexeme)
        JOIN similarity_lexeme AS known ON known.lexeme = entry.lexeme
        WHERE claim.withdrawn_at IS NULL AND known.claims >= 2
    ),
    common AS (
        SELECT claim_id, article_id, lexeme FROM (
            SELECT claim_id, article_id, lexeme,
                   row_number() OVER (PARTITION BY claim_id ORDER BY claims, lexeme) AS rarity
            FROM lexeme WHERE claims > %(token_cap)s
        ) AS ranked
        WHERE rarity <= %(token_lexemes)s
    )
    SELECT claim_id, article_id, lexeme AS token FROM lexeme WHERE claims <= %(token_cap)s
    UNION ALL
    SELECT one.claim_id, one.article_id, one.lexeme || ' ' || other.lexeme
    FROM common AS one
    JOIN common AS other ON other.claim_id = one.claim_id AND other.lexeme > one.lexeme
    """,
    # 3. The tokens a few claims share, weighted by how few.
    """
    CREATE TEMPORARY TABLE similarity_posting AS
    SELECT token.token, token.claim_id, token.article_id,
           ln(%(claims)s / shared.claims::float8) AS weight
    FROM similarity_token AS token
    JOIN (
        SELECT token, count(*) AS claims FROM similarity_token GROUP BY token
        HAVING count(*) BETWEEN 2 AND %(token_cap)s
    ) AS shared ON shared.token = token.token
    """,
    "DROP TABLE similarity_token",
    # The batch join: a batch's postings by claim id, their partners by token.
    "CREATE INDEX ON similarity_posting (claim_id)",
    "CREATE INDEX ON similarity_posting (token)",
    "ANALYZE similarity_posting",
]


def corpus_pairs_sql() -> str:
    # Partners of larger id (each pair is found once), or any claim up to since_id when only
    # the claims after it are run: a new claim pairs with the old ones too.
    return f"""
        WITH candidate_pair AS (
            SELECT mine.claim_id, theirs.claim_id AS other_id, sum(mine.weight) AS shared
            FROM similarity_posting AS mine
            JOIN similarity_posting AS theirs ON theirs.token = mine.token
            WHERE mine.claim_id BETWEEN %(low)s AND %(high)s
              AND (theirs.claim_id > mine.claim_id OR theirs.claim_id <= %(since_id)s)
              AND theirs.article_id <> mine.article_id
            GROUP BY mine.claim_id, theirs.claim_id
        ),
        best_candidate AS (
            SELECT claim_id, other_id FROM (
                SELECT claim_id, other_id,
                       row_number() OVER (
                           PARTITION BY claim_id ORDER BY shared DESC, other_id
                       ) AS place
                FROM candidate_pair
            ) AS ranked
            WHERE place <= %(candidates)s
        ),
        scored AS (
            -- One claim, then one candidate, by primary key: a batch reads only its rows.
            SELECT claim.id AS claim_id, candidate.id AS other_id,
                   {score_sql(text="claim.text", vector="claim.search_vector")} AS score
            FROM best_candidate
            CROSS JOIN LATERAL (
                SELECT id, text, search_vector FROM claims_claim
                WHERE id = best_candidate.claim_id
            ) AS claim
            CROSS JOIN LATERAL (
                SELECT id, text, search_vector FROM claims_claim
                WHERE id = best_candidate.other_id
            ) AS candidate
        )
        SELECT least(claim_id, other_id), greatest(claim_id, other_id), score FROM (
            SELECT claim_id, other_id, score,
                   row_number() OVER (PARTITION BY claim_id ORDER BY score DESC, other_id) AS place
            FROM scored
            WHERE score >= %(threshold)s
        ) AS kept
        WHERE place <= %(per_claim)s
    """


@dataclass
class CorpusIndex:
    """What corpus_index() built: how many claims have a token to be paired by."""

    claims: int
    indexed_claims: int
    postings: int


def corpus_index() -> CorpusIndex:
    """Build the temporary token index of the whole corpus (steps 1-3 above) in this session."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM claims_claim WHERE withdrawn_at IS NULL")
        (claims,) = cursor.fetchone()
        parameters = {"token_lexemes": TOKEN_LEXEMES, "token_cap": TOKEN_CAP, "claims": claims}
        for statement in CORPUS_TABLES_SQL:
            cursor.execute(statement, parameters)
        cursor.execute("SELECT count(DISTINCT claim_id), count(*) FROM similarity_posting")
        indexed, postings = cursor.fetchone()
    return CorpusIndex(claims=claims, indexed_claims=indexed, postings=postings)


def corpus_index_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS similarity_lexeme, similarity_posting")


def similar_pairs(
    *,
    low: int,
    high: int,
    since_id: int = 0,
    threshold: float = SUGGESTION_THRESHOLD,
    per_claim: int = SUGGESTIONS_SHOWN,
) -> list[tuple[int, int, float]]:
    """Cross-article pairs (smaller id, larger id, score) for the claims with ids from `low` to
    `high`, through the index corpus_index() built: one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            corpus_pairs_sql(),
            {
                "low": low,
                "high": high,
                "since_id": since_id,
                "threshold": threshold,
                "per_claim": per_claim,
                "candidates": CANDIDATES_PER_CLAIM,
            },
        )
        return [(a, b, float(score)) for a, b, score in cursor.fetchall()]


def id_ranges(*, batch_size: int, since_id: int = 0) -> Iterator[tuple[int, int, int]]:
    """(lowest id, highest id, claims) of the claims after `since_id`, `batch_size` at a time."""
    last = since_id
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT min(id), max(id), count(*) FROM ("
                " SELECT id FROM claims_claim WHERE id > %s ORDER BY id LIMIT %s) AS batch",
                [last, batch_size],
            )
            low, high, count = cursor.fetchone()
        if not count:
            return
        yield low, high, count
        last = high
