# ruff: noqa: RUF001 -- curly quotes and dashes are the data being parsed.
"""Pure parser for published articles: file text in, dataclasses out.

No Django and no database here on purpose: the importer, the tests and any command-line
tool can all call `decode_article` and `parse_article` on plain strings.

Pipeline of `parse_article` (each step works on numbered lines so errors can name a line):
 1. YAML front matter (Markdown only) -> metadata and article fields.
 2. Markdown code blocks, tables and rules are blanked; footnote definitions (`[^3]: ...`) are
    lifted out of the text wherever they are.
 3. Trailing junk (comment widgets, share buttons, site footers, JSON/HTML debris) is cut off.
 4. The reference list at the end (numbered, or author-year bibliography) is cut off and parsed.
 5. The header (title, kicker, standfirst, byline, date, post-meta lines) is consumed.
 6. What remains becomes paragraphs; inline markup is stripped; citations and sentences are found.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pysbd
import yaml


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
    reference_key: str
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
    warnings: tuple[str, ...]


# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------

_TEXT_CONTROL_BYTES = {0x09, 0x0A, 0x0B, 0x0C, 0x0D}
# Above this share of control bytes / undecodable bytes a file is not prose that went wrong,
# it is a binary file (image, PDF, archive) uploaded by mistake.
_BINARY_SHARE = 0.10


_WIDE_BOMS = (
    # UTF-32 first: its little-endian mark begins with UTF-16's.
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)


def _wide_encoding(data: bytes) -> str | None:
    """The wide encoding ("UTF-16" or "UTF-32") the bytes are text in, else None.

    Word processors on Windows save "Unicode text" as UTF-16; read as bytes, Latin text in it
    has a NUL in every other position, which would otherwise be reported as a binary file.
    """
    for bom, codec, name in _WIDE_BOMS:
        if data.startswith(bom) and _reads_as_text(data[len(bom) :], codec):
            return name
    # Without a mark: the NULs of Latin text sit in fixed columns (the high bytes).
    sample = data[:4096]
    if len(sample) < 8:
        return None
    for width, name in ((4, "UTF-32"), (2, "UTF-16")):
        columns = [sample[offset::width] for offset in range(width)]
        nul_shares = [column.count(0) / len(column) for column in columns]
        for nul_columns, codec in (
            (range(1, width), f"{name.lower()}-le"),
            (range(width - 1), f"{name.lower()}-be"),
        ):
            if min(nul_shares[column] for column in nul_columns) > 0.8 and _reads_as_text(
                data, codec
            ):
                return name
    return None


def _reads_as_text(data: bytes, codec: str) -> bool:
    text = data.decode(codec, errors="replace")
    bad_count = sum(
        1
        for character in text
        if character == "\ufffd" or (character < " " and character not in "\t\n\r\f\v")
    )
    return bool(text.strip()) and bad_count <= len(text) * _BINARY_SHARE


def decode_article(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise ParseError("the file is empty")
    wide = _wide_encoding(data)
    if wide is not None:
        raise ParseError(f"the file is {wide} text; save it as UTF-8")
    if b"\x00" in data:
        raise ParseError("looks like a binary file, not text")
    control_count = sum(
        1 for byte in data if (byte < 0x20 and byte not in _TEXT_CONTROL_BYTES) or byte == 0x7F
    )
    replaced = data.decode("utf-8", errors="replace")
    bad_count = replaced.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    if (control_count + bad_count) / len(data) > _BINARY_SHARE:
        raise ParseError("looks like a binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ParseError(f"not UTF-8 text: invalid byte 0x{data[error.start]:02x}", line) from None
    return _normalize_newlines(text)


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------------------
# Small shared helpers
# ---------------------------------------------------------------------------

# Replaced one-for-one so offsets and line numbers stay valid.
_ODD_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\t": " "})

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_MONTH = (
    r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_DATE_PATTERNS = [
    re.compile(rf"\b{_YEAR}-(?P<month_number>\d{{1,2}})-(?P<day>\d{{1,2}})\b"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    # Author-year bibliographies write "(2023, 25 May)".
    re.compile(rf"\b{_YEAR},\s+{_DAY}\s+{_MONTH}(?![a-z])", re.IGNORECASE),
    re.compile(rf"\b{_YEAR},\s+{_MONTH}\s+{_DAY}\b", re.IGNORECASE),
]


def _date_from_match(match: re.Match[str]) -> datetime.date | None:
    groups = match.groupdict()
    month = (
        int(groups["month_number"])
        if groups.get("month_number")
        # By the first three letters: the pattern also takes misspellings such as "Sepember".
        else _MONTHS[groups["month"][:3].lower()]
    )
    try:
        return datetime.date(int(groups["year"]), month, int(groups["day"]))
    except ValueError:
        return None


def find_date(text: str) -> tuple[datetime.date, re.Match[str]] | None:
    """First full date (day, month and year) in free text, with the match that gave it."""
    best: tuple[datetime.date, re.Match[str]] | None = None
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            value = _date_from_match(match)
            if value is not None:
                if best is None or match.start() < best[1].start():
                    best = (value, match)
                break
    return best


def parse_date(text: str) -> datetime.date | None:
    """A date when the whole text is one (ignoring surrounding punctuation), else None."""
    cleaned = text.strip().strip("*_>()[]").strip()
    cleaned = re.sub(
        r"^(?:published|posted|updated|date|on)\s*:?\s*", "", cleaned, flags=re.IGNORECASE
    )
    # A weekday or time next to the date is still a date line.
    cleaned = re.sub(
        r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", "", cleaned, flags=re.IGNORECASE
    )
    cleaned = re.sub(
        r"[T\s,]+\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:[ap]\.?m\.?|Z|[+-]\d{2}:?\d{2}|[A-Z]{2,4})?$",
        "",
        cleaned,
        flags=re.IGNORECASE,
    )
    found = find_date(cleaned)
    if found is None:
        return None
    value, match = found
    if cleaned[: match.start()].strip(" ,") or cleaned[match.end() :].strip(" ,."):
        return None
    return value


def _json_safe(value: object) -> object:
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_json_safe(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _snake_case(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")


@dataclass
class _Line:
    number: int  # 1-based line in the source file
    text: str


# ---------------------------------------------------------------------------
# Junk
# ---------------------------------------------------------------------------

# Lines that publishing platforms append after an article. Only cut at the end of the
# article or of the reference list, never in the middle of prose.
_JUNK_LINE_PATTERNS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"click here to leave a comment.*",
        r"leave a (?:comment|reply).*",
        r"\d*\s*comments?\.?",
        r"(?:no|view|show|load|post)\s+comments?.*",
        r"share(?: this(?: article| post)?)?\s*:?",
        r"share on \w+.*",
        # Only with a colon or alone on the line: "Related news reached..." is prose.
        r"(?:like this|related(?: posts| articles| stories)?|read more|you may also like"
        r"|tags?|filed under)\s*(?::.*)?",
        r"loading\.*",
        r"(?:previous|next) (?:post|article).*",
        r"\[?\{.*",  # JSON debris such as {"@context": ...}
        r"\}\]?,?",
        r"(?:</?[a-zA-Z][^>]*>\s*)+",  # HTML tag debris such as </div>
        r"[=\-_*~#•·]{3,}",  # horizontal rules and separators
        r"[■□▪◼]",
    )
]


# Site footers. Checked only on the lines after the article, never in the header: a title such
# as "Sign up for the draft: ..." or "More from Kyiv" is plausible, a last line like it is not.
_FOOTER_LINE_PATTERNS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"(?:subscribe|sign up)(?: (?:to|for))? (?:our|the|my) (?:\w+ )?newsletters?\b.{0,120}",
        r"sign up (?:for|to|now|today)\b.{0,120}",
        r"subscribe(?: now| today| here)?[.!]?",
        r"follow (?:us|@\w+)(?: on .{1,80})?[.!]?",
        r"(?:advertisement|advertising|sponsored(?: content)?)(?:\s*[-–—:|].{0,60})?",
        r"(?:copyright\s*)?(?:©|\(c\)).{0,200}",
        r"copyright\s+(?:\d{4}|by\b).{0,200}",
        r".{0,120}\ball rights reserved\.?",
        r"(?:topics?|tags?|categories|category|filed under|keywords)\s*:.{0,300}",
        r"share (?:this|the) (?:article|story|post|page)\b.{0,80}",
        # Without a full stop: "More from the minister is expected." is prose.
        r"(?:see also|more from|more on|more stories(?: from)?)\b[^.!?]{0,80}:?",
        r"(?:we|this (?:web)?site) uses? cookies\b.{0,400}",
        r".{0,200}\b(?:accept|allow|manage|reject)(?: all)? cookies\b.{0,200}",
        r"cookie (?:policy|settings|preferences|notice)\b.{0,80}",
    )
]


def _is_junk(text: str, *, footer: bool = False) -> bool:
    stripped = text.strip()
    patterns = _JUNK_LINE_PATTERNS + _FOOTER_LINE_PATTERNS if footer else _JUNK_LINE_PATTERNS
    return any(pattern.fullmatch(stripped) for pattern in patterns)


def _strip_trailing_junk(lines: list[_Line]) -> list[_Line]:
    end = len(lines)
    while end and (not lines[end - 1].text.strip() or _is_junk(lines[end - 1].text, footer=True)):
        end -= 1
    return lines[:end]


# ---------------------------------------------------------------------------
# Front matter
# ---------------------------------------------------------------------------


# Deeper than this, front matter is not fields an author wrote; it would also exhaust the stack.
_FRONT_MATTER_MAX_DEPTH = 20


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader, made to answer every problem with a YAMLError that has a line.

    The safe loader itself lets through ValueError ("date: 2023-13-45", "!!int abc"),
    AttributeError ("!!timestamp abc") and RecursionError (deep nesting), and builds
    self-referencing values from aliases ("a: &x [*x]").
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed", self.peek_event().start_mark
            )
        self._depth += 1
        try:
            if self._depth > _FRONT_MATTER_MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, "values are nested too deeply", self.peek_event().start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> object:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError, OverflowError):
            tag = node.tag.rsplit(":", 1)[-1]
            value = node.value if isinstance(node, yaml.ScalarNode) else "this value"
            raise yaml.constructor.ConstructorError(
                None, None, f"{value} is not a valid {tag}", node.start_mark
            ) from None

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> object:
        # "date: 2023-13-45" is an author's typo, not a broken file: keep the text and let
        # the caller warn that it is not a date.
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, AttributeError, OverflowError):
            return self.construct_scalar(node)


_FrontMatterLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _FrontMatterLoader.construct_yaml_timestamp
)


@dataclass
class _FrontMatter:
    fields: dict
    # Line of each top-level key, by folded key, so warnings can point at it.
    lines: dict[str, int]


def _split_front_matter(lines: list[_Line]) -> tuple[_FrontMatter, list[_Line]]:
    if not lines or lines[0].text.strip() != "---":
        return _FrontMatter({}, {}), lines
    for index in range(1, len(lines)):
        if lines[index].text.strip() in ("---", "..."):
            break
    else:
        raise ParseError("front matter opened with --- is never closed", lines[0].number)
    source = "\n".join(line.text for line in lines[1:index])
    try:
        loaded = yaml.load(source, Loader=_FrontMatterLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = lines[0].number + 1 + mark.line if mark is not None else lines[0].number
        problem = getattr(error, "problem", None) or (str(error).splitlines() or ["unreadable"])[0]
        raise ParseError(f"front matter is not valid YAML: {problem}", line) from None
    except RecursionError:
        raise ParseError("front matter is nested too deeply", lines[0].number) from None
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise ParseError("front matter must be a set of key: value fields", lines[0].number + 1)
    key_lines: dict[str, int] = {}
    for line in lines[1:index]:
        key = re.match(r"""^["']?([^\s:"'#][^:"']*?)["']?\s*:""", line.text)
        if key:
            key_lines.setdefault(_fold_key(key[1]), line.number)
    return _FrontMatter(loaded, key_lines), lines[index + 1 :]


