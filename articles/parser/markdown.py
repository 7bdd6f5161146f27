# ruff: noqa: RUF001 -- curly quotes and dashes are the data being parsed.
"""Stage 2b, Markdown: CommonMark through markdown-it-py, as typed, numbered lines.

markdown-it-py parses the block structure (headings, lists, quotes, code, tables, footnotes)
and the inline markup (emphasis, links, escapes, entities); this module only turns its tokens
into the lines the later stages read, keeping each line's number in the file and the inline
links with their offsets in the line's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from articles.parser.model import Link, _Line, _RawEntry
from articles.parser.text import _strip_html_tags, clean_inline_text

_MARKDOWN = (
    MarkdownIt("commonmark", {"html": True})
    .use(front_matter_plugin)
    .use(footnote_plugin)
    .enable("table")
    .enable("strikethrough")
)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
# <sup>3</sup> and <sup>[3]</sup>: a note number, written as the bracket marker it stands for.
_SUP_OPEN = re.compile(r"<sup\b[^>]*>", re.IGNORECASE)
_SUP_CLOSE = re.compile(r"</sup\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class MarkdownDocument:
    front_matter: str | None
    # 1-based line of the front matter's opening "---", when there is front matter.
    front_matter_line: int
    lines: tuple[_Line, ...]
    footnotes: tuple[_RawEntry, ...]


class _InlineWriter:
    """Collects the text of one inline token's children, line by line, with its links."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, tuple[Link, ...], bool]] = []
        self._parts: list[str] = []
        self._length = 0
        self._links: list[Link] = []
        self._open_links: list[tuple[int, str]] = []
        self._images_only = True
        self._in_sup = False

    def write(self, text: str) -> None:
        text = clean_inline_text(text)
        if not text:
            return
        if self._length == 0 or (self._parts and self._parts[-1].endswith(" ")):
            text = text.lstrip(" ")
            if not text:
                return
        if text.strip():
            self._images_only = False
        self._parts.append(text)
        self._length += len(text)

    def image(self) -> None:
        pass

    def open_link(self, url: str) -> None:
        self._open_links.append((self._length, url))

    def close_link(self) -> None:
        if not self._open_links:
            return
        start, url = self._open_links.pop()
        text = "".join(self._parts)
        # Spaces at either end are not the link's words.
        while start < self._length and text[start] == " ":
            start += 1
        end = self._length
        while end > start and text[end - 1] == " ":
            end -= 1
        if end > start and url.startswith(("http://", "https://")):
            self._links.append(Link(start, end, url))

    def html(self, tag: str) -> None:
        if _BR.fullmatch(tag.strip()):
            self.write(" ")
        elif _SUP_OPEN.fullmatch(tag.strip()):
            self._in_sup = True
        elif _SUP_CLOSE.fullmatch(tag.strip()):
            self._in_sup = False

    def sup_text(self, text: str) -> bool:
        """Superscript note numbers become "[3]"; True when the text was one."""
        if self._in_sup and re.fullmatch(r"\[?\d{1,3}(?:[,–-]\s*\d{1,3})*\]?", text.strip()):
            self.write(f"[{text.strip().strip('[]')}]")
            return True
        return False

    def end_line(self) -> None:
        text = "".join(self._parts)
        stripped = text.rstrip(" ")
        links = tuple(link for link in self._links if link.end <= len(stripped))
        self.lines.append((stripped, links, self._images_only and not stripped))
        self._parts, self._length, self._links, self._open_links = [], 0, [], []
        self._images_only = True


def _inline_lines(token: Token) -> list[tuple[str, tuple[Link, ...], bool]]:
    """(text, links, images only) for each source line of an inline token."""
    writer = _InlineWriter()
    had_image = False
    for child in token.children or []:
        kind = child.type
        if kind in ("text", "code_inline"):
            if not writer.sup_text(child.content):
                writer.write(child.content)
        elif kind in ("softbreak", "hardbreak"):
            writer.end_line()
        elif kind == "link_open":
            writer.open_link(str(child.attrs.get("href", "")))
        elif kind == "link_close":
            writer.close_link()
        elif kind == "image":
            had_image = True
        elif kind == "html_inline":
            writer.html(child.content)
        elif kind == "footnote_ref":
            writer.write(f"[^{_footnote_label(child.meta)}]")
    writer.end_line()
    if not had_image:
        return [(text, links, False) for text, links, _ in writer.lines]
    return writer.lines


