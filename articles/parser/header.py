"""Stage 4, header and metadata: title, kicker, standfirst, byline, date, post meta."""

# ruff: noqa: RUF001, RUF002, RUF003 -- curly quotes and dashes are the data being parsed.
from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass

from articles.parser.dates import parse_date
from articles.parser.model import Contributor, _Line
from articles.parser.text import _is_junk, _snake_case, _split_names, _strip_inline_markup

# ---------------------------------------------------------------------------
# Header
# ---------------------------------------------------------------------------

_BYLINE = re.compile(
    r"^\s*[*_]{0,2}(?P<label>written by|edited by|supervised by|reported by|words by"
    r"|translated by|reviewed by|fact-?checked by|research by|additional reporting by"
    r"|illustrations? by|photos? by|by|von|di|par|por|door|av)\s*:?\s+(?P<names>[^\d].*?)"
    r"[*_]{0,2}\s*$",
    re.IGNORECASE,
)
_ROLE_BY_LABEL = {
    "written by": "author",
    "reported by": "author",
    "words by": "author",
    "by": "author",
    "von": "author",
    "di": "author",
    "par": "author",
    "por": "author",
    "door": "author",
    "av": "author",
    "edited by": "editor",
}
# " | CEPR", " – The Site": what a page's <title> or a copied headline adds after the headline.
_TITLE_SUFFIX = re.compile(r"^(?P<title>.+?)\s+(?P<separator>[|–—-]|::)\s+(?P<site>[^|–—]{2,40})$")


def split_title_suffix(title: str, outlet: str | None) -> tuple[str, str | None]:
    """The headline without a site-name suffix, and that site name when it was one.

    A bar always separates a suffix ("Trade wars | CEPR"); a dash only when what follows is the
    outlet already known, since "Ukraine – the view from Kyiv" is a headline.
    """
    match = _TITLE_SUFFIX.match(title.strip())
    if not match:
        return title, None
    site = match["site"].strip()
    known = outlet is not None and site.casefold() == outlet.strip().casefold()
    if match["separator"] == "|" and len(site.split()) <= 5:
        return match["title"].strip(), site
    if known:
        return match["title"].strip(), site
    return title, None


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
        if not text or (_is_junk(text) and lines[index].kind != "heading"):
            index += 1
            continue
        if lines[index].kind == "image" or (is_markdown and _IMAGE_LINE.match(text)):
            index += 1
            continue
        viewing = _VIEWING.match(text)
        if viewing and not header.title:
            viewing_title = viewing["title"].strip()
            index += 1
            continue
        if lines[index].kind == "heading":
            heading_text = text
            level = lines[index].level
            if not header.title:
                if level == 1 or not _has_level_one_heading_ahead(lines[index + 1 :]):
                    header.title = heading_text
                    title_from_heading = True
                else:
                    headings_before_title.append(heading_text)
            elif title_from_heading or heading_text.casefold() != header.title.casefold():
                if level == 1 and front_title and not title_from_heading:
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
                # Markdown and HTML lines are plain text already; plain text may carry tags.
                header.title = text if is_markdown else _strip_inline_markup(text).strip()
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
        if not line.text.strip():
            continue
        if line.kind != "heading":
            if line.kind == "image":
                continue
            return False
        if line.level == 1:
            return True
    return False


def _looks_like_body(text: str) -> bool:
    # Markdown without a heading: a first line that is a long sentence is body, not a title.
    return len(text) > 150 and bool(re.search(r"[.!?][\"”’)]*$", text))
