"""`parse_article`: the stages in order, from text to a ParsedArticle."""

from __future__ import annotations

import bisect

from articles.parser.blocks import (
    _blank_markdown_blocks,
    _build_paragraphs,
    _is_markdown,
    _lift_footnotes,
)
from articles.parser.decode import _normalize_newlines
from articles.parser.formats import (
    _drop_script_and_style,
    _first_value,
    _front_matter_date,
    _FrontMatter,
    _names_from,
    _split_front_matter,
)
from articles.parser.header import _consume_header
from articles.parser.markers import _find_citations
from articles.parser.model import (
    Contributor,
    ParsedArticle,
    ParsedCitation,
    ParsedReference,
    ParsedSentence,
    ParseError,
    _Line,
)
from articles.parser.references import (
    _parse_author_year_reference,
    _parse_reference,
    _RawEntry,
    _split_reference_list,
)
from articles.parser.sentences import _split_sentences
from articles.parser.text import _ODD_SPACES, _json_safe, _strip_trailing_junk


def parse_article(text: str, *, file_name: str) -> ParsedArticle:
    text = _normalize_newlines(text).lstrip("\ufeff")
    if not text.strip():
        raise ParseError("the file is empty")
    # Plain-text exports of web pages carry <script> and <style> elements too.
    text = _drop_script_and_style(text)
    is_markdown = _is_markdown(text, file_name)
    lines = [
        _Line(number, line.translate(_ODD_SPACES).rstrip())
        for number, line in enumerate(text.split("\n"), start=1)
    ]

    front_matter = _FrontMatter({}, {})
    if is_markdown:
        front_matter, lines = _split_front_matter(lines)
    front = front_matter.fields
    metadata = _json_safe(front)
    assert isinstance(metadata, dict)

    footnote_entries: list[_RawEntry] = []
    if is_markdown:
        lines = _blank_markdown_blocks(lines)
        lines, footnote_entries = _lift_footnotes(lines)

    lines = _strip_trailing_junk(lines)
    lines, raw_entries, style = _split_reference_list(lines)
    lines = _strip_trailing_junk(lines)
    # A "References" heading with nothing after the list heading is not an article either.
    if not any(line.text.strip() for line in lines):
        raise ParseError("no title found")

    front_title = str(_first_value(front, ["title"]) or "").strip()
    header, body_lines = _consume_header(lines, is_markdown, front_title)
    if not header.title:
        raise ParseError("no title found")

    references: list[ParsedReference] = []
    for entry in raw_entries:
        if style == "author-year":
            references.append(_parse_author_year_reference(entry))
        else:
            references.append(_parse_reference(entry, entry.number, entry.label))
    for entry in footnote_entries:
        references.append(_parse_reference(entry, entry.number, entry.label))
    references_by_key: dict[str, ParsedReference] = {}
    for reference in references:
        if reference.key in references_by_key:
            raise ParseError(
                f"reference {reference.label or reference.key} appears twice in the list",
                reference.line,
            )
        references_by_key[reference.key] = reference
    numbered_keys = {entry.number for entry in raw_entries} if style == "numbered" else set()

    paragraphs = _build_paragraphs(body_lines, is_markdown)
    body_parts: list[str] = []
    citations: list[ParsedCitation] = []
    sentences: list[ParsedSentence] = []
    warnings: list[str] = []
    unlisted: dict[str, ParsedReference] = {}
    offset = 0
    for paragraph_index, paragraph in enumerate(paragraphs):
        paragraph_citation_start = len(citations)
        for start, end, label, key, kind in _find_citations(paragraph, references_by_key, style):
            line = paragraph.line_at(start)
            if kind == "numbered":
                if not numbered_keys:
                    raise ParseError(
                        f"marker {label} found but the article has no reference list", line
                    )
                if key not in numbered_keys:
                    raise ParseError(f"marker {label} has no entry in the reference list", line)
            elif kind == "footnote":
                if key not in references_by_key:
                    raise ParseError(f"footnote marker {label} has no definition", line)
            elif kind == "unlisted":
                assert key is not None
                if key not in unlisted:
                    # "(Il Post)" names an outlet; "(Smith, 2020)" could be a person or an
                    # outlet, so it is left to the label rather than guessed.
                    outlet = None if key.split("|")[1] else label.strip("()").strip() or None
                    unlisted[key] = ParsedReference(
                        key=key,
                        label=label,
                        raw_text=label,
                        title="",
                        outlet=outlet,
                        authors=(),
                        published=None,
                        url=None,
                        line=None,
                        in_bibliography=False,
                    )
                warnings.append(
                    f"line {line}: citation {label} has no bibliography entry;"
                    " kept as a source not in the bibliography"
                )
            assert key is not None
            citations.append(
                ParsedCitation(
                    label=label,
                    reference_key=key,
                    start=offset + start,
                    end=offset + end,
                    line=line,
                )
            )
        # Citations are in text order: those of a sentence are a slice found by bisection.
        citation_starts = [citation.start for citation in citations[paragraph_citation_start:]]
        for start, end in _split_sentences(paragraph.text):
            first = bisect.bisect_left(citation_starts, offset + start)
            last = bisect.bisect_left(citation_starts, offset + end)
            indexes = tuple(
                range(paragraph_citation_start + first, paragraph_citation_start + last)
            )
            sentences.append(
                ParsedSentence(
                    paragraph.text[start:end],
                    offset + start,
                    offset + end,
                    paragraph_index,
                    indexes,
                )
            )
        body_parts.append(paragraph.text)
        offset += len(paragraph.text) + 2
    body = "\n\n".join(body_parts)
    if not sentences:
        raise ParseError("no article body found")

    contributors = list(header.contributors)
    for key in ("author", "authors"):
        value = _first_value(front, [key])
        if value is not None:
            contributors.extend(
                Contributor("author", "author", name) for name in _names_from(value)
            )
    if header.metadata:
        metadata = {**header.metadata, **metadata}

    standfirst = str(
        _first_value(front, ["standfirst", "subtitle", "description"]) or header.standfirst
    ).strip()
    kicker = str(_first_value(front, ["kicker"]) or header.kicker).strip()
    front_published, date_warnings = _front_matter_date(front_matter)
    published = front_published or header.published
    url_value = _first_value(front, ["url", "canonical_url"])
    outlet_value = _first_value(front, ["outlet", "publisher", "site_name"])
    return ParsedArticle(
        title=header.title,
        kicker=kicker,
        standfirst=standfirst,
        contributors=tuple(contributors),
        outlet=str(outlet_value).strip() if outlet_value else None,
        published=published,
        url=str(url_value).strip() if url_value else None,
        body=body,
        references=tuple(references) + tuple(unlisted.values()),
        citations=tuple(citations),
        sentences=tuple(sentences),
        metadata=metadata,
        warnings=tuple(date_warnings + warnings),
    )