def markdown_document(text: str) -> MarkdownDocument:
    """The Markdown text as typed lines (numbered as in the file) and its footnote definitions."""
    tokens = _MARKDOWN.parse(text)
    source_lines = text.split("\n")
    lines: list[_Line] = []
    footnotes: list[_RawEntry] = []
    front_matter: str | None = None
    front_matter_line = 0
    # What the current inline token sits in.
    quote_depth = 0
    item_numbers: list[str | None] = []  # the open list items' numbers ("3"), None if bulleted
    item_first_paragraph = False
    footnote_label: str | None = None
    footnote_parts: list[str] = []
    footnote_links: list[str] = []
    footnote_line = 0
    heading_level = 0
    paragraph_end = 0
    ordered_starts: list[int] = []

    def add(number: int, line_text: str, **fields) -> None:
        lines.append(_Line(number, line_text, **fields))

    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "front_matter":
            front_matter = token.content
            front_matter_line = (token.map or [0])[0] + 1
            add((token.map or [0, 1])[1], "", kind="break")
        elif kind == "heading_open":
            heading_level = int(token.tag[1:])
        elif kind == "heading_close":
            heading_level = 0
        elif kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind == "ordered_list_open":
            ordered_starts.append(int(token.attrs.get("start", 1) or 1))
        elif kind == "ordered_list_close":
            ordered_starts.pop()
        elif kind == "list_item_open":
            ordered = token.markup in (".", ")")
            item_numbers.append((token.info or None) if ordered else None)
            item_first_paragraph = True
        elif kind == "list_item_close":
            item_numbers.pop()
            item_first_paragraph = False
        elif kind == "footnote_open":
            footnote_label = _footnote_label(token.meta)
            footnote_parts, footnote_links = [], []
            footnote_line = 0
        elif kind == "footnote_close":
            if footnote_label is not None:
                content = " ".join(part for part in footnote_parts if part).strip()
                # The links' addresses belong to the entry: "[Title](url)" names where it is.
                for url in footnote_links:
                    if url not in content:
                        content = f"{content} {url}".strip()
                number = footnote_line or 1
                raw = source_lines[number - 1].strip() if number <= len(source_lines) else ""
                footnotes.append(
                    _RawEntry(
                        number,
                        f"[^{footnote_label}]:",
                        f"^{footnote_label}",
                        content,
                        raw or f"[^{footnote_label}]: {content}",
                    )
                )
            footnote_label = None
        elif kind in ("fence", "code_block", "hr", "table_open", "html_block"):
            start, end = token.map or [0, 1]
            if kind == "html_block":
                _html_block_lines(token, start, add)
            add(end, "", kind="break")
        elif kind == "inline":
            parent = tokens[index - 1].type if index else ""
            start = (token.map or [0, 1])[0] + 1
            pieces = _inline_lines(token)
            if footnote_label is not None:
                if not footnote_line:
                    footnote_line = start
                footnote_parts.extend(text for text, _, _ in pieces)
                footnote_links.extend(link.url for _, links, _ in pieces for link in links)
                continue
            if parent == "heading_open":
                text_, links, _ = _joined(pieces)
                add(start, text_, kind="heading", level=heading_level, links=links)
                continue
            if parent in ("th_open", "td_open"):
                continue
            if item_numbers and item_first_paragraph:
                # A list item is one line: its wrapped lines belong together.
                item_first_paragraph = False
                text_, links, images = _joined(pieces)
                number = item_numbers[-1]
                if number is not None:
                    prefix = f"{number}. "
                    text_ = prefix + text_
                    links = tuple(
                        Link(link.start + len(prefix), link.end + len(prefix), link.url)
                        for link in links
                    )
                add(start, text_, kind="image" if images else "item", links=links)
                continue
            for offset, (text_, links, images) in enumerate(pieces):
                line_kind = "image" if images else "quote" if quote_depth else "text"
                add(start + offset, text_, kind=line_kind, links=links)
        elif kind == "paragraph_open":
            paragraph_end = (token.map or [0, 0])[1]
        elif kind == "paragraph_close" and footnote_label is None:
            add(paragraph_end, "", kind="break")
    return MarkdownDocument(front_matter, front_matter_line, tuple(lines), tuple(footnotes))


def _joined(
    pieces: list[tuple[str, tuple[Link, ...], bool]],
) -> tuple[str, tuple[Link, ...], bool]:
    text = ""
    links: list[Link] = []
    for piece, piece_links, _ in pieces:
        if not piece:
            continue
        if text:
            text += " "
        links.extend(
            Link(len(text) + link.start, len(text) + link.end, link.url) for link in piece_links
        )
        text += piece
    return text, tuple(links), all(images for _, _, images in pieces)


def _html_block_lines(token: Token, start: int, add) -> None:
    """Text inside an HTML block (a <p> pasted into Markdown), tags removed, line by line.

    CommonMark leaves Markdown inside HTML blocks alone; authors still mean "**Monday**" as
    emphasis there, so each line's text goes through the inline parser too.
    """
    for offset, raw in enumerate(token.content.split("\n")):
        text = clean_inline_text(_strip_html_tags(raw)).strip()
        if not text or not re.search(r"\w", text):
            continue
        inline = _MARKDOWN.parseInline(text)
        for piece, links, _ in _inline_lines(inline[0]) if inline else []:
            if piece:
                add(start + 1 + offset, piece, links=links)


def _footnote_label(meta: dict) -> str:
    # An inline footnote ("^[text]") has no label of its own: it is known by its number.
    label = meta.get("label")
    return str(label) if label else f"inline-{int(meta.get('id', 0)) + 1}"
