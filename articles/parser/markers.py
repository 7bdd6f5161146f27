"""Stage 6, markers: in-text citation markers and the references they point at."""

# ruff: noqa: RUF001, RUF002, RUF003 -- curly quotes and dashes are the data being parsed.
from __future__ import annotations

import re

from articles.parser.model import ParsedReference, _Paragraph
from articles.parser.text import _surname

_NUMBERED_MARKER = re.compile(r"\[(\d{1,3})\](?!\()")
# "[1, 3]", "[2–4]", "[1-3, 7]": several numbered entries in one marker.
_NUMBERED_GROUP = re.compile(r"\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})+)\](?!\()")
# Superscript note numbers after a word or punctuation: "killed.¹²" is note 12.
_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT = re.compile(rf"(?<=[\w.,;:!?”\"’)])[{_SUPERSCRIPT_DIGITS}]+")
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPT_DIGITS, "0123456789")


def _group_numbers(group: str) -> list[str]:
    """ "1, 3" -> ["1", "3"]; "2–4" -> ["2", "3", "4"] (a range of at most 50)."""
    numbers: list[str] = []
    for part in re.split(r"\s*,\s*", group):
        bounds = re.split(r"\s*[–-]\s*", part)
        if len(bounds) == 2 and 0 <= int(bounds[1]) - int(bounds[0]) <= 50:
            numbers.extend(str(number) for number in range(int(bounds[0]), int(bounds[1]) + 1))
        else:
            numbers.extend(str(int(bound)) for bound in bounds)
    return list(dict.fromkeys(numbers))


_FOOTNOTE_MARKER = re.compile(r"\[\^([^\]\s]+)\](?!:)")
# Pandoc's citations "[@smith2020]", "[see @doe99, p. 3; @roe]": keys into a .bib file the
# article does not carry.
_PANDOC_CITATION = re.compile(r"\[(?:[^\[\]@]{0,40}\s)?-?@[\w:.#$%&+?<>~/-]+[^\[\]]{0,200}\]")
_PARENTHESIS = re.compile(r"\(([^()]{1,200})\)")
_NAME_WORD = (
    r"(?:[A-Z][\w’'.\-]*|of|the|de|di|del|della|la|le|van|von|der|den|da|dos|du|al|el|and|&)"
)
# One author-year part: "Watts, 2023", "Smith et al., 2020a, p. 4", "Smith and Jones 2019".
_AUTHOR_YEAR_PART = re.compile(
    rf"^(?P<names>[A-Z][\w’'.\-]*(?:\s+{_NAME_WORD}){{0,5}}?)(?P<et_al>\s+et\s+al\.?)?(?P<comma>,)?\s+(?P<year>\d{{4}})[a-z]?(?:,\s*(?:pp?\.|para\.)\s*[\d\-–]+)?$"
)
_NARRATIVE = re.compile(
    r"\b(?P<names>[A-Z][\w’'\-]+(?:\s+(?:and|&)\s+[A-Z][\w’'\-]+)?)(?:\s+et\s+al\.?)?"
    r"\s+\((?P<year>\d{4})[a-z]?\)"
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
    for match in _NUMBERED_GROUP.finditer(text):
        for number in _group_numbers(match.group(1)):
            found.append((match.start(), match.end(), match.group(0), number, "numbered"))
    if style in ("numbered", "unnumbered"):
        # Only beside a numbered list: elsewhere "km²" is a unit, not a note.
        for match in _SUPERSCRIPT.finditer(text):
            number = str(int(match.group(0).translate(_FROM_SUPERSCRIPT)))
            found.append((match.start(), match.end(), match.group(0), number, "numbered"))
    for match in _FOOTNOTE_MARKER.finditer(text):
        found.append((match.start(), match.end(), match.group(0), f"^{match.group(1)}", "footnote"))
    if style == "author-year":
        # Narrative citations: "Li et al. (2014) show …", "as Smith and Jones (2019) note":
        # only when the name and year resolve to an entry, since "in Kyiv (2022)" is prose.
        for match in _NARRATIVE.finditer(text):
            resolved = _resolve_author_year(match["names"], match["year"], references_by_key)
            if resolved:
                found.append((match.start(), match.end(), match.group(0), resolved, "author-year"))
    for match in _PANDOC_CITATION.finditer(text):
        found.append((match.start(), match.end(), match.group(0), None, "pandoc"))
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