def _fold_key(key: object) -> str:
    # "publishDate", "publish_date" and "Publish-Date" are one field.
    return re.sub(r"[\W_]+", "", str(key).casefold())


def _first_value(metadata: dict, keys: Iterable[str]) -> object:
    folded: dict[str, object] = {}
    for key, value in metadata.items():
        folded.setdefault(_fold_key(key), value)
    for key in keys:
        value = folded.get(_fold_key(key))
        if value not in (None, "", []):
            return value
    return None


# Where blogs and static-site generators put the publication date, most specific first.
_FRONT_MATTER_DATE_KEYS = (
    "publish_date",
    "publishDate",
    "published",
    "published_at",
    "publishedAt",
    "pubDate",
    "date_published",
    "datePublished",
    "date",
    "created",
)


def _front_matter_date(front: _FrontMatter) -> tuple[datetime.date | None, list[str]]:
    """The publication date in the front matter, and a warning for each date that is not one."""
    warnings: list[str] = []
    seen: set[str] = set()
    for key in _FRONT_MATTER_DATE_KEYS:
        folded = _fold_key(key)
        if folded in seen:
            continue
        seen.add(folded)
        value = _first_value(front.fields, [key])
        # "published: true" is a draft flag in some generators, not a broken date.
        if value is None or isinstance(value, bool):
            continue
        date = _coerce_date(value)
        if date is not None:
            return date, warnings
        written = next(name for name in front.fields if _fold_key(name) == folded)
        line = front.lines.get(folded)
        where = f"line {line}: " if line is not None else ""
        warnings.append(
            f"{where}front matter {written}: {_json_safe(value)} is not a real date;"
            " kept as text in the metadata"
        )
    return None, warnings


