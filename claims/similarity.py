"""Similar claims in other articles, ranked by PostgreSQL.

Candidates come off the GIN trigram index on claims_claim.text (`text % query`, with
pg_trgm.similarity_threshold set per query), so a lookup reads only the claims that share enough
trigrams with the sentence, never the whole table. Each candidate is then scored in the same
query:

    score = 0.5 * similarity                       (trigram overlap of the two sentences)
          + 0.3 * word similarity, either way       (one sentence found inside the other)
          + 0.2 * full-text rank / (rank + 1)        (shared stems, in the claim's language)

The first two are language-blind; the third stems both sentences with the text search
configuration of the claim's language (english, italian, german, …) on the candidates only.
The weights were chosen on the tuning half of tests/claims/data/claim_pairs.json (see
bench/links_eval.py). Everything here is a suggestion: an editor decides.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction

from claims.language import article_language, search_config
from claims.models import Claim, ClaimLink
from claims.wording import shared_words

# Candidates need this trigram similarity to leave the index at all. Low, because a short
# sentence inside a long one ("Both militias do indeed recruit …" in 000's longer sentence)
# shares few trigrams relative to their union.
CANDIDATE_THRESHOLD = 0.2
# Suggestions under this score are noise: same topic, not the same statement.
SUGGESTION_THRESHOLD = 0.3
SUGGESTIONS_SHOWN = 5

SCORE_SQL = """
    0.5 * similarity(candidate.text, %(text)s)
    + 0.3 * greatest(word_similarity(candidate.text, %(text)s),
                     word_similarity(%(text)s, candidate.text))
    + 0.2 * ts_rank_cd(
        to_tsvector(%(config)s::regconfig, candidate.text),
        to_tsquery(%(config)s::regconfig,
                   replace(plainto_tsquery(%(config)s::regconfig, %(text)s)::text, ' & ', ' | ')),
        32)
"""

SUGGESTIONS_SQL = f"""
    SELECT candidate.id, {SCORE_SQL} AS score
    FROM claims_claim AS candidate
    WHERE candidate.text %% %(text)s
      AND candidate.article_id <> %(article_id)s
    ORDER BY score DESC, candidate.id
    LIMIT %(limit)s
"""


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
    article_id: int,
    language: str = "en",
    limit: int = SUGGESTIONS_SHOWN,
    candidate_threshold: float = CANDIDATE_THRESHOLD,
) -> list[tuple[int, float]]:
    """(claim id, score) of the claims of other articles most like `text`, best first."""
    with transaction.atomic(), connection.cursor() as cursor:
        # Local to this transaction: other queries on the connection keep the default.
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
            [str(candidate_threshold)],
        )
        cursor.execute(
            SUGGESTIONS_SQL,
            {
                "text": text,
                "article_id": article_id,
                "config": search_config(language),
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

    Three queries whatever the corpus size: the ranking, the suggested claims with their
    articles and outlets, and the links `claim` already has to them.
    """
    language = language or article_language(claim.article)
    scores = [
        (claim_id, score)
        for claim_id, score in similar_claim_scores(
            text=claim.text, article_id=claim.article_id, language=language, limit=limit
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


PAIRS_SQL = f"""
    SELECT claim.id, best.id, best.score
    FROM claims_claim AS claim
    CROSS JOIN LATERAL (
        SELECT candidate.id,
               {SCORE_SQL.replace("%(text)s", "claim.text")} AS score
        FROM claims_claim AS candidate
        WHERE candidate.text %% claim.text
          AND candidate.article_id <> claim.article_id
          AND candidate.id > claim.id
        ORDER BY score DESC, candidate.id
        LIMIT %(per_claim)s
    ) AS best
    WHERE claim.id >= %(first_id)s AND claim.id < %(end_id)s
      AND best.score >= %(threshold)s
"""


def similar_pairs(
    *,
    first_id: int,
    end_id: int,
    threshold: float = SUGGESTION_THRESHOLD,
    per_claim: int = SUGGESTIONS_SHOWN,
    language: str = "en",
    candidate_threshold: float = CANDIDATE_THRESHOLD,
) -> list[tuple[int, int, float]]:
    """Cross-article pairs (smaller id, larger id, score) for the claims with ids in
    [first_id, end_id): one index lookup per claim, done by PostgreSQL in one statement."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
            [str(candidate_threshold)],
        )
        cursor.execute(
            PAIRS_SQL,
            {
                "first_id": first_id,
                "end_id": end_id,
                "threshold": threshold,
                "per_claim": per_claim,
                "config": search_config(language),
            },
        )
        return [(a, b, float(score)) for a, b, score in cursor.fetchall()]


def id_batches(*, batch_size: int, since_id: int = 0) -> Iterator[tuple[int, int]]:
    """[first, end) ranges of claim ids, `batch_size` wide, covering every claim after
    `since_id`; ids are dense enough in practice that a range is about one batch of rows."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM claims_claim WHERE id > %s", [since_id])
        low, high = cursor.fetchone()
    if low is None:
        return
    for first in range(low, high + 1, batch_size):
        yield first, min(first + batch_size, high + 1)


def pair_ids(pairs: Iterable[tuple[int, int, float]]) -> set[tuple[int, int]]:
    return {(a, b) for a, b, _ in pairs}
