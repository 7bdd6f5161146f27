"""Small text helpers shared by the stages: odd spaces, junk lines, inline markup, names."""

# ruff: noqa: RUF001 -- curly quotes and dashes are the data being parsed.
from __future__ import annotations

import datetime
import html
import math
import re

from articles.parser.model import _Line

# Replaced one-for-one so offsets and line numbers stay valid.
_ODD_SPACE = re.compile("[\u00a0\u202f\u2007\u2009\t]")


def odd_spaces_to_spaces(text: str) -> str:
    # A regular expression, not str.translate: translate looks every character up in a dict,
    # which made it the parser's slowest string operation.
    return _ODD_SPACE.sub(" ", text)


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE_RUNS = re.compile(r"\s+")


def clean_inline_text(text: str) -> str:
    """Inline text as the body stores it: odd spaces and newlines as one space, no NULs."""
    text = _CONTROL_CHARACTERS.sub("", odd_spaces_to_spaces(text))
    return _SPACE_RUNS.sub(" ", text)


def _json_safe(value: object, problems: list[str] | None = None) -> object:
    """The value as JSON can store it; what had to change is added to `problems`.

    PostgreSQL's jsonb has no NaN or infinity and its text no NUL: those become text (a
    number) or are removed (a NUL), so one odd value never fails the article.
    """
    if problems is None:
        problems = []
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {
            _json_safe(str(key), problems): _json_safe(item, problems)
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple, set)):
        return [_json_safe(item, problems) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        problems.append(f"{value} is not a number JSON can hold; kept as text")
        return str(value)
    if isinstance(value, str):
        if "\x00" in value:
            problems.append("a NUL character was removed")
            return value.replace("\x00", "")
        return value
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return str(value)


def _snake_case(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")


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
        r"[=\-_*~#•·─━═]{3,}",  # horizontal rules and separators
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
        # Page widgets that leave a sentence behind when their script does not run.
        r"(?:click|tap) here\b.{0,120}",
        r".{0,80}\brequires javascript\b.{0,40}",
        r"(?:video )?player is loading\.*",
        r"like loading\.*",
        r"share (?:it|this) with (?:a friend|your friends|friends)\W{0,3}",
        r"follow (?:him|her|them|me) on \w+.{0,80}",
        r"(?:get|have) (?:all )?(?:the )?latest .{0,60}(?:inbox|email)\W{0,3}",
    )
]


# Each list as one expression: one pass of the regular-expression engine per line, not thirty.
_JUNK_LINE = re.compile(
    "|".join(f"(?:{pattern.pattern})" for pattern in _JUNK_LINE_PATTERNS), re.IGNORECASE
)
_FOOTER_LINE = re.compile(
    "|".join(f"(?:{pattern.pattern})" for pattern in _FOOTER_LINE_PATTERNS), re.IGNORECASE
)
# Footer lines are short; a long line is prose whatever it starts with.
_FOOTER_LINE_LENGTH_MAX = 1000


def _is_junk(text: str, *, footer: bool = False) -> bool:
    stripped = text.strip()
    if _JUNK_LINE.fullmatch(stripped):
        return True
    return (
        footer
        and len(stripped) <= _FOOTER_LINE_LENGTH_MAX
        and _FOOTER_LINE.fullmatch(stripped) is not None
    )


def _strip_trailing_junk(lines: list[_Line]) -> list[_Line]:
    end = len(lines)
    while end and (not lines[end - 1].text.strip() or _is_junk(lines[end - 1].text, footer=True)):
        end -= 1
    return lines[:end]


def _split_names(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|;|&|\band\b)\s*", text.strip())
    return [part.strip() for part in parts if part.strip()]


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
    return odd_spaces_to_spaces(html.unescape(text))


_BR_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ANY_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")


def _strip_html_tags(text: str) -> str:
    if "<" in text:
        text = _ANY_TAG.sub("", _BR_TAG.sub(" ", text))
    if "&" in text:
        text = html.unescape(text)
    return odd_spaces_to_spaces(text)


def _surname(author: str) -> str:
    """The name in-text citations use: "Watts M." -> "Watts", "Smith, J." -> "Smith"."""
    if "," in author:
        return author.split(",")[0].strip()
    return re.sub(r"(?:\s+[A-Z]\.)+$", "", author).strip()
