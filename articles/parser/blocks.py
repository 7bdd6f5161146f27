"""Stage 3, blocks: the document as numbered lines, then as body paragraphs."""

# ruff: noqa: RUF001 -- curly quotes and dashes are the data being parsed.
from __future__ import annotations

import re

from articles.parser.model import Link, _Line, _Paragraph
from articles.parser.text import _strip_html_tags

# ---------------------------------------------------------------------------
# Body, citations, sentences
# ---------------------------------------------------------------------------

_END_MARKS = "■□▪◼"
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?:\[\^?[\w-]+\])*$")
# Long lines ending a sentence are paragraphs of their own (one-paragraph-per-line exports);
# shorter ones are hard-wrapped prose (wraps are at 70-80 characters) and join the next line.
_PARAGRAPH_LINE_LENGTH = 100
_SPACE_RUN = re.compile(r" {2,}")
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+")


def _build_paragraphs(lines: list[_Line], is_markdown: bool) -> list[_Paragraph]:
    """Body paragraphs from the lines after the header; `is_markdown` for Markdown and HTML.

    Markdown and HTML lines arrive as plain text with typed kinds; plain text lines may still
    carry list bullets and stray tags.
    """
    paragraphs: list[_Paragraph] = []
    current: _Paragraph | None = None
    after_image = False
    for line in lines:
        raw = line.text
        links = line.links
        if line.kind in ("image", "heading", "break"):
            # Images and in-body sub-headings are not claims; each also ends a paragraph.
            current = None
            if line.kind != "break":
                after_image = line.kind == "image"
            continue
        if is_markdown:
            text = raw
            if line.kind == "item":
                current = None  # each list item is a paragraph of its own
                bullet = _LIST_ITEM.match(text)
                if bullet:
                    text = text[bullet.end() :]
                    links = _shift_links(links, -bullet.end())
        else:
            if _LIST_ITEM.match(raw):
                raw = _LIST_ITEM.sub("", raw, count=1)
                current = None  # each list item is a paragraph of its own
            text = _strip_html_tags(raw)
        for mark in _END_MARKS:
            if mark in text:
                text = text.split(mark, 1)[0]
        if not is_markdown and "  " in text:
            text = _SPACE_RUN.sub(" ", text)
        stripped = text.strip()
        if stripped != text:
            links = _shift_links(links, -(len(text) - len(text.lstrip())))
            text = stripped
        if not text:
            current = None
            continue
        if current is None:
            current = _Paragraph(segments=[], after_image=after_image)
            paragraphs.append(current)
            after_image = False
        current.add(line.number, text, links)
        if len(text) > _PARAGRAPH_LINE_LENGTH and _SENTENCE_END.search(text):
            current = None
    return [paragraph for paragraph in paragraphs if re.search(r"\w", paragraph.text)]


def _shift_links(links: tuple[Link, ...], by: int) -> tuple[Link, ...]:
    return tuple(
        Link(link.start + by, link.end + by, link.url) for link in links if link.start + by >= 0
    )
