"""Languages of claims: which stop words and which needs-citation rules apply.

The importer records Article.language; an article imported before it did (or whose language
it could not tell) gets a cheap stop-word count over its text instead, good enough to choose
stop words and rules.
"""

import re

DEFAULT_LANGUAGE = "en"

# Frequent function words that tell the languages apart; a sentence takes the language whose
# words it has most of.
_MARKERS = {
    "en": "the of and to in is that was were for on with as by are from has have it this which",
    "it": "il lo la gli le di del della che per con non una sono nel nella dei delle anche più",
    "de": "der die das und ist nicht den dem des ein eine mit auf sich auch für wurde von zu",
    "fr": "le la les des est une dans pour pas que qui sur avec sont du au aux ont été",
    "es": "el los las del que una por para con está son fue como más pero sus según",
}
_MARKER_SETS = {language: set(words.split()) for language, words in _MARKERS.items()}
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def language_guess(text: str, *, default: str = DEFAULT_LANGUAGE) -> str:
    words = [word.lower() for word in WORD.findall(text)]
    if not words:
        return default
    scores = {
        language: sum(word in markers for word in words)
        for language, markers in _MARKER_SETS.items()
    }
    best = max(scores, key=lambda language: (scores[language], language == default))
    return best if scores[best] > 0 else default


def article_language(article) -> str:
    """The article's language when the importer recorded one, else a guess from its text."""
    language = (getattr(article, "language", "") or "").lower()[:2]
    if language:
        return language
    return language_guess(f"{article.title} {article.body[:3000]}")
