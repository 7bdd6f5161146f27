"""What the cited source says: the passage of a cited article that best supports a claim.

Pure and deterministic (text in, dataclasses out, no database, no network) so that an editor can
follow every step:

1. The claim's content words (stop words dropped) are weighted: numbers, dates and names count
   double, because they are what a source must confirm; other words count once.
2. Every sentence of the cited article, and every run of two neighbouring sentences (a claim
   often condenses two), is scored by the weighted share of the claim's words it contains
   (words match when equal or one is a short extension of the other: "formal" / "formally").
3. The best passage gives the verdict hint: "found" from FOUND_SCORE, "partly found" from
   PARTLY_SCORE, else "not found in the cited source".
4. Numbers, dates and names of the claim that the passage does not have, and the passage's
   own, are listed side by side ("over 70" / "two"): where contradictions hide.

`claims.support_checks.claim_support_checks()` feeds it from the database.
"""

import re
from dataclasses import dataclass, field

from claims.wording import content_words, fold, stop_words, tokens, words_match, words_of

FOUND_SCORE = 0.6
PARTLY_SCORE = 0.3
# A two-sentence passage must beat the best single sentence by this much to be preferred:
# the shorter quote is easier to check.
PAIR_MARGIN = 0.1
KEY_WEIGHT = 2.0
# Words found in at least this share of the source's sentences weigh this much less.
COMMON_SHARE = 0.2
COMMON_DISCOUNT = 0.5

FOUND = "found"
PARTLY_FOUND = "partly found"
NOT_FOUND = "not found"
VERDICT_LABELS = {
    FOUND: "Found in the cited source",
    PARTLY_FOUND: "Partly found in the cited source",
    NOT_FOUND: "Not found in the cited source",
}

NUMBER_WORDS = {
    "en": "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand million billion dozen dozens hundreds thousands millions billions",
    "it": "uno una due tre quattro cinque sei sette otto nove dieci undici dodici venti trenta "
    "quaranta cinquanta cento mille milione milioni miliardo miliardi decine centinaia migliaia",
    "de": "eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf zwanzig dreißig "
    "vierzig fünfzig hundert tausend million millionen milliarde milliarden dutzend dutzende "
    "hunderte tausende",
}
ALL_NUMBER_WORDS = set().union(*(words_of(text) for text in NUMBER_WORDS.values()))
# Stress the number without changing it.
EMPHASIS = {"only", "just", "solo", "soltanto", "nur", "lediglich"}
# "over 70", "at least seven": the qualifier is part of what the number claims.
QUALIFIERS = (
    "over|more than|at least|nearly|almost|about|around|up to|fewer than|less than|only|"
    "some|roughly|approximately|oltre|più di|almeno|quasi|circa|fino a|meno di|solo|"
    "über|mehr als|mindestens|fast|etwa|rund|bis zu|weniger als|nur"
)
_NUMBER_WORDS_PATTERN = "|".join(sorted(ALL_NUMBER_WORDS, key=len, reverse=True))
QUANTITY = re.compile(
    rf"\b(?:(?:{QUALIFIERS})\s+)?(?:\d+(?:[.,]\d+)*(?:\s?%)?|(?:{_NUMBER_WORDS_PATTERN}))\b",
    re.IGNORECASE,
)
MONTHS = words_of(
    "january february march april may june july august september october november december "
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
    "dicembre januar februar märz mai juni juli oktober dezember"
)
DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th|\.)?\s+(?:of\s+)?(?:{'|'.join(MONTHS)})"
    rf"|(?:{'|'.join(MONTHS)})\s+\d{{1,2}}(?:st|nd|rd|th)?"
    r"|(?:1[89]|20)\d{2})\b",
    re.IGNORECASE,
)
# In-text citation markers that stored sentences keep: "[2]", "[^3]", "(BBC, 2023)".
MARKER = re.compile(r"\[\^?\w{1,12}\]|\((?:[A-Z][\w.&' -]{0,60}),\s*\d{4}[a-z]?\)")