def _coerce_date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        iso = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
        if iso:
            try:
                return datetime.date(int(iso[1]), int(iso[2]), int(iso[3]))
            except ValueError:
                return None
        return parse_date(value)
    return None


def _names_from(value: object) -> list[str]:
    if isinstance(value, str):
        return _split_names(value)
    if isinstance(value, dict):
        name = value.get("name")
        return [str(name).strip()] if name else []
    if isinstance(value, (list, tuple)):
        return [name for item in value for name in _names_from(item)]
    return []


def _split_names(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|;|&|\band\b)\s*", text.strip())
    return [part.strip() for part in parts if part.strip()]


# ---------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------

_NUMBERED_ENTRY = re.compile(
    r"^\s*(?:(?P<dot>\d{1,3})\.|(?P<paren>\d{1,3})\)|\[(?P<bracket>\d{1,3})\])(?=\s|$)\s*(?P<content>.*)$"
)
_FOOTNOTE_DEFINITION = re.compile(r"^\s{0,3}\[\^(?P<name>[^\]\s]+)\]:\s*(?P<content>.*)$")
# "Watts M. (2023, 25 May). Title. Outlet." — the ")." after the year tells it from prose.
_AUTHOR_YEAR_ENTRY = re.compile(
    r"^(?P<authors>[A-Z][^()]{0,150}?)\s*\((?P<year>\d{4})[a-z]?(?:,\s*(?P<date>[^)]*))?\)\.\s*(?P<rest>\S.*)$"
)
_REFERENCES_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s*)?[*_]{0,2}"
    r"(?:references?|sources?|bibliography|notes|footnotes|citations|works cited)"
    r"[*_]{0,2}\s*:?\s*[*_]{0,2}\s*$",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s<>\"“”]+")
# Continuation of the previous entry, e.g. a URL or "Retrieved from ..." on its own line.
_CONTINUATION = re.compile(
    r"^(?:\s{2,}\S|\s*(?:https?://|<https?://|retrieved|accessed|available)\b)", re.IGNORECASE
)
_QUOTED = re.compile(r"“(?P<curly>[^”]*)”|\"(?P<straight>[^\"]*)\"")
# British style quotes titles in single curly quotes. The closing mark is also the apostrophe
# (as in "Russia's"), so the title runs to the last closing mark that ends a word: one
# followed by a space, punctuation or the end.
_SINGLE_QUOTED = re.compile(r"(?<![\w’])‘(?P<single>.*\S)’(?=[\s,.;:]|$)")
_ET_AL = re.compile(r",?\s*\bet\.?\s+al\b\.?", re.IGNORECASE)


def _quoted_title(text: str, *, at_start: bool = False) -> tuple[str, int, int] | None:
    """The quoted title in a reference: (title, start of the quote, end of the quote)."""
    double = _QUOTED.match(text) if at_start else _QUOTED.search(text)
    if double:
        title = double["curly"] if double["curly"] is not None else double["straight"]
        return title, double.start(), double.end()
    single = _SINGLE_QUOTED.match(text) if at_start else _SINGLE_QUOTED.search(text)
    if single:
        return single["single"], single.start(), single.end()
    return None


@dataclass
class _RawEntry:
    line: int
    label: str
    number: str
    content: str
    raw_text: str


def _numbered_entry(line: _Line) -> _RawEntry | None:
    match = _NUMBERED_ENTRY.match(line.text)
    if not match:
        return None
    number = match["dot"] or match["paren"] or match["bracket"]
    label = f"{number}." if match["dot"] else f"{number})" if match["paren"] else f"[{number}]"
    return _RawEntry(line.number, label, number, match["content"].strip(), line.text.strip())


