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

       score = 0.5 * similarity                    (pg_trgm: trigram overlap)
             + 0.3 * word similarity, either way    (one sentence found inside the other)
             + 0.2 * full-text rank / (rank + 1)     (stems shared, in the claim's language)

   The first two are language-blind; the third stems both sentences with the text search
   configuration of the claim's language (english, italian, german, …).

The weights are set by hand, not fitted; bench/links_eval.py measures the ranking on the
labelled pairs of tests/claims/data/claim_pairs.json (which was also looked at while choosing
the candidate rule, so it is not a held-out measure). Everything here is a suggestion: an
editor decides.
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
# Suggestions under this score are noise: same topic, not the same statement.
SUGGESTION_THRESHOLD = 0.3
SUGGESTIONS_SHOWN = 5


def score_sql(*, text: str) -> str:
    """The score of `candidate` (a row with text and search_vector) against the SQL expression
    `text`, whose any-word full-text query is `claim_query.words`."""
    return f"""
        0.5 * similarity(candidate.text, {text})
        + 0.3 * greatest(word_similarity(candidate.text, {text}),
                         word_similarity({text}, candidate.text))
        + 0.2 * ts_rank_cd(candidate.search_vector, claim_query.words, 32)
    """


# Any word of the claim, stemmed by its own text search configuration (its article's language,
# Claim.search_config), as the stored vectors of claims in that language hold them.
WORDS_QUERY_SQL = (
    "to_tsquery({config}, replace(plainto_tsquery({config}, {text})::text, ' & ', ' | ')) AS words"
)


def suggestions_sql() -> str:
    return f"""
        SELECT candidate.id, {score_sql(text="%(text)s")} AS score
        FROM (
            SELECT {WORDS_QUERY_SQL.format(config="%(config)s::regconfig", text="%(text)s")}
        ) AS claim_query,
        LATERAL (
            SELECT id, text, search_vector FROM claims_claim
            WHERE search_vector @@ to_tsquery('simple', %(query)s)
              AND article_id <> %(article_id)s
              AND withdrawn_at IS NULL
            LIMIT %(cap)s
        ) AS candidate
        ORDER BY score DESC, candidate.id
        LIMIT %(limit)s
    """


def pairs_sql() -> str:
    # "other.id + 0": a filter, not a second index scan to AND with the full-text one.
    return f"""
        SELECT claim.id, best.id, best.score
        FROM unnest(%(ids)s::bigint[], %(queries)s::text[]) AS wanted(claim_id, query)
        JOIN claims_claim AS claim ON claim.id = wanted.claim_id
        CROSS JOIN LATERAL (
            SELECT {WORDS_QUERY_SQL.format(config="claim.search_config", text="claim.text")}
        ) AS claim_query
        CROSS JOIN LATERAL (
            SELECT candidate.id, {score_sql(text="claim.text")} AS score
            FROM (
                SELECT id, text, search_vector FROM claims_claim AS other
                WHERE other.search_vector @@ to_tsquery('simple', wanted.query)
                  AND other.article_id <> claim.article_id
                  AND other.withdrawn_at IS NULL
                  AND other.id + 0 > claim.id
                LIMIT %(cap)s
            ) AS candidate
            ORDER BY score DESC, candidate.id
            LIMIT %(per_claim)s
        ) AS best
        WHERE best.score >= %(threshold)s AND claim.withdrawn_at IS NULL
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


def similar_pairs(
    *,
    claim_ids: list[int],
    statistics: LexemeStatistics,
    threshold: float = SUGGESTION_THRESHOLD,
    per_claim: int = SUGGESTIONS_SHOWN,
) -> list[tuple[int, int, float]]:
    """Cross-article pairs (smaller id, larger id, score) for the claims `claim_ids`, each
    paired with claims of larger id only (so each pair is found once): one statement."""
    lexemes = claim_lexemes(claim_ids)
    ids, queries = [], []
    for claim_id in claim_ids:
        query = candidate_query(lexemes.get(claim_id) or [], statistics)
        if query:
            ids.append(claim_id)
            queries.append(query)
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            pairs_sql(),
            {
                "ids": ids,
                "queries": queries,
                "threshold": threshold,
                "per_claim": per_claim,
                "cap": CANDIDATE_CAP,
            },
        )
        return [(a, b, float(score)) for a, b, score in cursor.fetchall()]


def id_batches(*, batch_size: int, since_id: int = 0) -> Iterator[list[int]]:
    """The ids of every claim after `since_id`, `batch_size` at a time, in order (keyset)."""
    last = since_id
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM claims_claim WHERE id > %s ORDER BY id LIMIT %s",
                [last, batch_size],
            )
            batch = [row[0] for row in cursor.fetchall()]
        if not batch:
            return
        yield batch
        last = batch[-1]
