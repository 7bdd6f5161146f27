"""Dates as articles and reference lists write them ("25 May. 2023", "May 25th 2023")."""

from __future__ import annotations

import datetime
import re

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
# Month names of the languages articles most often come in (German, Italian, French, Spanish,
# Portuguese, Dutch), by the word as written, folded to lower case.
_FOREIGN_MONTHS = {
    word: number
    for number, words in enumerate(
        (
            "januar jänner gennaio janvier enero janeiro januari",
            "februar febbraio février fevrier febrero fevereiro februari",
            "märz maerz marzo mars março maart",
            "aprile avril abril",
            "mai maggio mayo maio mei",
            "juni giugno juin junio junho",
            "juli luglio juillet julio julho",
            "august agosto août aout augustus",
            "september settembre septembre septiembre setembro",
            "oktober ottobre octobre octubre outubro",
            "november novembre noviembre novembro",
            "dezember dicembre décembre decembre diciembre dezembro december",
        ),
        start=1,
    )
    for word in words.split()
}
_FOREIGN_MONTH = (
    "(?P<foreign_month>" + "|".join(sorted(_FOREIGN_MONTHS, key=len, reverse=True)) + ")"
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
    # "25.05.2024", as German and Italian sites date their pages.
    re.compile(r"\b(?P<day>\d{1,2})\.(?P<month_number>\d{1,2})\.(?P<year>\d{4})\b"),
    # "25. Mai 2024", "25 maggio 2024", "06 gennaio del 1994", "25 de mayo de 2024".
    re.compile(
        rf"\b(?P<day>\d{{1,2}})\.?\s+(?:de\s+)?{_FOREIGN_MONTH}\.?,?\s+(?:de\s+|del\s+)?{_YEAR}\b",
        re.IGNORECASE,
    ),
    # "le premier juin 1994", "1er juin 1994": French writes the first of the month so.
    re.compile(
        rf"\b(?P<first>premier|1er)\s+{_FOREIGN_MONTH}\s+{_YEAR}\b",
        re.IGNORECASE,
    ),
    # "01-Jun-2001", as RFC 2822-style headers (PEPs, mailing lists) write it.
    re.compile(rf"\b{_DAY}-{_MONTH}-{_YEAR}\b", re.IGNORECASE),
    # "2014/07/02".
    re.compile(r"\b(?P<year>\d{4})/(?P<month_number>\d{1,2})/(?P<day>\d{1,2})\b"),
    # "01/06/94", "6/1/1994": month first, as in the US, unless the first number cannot be a
    # month (then "25/05/2024" is day first).
    re.compile(
        r"\b(?P<slash_first>\d{1,2})/(?P<slash_second>\d{1,2})/(?P<slash_year>\d{4}|\d{2})\b"
    ),
]


def _date_from_match(match: re.Match[str]) -> datetime.date | None:
    groups = match.groupdict()
    if groups.get("slash_first"):
        first, second = int(groups["slash_first"]), int(groups["slash_second"])
        year = int(groups["slash_year"])
        if year < 100:
            year += 1900 if year >= 50 else 2000
        month, day = (first, second) if first <= 12 else (second, first)
        try:
            return datetime.date(year, month, day)
        except ValueError:
            return None
    if groups.get("first"):
        groups["day"] = "1"
    if groups.get("month_number"):
        month = int(groups["month_number"])
    elif groups.get("foreign_month"):
        month = _FOREIGN_MONTHS[groups["foreign_month"].casefold()]
    else:
        # By the first three letters: the pattern also takes misspellings such as "Sepember".
        month = _MONTHS[groups["month"][:3].lower()]
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


# The longest line that can be a date alone ("Last updated: Wednesday, 25 September 2024 …").
_DATE_LINE_LENGTH_MAX = 120


def parse_date(text: str) -> datetime.date | None:
    """A date when the whole text is one (ignoring surrounding punctuation), else None."""
    if len(text) > _DATE_LINE_LENGTH_MAX:
        return None  # a paragraph, not a date line
    cleaned = text.strip().strip("*_>()[]").strip()
    cleaned = re.sub(
        r"^(?:(?:first\s+)?published(?:\s+on)?|posted(?:\s+on)?|updated(?:\s+on)?|last\s+updated"
        r"|date|on|stand|veröffentlicht(?:\s+am)?|aktualisiert(?:\s+am)?|pubblicato(?:\s+il)?"
        r"|aggiornato(?:\s+il)?|publié\s+le|mis\s+à\s+jour\s+le|publicado(?:\s+el)?"
        r"|revised(?:\s+on)?|revisado(?:\s+el)?|überarbeitet(?:\s+am)?|revisionato(?:\s+il)?"
        r"|révisé(?:\s+le)?|created|erstellt(?:\s+am)?)\s*:?\s*",
        "",
        cleaned,
        flags=re.IGNORECASE,
    )
    # A weekday or time next to the date is still a date line.
    cleaned = re.sub(
        r"^(?:mon|tue|wed|thu|fri|sat|sun|montag|dienstag|mittwoch|donnerstag|freitag|samstag"
        r"|sonntag|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica)[a-z]*\.?,?\s+",
        "",
        cleaned,
        flags=re.IGNORECASE,
    )
    cleaned = re.sub(
        r"[T\s,]+(?:um\s+|alle\s+|at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?(?:\.\d+)?\s*"
        r"(?:[ap]\.?m\.?|Z|[+-]\d{2}:?\d{2}|[A-Z]{2,4}|uhr|h)?$",
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
