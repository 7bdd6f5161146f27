"""Reading one file without the database: refusals, the hash, the parse, column lengths."""

import dataclasses
import hashlib
import logging

from django.conf import settings
from django.db import models

from articles.importer.outcome import PreparedFile, _file_warning
from articles.models import Article, Contributor, Reference
from articles.parser import (
    ParsedArticle,
    ParseError,
    ParseWarning,
    decode_article,
    parse_article,
)
from sources.models import Outlet, Source

# The command quiets this one logger (articles.importer) unless asked for tracebacks.
logger = logging.getLogger("articles.importer")


def file_content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def article_refusal(*, file_name: str, data: bytes) -> str | None:
    """Why the file is refused before it is even hashed, if it is."""
    if not file_name.strip():
        return "the file has no name; give it one"
    limit = settings.ARTICLE_UPLOAD_MAX_BYTES
    if len(data) > limit:
        return (
            f"{file_name}: the file is larger than {limit:,} bytes (ARTICLE_UPLOAD_MAX_BYTES); "
            "that is not one article"
        )
    return None


def article_prepare(*, file_name: str, data: bytes, content_hash: str = "") -> PreparedFile:
    """Parse one file (no database); never raises for bad input or a parser bug."""
    content_hash = content_hash or file_content_hash(data)
    refusal = article_refusal(file_name=file_name, data=data)
    if refusal:
        return PreparedFile(file_name=file_name, content_hash=content_hash, error=refusal)
    try:
        parsed = _parse_file(file_name=file_name, data=data)
    except ParseError as error:
        return PreparedFile(
            file_name=file_name, content_hash=content_hash, error=f"{file_name}: {error}"
        )
    except Exception as error:
        # A parser bug must not take down a whole import run or an upload: this file fails
        # with a clear line (the traceback goes to the log for us), the others go on.
        logger.exception("parser failed on %s", file_name)
        return PreparedFile(
            file_name=file_name,
            content_hash=content_hash,
            error=(
                f"{file_name}: could not be read: the parser failed ({type(error).__name__}); "
                "please report this file to the developers"
            ),
        )
    parsed, length_warnings = _fit_lengths(parsed)
    warnings = [_file_warning(file_name, warning) for warning in parsed.warnings]
    warnings += [_file_warning(file_name, warning) for warning in length_warnings]
    return PreparedFile(
        file_name=file_name, content_hash=content_hash, parsed=parsed, warnings=tuple(warnings)
    )


def _parse_file(*, file_name: str, data: bytes) -> ParsedArticle:
    parsed = parse_article(decode_article(data), file_name=file_name)
    _check_lengths(file_name=file_name, parsed=parsed)
    return parsed


def _max_length(model: type[models.Model], field_name: str) -> int:
    field = model._meta.get_field(field_name)
    if hasattr(field, "base_field"):  # ArrayField: the limit is on each item
        field = field.base_field
    return field.max_length


def _check_lengths(*, file_name: str, parsed: ParsedArticle) -> None:
    """Refuse article fields the columns cannot hold, naming the field, before writing."""

    def check(value: str | None, model: type[models.Model], field: str, what: str) -> None:
        limit = _max_length(model, field)
        if value and len(value) > limit:
            raise ParseError(f"{what} is {len(value):,} characters long; at most {limit} fit")

    check(file_name, Article, "source_file_name", "the file name")
    check(parsed.title, Article, "title", "the title")
    check(parsed.kicker, Article, "kicker", "the kicker")
    check(parsed.url, Article, "url", "the article's URL")
    check(parsed.outlet, Outlet, "name", "the outlet's name")
    for contributor in parsed.contributors:
        check(contributor.name, Contributor, "name", f"contributor name {contributor.name[:40]!r}")
        check(contributor.role_label, Contributor, "role_label", "a byline label")


def _fit_lengths(parsed: ParsedArticle) -> tuple[ParsedArticle, list[str]]:
    """References whose parts the columns cannot hold are cut to fit, with a warning each.

    One odd entry never costs the article (issue 7): its raw text is kept whole anyway.
    """
    warnings: list[str] = []

    def fit(value: str | None, model, field: str, what: str, line: int | None) -> str | None:
        limit = _max_length(model, field)
        if value and len(value) > limit:
            where = f"line {line}: " if line else ""
            warnings.append(
                ParseWarning(
                    f"{where}{what} is {len(value):,} characters long; cut to {limit}",
                    "too long",
                )
            )
            return value[:limit]
        return value

    references = []
    for reference in parsed.references:
        name = f"reference {reference.label[:40]}"
        line = reference.line
        references.append(
            dataclasses.replace(
                reference,
                key=fit(reference.key, Reference, "key", f"{name}: its key", line),
                label=fit(reference.label, Reference, "label", f"{name}: its label", line) or "",
                title=fit(reference.title, Source, "title", f"{name}: its title", line) or "",
                outlet=fit(reference.outlet, Outlet, "name", f"{name}: its outlet", line),
                url=fit(reference.url, Source, "url", f"{name}: its URL", line),
                authors=tuple(
                    fit(author, Source, "authors", f"{name}: an author", line) or ""
                    for author in reference.authors
                ),
            )
        )
    if not warnings:
        return parsed, []
    # Keys are cut alike in citations, so markers still point at their entries.
    key_limit = _max_length(Reference, "key")
    citations = tuple(
        dataclasses.replace(citation, reference_key=citation.reference_key[:key_limit])
        if citation.reference_key
        else citation
        for citation in parsed.citations
    )
    return dataclasses.replace(parsed, references=tuple(references), citations=citations), warnings