def _split_reference_list(lines: list[_Line]) -> tuple[list[_Line], list[_RawEntry], str]:
    """Cut the reference list off the end; returns (remaining lines, entries, style)."""
    heading_index = None
    for index in range(len(lines) - 1, -1, -1):
        if _REFERENCES_HEADING.match(lines[index].text):
            heading_index = index
            break
    if heading_index is not None and heading_index > 0:
        region = lines[heading_index + 1 :]
        style = (
            "author-year"
            if any(_AUTHOR_YEAR_ENTRY.match(line.text) for line in region)
            and not any(_numbered_entry(line) for line in region)
            else "numbered"
        )
        return lines[:heading_index], _collect_entries(region, style), style

    # Without a heading: the list starts at the last entry numbered 0 or 1 (lists start there),
    # provided what follows looks like a list rather than a numbered list inside the prose.
    for index in range(len(lines) - 1, -1, -1):
        entry = _numbered_entry(lines[index])
        if entry is None or entry.number not in ("0", "1"):
            continue
        # "1." may follow a "0." entry: the list starts at the earliest of a consecutive run.
        previous_index = index - 1
        while previous_index >= 0:
            if not lines[previous_index].text.strip():
                previous_index -= 1
                continue
            previous_entry = _numbered_entry(lines[previous_index])
            if previous_entry is None or int(previous_entry.number) != int(entry.number) - 1:
                break
            index, entry = previous_index, previous_entry
            previous_index -= 1
        region = lines[index:]
        entry_count = sum(1 for line in region if _numbered_entry(line))
        other_count = sum(
            1
            for line in region
            if line.text.strip()
            and not _numbered_entry(line)
            and not _CONTINUATION.match(line.text)
        )
        # A numbered list inside the prose is not a reference list: require in-text markers
        # before it, or entries that look like references (a quoted title, a URL or a date).
        entries = [found for found in map(_numbered_entry, region) if found is not None]
        cited = any(_NUMBERED_MARKER.search(line.text) for line in lines[:index])
        look_like_references = sum(
            1
            for found in entries
            if _quoted_title(found.content)
            or _URL.search(found.content)
            or find_date(found.content)
        ) * 2 > len(entries)
        if other_count <= max(1, entry_count // 3) and (cited or look_like_references):
            return lines[:index], _collect_entries(region, "numbered"), "numbered"
        break

    # Author-year bibliography: the trailing run of "Name (YYYY...). ..." lines.
    start = len(lines)
    for index in range(len(lines) - 1, -1, -1):
        text = lines[index].text
        if not text.strip() or _CONTINUATION.match(text):
            continue
        if _AUTHOR_YEAR_ENTRY.match(text.strip()):
            start = index
            continue
        break
    if start < len(lines):
        return lines[:start], _collect_entries(lines[start:], "author-year"), "author-year"
    return lines, [], ""


def _collect_entries(region: list[_Line], style: str) -> list[_RawEntry]:
    entries: list[_RawEntry] = []
    for line in _strip_trailing_junk(region):
        text = line.text
        if not text.strip():
            continue
        if style == "numbered":
            entry = _numbered_entry(line)
            if entry is not None:
                if not entry.content:
                    raise ParseError(f"reference {entry.label} is empty", line.number)
                entries.append(entry)
                continue
        elif _AUTHOR_YEAR_ENTRY.match(text.strip()):
            entries.append(_RawEntry(line.number, "", "", text.strip(), text.strip()))
            continue
        if entries and _CONTINUATION.match(text):
            previous = entries[-1]
            previous.content = f"{previous.content} {text.strip()}"
            previous.raw_text = f"{previous.raw_text} {text.strip()}"
            continue
        raise ParseError(
            f"line in the reference list is not a reference entry: {text.strip()[:60]!r}",
            line.number,
        )
    return entries


def _strip_title_quotes(title: str) -> str:
    # "Title," with the comma inside the quotes is American punctuation, not part of the title.
    return title.strip().rstrip(",").strip()


def _parse_free_reference(
    content: str,
) -> tuple[str, str | None, tuple[str, ...], datetime.date | None, str | None]:
    """Title, outlet, authors, date and URL of a numbered or footnote entry."""
    url_match = _URL.search(content)
    url = url_match.group(0).rstrip(".,;)>") if url_match else None
    without_url = _URL.sub(" ", content) if url_match else content
    without_url = re.sub(r"<\s*>", " ", without_url)
    found_date = find_date(without_url)
    published = found_date[0] if found_date else None

    quoted = _quoted_title(without_url)
    if quoted:
        title = _strip_title_quotes(quoted[0])
        before = _ET_AL.sub("", without_url[: quoted[1]]).strip(" ,;:")
        after = without_url[quoted[2] :]
        authors = tuple(_split_names(before)) if before else ()
    else:
        # No quotes: "Author. Title. Outlet, date." is ambiguous; the first segment is the title.
        head = without_url
        if found_date:
            head = without_url[: found_date[1].start()]
        title = re.split(r"\.\s+", head.strip(" ,.;:"), maxsplit=1)[0].strip(" ,.;:")
        after = head[len(title) :] if head.strip(" ,.;:").startswith(title) else ""
        authors = ()
    if found_date and quoted and found_date[1].start() >= quoted[2]:
        after = without_url[quoted[2] : found_date[1].start()]
    outlet = None
    for segment in re.split(r"[,;]|\.\s", after):
        segment = re.sub(r"\(\s*\d{4}\s*\)", "", segment).strip(" .:()")
        if (
            segment
            and not re.fullmatch(r"[\d\s.,/-]*", segment)
            and not _ET_AL.fullmatch(segment)
            and find_date(segment) is None
        ):
            outlet = segment
            break
    return title, outlet, authors, published, url


# "Watts M.", "Watts, M.", "Watts, Mark", "van Dijk J. K." are people; "BBC", "Reuters" are not.
_PERSON_AUTHOR = re.compile(
    r"^[A-Za-z’'\- ]*?[A-Z][\w’'\-]+,?\s+(?:[A-Z]\.\s*)+$|^[A-Z][\w’'\-]+,\s+[A-Z][\w’'\-]+$"
)


def _surname(author: str) -> str:
    """The name in-text citations use: "Watts M." -> "Watts", "Smith, J." -> "Smith"."""
    if "," in author:
        return author.split(",")[0].strip()
    return re.sub(r"(?:\s+[A-Z]\.)+$", "", author).strip()


def _parse_author_year_reference(
    entry: _RawEntry, key: str | None = None, label: str | None = None
) -> ParsedReference:
    """An "Author (year). Title. Outlet." entry; a footnote or numbered one passes its own key."""
    match = _AUTHOR_YEAR_ENTRY.match(entry.content)
    assert match is not None
    # "Smith, J., Doe, A., et al." lists the first authors; in-text citations name the first.
    author_text = _ET_AL.sub("", match["authors"]).strip().rstrip(",").strip()
    year = match["year"]
    published = None
    if match["date"]:
        found = find_date(f"{year}, {match['date']}")
        published = found[0] if found else None
    rest = match["rest"]
    url_match = _URL.search(rest)
    url = url_match.group(0).rstrip(".,;)>") if url_match else None
    rest = _URL.sub("", rest).strip()
    rest = re.sub(
        r"\b(?:retrieved|available)(?: from| at)?\s*:?\s*$", "", rest, flags=re.IGNORECASE
    ).strip()
    quoted = _quoted_title(rest, at_start=True)
    if quoted:
        title = _strip_title_quotes(quoted[0])
        outlet_text = rest[quoted[2] :].strip(" .,")
    else:
        parts = re.split(r"(?<=[.?!])\s+", rest.rstrip(". "))
        if len(parts) >= 2:
            title = " ".join(parts[:-1]).rstrip(".")
            outlet_text = parts[-1].strip(" .")
        else:
            title, outlet_text = rest.rstrip("."), ""
    outlet = outlet_text or None
    people = [
        name.strip(" ,")
        for name in re.split(r",\s*(?=[A-Z][\w’'\-]+,?\s+[A-Z]\.)|\s*&\s*|\s+and\s+", author_text)
        if name.strip(" ,")
    ]
    if people and all(_PERSON_AUTHOR.match(name) for name in people):
        authors = tuple(people)
        # The key uses the surname as in-text citations write it: "Watts M." -> "watts".
        key_name = _surname(authors[0])
    else:
        authors = ()
        key_name = author_text
    return ParsedReference(
        key=key if key is not None else f"{key_name.strip().casefold()}|{year}",
        label=label if label is not None else _author_year_label(entry.content, match),
        raw_text=entry.raw_text,
        title=title,
        outlet=outlet,
        authors=authors,
        published=published,
        url=url,
        line=entry.line,
    )


def _author_year_label(content: str, match: re.Match[str]) -> str:
    # The label is "BBC (2023, 25 May)": the part of the entry that in-text citations echo.
    closing = content.index(")", match.start("year")) + 1
    return content[:closing].strip()


def _parse_reference(entry: _RawEntry, key: str, label: str) -> ParsedReference:
    # "[^1]: Smith J. et al. (2023, 24 May). Title. BBC." is an author-year entry in a footnote.
    if _AUTHOR_YEAR_ENTRY.match(entry.content):
        return _parse_author_year_reference(entry, key, label)
    title, outlet, authors, published, url = _parse_free_reference(entry.content)
    return ParsedReference(
        key=key,
        label=label,
        raw_text=entry.raw_text,
        title=title,
        outlet=outlet,
        authors=authors,
        published=published,
        url=url,
        line=entry.line,
    )


# ---------------------------------------------------------------------------
# Header
# ---------------------------------------------------------------------------

_BYLINE = re.compile(
    r"^\s*[*_]{0,2}(?P<label>written by|edited by|supervised by|reported by|words by"
    r"|translated by|reviewed by|fact-?checked by|research by|additional reporting by"
    r"|illustrations? by|photos? by|by)\s*:?\s+(?P<names>[^\d].*?)[*_]{0,2}\s*$",
    re.IGNORECASE,
)
_ROLE_BY_LABEL = {
    "written by": "author",
    "reported by": "author",
    "words by": "author",
    "by": "author",
    "edited by": "editor",
}
_VIEWING = re.compile(r"^\s*you are (?:currently )?viewing\s+(?P<title>.+)$", re.IGNORECASE)
_META = re.compile(r"^\s*[•·\-*]\s*(?P<key>[A-Z][\w ]{0,30}?)\s*:\s*(?P<value>.*)$")
_ATX_HEADING = re.compile(r"^\s{0,3}(?P<hashes>#{1,6})(?:\s+(?P<text>.*?))?\s*#*\s*$")
_IMAGE_LINE = re.compile(r"^\s*(?:!\[[^\]]*\]\([^)]*\)\s*|<img\b[^>]*>\s*)+$", re.IGNORECASE)


def _byline(text: str) -> list[Contributor] | None:
    match = _BYLINE.match(text)
    if not match:
        return None
    # "By Jane Doe | Reuters": what follows a bar or a dash is the outlet or a date, not a name.
    names = _split_names(re.split(r"\s+[|–—-]\s+", match["names"])[0].strip(" *_"))
    # "By the way, ..." is prose, not a byline: every name must look like a name.
    if not names or not all(
        re.fullmatch(r"[A-Z][\w.’'\-]*(?:\s+[\w.’'\-]+){0,4}", name) for name in names
    ):
        return None
    label_text = match["label"]
    role = _ROLE_BY_LABEL.get(label_text.casefold(), "other")
    label = label_text[0].upper() + label_text[1:]
    return [Contributor(role=role, role_label=label, name=name) for name in names]


@dataclass
class _Header:
    title: str = ""
    kicker: str = ""
    standfirst: str = ""
    contributors: list[Contributor] = dataclasses.field(default_factory=list)
    published: datetime.date | None = None
    metadata: dict = dataclasses.field(default_factory=dict)


def _consume_header(
    lines: list[_Line], is_markdown: bool, front_title: str
) -> tuple[_Header, list[_Line]]:
    header = _Header(title=front_title)
    index = 0
    viewing_title = ""
    headings_before_title: list[str] = []
    title_from_heading = False
    while index < len(lines):
        text = lines[index].text.strip()
        if not text or (_is_junk(text) and not text.startswith("#")):
            index += 1
            continue
        if is_markdown and _IMAGE_LINE.match(text):
            index += 1
            continue
        viewing = _VIEWING.match(text)
        if viewing and not header.title:
            viewing_title = viewing["title"].strip()
            index += 1
            continue
        heading = _ATX_HEADING.match(text) if is_markdown else None
        if heading:
            heading_text = _strip_inline_markup(heading["text"] or "").strip()
            if not header.title:
                if len(heading["hashes"]) == 1 or not _has_level_one_heading_ahead(
                    lines[index + 1 :]
                ):
                    header.title = heading_text
                    title_from_heading = True
                else:
                    headings_before_title.append(heading_text)
            elif title_from_heading or heading_text.casefold() != header.title.casefold():
                if len(heading["hashes"]) == 1 and front_title and not title_from_heading:
                    title_from_heading = True  # the body repeats the front-matter title
                elif not header.standfirst:
                    header.standfirst = heading_text
                else:
                    break
            else:
                title_from_heading = True
            index += 1
            continue
        contributors = _byline(text)
        if contributors is not None:
            header.contributors.extend(contributors)
            index += 1
            continue
        date = parse_date(text.lstrip("> ").strip())
        if date is not None:
            header.published = header.published or date
            index += 1
            continue
        meta = _META.match(text) if not is_markdown or header.title else None
        if meta and header.title:
            key, value = meta["key"].strip(), meta["value"].strip()
            if value:
                header.metadata[_snake_case(key)] = value
                if re.search(r"author", key, re.IGNORECASE):
                    header.contributors.extend(
                        Contributor("author", key, name) for name in _split_names(value)
                    )
                elif re.search(r"date|published", key, re.IGNORECASE):
                    header.published = header.published or parse_date(value)
            index += 1
            continue
        if not header.title:
            if viewing_title and text.casefold() != viewing_title.casefold():
                header.title = viewing_title
                break
            if not is_markdown or not _looks_like_body(text):
                header.title = _strip_inline_markup(text).strip()
                index += 1
                continue
        break
    if not header.title and viewing_title:
        header.title = viewing_title
    if headings_before_title:
        header.kicker = headings_before_title[-1]
    return header, lines[index:]


def _has_level_one_heading_ahead(lines: list[_Line]) -> bool:
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        heading = _ATX_HEADING.match(text)
        if heading is None:
            if _IMAGE_LINE.match(text):
                continue
            return False
        if len(heading["hashes"]) == 1:
            return True
    return False


def _looks_like_body(text: str) -> bool:
    # Markdown without a heading: a first line that is a long sentence is body, not a title.
    return len(text) > 150 and bool(re.search(r"[.!?][\"”’)]*$", text))


# ---------------------------------------------------------------------------
# Inline markup
# ---------------------------------------------------------------------------

_INLINE_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    (re.compile(r"<br\s*/?>", re.IGNORECASE), " "),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),
    (re.compile(r"(?<!!)\[([^\]^][^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
    # Emphasis never spans its own delimiter (except inside a word, as in snake_case): an
    # opener then scans only to the next delimiter, where ".*?" made a line of a thousand
    # unclosed "*a" take minutes.
    (re.compile(r"\*\*([^*\s](?:(?:[^*]|\*(?!\*))*?[^*\s])?)\*\*"), r"\1"),
    (re.compile(r"__([^_\s](?:(?:[^_]|_(?!_))*?[^_\s])?)__"), r"\1"),
    (re.compile(r"(?<![\w*])\*([^*\s](?:(?:[^*]|(?<=\w)\*(?=\w))*[^*\s])?)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_([^_\s](?:(?:[^_]|(?<=\w)_(?=\w))*[^_\s])?)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])"), r"\1"),
]


def _strip_inline_markup(text: str) -> str:
    for pattern, replacement in _INLINE_RULES:
        text = pattern.sub(replacement, text)
    return html.unescape(text).translate(_ODD_SPACES)


def _strip_html_tags(text: str) -> str:
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>", "", text)
    return html.unescape(text).translate(_ODD_SPACES)


# ---------------------------------------------------------------------------
# Body, citations, sentences
# ---------------------------------------------------------------------------

_END_MARKS = "■□▪◼"
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?:\[\^?[\w-]+\])*$")
# Long lines ending a sentence are paragraphs of their own (one-paragraph-per-line exports);
# shorter ones are hard-wrapped prose (wraps are at 70-80 characters) and join the next line.
_PARAGRAPH_LINE_LENGTH = 100
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+")


