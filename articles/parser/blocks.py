"""Stage 3, blocks: the document as numbered lines, then as body paragraphs."""

# ruff: noqa: RUF001 -- curly quotes and dashes are the data being parsed.
from __future__ import annotations

import re

from articles.parser.formats import _MARKDOWN_SUFFIXES
from articles.parser.header import _ATX_HEADING, _IMAGE_LINE
from articles.parser.model import ParseError, _Line, _Paragraph
from articles.parser.references import _FOOTNOTE_DEFINITION, _RawEntry
from articles.parser.text import _strip_html_tags, _strip_inline_markup

_FENCE = re.compile(r"^\s{0,3}(?P<fence>`{3,}|~{3,})", re.MULTILINE)
_TABLE_ROW = re.compile(r"^\s{0,3}\|")
# "---|:---:" or "| --- | --- |": the row under a table's header.
_TABLE_SEPARATOR = re.compile(r"^\s{0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")


def _is_markdown(text: str, file_name: str) -> bool:
    lowered = file_name.casefold()
    if lowered.endswith(_MARKDOWN_SUFFIXES):
        return True
    return bool(
        re.match(r"\A\s*---\s*\n", text)
        or re.search(r"^\s{0,3}#{1,6}\s+\S", text, re.MULTILINE)
        or re.search(r"^\s{0,3}\[\^[^\]\s]+\]:", text, re.MULTILINE)
        or _FENCE.search(text)
    )


def _blank_markdown_blocks(lines: list[_Line]) -> list[_Line]:
    """Fenced code, tables and rules blanked out: they are not prose and hold no claims.

    Blanked rather than removed, so line numbers stay right and each block ends a paragraph.
    """
    blank: set[int] = set()
    index = 0
    while index < len(lines):
        text = lines[index].text
        fence = _FENCE.match(text)
        if fence:
            marker = fence["fence"]
            # Closed by a run of the same character at least as long; unclosed, it runs to the
            # end of the file as in CommonMark.
            closing = re.compile(rf"\s{{0,3}}{re.escape(marker[0])}{{{len(marker)},}}\s*")
            end = index + 1
            while end < len(lines) and not closing.fullmatch(lines[end].text):
                end += 1
            blank.update(range(index, min(end + 1, len(lines))))
            index = end + 1
            continue
        if _TABLE_ROW.match(text) or _RULE.match(text):
            blank.add(index)
        elif _TABLE_SEPARATOR.match(text):
            # A table without outer pipes: the header row above, the rows below to a blank line.
            if index > 0 and "|" in lines[index - 1].text:
                blank.add(index - 1)
            blank.add(index)
            while index + 1 < len(lines) and "|" in lines[index + 1].text:
                index += 1
                blank.add(index)
        index += 1
    return [
        _Line(line.number, "") if position in blank else line for position, line in enumerate(lines)
    ]


def _lift_footnotes(lines: list[_Line]) -> tuple[list[_Line], list[_RawEntry]]:
    kept: list[_Line] = []
    entries: list[_RawEntry] = []
    current: _RawEntry | None = None
    for line in lines:
        match = _FOOTNOTE_DEFINITION.match(line.text)
        if match:
            content = match["content"].strip()
            current = _RawEntry(
                line.number, f"[^{match['name']}]:", f"^{match['name']}", content, line.text.strip()
            )
            entries.append(current)
            continue
        if current is not None and line.text.startswith("  ") and line.text.strip():
            current.content = f"{current.content} {line.text.strip()}".strip()
            current.raw_text = f"{current.raw_text} {line.text.strip()}"
            continue
        current = None
        kept.append(line)
    for entry in entries:
        if not entry.content:
            raise ParseError(f"footnote {entry.label} has no text", entry.line)
    return kept, entries


# ---------------------------------------------------------------------------
# Body, citations, sentences
# ---------------------------------------------------------------------------

_END_MARKS = "■□▪◼"
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?:\[\^?[\w-]+\])*$")
# Long lines ending a sentence are paragraphs of their own (one-paragraph-per-line exports);
# shorter ones are hard-wrapped prose (wraps are at 70-80 characters) and join the next line.
_PARAGRAPH_LINE_LENGTH = 100
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+")


def _build_paragraphs(lines: list[_Line], is_markdown: bool) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    current: _Paragraph | None = None
    for line in lines:
        raw = line.text
        if is_markdown:
            if (
                _IMAGE_LINE.match(raw)
                or _ATX_HEADING.match(raw)
                or re.fullmatch(r"\s*(?:[-*_]\s*){3,}", raw)
            ):
                # Images and in-body sub-headings are not claims; a heading also ends a paragraph.
                current = None
                continue
            raw = re.sub(r"^\s{0,3}(?:>\s?)+", "", raw)
            if _LIST_ITEM.match(raw):
                raw = _LIST_ITEM.sub("", raw, count=1)
                current = None  # each list item is a paragraph of its own
            text = _strip_inline_markup(raw)
        else:
            if _LIST_ITEM.match(raw):
                raw = _LIST_ITEM.sub("", raw, count=1)
                current = None  # each list item is a paragraph of its own
            text = _strip_html_tags(raw)
        for mark in _END_MARKS:
            if mark in text:
                text = text.split(mark, 1)[0]
        text = re.sub(r" {2,}", " ", text).strip()
        if not text:
            current = None
            continue
        if current is None:
            current = _Paragraph(segments=[])
            paragraphs.append(current)
        current.add(line.number, text)
        if len(text) > _PARAGRAPH_LINE_LENGTH and _SENTENCE_END.search(text):
            current = None
    return [paragraph for paragraph in paragraphs if re.search(r"\w", paragraph.text)]
