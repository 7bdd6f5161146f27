"""Stage 2, format: which format the text is in, and its front matter."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

import yaml

from articles.parser.dates import parse_date
from articles.parser.model import ParseError, _Line
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


_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")


def _drop_script_and_style(text: str) -> str:
    # Keep the newlines so line numbers stay right.
    def blank(match: re.Match[str]) -> str:
        return "\n" * match.group(0).count("\n")

    text = re.sub(r"<(script|style)\b.*?</\1\s*>", blank, text, flags=re.IGNORECASE | re.DOTALL)
    return re.sub(r"<!--.*?-->", blank, text, flags=re.DOTALL)