@dataclass
class _Paragraph:
    # (line number, offset of the line's text inside the paragraph text)
    segments: list[tuple[int, int]]
    parts: list[str] = dataclasses.field(default_factory=list)
    length: int = 0
    starts: list[int] = dataclasses.field(default_factory=list)

    def add(self, number: int, text: str) -> None:
        # Joined once at the end: adding to a growing string would copy it for every line.
        if self.parts:
            self.length += 1
        self.segments.append((number, self.length))
        self.starts.append(self.length)
        self.parts.append(text)
        self.length += len(text)

    @property
    def text(self) -> str:
        if len(self.parts) > 1:
            self.parts = [" ".join(self.parts)]
        return self.parts[0] if self.parts else ""

    def line_at(self, offset: int) -> int:
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.segments[max(index, 0)][0]


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


_NUMBERED_MARKER = re.compile(r"\[(\d{1,3})\](?!\()")
_FOOTNOTE_MARKER = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_PARENTHESIS = re.compile(r"\(([^()]{1,200})\)")
_NAME_WORD = (
    r"(?:[A-Z][\w’'.\-]*|of|the|de|di|del|della|la|le|van|von|der|den|da|dos|du|al|el|and|&)"
)
# One author-year part: "Watts, 2023", "Smith et al., 2020a, p. 4", "Smith and Jones 2019".
_AUTHOR_YEAR_PART = re.compile(
    rf"^(?P<names>[A-Z][\w’'.\-]*(?:\s+{_NAME_WORD}){{0,5}}?)(?P<et_al>\s+et\s+al\.?)?(?P<comma>,)?\s+(?P<year>\d{{4}})[a-z]?(?:,\s*(?:pp?\.|para\.)\s*[\d\-–]+)?$"
)
_NAME_ONLY = re.compile(rf"^[A-Z][\w’'.\-]*(?:\s+{_NAME_WORD}){{0,3}}$")
_MONTH_WORD = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$", re.IGNORECASE
)


