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
