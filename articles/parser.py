# ruff: noqa: RUF001 -- curly quotes and dashes are the data being parsed.
"""Pure parser for published articles: file text in, dataclasses out.

No Django and no database here on purpose: the importer, the tests and any command-line
tool can all call `decode_article` and `parse_article` on plain strings.

Pipeline of `parse_article` (each step works on numbered lines so errors can name a line):
 1. YAML front matter (Markdown only) -> metadata and article fields.
 2. Markdown footnote definitions (`[^3]: ...`) are lifted out of the text wherever they are.
 3. Trailing junk (comment widgets, share buttons, JSON/HTML debris, rules) is cut off.
 4. The reference list at the end (numbered, or author-year bibliography) is cut off and parsed.
 5. The header (title, kicker, standfirst, byline, date, post-meta lines) is consumed.
 6. What remains becomes paragraphs; inline markup is stripped; citations and sentences are found.
"""

from __future__ import annotations

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


def decode_article(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise ParseError("the file is empty")
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
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
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
        else _MONTHS[groups["month"].lower()]
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


def _is_junk(text: str) -> bool:
    stripped = text.strip()
    return any(pattern.fullmatch(stripped) for pattern in _JUNK_LINE_PATTERNS)


def _strip_trailing_junk(lines: list[_Line]) -> list[_Line]:
    end = len(lines)
    while end and (not lines[end - 1].text.strip() or _is_junk(lines[end - 1].text)):
        end -= 1
    return lines[:end]


# ---------------------------------------------------------------------------
# Front matter
# ---------------------------------------------------------------------------


def _split_front_matter(lines: list[_Line]) -> tuple[dict, list[_Line]]:
    if not lines or lines[0].text.strip() != "---":
        return {}, lines
    for index in range(1, len(lines)):
        if lines[index].text.strip() in ("---", "..."):
            break
    else:
        raise ParseError("front matter opened with --- is never closed", lines[0].number)
    source = "\n".join(line.text for line in lines[1:index])
    try:
        loaded = yaml.safe_load(source)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = lines[0].number + 1 + mark.line if mark is not None else lines[0].number
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ParseError(f"front matter is not valid YAML: {problem}", line) from None
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise ParseError("front matter must be a set of key: value fields", lines[0].number + 1)
    return loaded, lines[index + 1 :]


def _first_value(metadata: dict, keys: Iterable[str]) -> object:
    folded = {str(key).casefold(): value for key, value in metadata.items()}
    for key in keys:
        value = folded.get(key.casefold())
        if value not in (None, "", []):
            return value
    return None


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
            if _QUOTED.search(found.content)
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

    quoted = _QUOTED.search(without_url)
    if quoted:
        title = _strip_title_quotes(
            quoted["curly"] if quoted["curly"] is not None else quoted["straight"]
        )
        before = without_url[: quoted.start()].strip(" ,;:")
        after = without_url[quoted.end() :]
        authors = tuple(_split_names(before)) if before else ()
    else:
        # No quotes: "Author. Title. Outlet, date." is ambiguous; the first segment is the title.
        head = without_url
        if found_date:
            head = without_url[: found_date[1].start()]
        title = re.split(r"\.\s+", head.strip(" ,.;:"), maxsplit=1)[0].strip(" ,.;:")
        after = head[len(title) :] if head.strip(" ,.;:").startswith(title) else ""
        authors = ()
    if found_date and quoted and found_date[1].start() >= quoted.end():
        after = without_url[quoted.end() : found_date[1].start()]
    outlet = None
    for segment in re.split(r"[,;]|\.\s", after):
        segment = re.sub(r"\(\s*\d{4}\s*\)", "", segment).strip(" .:()")
        if segment and not re.fullmatch(r"[\d\s.,/-]*", segment) and find_date(segment) is None:
            outlet = segment
            break
    return title, outlet, authors, published, url


# "Watts M.", "Watts, M.", "Watts, Mark", "van Dijk J. K." are people; "BBC", "Reuters" are not.
_PERSON_AUTHOR = re.compile(
    r"^[A-Za-z’'\- ]*?[A-Z][\w’'\-]+,?\s+(?:[A-Z]\.\s*)+$|^[A-Z][\w’'\-]+,\s+[A-Z][\w’'\-]+$"
)


def _parse_author_year_reference(entry: _RawEntry) -> ParsedReference:
    match = _AUTHOR_YEAR_ENTRY.match(entry.content)
    assert match is not None
    author_text = match["authors"].strip().rstrip(",")
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
    quoted = _QUOTED.match(rest)
    if quoted:
        title = _strip_title_quotes(
            quoted["curly"] if quoted["curly"] is not None else quoted["straight"]
        )
        outlet_text = rest[quoted.end() :].strip(" .,")
    else:
        parts = re.split(r"(?<=[.?!])\s+", rest.rstrip(". "))
        if len(parts) >= 2:
            title = " ".join(parts[:-1]).rstrip(".")
            outlet_text = parts[-1].strip(" .")
        else:
            title, outlet_text = rest.rstrip("."), ""
    outlet = outlet_text or None
    people = [
        name
        for name in re.split(r",\s*(?=[A-Z][\w’'\-]+,?\s+[A-Z]\.)|\s*&\s*|\s+and\s+", author_text)
        if name.strip()
    ]
    if all(_PERSON_AUTHOR.match(name.strip()) for name in people):
        authors = tuple(name.strip() for name in people)
        # The key uses the surname as in-text citations write it: "Watts M." -> "watts".
        key_name = (
            authors[0].split(",")[0]
            if "," in authors[0]
            else re.sub(r"(?:\s+[A-Z]\.)+$", "", authors[0])
        )
    else:
        authors = ()
        key_name = author_text
    return ParsedReference(
        key=f"{key_name.strip().casefold()}|{year}",
        label=_author_year_label(entry.content, match),
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
    (re.compile(r"\*\*(\S(?:.*?\S)?)\*\*"), r"\1"),
    (re.compile(r"__(\S(?:.*?\S)?)__"), r"\1"),
    (re.compile(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(\S(?:.*?\S)?)_(?![\w_])"), r"\1"),
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
    text: str = ""

    def add(self, number: int, text: str) -> None:
        if self.text:
            self.text += " "
        self.segments.append((number, len(self.text)))
        self.text += text

    def line_at(self, offset: int) -> int:
        number = self.segments[0][0]
        for line_number, start in self.segments:
            if start <= offset:
                number = line_number
        return number


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
    first = key.split("|")[0]
    for reference in references_by_key.values():
        if not reference.in_bibliography or not reference.key.endswith(f"|{year}"):
            continue
        candidates = {reference.key.split("|")[0], (reference.outlet or "").casefold()}
        candidates |= {author.split()[0].rstrip(",").casefold() for author in reference.authors}
        if first in candidates:
            return reference.key
    return None


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
        parts = [part.strip() for part in content.split(";")]
        parsed = [_AUTHOR_YEAR_PART.match(part) for part in parts]
        if all(parsed):
            keys = []
            for part_match in parsed:
                assert part_match is not None
                if _MONTH_WORD.match(part_match["names"]):
                    break
                resolved = _resolve_author_year(
                    part_match["names"], part_match["year"], references_by_key
                )
                # Without a comma "(Kyiv 2022)" is likely prose; trust it only when it resolves.
                if resolved is None and not part_match["comma"]:
                    break
                keys.append((resolved, _author_year_key(part_match["names"], part_match["year"])))
            else:
                # A multi-part citation "(A, 2020; B, 2021)" resolves to its first source;
                # the label still shows the whole parenthesis as published.
                resolved, wanted = keys[0]
                found.append(
                    (
                        match.start(),
                        match.end(),
                        match.group(0),
                        resolved or wanted,
                        "author-year" if resolved else "unlisted",
                    )
                )
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
    cursor = 0
    for piece in _SEGMENTER.segment(text):
        stripped = piece.strip()
        if not stripped:
            continue
        start = text.find(stripped, cursor)
        if start < 0:  # pysbd altered the text; take the rest of the paragraph as one sentence
            stripped = text[cursor:].strip()
            if not stripped:
                break
            start = text.find(stripped, cursor)
        end = start + len(stripped)
        cursor = end
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


def _is_markdown(text: str, file_name: str) -> bool:
    lowered = file_name.casefold()
    if lowered.endswith(_MARKDOWN_SUFFIXES):
        return True
    return bool(
        re.match(r"\A\s*---\s*\n", text)
        or re.search(r"^\s{0,3}#{1,6}\s+\S", text, re.MULTILINE)
        or re.search(r"^\s{0,3}\[\^[^\]\s]+\]:", text, re.MULTILINE)
    )


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
    is_markdown = _is_markdown(text, file_name)
    if is_markdown:
        text = _drop_script_and_style(text)
    lines = [
        _Line(number, line.translate(_ODD_SPACES).rstrip())
        for number, line in enumerate(text.split("\n"), start=1)
    ]

    front: dict = {}
    if is_markdown:
        front, lines = _split_front_matter(lines)
    metadata = _json_safe(front)
    assert isinstance(metadata, dict)

    footnote_entries: list[_RawEntry] = []
    if is_markdown:
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
        paragraph_citations = citations[paragraph_citation_start:]
        for start, end in _split_sentences(paragraph.text):
            indexes = tuple(
                paragraph_citation_start + position
                for position, citation in enumerate(paragraph_citations)
                if offset + start <= citation.start < offset + end
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
    published = (
        _coerce_date(
            _first_value(front, ["date", "publishDate", "published", "pubDate", "published_at"])
        )
        or header.published
    )
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
        warnings=tuple(warnings),
    )