def _author_year_key(names: str, year: str) -> str:
    first = re.split(r"\s*(?:&|\band\b|,)\s*", names.strip())[0]
    return f"{first.strip().casefold()}|{year}"


def _resolve_author_year(
    names: str, year: str, references_by_key: dict[str, ParsedReference]
) -> str | None:
    key = _author_year_key(names, year)
    if key in references_by_key:
        return key
    # "(Smith et al., 2020)" or "(Smith and Doe, 2020)": the first author and the year, when
    # exactly one entry has them; with two candidates a guess would be a wrong source.
    first = key.split("|")[0]
    matches = []
    for reference in references_by_key.values():
        if not reference.in_bibliography or not reference.key.endswith(f"|{year}"):
            continue
        candidates = {reference.key.split("|")[0], (reference.outlet or "").casefold()}
        for author in reference.authors[:1]:
            candidates |= {_surname(author).casefold(), author.split()[0].rstrip(",").casefold()}
        if first in candidates:
            matches.append(reference.key)
    return matches[0] if len(matches) == 1 else None


def _find_citations(
    paragraph: _Paragraph,
    references_by_key: dict[str, ParsedReference],
    style: str,
) -> list[tuple[int, int, str, str | None, str]]:
    """(start, end, label, reference key, kind) of each citation found in one paragraph."""
    text = paragraph.text
    found: list[tuple[int, int, str, str | None, str]] = []
    for match in _NUMBERED_MARKER.finditer(text):
        found.append((match.start(), match.end(), match.group(0), match.group(1), "numbered"))
    for match in _FOOTNOTE_MARKER.finditer(text):
        found.append((match.start(), match.end(), match.group(0), f"^{match.group(1)}", "footnote"))
    for match in _PARENTHESIS.finditer(text):
        content = match.group(1).strip()
        # (start, part as written) of each ";"-separated part inside the parenthesis.
        parts: list[tuple[int, str]] = []
        part_start = match.start(1)
        for piece in match.group(1).split(";"):
            leading = len(piece) - len(piece.lstrip())
            parts.append((part_start + leading, piece.strip()))
            part_start += len(piece) + 1
        parsed = [_AUTHOR_YEAR_PART.match(part) for _start, part in parts]
        if all(parsed):
            part_citations = []
            for (start, part), part_match in zip(parts, parsed, strict=True):
                assert part_match is not None
                if _MONTH_WORD.match(part_match["names"]):
                    break
                resolved = _resolve_author_year(
                    part_match["names"], part_match["year"], references_by_key
                )
                # Without a comma "(Kyiv 2022)" is likely prose; trust it only when it resolves.
                if resolved is None and not part_match["comma"]:
                    break
                wanted = _author_year_key(part_match["names"], part_match["year"])
                kind = "author-year" if resolved else "unlisted"
                part_citations.append((start, start + len(part), part, resolved or wanted, kind))
            else:
                if len(part_citations) == 1:
                    # One source: the citation is the whole parenthesis, as published.
                    _start, _end, _label, key, kind = part_citations[0]
                    found.append((match.start(), match.end(), match.group(0), key, kind))
                else:
                    # "(Jones, 2021; Brown & Green, 2019)" cites each source on its own.
                    found.extend(part_citations)
            continue
        # Year-less parenthesis, e.g. "(Il Post)." Rule: it is a citation when its content names a
        # bibliography entry's author or outlet; or when it is a capitalised 1-4 word name, not an
        # acronym of <= 5 capitals like (LSR), without digits, placed right before the sentence's
        # final punctuation. Otherwise it is ordinary parenthetical prose.
        folded = content.casefold()
        matching = [
            reference
            for reference in references_by_key.values()
            if reference.in_bibliography
            and style == "author-year"
            and folded in {reference.key.split("|")[0], (reference.outlet or "").casefold()}
        ]
        if matching:
            found.append(
                (match.start(), match.end(), match.group(0), matching[0].key, "author-year")
            )
            continue
        at_sentence_end = re.match(r"\s*[.!?]", text[match.end() :]) is not None
        is_acronym = re.fullmatch(r"[A-Z]{1,5}", content) is not None
        if (
            at_sentence_end
            and not is_acronym
            and not re.search(r"\d", content)
            and _NAME_ONLY.match(content)
        ):
            found.append((match.start(), match.end(), match.group(0), f"{folded}|", "unlisted"))
    found.sort(key=lambda item: item[0])
    return found


