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
    # Before parsing: a name the column cannot hold refuses the file whatever it holds.
    _check_file_name(file_name)
    return parse_article(decode_article(data), file_name=file_name)


def _max_length(model: type[models.Model], field_name: str) -> int:
    field = model._meta.get_field(field_name)
    if hasattr(field, "base_field"):  # ArrayField: the limit is on each item
        field = field.base_field
    return field.max_length


def _check_file_name(file_name: str) -> None:
    """Refuse a file name the column cannot hold: it is the upload's own name, not the
    article's text, and cutting it could make two uploads one."""
    limit = _max_length(Article, "source_file_name")
    if len(file_name) > limit:
        raise ParseError(
            f"the file name is {len(file_name):,} characters long; at most {limit} fit"
        )


def _fit_lengths(parsed: ParsedArticle) -> tuple[ParsedArticle, list[str]]:
    """The article's title, kicker, outlet and byline, and references' parts, that the columns
    cannot hold are cut to fit, with a warning each; a URL too long to store is left out (a cut
    address leads nowhere), with a warning.

    One odd line never costs the article (issue 7): a reference's raw text is kept whole anyway.
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
    url = parsed.url
    url_limit = _max_length(Article, "url")
    if url and len(url) > url_limit:
        warnings.append(
            ParseWarning(
                f"the article's URL is {len(url):,} characters long; at most {url_limit} fit: "
                "left out",
                "too long",
            )
        )
        url = None
    article_fields = {
        "title": fit(parsed.title, Article, "title", "the title", None) or "",
        "kicker": fit(parsed.kicker, Article, "kicker", "the kicker", None) or "",
        "outlet": fit(parsed.outlet, Outlet, "name", "the outlet's name", None),
        "url": url,
        "contributors": tuple(
            dataclasses.replace(
                contributor,
                name=fit(contributor.name, Contributor, "name", "a byline name", None) or "",
                role_label=fit(
                    contributor.role_label, Contributor, "role_label", "a byline label", None
                )
                or "",
            )
            for contributor in parsed.contributors
        ),
    }
    if not warnings:
        return parsed, []
    parsed = dataclasses.replace(parsed, **article_fields)
    # Keys are cut alike in citations, so markers still point at their entries.
    key_limit = _max_length(Reference, "key")
    citations = tuple(
        dataclasses.replace(citation, reference_key=citation.reference_key[:key_limit])
        if citation.reference_key
        else citation
        for citation in parsed.citations
    )
    return dataclasses.replace(parsed, references=tuple(references), citations=citations), warnings
