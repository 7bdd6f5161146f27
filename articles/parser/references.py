"""Stage 5, references: the reference list at the end of the article and its entries."""

# ruff: noqa: RUF001 -- curly quotes and dashes are the data being parsed.
from __future__ import annotations

import datetime
import re

from articles.parser.dates import find_date
from articles.parser.markers import _NUMBERED_MARKER
from articles.parser.model import ParsedReference, ParseWarning, _Line, _RawEntry
from articles.parser.text import _split_names, _strip_trailing_junk, _surname

# ---------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------

_NUMBERED_ENTRY = re.compile(
    r"^\s*(?:(?P<dot>\d{1,3})\.|(?P<paren>\d{1,3})\)|\[(?P<bracket>\d{1,3})\])(?=\s|$)\s*(?P<content>.*)$"
)
_FOOTNOTE_DEFINITION = re.compile(r"^\s{0,3}\[\^(?P<name>[^\]\s]+)\]:\s*(?P<content>.*)$")
# "Watts M. (2023, 25 May). Title. Outlet." — the ")." after the year tells it from prose.
_AUTHOR_YEAR_ENTRY = re.compile(
    r"^(?P<authors>[A-Z][^()]{0,400}?)\s*\((?P<year>\d{4})[a-z]?(?:,\s*(?P<date>[^)]*))?\)\.\s*(?P<rest>\S.*)$"
)
# The reference list's heading in the languages articles usually come in; also written as a
# bold line ("**Note**") or with a colon.
_HEADING_WORDS = (
    r"(?:references?|sources?|bibliography|notes|end\s?notes|footnotes|citations|works\s+cited"
    r"|literature(?:\s+cited)?|fonti|note|bibliografia|riferimenti(?:\s+bibliografici)?"
    r"|quellen|einzelnachweise|anmerkungen|literatur|fußnoten|belege|quellenangaben|weblinks"
    r"|références|bibliographie|notes|fuentes|referencias|notas|bibliografía|referências"
    r"|bronnen|noten)"
)
_REFERENCES_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s*)?[*_]{0,2}"
    rf"{_HEADING_WORDS}(?:\s+(?:and|&|und|e|et|y)\s+{_HEADING_WORDS})?"
    r"[*_]{0,2}\s*:?\s*[*_]{0,2}\s*$",
    re.IGNORECASE,
)
# Wikipedia's backlinks before an entry: "^", "^ a b c".
# Docutils' backlink counts: "(1, 2)" before the entry of a note cited twice.
_BACKLINKS = re.compile(r"^\s*(?:\^(?:\s*[a-z]{1,2}\b(?![.\w]))*|\(\d{1,3}(?:,\s*\d{1,3})+\))\s*")
# When the reader fetched the page, not when it was published.
_RETRIEVAL = re.compile(
    r"(?:\b(?:retrieved|accessed|archived(?:\s+from\s+the\s+original)?|abgerufen(?:\s+am)?"
    r"|consultato(?:\s+il)?|consulté\s+le|consultado(?:\s+el)?)\b(?:\s+(?:on|at|am))?"
    r"\s*:?\s*[^.]*\.?)",
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


def _numbered_entry(line: _Line) -> _RawEntry | None:
    match = _NUMBERED_ENTRY.match(line.text)
    if not match:
        return None
    number = match["dot"] or match["paren"] or match["bracket"]
    label = f"{number}." if match["dot"] else f"{number})" if match["paren"] else f"[{number}]"
    return _RawEntry(line.number, label, number, match["content"].strip(), line.text.strip())


def _split_reference_list(
    lines: list[_Line],
) -> tuple[list[_Line], list[_RawEntry], str, list[ParseWarning]]:
    """Cut the reference list off the end: (remaining lines, entries, style, warnings).

    Style is "numbered" ("1.", "[1]", "1)"), "unnumbered" (one entry per line, in citation
    order, as a Wikipedia list copied from the browser), "author-year" or "" (no list).
    """
    heading_index = None
    for index in range(len(lines) - 1, 0, -1):
        if (
            _REFERENCES_HEADING.match(lines[index].text)
            and len(lines[index].text) < 60
            and _looks_like_reference_list(lines[index + 1 :])
        ):
            heading_index = index
            break
    if heading_index is not None:
        region = lines[heading_index + 1 :]
        numbered_count = sum(1 for line in region if _numbered_entry(line))
        author_year_count = sum(1 for line in region if _AUTHOR_YEAR_ENTRY.match(line.text))
        numbered = numbered_count > 0
        if author_year_count and author_year_count >= numbered_count:
            # An author-year bibliography, perhaps followed by numbered footnotes (pandoc
            # puts them after it): both kinds of entry are read.
            style = "author-year"
        else:
            style = "numbered" if numbered else "unnumbered"
        entries, warnings, rest = _collect_entries(region, style)
        return lines[:heading_index] + rest, entries, style, warnings

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
        region = _through_last_entry(lines[index:])
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
        # A list the article goes on after is part of it: what follows a reference list is
        # a site's footer, not paragraphs of prose.
        prose_after = sum(
            1
            for line in lines[index + len(region) :]
            if line.kind not in ("heading", "break")
            and len(line.text) > 60
            and re.search(r"[.!?][\"'”’)]*$", line.text.strip())
        )
        if (
            other_count <= max(1, entry_count // 3)
            and (cited or look_like_references)
            and prose_after <= 3
        ):
            collected, warnings, rest = _collect_entries(lines[index:], "numbered")
            return lines[:index] + rest, collected, "numbered", warnings
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
        entries, warnings, _rest = _collect_entries(lines[start:], "author-year")
        return lines[:start], entries, "author-year", warnings
    return lines, [], "", []


def _looks_like_reference_list(region: list[_Line]) -> bool:
    """Whether the lines after a "Notes" or "Sources" heading are a list of sources.

    "Notes:" also leads into a list of remarks in the middle of an article; taking that for
    the reference list would swallow the rest of the article. Most lines of a reference list
    are numbered, author-year entries, or name a URL, a date or a quoted title.
    """
    lines = [line for line in region if line.text.strip() and line.kind != "break"]
    if not lines:
        return True  # an empty list ("# References" with entries elsewhere) is harmless
    sample = lines[:40]
    evidence = sum(
        1
        for line in sample
        if _numbered_entry(line)
        or _AUTHOR_YEAR_ENTRY.match(line.text.strip())
        or _URL.search(line.text)
        or line.links
        or _quoted_title(line.text)
        or find_date(line.text)
        or _BACKLINKS.match(line.text)
    )
    return evidence * 2 >= len(sample)


def _through_last_entry(region: list[_Line]) -> list[_Line]:
    """The region up to its last numbered entry and that entry's continuation lines."""
    last = max((i for i, line in enumerate(region) if _numbered_entry(line)), default=-1)
    end = last + 1
    while end < len(region) and (
        not region[end].text.strip() or _CONTINUATION.match(region[end].text)
    ):
        end += 1
    return region[:end]


def _collect_entries(
    region: list[_Line], style: str
) -> tuple[list[_RawEntry], list[ParseWarning], list[_Line]]:
    """The entries of a reference list, its warnings, and the lines after it.

    A line that is no entry is kept, with a warning. A heading ends the list: what follows it
    ("Acknowledgements", "External links") is the article's again, not a reference.
    """
    rest: list[_Line] = []
    entries: list[_RawEntry] = []
    warnings: list[ParseWarning] = []
    region = _strip_trailing_junk(region)
    if style == "numbered":
        kept = _through_last_entry(region)
        dropped = [line for line in region[len(kept) :] if line.text.strip()]
        if dropped:
            warnings.append(
                ParseWarning(
                    f"line {dropped[0].number}: {len(dropped)} line(s) after the last numbered"
                    " reference were taken for the site's footer and left out",
                    "footer",
                )
            )
        region = kept
    for position, line in enumerate(region):
        text = line.text
        if not text.strip():
            continue
        if line.kind == "heading":
            # "External links", "Further reading", "Acknowledgements": the list is over.
            rest = region[position:]
            break
        if style == "numbered":
            entry = _numbered_entry(line)
            if entry is not None:
                if not entry.content:
                    warnings.append(
                        ParseWarning(
                            f"line {line.number}: reference {entry.label} is empty; left out",
                            "reference",
                        )
                    )
                    continue
                entries.append(_with_link(entry, line))
                continue
        elif style == "author-year":
            if _AUTHOR_YEAR_ENTRY.match(text.strip()):
                entries.append(
                    _with_link(_RawEntry(line.number, "", "", text.strip(), text.strip()), line)
                )
                continue
            entry = _numbered_entry(line)
            if entry is not None and entry.content:
                entries.append(_with_link(entry, line))
                continue
        else:
            # One entry per line, numbered in the order of the list as the markers count.
            number = str(len(entries) + 1)
            entries.append(
                _with_link(_RawEntry(line.number, "", number, text.strip(), text.strip()), line)
            )
            continue
        if entries and (_CONTINUATION.match(text) or style == "numbered"):
            previous = entries[-1]
            previous.content = f"{previous.content} {text.strip()}"
            previous.raw_text = f"{previous.raw_text} {text.strip()}"
            if not _CONTINUATION.match(text):
                warnings.append(
                    ParseWarning(
                        f"line {line.number}: line in the reference list is not a reference"
                        f" entry: {text.strip()[:60]!r}; kept as part of entry"
                        f" {previous.label or previous.number}",
                        "reference",
                    )
                )
            continue
        # An entry the parser cannot read is still an entry: its raw text is kept.
        entries.append(_RawEntry(line.number, "", "", text.strip(), text.strip()))
        warnings.append(
            ParseWarning(
                f"line {line.number}: reference entry not understood: {text.strip()[:60]!r};"
                " kept with its raw text",
                "reference",
            )
        )
    return entries, warnings, rest


def _with_link(entry: _RawEntry, line: _Line) -> _RawEntry:
    """The entry with its line's first web link added when its text names no URL.

    In a saved page the entry's title is often the link ("<a href=…>Title</a>"): the address
    is where the source is, so it belongs to the entry.
    """
    if _URL.search(entry.content):
        return entry
    for link in line.links:
        if link.url.startswith(("http://", "https://")):
            entry.content = f"{entry.content} {link.url}"
            break
    return entry


def _strip_title_quotes(title: str) -> str:
    # "Title," with the comma inside the quotes is American punctuation, not part of the title.
    return title.strip().rstrip(",").strip()


def _parse_free_reference(
    content: str,
) -> tuple[str, str | None, tuple[str, ...], datetime.date | None, str | None]:
    """Title, outlet, authors, date and URL of a numbered or footnote entry."""
    content = _BACKLINKS.sub("", content)
    content = _RETRIEVAL.sub(" ", content).strip()
    url_match = _URL.search(content)
    url = url_match.group(0).rstrip(".,;)>") if url_match else None
    without_url = _URL.sub(" ", content) if url_match else content
    without_url = re.sub(r"<\s*>|\(\s*\)", " ", without_url)
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