_SEGMENTER = pysbd.Segmenter(language="en", clean=False)

# pysbd's time grows with the square of the text it is given (5 000 sentences in one
# paragraph took minutes), so a long paragraph is cut into chunks of at most this many
# characters at places where every sentence splitter would split, and each chunk is segmented
# on its own. Paragraphs of ordinary articles are shorter and go to pysbd whole.
_CHUNK_LENGTH = 2000
# A chunk with no safe boundary at all (a run-on "sentence") is cut at a space by this length.
_CHUNK_LENGTH_MAX = 2 * _CHUNK_LENGTH
# A full stop, closing quotes or brackets, spaces, then a capital or an opening quote.
_SENTENCE_BOUNDARY = re.compile(r"(?P<stop>[.!?])[\"'”’)\]]*\s+(?=[\"“‘(]?[A-Z])")
# Words after which a full stop does not end the sentence: "Mr. Putin", "Jan. 5", "No. 10".
_ABBREVIATIONS = frozenset(
    """mr mrs ms mx dr prof st jr sr gen col lt sgt capt cmdr adm maj brig gov sen rep rev hon
    pres no nos vs etc inc ltd co corp bros dept univ ave blvd rd mt ft fig figs vol vols
    ed eds al cf ca approx est op pp para art sec ch esp min max jan feb mar apr jun jul
    aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun""".split()  # noqa: SIM905 -- a word list reads best as words
)


