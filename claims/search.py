"""Full-text search over claim sentences, on the stored `Claim.search_vector`."""

import re
import time

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import F, FloatField, Func, Q, TextField, Value
from django.db.models.functions import Cast
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Each claim's vector is built with its article's language's configuration
# (`Claim.search_config`); these are PostgreSQL's built-in ones, by ISO 639-1 code.
SEARCH_CONFIG_BY_LANGUAGE = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}
# Unknown languages: words as written, lower-cased, no stemming.
FALLBACK_SEARCH_CONFIG = "simple"
SEARCH_TERM_MAX_LENGTH = 200


def search_config_for(language: str) -> str:
    return SEARCH_CONFIG_BY_LANGUAGE.get((language or "").casefold(), FALLBACK_SEARCH_CONFIG)


# Postgres marks matches with these private-use characters instead of <mark>: the headline is
# then escaped like any text and only the sentinels become tags, so a sentence containing
# markup can never smuggle its own tags through the highlight.
MATCH_START = "\ue000"
MATCH_END = "\ue001"


def search_query(term: str, *, configs: list[str] | None = None) -> SearchQuery:
    """The term in every configuration claims are stored in, OR'd into one tsquery.

    A German claim's vector holds German stems, an English one's English stems: one tsquery
    that ORs the term's form in each configuration matches both and still runs on the one GIN
    index. websearch syntax never raises on user input: quotes, OR, -word and stray
    punctuation all parse, which is what a public search box needs. `configs`: only these
    (those in use), where the caller knows them.
    """
    configs = configs or all_search_configs()
    query = SearchQuery(term, search_type="websearch", config=configs[0])
    for config in configs[1:]:
        query = query | SearchQuery(term, search_type="websearch", config=config)
    return query


# How long the list of text-search configurations in use is kept between searches.
SEARCH_CONFIGS_SECONDS = 300


_search_configs: tuple[float, list[str] | None] = (0.0, None)


def search_configs_in_use() -> list[str] | None:
    """The text-search configurations claims are stored in, or None for "every one".

    A claim's vector holds its language's stems, so a search is parsed in each configuration
    in use and OR'd; parsed in all thirty, PostgreSQL misjudges how many claims match and reads
    the table instead of the index. In use: what PostgreSQL's statistics saw in its sample of
    claims, plus the languages of the articles (new imports before the next ANALYZE), plus
    `simple`. Kept a few minutes in the process; None (all of them) while the table has no
    statistics yet.
    """
    global _search_configs
    from articles.models import Article

    expires, configs = _search_configs
    if time.monotonic() < expires:
        return configs
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_vals::text::text[] FROM pg_stats WHERE schemaname = "
            "current_schema() AND tablename = 'claims_claim' AND attname = 'search_config'"
        )
        row = cursor.fetchone()
    if row is None or not row[0]:
        configs = None
    else:
        languages = Article.objects.order_by().values_list("language", flat=True).distinct()
        found = {*row[0], FALLBACK_SEARCH_CONFIG}
        found.update(search_config_for(language) for language in languages)
        configs = sorted(found)
    _search_configs = (time.monotonic() + SEARCH_CONFIGS_SECONDS, configs)
    return configs


# "or" between two words (websearch syntax): then a phrase may be one alternative of several.
ALTERNATIVES = re.compile(r"(?:^|\s)or(?:\s|$)", re.IGNORECASE)


def required_phrases(term: str) -> list[str]:
    """The quoted phrases every match of `term` must contain, as websearch syntax reads them
    (an unclosed quote runs to the end): none when the term has an "or", and not those a
    minus leaves out."""
    parts = term.split('"')
    outside = parts[0::2]
    if any(ALTERNATIVES.search(part) for part in outside):
        return []
    return [
        phrase
        for index, phrase in enumerate(parts[1::2])
        if phrase.strip() and not outside[index].endswith("-")
    ]


def lexeme_pairs() -> Func:
    """The claim's pairs of nearby lexemes (claims_lexeme_pairs(), migration 0016), as the
    expression index claim_phrase_pairs_idx stores them."""
    return Func(
        F("search_vector"),
        function="claims_lexeme_pairs",
        output_field=ArrayField(TextField()),
    )


def phrase_filter(term: str, *, configs: list[str] | None = None) -> Q | None:
    """A condition on the phrase index that every claim matching the quoted phrases of `term`
    meets: it holds, in its configuration, each pair of nearby lexemes of every phrase. None
    when the term has no phrase to look up (or one of only a word in some configuration).

    GIN over search_vector cannot check positions, so without this a phrase made PostgreSQL
    fetch every claim holding its words (48,000 for "border militia" at a million claims) or
    walk the newest-verdict index testing every claim (3.2 s). The pairs find a superset a few
    times the matches; the search's own tsquery keeps the exact ones. One query parses the
    phrases in each configuration."""
    phrases = required_phrases(term)
    if not phrases:
        return None
    configs = configs or all_search_configs()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ARRAY(SELECT DISTINCT pair FROM unnest(%s::text[]) AS phrase, "
            "unnest(claims_lexeme_pairs(to_tsvector(config::regconfig, phrase))) AS pair "
            "ORDER BY pair) FROM unnest(%s::text[]) AS config",
            [phrases, configs],
        )
        pair_lists = {tuple(row[0]) for row in cursor.fetchall()}
    if not pair_lists or not all(pair_lists):
        # A phrase that is one word in some configuration has no pairs: the index cannot
        # narrow the claims stored in it.
        return None
    condition = Q()
    for pairs in sorted(pair_lists):
        condition |= Q(
            DataContains(lexeme_pairs(), Value(list(pairs), output_field=ArrayField(TextField())))
        )
    return condition


def unindexed_vector() -> Func:
    """The claim's search vector as an expression no index serves (the vector with nothing
    appended), for the tsquery of a phrase search: as an index condition beside the phrase
    index's, PostgreSQL would AND in the words' 48,000 claims and, the tsquery needing a
    recheck, recompute every candidate's lexeme pairs (1 ms each). As a filter it is checked
    on the phrase index's candidates only."""
    return Func(
        F("search_vector"),
        Value("", output_field=SearchVectorField()),
        function="tsvector_concat",
        output_field=SearchVectorField(),
    )


def all_search_configs() -> list[str]:
    return [*dict.fromkeys(SEARCH_CONFIG_BY_LANGUAGE.values()), FALLBACK_SEARCH_CONFIG]


def search_rank(term: str, *, configs: list[str] | None = None) -> Cast:
    # ts_rank is a float4 that the driver reads back rounded to its shortest decimal form, which
    # then no longer equals the database's value: page links that carry a rank would skip ties.
    # As a float8 it reads back exactly.
    return Cast(SearchRank(F("search_vector"), search_query(term, configs=configs)), FloatField())


def search_headline(term: str, *, configs: list[str] | None = None) -> SearchHeadline:
    return SearchHeadline(
        "text",
        search_query(term, configs=configs),
        config=F("search_config"),
        start_sel=MATCH_START,
        stop_sel=MATCH_END,
        # Sentences are short: show the whole one rather than a fragment of it.
        highlight_all=True,
    )


def render_headline(headline: str) -> SafeString:
    escaped = str(escape(headline))
    if escaped.count(MATCH_START) != escaped.count(MATCH_END):
        # Only possible when the sentence itself contains a sentinel character: show it plain
        # rather than emit unbalanced tags.
        return mark_safe(escaped.replace(MATCH_START, "").replace(MATCH_END, ""))
    # The text was escaped just above; only our sentinels become markup.
    return mark_safe(escaped.replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>"))