@dataclass
class Difference:
    """A number, date or name on one side that the other side does not have."""

    kind: str  # "number" | "date" | "name"
    claim: list[str]
    passage: list[str]


@dataclass
class SupportResult:
    verdict: str
    score: float
    # The best passage: one sentence, or two neighbouring ones, as the source has them.
    passage: list[str] = field(default_factory=list)
    # Positions of the passage's sentences in the source, from 0.
    positions: list[int] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def percent(self) -> int:
        return round(100 * self.score)


def without_markers(text: str) -> str:
    text = re.sub(r"\s{2,}", " ", MARKER.sub("", text))
    return re.sub(r"\s+([.,;:!?])", r"\1", text).strip()


def quantities(text: str) -> list[str]:
    found = []
    for match in QUANTITY.finditer(text):
        value = match.group(0)
        # A year or a day of a date is a date, not a count.
        if DATE.search(value) or any(
            date.start() <= match.start() < date.end() for date in DATE.finditer(text)
        ):
            continue
        found.append(value)
    return found


def dates(text: str) -> list[str]:
    return [match.group(0) for match in DATE.finditer(text)]


def names(text: str, language: str = "en") -> list[str]:
    """Capitalised words that are not the first of the sentence and not stop words."""
    stops = stop_words(language)
    months = set(MONTHS)
    found = []
    words = tokens(text)
    for index, word in enumerate(words):
        if index == 0 or not word[0].isupper() or fold(word) in stops or fold(word) in months:
            continue
        if word not in found:
            found.append(word)
    return found


def _keywords_of(text: str, language: str) -> set[str]:
    keys = {fold(word) for word in names(text, language)}
    for value in quantities(text) + dates(text):
        keys.update(fold(word) for word in tokens(value))
    return keys


def _has(word: str, folded_words: list[str]) -> bool:
    return any(words_match(word, candidate, use_synonyms=True) for candidate in folded_words)


def _compare(kind: str, claim_values: list[str], passage_values: list[str]) -> Difference | None:
    def normal(value: str) -> str:
        # "only two" and "two" state the same number; "over 70" and "70" do not.
        return " ".join(fold(word) for word in tokens(value) if fold(word) not in EMPHASIS)

    claim_only = [v for v in claim_values if normal(v) not in {normal(p) for p in passage_values}]
    passage_only = [v for v in passage_values if normal(v) not in {normal(c) for c in claim_values}]
    if not claim_only:
        return None
    return Difference(kind=kind, claim=claim_only, passage=passage_only)


