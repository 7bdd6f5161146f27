"""Pure parser for published articles: file bytes in, frozen dataclasses out.

No Django and no database here on purpose: the importer, the tests and any command-line tool
can all call `decode_article` and `parse_article` on plain strings. One module per stage:

    decode      bytes -> text (encoding, binary files, NUL bytes)
    formats     which format (plain text, Markdown, HTML) and the front matter
    blocks      the document as typed, numbered lines and paragraphs
    header      title, kicker, standfirst, byline, date, page metadata
    references  the reference list and its entries
    markers     in-text citation markers and what they point at
    sentences   language and sentence spans
    pipeline    `parse_article`, which runs the stages in order
"""

from articles.parser.dates import find_date, parse_date
from articles.parser.decode import decode_article
from articles.parser.model import (
    Contributor,
    ParsedArticle,
    ParsedCitation,
    ParsedReference,
    ParsedSentence,
    ParseError,
    ParseWarning,
)
from articles.parser.pipeline import parse_article

__all__ = [
    "Contributor",
    "ParseError",
    "ParseWarning",
    "ParsedArticle",
    "ParsedCitation",
    "ParsedReference",
    "ParsedSentence",
    "decode_article",
    "find_date",
    "parse_article",
    "parse_date",
]
