"""Stage 4, header and metadata: title, kicker, standfirst, byline, date, post meta."""

# ruff: noqa: RUF001, RUF002, RUF003 -- curly quotes and dashes are the data being parsed.
from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass

from articles.parser.dates import find_date, parse_date
from articles.parser.model import Contributor, _Line
from articles.parser.text import _is_junk, _snake_case, _split_names, _strip_inline_markup

# ---------------------------------------------------------------------------
# Header
# ---------------------------------------------------------------------------

_BYLINE = re.compile(
    r"^\s*[*_]{0,2}(?P<label>written by|edited by|supervised by|reported by|words by"
    r"|translated by|reviewed by|fact-?checked by|research by|additional reporting by"
    r"|illustrations? by|photos? by|geschrieben von|verfasst von|scritto da|écrit par"
    r"|escrito por|redactado por|by|von|di|par|por|door|av)\s*:?\s+(?P<names>[^\d].*?)"
    r"[*_]{0,2}\s*$",
    re.IGNORECASE,
)
_ROLE_BY_LABEL = {
    "written by": "author",
    "geschrieben von": "author",
    "verfasst von": "author",
    "scritto da": "author",
    "écrit par": "author",
    "escrito por": "author",
    "redactado por": "author",
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


# Words that make "Wikimedia Foundation" or "Reuters staff" an organisation, not a person.
_ORGANISATION_WORD = re.compile(
    r"\b(?:foundation|institute|institut|university|universit\w*|college|school|news|agency"
    r"|press|media|times|post|journal|magazine|blog|network|association|society|project"
    r"|team|staff|desk|editors?|lead|group|company|corporation|inc|ltd|llc|gmbh|ngo|council"
    r"|committee|office|ministry|department|centre|center|observatory|redazione|redaktion"
    r"|rédaction|redacción)\b",
    re.IGNORECASE,
)
# What may follow the names in a byline line: ", revised on 6 January 1994", ", 3 May 2024".
_BYLINE_TRAILER = re.compile(
    r",\s*(?:(?:revised|updated|published|überarbeitet|aktualisiert|veröffentlicht"
    r"|revisionato|aggiornato|pubblicato|révisé|mis à jour|publié|revisado|actualizado"
    r"|publicado)\b.*|(?:traduction|translation|übersetzung|traduzione|traducción)\b.*)$",
    re.IGNORECASE,
)
_TRANSLATOR = re.compile(
    r"(?:traduction(?:\s+\w+)?\s+par|translated\s+by|übersetzt\s+von|übersetzung(?:\s+von)?"
    r"|traduzione(?:\s+di)?|traducción(?:\s+de)?|traducido\s+por)\s+(?P<names>[^,]+)",
    re.IGNORECASE,
)
_DANGLING_DATE_LEAD = re.compile(
    r"\s+(?:on|am|le|el|il|op|(?:veröffentlicht|published|posted|updated|aktualisiert)"
    r"(?:\s+(?:on|am))?)\s*$",
    re.IGNORECASE,
)
_PERSON_NAME = re.compile(r"[A-ZÀ-Þ][\w.’'\-]*(?:\s+[\w.’'\-]+){0,4}")


def _byline(text: str) -> list[Contributor] | None:
    found = _byline_with_date(text)
    return found[0] if found is not None else None


_BYLINE_LENGTH_MAX = 300


def _byline_with_date(text: str) -> tuple[list[Contributor], datetime.date | None] | None:
    """The contributors a byline line names, and the date it gives ("…, revised 6 Jan 1994")."""
    if len(text) > _BYLINE_LENGTH_MAX:
        return None
    match = _BYLINE.match(text)
    if not match:
        return None
    names_text = match["names"]
    published = None
    translators: list[str] = []
    trailer = _BYLINE_TRAILER.search(names_text)
    if trailer:
        rest = trailer.group(0)
        names_text = names_text[: trailer.start()]
        found = find_date(rest)
        published = found[0] if found else None
        translator = _TRANSLATOR.search(rest)
        if translator:
            translators = _split_names(translator["names"].strip(" .*_"))
    else:
        # "By Ann Lee May 25, 2023": a date right after the names.
        found = find_date(names_text)
        if found and not names_text[found[1].end() :].strip(" .*_"):
            published = found[0]
            names_text = names_text[: found[1].start()]
    # "By Jake Goulding on", "Von Herr_Rein Veröffentlicht am": the date sat in its own element.
    names_text = _DANGLING_DATE_LEAD.sub("", names_text)
    # "By Jane Doe | Reuters": what follows a bar or a dash is the outlet or a date, not a name.
    names_text = re.split(r"\s+[|–—-]\s+|\s*[•·]\s*", names_text)[0]
    # "(@handle / @other)": handles beside the name are not names.
    names_text = re.sub(r"\s*\([^()]*\)", "", names_text).strip(" *_,")
    names = _split_names(names_text)
    if len(names) > 1 and not re.search(r"\band\b|&|\bund\b|\be\b|\bet\b|\by\b", names_text):
        # "By Joe Matazzoni, Wikimedia Foundation", "By Ann Lee, Hugo Lead": after the comma
        # comes the affiliation or role, not a second author (a list of authors has an "and").
        names = names[:1]
    names = [name for name in names if not _ORGANISATION_WORD.search(name)]
    # "By the way, ..." is prose, not a byline: every name must look like a name.
    if not names or not all(_PERSON_NAME.fullmatch(name) for name in names):
        return None
    label_text = match["label"]
    role = _ROLE_BY_LABEL.get(label_text.casefold(), "other")
    label = label_text[0].upper() + label_text[1:]
    contributors = [Contributor(role=role, role_label=label, name=name) for name in names]
    contributors += [
        Contributor(role="other", role_label="Translated by", name=name)
        for name in translators
        if _PERSON_NAME.fullmatch(name)
    ]
    return contributors, published


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
    """The header (title, byline, date, fields) at the top of the lines, and the body lines."""
    preface: list[_Line] = []
    if not is_markdown and not front_title:
        start = _plain_title_index(lines)
        if start:
            preface, lines = lines[:start], lines[start:]
    header, body = _consume_header_from(lines, is_markdown, front_title)
    restart = _headline_index(header.title, body) if not front_title else None
    if restart is not None:
        # "Headline – Site" first (a page's <title>), then navigation, then the headline
        # itself: the header starts again there, and the site is the outlet.
        site = header.title[len(body[restart].text.strip()) :].strip(" |–—-«»·:")
        header, body = _consume_header_from(body[restart:], is_markdown, "")
        header.metadata.setdefault("site_name", site)
    if preface:
        # An editor's note or a banner above the title: the publisher's, not the author's
        # claims. Kept, as text, in the metadata.
        note = " ".join(line.text.strip() for line in preface if line.text.strip())
        header.metadata.setdefault("note_before_title", note)
    return header, body


# Separators between a headline and the site's name in a page title.
_SITE_SEPARATOR = re.compile(r"\s*(?:[|–—«»·:]|\s-|::)\s*")
_HEADLINE_LOOKAHEAD = 120


def _headline_index(title: str, lines: list[_Line]) -> int | None:
    """Index of the heading that is the title without a site suffix ("X" for "X – Blog")."""
    folded = title.casefold().strip()
    for index, line in enumerate(lines[:_HEADLINE_LOOKAHEAD]):
        if line.kind != "heading":
            continue
        heading = line.text.strip().casefold()
        if (
            len(heading) >= 8
            and folded.startswith(heading)
            and len(folded) > len(heading)
            and _SITE_SEPARATOR.match(title[len(heading) :])
        ):
            return index
    return None


def _plain_title_index(lines: list[_Line]) -> int:
    """Where a plain-text article's title is, when its first line is not one (else 0).

    A title stands alone: a line with blank lines (or separators) around it. When the text
    opens with a paragraph of wrapped lines (an editor's note), the first line standing
    alone in the next lines is the title, provided a byline or date follows it.
    """

    def blank(position: int) -> bool:
        if position < 0 or position >= len(lines):
            return True
        text = lines[position].text.strip()
        return not text or _is_junk(text)

    first = next((i for i in range(len(lines)) if not blank(i)), None)
    if first is None or blank(first + 1):
        return 0
    for index in range(first + 1, min(len(lines), first + 40)):
        text = lines[index].text.strip()
        if blank(index) or not blank(index - 1) or not blank(index + 1) or len(text) > 150:
            continue
        following = next((i for i in range(index + 1, len(lines)) if not blank(i)), None)
        if following is not None and (
            _byline(lines[following].text.strip()) or parse_date(lines[following].text)
        ):
            return index
    return 0


def _consume_header_from(
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
        byline = _byline_with_date(text)
        if byline is not None:
            header.contributors.extend(byline[0])
            header.published = header.published or byline[1]
            index += 1
            continue
        field_end = _field_block_end(lines, index)
        if field_end is not None:
            _read_fields(lines[index:field_end], header)
            index = field_end
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


# "Title: Docstring Conventions", "Created: 29-May-2001": an RFC 2822-style header block, as
# PEPs, mailing-list posts and plain-text reports begin.
_FIELD = re.compile(
    r"^\s*(?P<key>[A-Z][A-Za-z]*(?:[- ][A-Z][A-Za-z]*){0,2})\s*:\s+(?P<value>\S.*)$"
)
_FIELD_BLOCK_MIN = 3
_FIELD_TITLE_KEYS = {"title", "subject", "headline", "titel", "titolo", "titre", "título"}
_FIELD_AUTHOR_KEYS = {"author", "authors", "autor", "autore", "auteur", "by"}
_FIELD_DATE_KEYS = {"created", "date", "published", "posted", "datum", "data", "fecha"}
_EMAIL = re.compile(r"\s*<[^<>]*>+|\s*\([^()]*(?:@| at )[^()]*\)|\S+@\S+")


def _field_block_end(lines: list[_Line], start: int) -> int | None:
    """End of the field block starting at `start`, or None when no block starts there.

    At least three "Key: value" lines; blank lines and a continuation line (one following a
    field whose value ends with a comma) may sit between them.
    """
    if lines[start].kind == "heading" or not _FIELD.match(lines[start].text):
        return None
    count = 0
    index = start
    end = start
    while index < len(lines):
        text = lines[index].text
        if _FIELD.match(text) and lines[index].kind != "heading":
            count += 1
            end = index + 1
        elif text.strip() and not (count and lines[end - 1].text.rstrip().endswith(",")):
            break
        elif text.strip():
            end = index + 1
        index += 1
    return end if count >= _FIELD_BLOCK_MIN else None


def _read_fields(lines: list[_Line], header: _Header) -> None:
    key = ""
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        field = _FIELD.match(text)
        if field:
            key, value = field["key"], field["value"].strip()
        elif key:
            value = text.lstrip("> ").strip()  # the continuation of the field before
        else:
            continue
        folded = key.casefold()
        header.metadata.setdefault(_snake_case(key), value)
        if folded in _FIELD_TITLE_KEYS:
            current = header.title.casefold()
            if not current or value.casefold() in current:
                header.title = value
        elif folded in _FIELD_AUTHOR_KEYS:
            names = _split_names(_EMAIL.sub("", value))
            header.contributors.extend(
                Contributor("author", key.capitalize(), name)
                for name in names
                if _PERSON_NAME.fullmatch(name)
            )
        elif folded in _FIELD_DATE_KEYS and header.published is None:
            found = find_date(value)
            header.published = found[0] if found else None


# "Kapitel 1. Das Debian-Projekt", "Appendix A: The Manifesto": the book's label, not the title.
_CHAPTER_LABEL = re.compile(
    r"^(?P<label>(?:chapter|kapitel|capitolo|chapitre|cap[ií]tulo|appendix|anhang|appendice"
    r"|annexe|ap[ée]ndice|part|teil|parte|partie)\s+[0-9IVXLA-Z]{1,4}[.:])\s+(?=\S)",
    re.IGNORECASE,
)


def split_title_label(title: str) -> tuple[str, str]:
    """The title without a leading chapter or appendix label, and that label ("" if none)."""
    match = _CHAPTER_LABEL.match(title)
    if not match or len(title) - match.end() < 3:
        return title, ""
    return title[match.end() :].strip(), match["label"]