def support_check(claim: str, sentences: list[str], language: str = "en") -> SupportResult:
    """How well the best passage of `sentences` (a cited article, in order) supports `claim`."""
    claim = without_markers(claim)
    sentences = [without_markers(sentence) for sentence in sentences]
    words = []
    # Dates count even when their month is a stop word ("May").
    date_words = [word for value in dates(claim) for word in tokens(value)]
    for word in [*content_words(claim, language), *date_words]:
        if fold(word) not in {fold(seen) for seen in words}:
            words.append(word)
    if not words or not sentences:
        return SupportResult(verdict=NOT_FOUND, score=0.0, missing=words)
    keys = _keywords_of(claim, language)
    folded_sentences = [[fold(word) for word in tokens(sentence)] for sentence in sentences]
    weights = []
    for word in words:
        weight = KEY_WEIGHT if fold(word) in keys else 1.0
        # A word in many of the source's sentences ("Russia" in an article about Russia) says
        # little about which passage is meant.
        spread = sum(_has(fold(word), sentence) for sentence in folded_sentences)
        if spread >= COMMON_SHARE * len(sentences) and spread > 2:
            weight *= COMMON_DISCOUNT
        weights.append(weight)
    total = sum(weights)
    claim_numbers = {fold(value) for value in quantities(claim)}

    def score(positions: list[int]) -> float:
        passage_words = [word for position in positions for word in folded_sentences[position]]
        return (
            sum(
                weight
                for word, weight in zip(words, weights, strict=True)
                if _has(fold(word), passage_words)
            )
            / total
        )

    def agreeing_numbers(position: int) -> int:
        return len(claim_numbers & {fold(value) for value in quantities(sentences[position])})

    # Ties go to the passage whose numbers agree with the claim's, then to the earliest one, so
    # the result never depends on anything but the text.
    single = max(
        range(len(sentences)),
        key=lambda position: (score([position]), agreeing_numbers(position), -position),
    )
    best_positions, best = [single], score([single])
    for position in range(len(sentences) - 1):
        pair_score = score([position, position + 1])
        alone = max(score([position]), score([position + 1]))
        # Both sentences must carry their share: a pair is for a claim that condenses two.
        carries = min(score([position]), score([position + 1])) >= PAIR_MARGIN
        if carries and pair_score >= alone + PAIR_MARGIN and pair_score > best + PAIR_MARGIN:
            best_positions, best = [position, position + 1], pair_score
    passage_words = [word for position in best_positions for word in folded_sentences[position]]
    passage_text = " ".join(sentences[position] for position in best_positions)
    matched = [word for word in words if _has(fold(word), passage_words)]
    missing = [word for word in words if word not in matched]
    verdict = FOUND if best >= FOUND_SCORE else PARTLY_FOUND if best >= PARTLY_SCORE else NOT_FOUND
    differences = [
        difference
        for difference in (
            _compare("number", quantities(claim), quantities(passage_text)),
            _compare("date", dates(claim), dates(passage_text)),
            _compare(
                "name",
                [name for name in names(claim, language) if not _has(fold(name), passage_words)],
                [],
            ),
        )
        if difference is not None
    ]
    if verdict == NOT_FOUND:
        # Nothing in the source says it: no passage to quote, nothing to compare against.
        return SupportResult(verdict=verdict, score=best, missing=words)
    return SupportResult(
        verdict=verdict,
        score=best,
        passage=[sentences[position] for position in best_positions],
        positions=best_positions,
        matched=matched,
        missing=missing,
        differences=differences,
    )


@dataclass
class CitedSupport:
    """One cited source that is an article we hold, and what it says about the claim."""

    source: object  # sources.models.Source
    article: object  # articles.models.Article
    result: SupportResult


def claim_cited_support(
    claim, *, evidence: list | None = None, language: str | None = None
) -> list[CitedSupport]:
    """For each source `claim` cites (evidence of any stance) whose `linked_article` is in the
    database, the passage of that article that best supports the claim. At most two queries:
    the evidence with its sources and their articles (none when the caller passes `evidence`
    loaded with `source__linked_article`), and the sentences of those articles."""
    from claims.language import article_language
    from claims.models import Claim, Evidence

    if evidence is None:
        evidence = list(
            Evidence.objects.filter(claim=claim, source__linked_article__isnull=False)
            .select_related("source__outlet", "source__linked_article")
            .defer("source__linked_article__metadata")
            .order_by("source_id", "id")
        )
    evidence = [item for item in evidence if item.source.linked_article_id is not None]
    sources = {}
    for item in evidence:
        if item.source.linked_article_id != claim.article_id:
            sources.setdefault(item.source_id, item.source)
    if not sources:
        return []
    article_ids = {source.linked_article_id for source in sources.values()}
    sentences: dict[int, list[str]] = {article_id: [] for article_id in article_ids}
    for article_id, text in (
        Claim.objects.current()
        .filter(article_id__in=article_ids)
        .order_by("article_id", "ordinal")
        .values_list("article_id", "text")
    ):
        sentences[article_id].append(text)
    return [
        CitedSupport(
            source=source,
            article=source.linked_article,
            result=support_check(
                claim.text,
                sentences[source.linked_article_id],
                language or article_language(source.linked_article),
            ),
        )
        for source in sources.values()
    ]
