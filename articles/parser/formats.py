# ruff: noqa: RUF001 -- curly quotes and dashes are the data being parsed.
"""Stage 2, format: which format the text is in, and its front matter."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

import yaml

from articles.parser.dates import parse_date
from articles.parser.model import ParseWarning
from articles.parser.text import _json_safe, _split_names

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


def load_front_matter(source: str | None, first_line: int) -> tuple[_FrontMatter, list[str]]:
    """The YAML between the "---" lines (opening at `first_line`), and warnings naming lines.

    Front matter that is not valid YAML is not a reason to refuse the article: its fields are
    left out, with a warning that says where YAML stopped making sense.
    """
    if source is None:
        return _FrontMatter({}, {}), []
    warnings: list[str] = []
    try:
        loaded = yaml.load(source, Loader=_FrontMatterLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = first_line + 1 + mark.line if mark is not None else first_line
        problem = getattr(error, "problem", None) or (str(error).splitlines() or ["unreadable"])[0]
        warning = ParseWarning(
            f"line {line}: front matter is not valid YAML: {problem}; its fields were left out",
            "front matter",
        )
        return _FrontMatter({}, {}), [warning]
    except RecursionError:
        warning = ParseWarning(
            f"line {first_line}: front matter is nested too deeply; its fields were left out",
            "front matter",
        )
        return _FrontMatter({}, {}), [warning]
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        warning = ParseWarning(
            f"line {first_line + 1}: front matter must be a set of key: value fields;"
            " it was left out",
            "front matter",
        )
        return _FrontMatter({}, {}), [warning]
    key_lines: dict[str, int] = {}
    for offset, text in enumerate(source.split("\n"), start=first_line + 1):
        key = re.match(r"""^["']?([^\s:"'#][^:"']*?)["']?\s*:""", text)
        if key:
            key_lines.setdefault(_fold_key(key[1]), offset)
    return _FrontMatter(loaded, key_lines), warnings


_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_FENCE = re.compile(r"^\s{0,3}(?P<fence>`{3,}|~{3,})", re.MULTILINE)
_HTML_START = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL
)


def detect_format(text: str, file_name: str) -> str:
    """ "html", "markdown" or "text": by the file's suffix, else by what the text looks like."""
    lowered = file_name.casefold()
    if lowered.endswith(_HTML_SUFFIXES) or _HTML_START.match(text[:4096]):
        return "html"
    if lowered.endswith(_MARKDOWN_SUFFIXES):
        return "markdown"
    if (
        re.match(r"\A\s*---\s*\n", text)
        or re.search(r"^\s{0,3}#{1,6}\s+\S", text, re.MULTILINE)
        or re.search(r"^\s{0,3}\[\^[^\]\s]+\]:", text, re.MULTILINE)
        or _FENCE.search(text)
    ):
        return "markdown"
    return "text"


def front_matter_metadata(front: _FrontMatter) -> tuple[dict, list[ParseWarning]]:
    """The front matter as JSON-safe metadata, with a warning (naming its line) per odd value."""
    metadata: dict = {}
    warnings: list[ParseWarning] = []
    for key, value in front.fields.items():
        problems: list[str] = []
        safe_key = _json_safe(str(key), problems)
        metadata[safe_key] = _json_safe(value, problems)
        line = front.lines.get(_fold_key(key))
        where = f"line {line}: " if line is not None else ""
        for problem in dict.fromkeys(problems):
            warnings.append(
                ParseWarning(f"{where}front matter {safe_key}: {problem}", "front matter")
            )
    return metadata, warnings


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
            ParseWarning(
                f"{where}front matter {written}: {_json_safe(value)} is not a real date;"
                " kept as text in the metadata",
                "metadata",
            )
        )
    return None, warnings


# Unix timestamps between 1990 and 2100, in seconds or milliseconds.
_TIMESTAMP_SECONDS = (631_152_000, 4_102_444_800)


def _coerce_date(value: object) -> datetime.date | None:
    if isinstance(value, str) and re.fullmatch(r"\s*\d{9,13}\s*", value):
        value = int(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
        if seconds > _TIMESTAMP_SECONDS[1]:
            seconds /= 1000  # milliseconds, as JavaScript writes them
        if _TIMESTAMP_SECONDS[0] <= seconds <= _TIMESTAMP_SECONDS[1]:
            return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC).date()
        return None
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


_AUTHOR_SLUG = re.compile(r"[a-z][a-z'’]*(?:[-_][a-z][a-z'’]*)+")


def _names_from(value: object) -> list[str]:
    if isinstance(value, str):
        value = value.strip()
        if _AUTHOR_SLUG.fullmatch(value):
            # "jane-doe", as static-site generators key authors: the person is "Jane Doe".
            return [" ".join(part.capitalize() for part in re.split(r"[-_]", value))]
        return _split_names(value)
    if isinstance(value, dict):
        name = value.get("name")
        return [str(name).strip()] if name else []
    if isinstance(value, (list, tuple)):
        return [name for item in value for name in _names_from(item)]
    return []


_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")


def _drop_script_and_style(text: str) -> str:
    # Keep the newlines so line numbers stay right.
    def blank(match: re.Match[str]) -> str:
        return "\n" * match.group(0).count("\n")

    text = re.sub(r"<(script|style)\b.*?</\1\s*>", blank, text, flags=re.IGNORECASE | re.DOTALL)
    return re.sub(r"<!--.*?-->", blank, text, flags=re.DOTALL)
