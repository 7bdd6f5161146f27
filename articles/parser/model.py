"""The dataclasses the stages hand each other, and ParseError."""

from __future__ import annotations

import bisect
import dataclasses
import datetime
from dataclasses import dataclass


class ParseError(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(message)

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Contributor:
    role: str
    role_label: str
    name: str


@dataclass(frozen=True)
class ParsedReference:
    key: str
    label: str
    raw_text: str
    title: str
    outlet: str | None
    authors: tuple[str, ...]
    published: datetime.date | None
    url: str | None
    line: int | None
    in_bibliography: bool = True


@dataclass(frozen=True)
class ParsedCitation:
    label: str
    # None for a marker that points at no entry: kept, for an editor to resolve.
    reference_key: str | None
    start: int
    end: int
    line: int


@dataclass(frozen=True)
class ParsedSentence:
    text: str
    start: int
    end: int
    paragraph: int
    citation_indexes: tuple[int, ...]


@dataclass(frozen=True)
class ParsedArticle:
    title: str
    kicker: str
    standfirst: str
    contributors: tuple[Contributor, ...]
    outlet: str | None
    published: datetime.date | None
    url: str | None
    body: str
    references: tuple[ParsedReference, ...]
    citations: tuple[ParsedCitation, ...]
    sentences: tuple[ParsedSentence, ...]
    metadata: dict
    warnings: tuple[ParseWarning, ...]
    # ISO 639-1 code of the body's language ("en", "de"), or "" when it could not be told.
    language: str = ""
    format: str = "text"


class ParseWarning(str):
    """A warning's text ("line 16: citation (Il Post) has no ..."), with its kind for counting.

    A str, so a warning reads and compares as its message; `kind` groups warnings in summaries.
    """

    kind: str

    def __new__(cls, message: str, kind: str = "other") -> ParseWarning:
        warning = super().__new__(cls, message)
        warning.kind = kind
        return warning

    def __reduce__(self) -> tuple:
        return (ParseWarning, (str(self), self.kind))


@dataclass(frozen=True)
class Link:
    """An inline link inside a line's text: text[start:end] links to url."""

    start: int
    end: int
    url: str


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based line in the source file
    text: str
    # "text"; from Markdown and HTML also "heading", "item" (a list item), "image", "break".
    kind: str = "text"
    level: int = 0  # a heading's level, 1 to 6
    links: tuple[Link, ...] = ()


@dataclass
class _RawEntry:
    line: int
    label: str
    number: str
    content: str
    raw_text: str


@dataclass
class _Paragraph:
    # (line number, offset of the line's text inside the paragraph text)
    segments: list[tuple[int, int]]
    parts: list[str] = dataclasses.field(default_factory=list)
    length: int = 0
    starts: list[int] = dataclasses.field(default_factory=list)
    # Inline links, with offsets into the paragraph's text.
    links: list[Link] = dataclasses.field(default_factory=list)
    # Right after an image: a caption or credit line, when it is short.
    after_image: bool = False

    def add(self, number: int, text: str, links: tuple[Link, ...] = ()) -> None:
        # Joined once at the end: adding to a growing string would copy it for every line.
        if self.parts:
            self.length += 1
        self.segments.append((number, self.length))
        self.starts.append(self.length)
        self.parts.append(text)
        self.links.extend(
            Link(self.length + link.start, self.length + link.end, link.url)
            for link in links
            if link.end <= len(text)
        )
        self.length += len(text)

    @property
    def text(self) -> str:
        if len(self.parts) > 1:
            self.parts = [" ".join(self.parts)]
        return self.parts[0] if self.parts else ""

    def line_at(self, offset: int) -> int:
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.segments[max(index, 0)][0]