def _is_safe_boundary(text: str, match: re.Match[str]) -> bool:
    word_start = match.start("stop")
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start : match.start("stop")].lstrip("\"'“‘([")
    letters = re.sub(r"[^A-Za-z]", "", word)
    # Single letters ("J. Smith") and dotted abbreviations ("U.S.", "e.g.") are initials.
    return (
        len(letters) >= 2
        and "." not in word
        and any(character.islower() for character in word)
        and word.casefold() not in _ABBREVIATIONS
    )


def _sentence_chunks(text: str) -> list[tuple[int, int]]:
    """(start, end) of chunks of at most about _CHUNK_LENGTH characters covering the text."""
    if len(text) <= _CHUNK_LENGTH:
        return [(0, len(text))]
    candidates = list(_SENTENCE_BOUNDARY.finditer(text))
    safe = [match.end() for match in candidates if _is_safe_boundary(text, match)]
    # Text without a safe boundary (every full stop after an initial or a number) is
    # still cut where a sentence probably ends rather than in the middle of one.
    likely = [match.end() for match in candidates]
    chunks: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > _CHUNK_LENGTH:
        end = _last_boundary(safe, start, start + _CHUNK_LENGTH)
        if end is None:
            end = _last_boundary(safe, start, start + _CHUNK_LENGTH_MAX)
        if end is None:
            end = _last_boundary(likely, start, start + _CHUNK_LENGTH_MAX)
        if end is None:
            space = text.rfind(" ", start + 1, start + _CHUNK_LENGTH_MAX)
            end = space + 1 if space > start else start + _CHUNK_LENGTH_MAX
        chunks.append((start, end))
        start = end
    chunks.append((start, len(text)))
    return chunks


def _last_boundary(boundaries: list[int], start: int, limit: int) -> int | None:
    """The last of the sorted boundaries after start and at most limit, if any."""
    index = bisect.bisect_right(boundaries, limit) - 1
    return boundaries[index] if index >= 0 and boundaries[index] > start else None


def _segment(text: str) -> list[tuple[int, int]]:
    """pysbd's sentence spans in text, found chunk by chunk."""
    spans: list[tuple[int, int]] = []
    for chunk_start, chunk_end in _sentence_chunks(text):
        chunk = text[chunk_start:chunk_end]
        cursor = 0
        for piece in _SEGMENTER.segment(chunk):
            stripped = piece.strip()
            if not stripped:
                continue
            start = chunk.find(stripped, cursor)
            if start < 0:  # pysbd altered the text; take the rest of the chunk as one sentence
                stripped = chunk[cursor:].strip()
                if not stripped:
                    break
                start = chunk.find(stripped, cursor)
            cursor = start + len(stripped)
            spans.append((chunk_start + start, chunk_start + cursor))
    return spans


_MARKER = re.compile(r"\[\^?[\w-]+\]")


def _split_sentences(original: str) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph, citation markers included.

    Markers are removed before pysbd sees the text: it does not split "on May 22.[0] Russia"
    (a number before the period plus a bracket), but does split "on May 22. Russia". Each span
    is mapped back to the original text and extended over the markers that follow it.
    """
    kept_positions: list[int] = []
    previous_end = 0
    for match in _MARKER.finditer(original):
        kept_positions.extend(range(previous_end, match.start()))
        previous_end = match.end()
    kept_positions.extend(range(previous_end, len(original)))
    text = "".join(original[position] for position in kept_positions)

    spans: list[tuple[int, int]] = []
    for start, end in _segment(text):
        original_start, original_end = kept_positions[start], kept_positions[end - 1] + 1
        if re.search(r"\w", text[start:end]):
            spans.append((original_start, original_end))
        elif spans:  # a lone "■" or quote mark belongs to the sentence before it
            spans[-1] = (spans[-1][0], original_end)
    if not spans:
        return []
    # Markers between two sentences (".[2] Next") or after the last one belong to the one before.
    extended: list[tuple[int, int]] = []
    for index, (start, end) in enumerate(spans):
        limit = spans[index + 1][0] if index + 1 < len(spans) else len(original)
        for match in _MARKER.finditer(original, end, limit):
            end = match.end()
        extended.append((start, end))
    # Markers before the first sentence (rare) belong to it.
    first_marker = _MARKER.search(original, 0, extended[0][0])
    if first_marker:
        extended[0] = (first_marker.start(), extended[0][1])
    return extended


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------

_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")


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


def _drop_script_and_style(text: str) -> str:
    # Keep the newlines so line numbers stay right.
    def blank(match: re.Match[str]) -> str:
        return "\n" * match.group(0).count("\n")

    text = re.sub(r"<(script|style)\b.*?</\1\s*>", blank, text, flags=re.IGNORECASE | re.DOTALL)
    return re.sub(r"<!--.*?-->", blank, text, flags=re.DOTALL)


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
