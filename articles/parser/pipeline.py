"""`parse_article`: the stages in order, from text to a ParsedArticle.

Lenient by design: an input is refused (ParseError) only when it is not an article at all —
empty, no title, no body. Everything else parses, and what could not be read well is said in
a warning that names the line (an unreadable reference entry, a marker without an entry,
front matter that is not YAML). `ParseWarning.kind` groups them for summaries.
"""

from __future__ import annotations

import bisect
import re
from urllib.parse import urlsplit

from articles.parser.blocks import _build_paragraphs
from articles.parser.dates import find_date
from articles.parser.decode import _normalize_newlines
from articles.parser.formats import (
    _drop_script_and_style,
    _first_value,
    _front_matter_date,
    _FrontMatter,
    _names_from,
    detect_format,
    front_matter_metadata,
    load_front_matter,
)
from articles.parser.header import _consume_header, split_title_label, split_title_suffix
from articles.parser.html import html_document
from articles.parser.markdown import markdown_document
from articles.parser.markers import _find_citations
from articles.parser.model import (
    Contributor,
    ParsedArticle,
    ParsedCitation,
    ParsedReference,
    ParsedSentence,
    ParseError,
    ParseWarning,
    _Line,
    _Paragraph,
    _RawEntry,
)
from articles.parser.references import (
    _AUTHOR_YEAR_ENTRY,
    _parse_author_year_reference,
    _parse_reference,
    _split_reference_list,
)
from articles.parser.sentences import _split_sentences, detect_language, is_claim_sentence
from articles.parser.text import _is_junk, _strip_trailing_junk, odd_spaces_to_spaces

# Citation labels are stored in a column of this size; a longer linked text is not a marker.
_LINK_LABEL_MAX_LENGTH = 300


def parse_article(text: str, *, file_name: str) -> ParsedArticle:
    text = _normalize_newlines(text).lstrip("\ufeff")
    if not text.strip():
        raise ParseError("the file is empty")
    warnings: list[ParseWarning] = []
    if "\x00" in text:
        # PostgreSQL text cannot hold NUL; it is never part of what an author wrote.
        line = text.count("\n", 0, text.index("\x00")) + 1
        warnings.append(ParseWarning(f"line {line}: NUL characters removed", "text"))
        text = text.replace("\x00", "")

    format_name = detect_format(text, file_name)
    front_matter = _FrontMatter({}, {})
    footnote_entries: tuple[_RawEntry, ...] = ()
    page_fields: dict = {}
    if format_name == "html":
        page = html_document(text)
        lines = list(page.lines)
        page_fields = page.fields
        warnings.extend(page.warnings)
    else:
        # Plain-text exports of web pages carry <script> and <style> elements too.
        text = _drop_script_and_style(text)
        if format_name == "markdown":
            document = markdown_document(text)
            front_matter, front_warnings = load_front_matter(
                document.front_matter, document.front_matter_line
            )
            warnings.extend(front_warnings)
            lines = list(document.lines)
            footnote_entries = document.footnotes
        else:
            lines = [
                _Line(number, odd_spaces_to_spaces(line).rstrip())
                for number, line in enumerate(text.split("\n"), start=1)
            ]
    is_markdown = format_name != "text"
    all_lines = lines
    metadata, metadata_warnings = front_matter_metadata(front_matter)
    warnings.extend(metadata_warnings)
    front = metadata  # JSON-safe: no NULs, no NaN

    lines = _strip_trailing_junk(_cut_comments(lines))
    lines, raw_entries, style, reference_warnings = _split_reference_list(lines)
    warnings.extend(reference_warnings)
    lines = _strip_trailing_junk(lines)
    # A "References" heading with nothing after the list heading is not an article either.
    if not any(line.text.strip() for line in lines):
        raise ParseError("no title found")

    front_title = str(
        _first_value(front, ["title", "headline", "subject"]) or page_fields.get("title") or ""
    ).strip()
    header, body_lines = _consume_header(lines, is_markdown, front_title)
    if not header.title:
        raise ParseError("no title found")

    references = _parse_references(
        raw_entries=raw_entries,
        footnote_entries=footnote_entries,
        style=style,
        warnings=warnings,
    )
    references_by_key = {reference.key: reference for reference in references}
    numbered_keys = {entry.number for entry in raw_entries if entry.number}
    entry_keys_by_url: dict[str, str] = {}
    for reference in references:
        if reference.in_bibliography and reference.url:
            entry_keys_by_url.setdefault(reference.url, reference.key)

    paragraphs = _build_paragraphs(body_lines, is_markdown)
    language = page_fields.get("language") or _language_from(front) or ""
    if not language:
        # Prose paragraphs tell the language; menus and captions are often in another one.
        prose = [paragraph.text for paragraph in paragraphs[:60] if len(paragraph.text) >= 80]
        language = detect_language(
            " ".join(prose or [paragraph.text for paragraph in paragraphs[:40]])
        )
    # First only sentences that can be claims; a body in which none can (a text without one
    # full stop) is still an article, and then every sentence is kept as it is. Sentences that
    # are only link text are left out too, unless that leaves out most of the page: then the
    # links are the page's own text (a story wrapped in one <a>).
    warnings_before = len(warnings)
    for claims_only, skip_links in ((True, True), (True, False), (False, False)):
        del warnings[warnings_before:]
        link_sentences = 0
        body_parts: list[str] = []
        citations: list[ParsedCitation] = []
        sentences: list[ParsedSentence] = []
        unlisted: dict[str, ParsedReference] = {}
        links: dict[str, ParsedReference] = {}
        offset = 0
        for paragraph_index, paragraph in enumerate(paragraphs):
            bare_url = _BARE_URL_LINE.match(paragraph.text)
            if claims_only and (bare_url or _is_caption(paragraph)):
                if bare_url:
                    # "→ https://www.spi-inc.org/" under a paragraph: the source it rests on.
                    _resolve_kind(
                        kind="link",
                        key=bare_url["url"].rstrip(".,;)"),
                        label=bare_url["url"],
                        line=paragraph.line_at(0),
                        numbered_keys=numbered_keys,
                        references_by_key=references_by_key,
                        unlisted=unlisted,
                        links=links,
                        warnings=warnings,
                        entry_keys_by_url=entry_keys_by_url,
                    )
                body_parts.append(paragraph.text)
                offset += len(paragraph.text) + 2
                continue
            found = _find_citations(paragraph, references_by_key, style)
            found.extend(_link_citations(paragraph))
            found.sort(key=lambda item: item[0])
            found_starts = [item[0] for item in found]
            for start, end in _split_sentences(paragraph.text, language):
                first = bisect.bisect_left(found_starts, start)
                last = bisect.bisect_left(found_starts, end)
                inside = found[first:last]
                text = paragraph.text[start:end]
                link_text = skip_links and _is_link_text(paragraph, start, end)
                link_sentences += link_text
                if claims_only and (
                    not is_claim_sentence(text)
                    or link_text
                    or (format_name == "html" and _is_junk(text, footer=True))
                ):
                    # Navigation, captions, list fragments, "Read more": not claims. A fragment
                    # that carries a citation marker still is, since its author gave it a source;
                    # a link in one is navigation, not a source.
                    inside = [item for item in inside if item[4] != "link"]
                    pointer = _BARE_URL_LINE.match(text)
                    if pointer and pointer["pointer"]:
                        # "… the SPI association. → https://www.spi-inc.org/": the source the
                        # paragraph points to, though no sentence cites it.
                        _resolve_kind(
                            kind="link",
                            key=pointer["url"].rstrip(".,;)"),
                            label=pointer["url"],
                            line=paragraph.line_at(start),
                            numbered_keys=numbered_keys,
                            references_by_key=references_by_key,
                            unlisted=unlisted,
                            links=links,
                            warnings=warnings,
                            entry_keys_by_url=entry_keys_by_url,
                        )
                    if not inside:
                        continue
                indexes = []
                for item_start, item_end, label, key, kind in inside:
                    key = _resolve_kind(
                        kind=kind,
                        key=key,
                        label=label,
                        line=paragraph.line_at(item_start),
                        numbered_keys=numbered_keys,
                        references_by_key=references_by_key,
                        unlisted=unlisted,
                        links=links,
                        warnings=warnings,
                        entry_keys_by_url=entry_keys_by_url,
                    )
                    indexes.append(len(citations))
                    citations.append(
                        ParsedCitation(
                            label=label,
                            reference_key=key,
                            start=offset + item_start,
                            end=offset + item_end,
                            line=paragraph.line_at(item_start),
                        )
                    )
                sentences.append(
                    ParsedSentence(
                        text, offset + start, offset + end, paragraph_index, tuple(indexes)
                    )
                )
            body_parts.append(paragraph.text)
            offset += len(paragraph.text) + 2

        if (sentences and link_sentences <= len(sentences)) or not claims_only:
            break
    body = "\n\n".join(body_parts)
    if not sentences:
        raise ParseError("no article body found")

    contributors = list(header.contributors)
    for key in ("author", "authors", "creator"):
        value = _first_value(front, [key])
        if value is not None:
            contributors.extend(
                Contributor("author", "author", name)
                for name in _names_from(value)
                # "author: bep" is the site's handle for the person the byline names.
                if not (header.contributors and re.fullmatch(r"[a-z0-9_.]+", name))
            )
    if not contributors:
        contributors.extend(
            Contributor("author", "author", name) for name in page_fields.get("authors", ())
        )
    contributors = _unique_contributors(contributors)
    if header.metadata:
        metadata = {**header.metadata, **metadata}
    if page_fields.get("metadata"):
        metadata = {**page_fields["metadata"], **metadata}

    standfirst = str(
        _first_value(front, ["standfirst", "subtitle", "description", "summary"])
        or header.standfirst
        or page_fields.get("description")
        or ""
    ).strip()
    kicker = str(_first_value(front, ["kicker"]) or header.kicker).strip()
    front_published, date_warnings = _front_matter_date(front_matter)
    published = (
        front_published
        or page_fields.get("published")
        or header.published
        # From a saved page without a machine-readable date: the dateline above the story.
        or page_fields.get("dateline")
        or _revision_date(all_lines)
    )
    url_value = (
        _first_value(front, ["url", "canonical_url", "canonical", "link", "permalink"])
        or page_fields.get("url")
        or None
    )
    url = str(url_value).strip() if url_value else None
    outlet_value = _first_value(front, ["outlet", "publisher", "site_name", "source"])
    outlet = str(outlet_value).strip() if outlet_value else page_fields.get("outlet")
    title, title_outlet = split_title_suffix(header.title, outlet)
    title, title_label = split_title_label(title)
    if title_label:
        metadata = {**metadata, "title_label": title_label}
    outlet = outlet or title_outlet or header.metadata.get("site_name") or _outlet_from_url(url)
    return ParsedArticle(
        title=title,
        kicker=kicker,
        standfirst=standfirst,
        contributors=tuple(contributors),
        outlet=outlet or None,
        published=published,
        url=url,
        body=body,
        references=tuple(references) + tuple(unlisted.values()) + tuple(links.values()),
        citations=tuple(citations),
        sentences=tuple(sentences),
        metadata=metadata,
        warnings=tuple(date_warnings + warnings),
        language=language,
        format=format_name,
    )


def _parse_references(
    *,
    raw_entries: list[_RawEntry],
    footnote_entries: tuple[_RawEntry, ...],
    style: str,
    warnings: list[ParseWarning],
) -> list[ParsedReference]:
    references: list[ParsedReference] = []
    for position, entry in enumerate(raw_entries):
        if style == "author-year" and not entry.number and _AUTHOR_YEAR_ENTRY.match(entry.content):
            references.append(_parse_author_year_reference(entry))
        else:
            # An entry that could not be read has no number: it gets a key of its own.
            key = entry.number or f"entry-{position + 1}"
            references.append(_parse_reference(entry, key, entry.label))
    for entry in footnote_entries:
        references.append(_parse_reference(entry, entry.number, entry.label))
    unique: list[ParsedReference] = []
    keys: set[str] = set()
    for reference in references:
        if reference.key in keys:
            # Markers resolve to the first; the second is still stored, under a key of its own.
            number = 2
            while f"{reference.key}#{number}" in keys:
                number += 1
            warnings.append(
                ParseWarning(
                    f"line {reference.line}: reference {reference.label or reference.key}"
                    " appears twice in the list; markers point at the first",
                    "reference",
                )
            )
            reference = ParsedReference(
                **{**reference.__dict__, "key": f"{reference.key}#{number}"}
            )
        keys.add(reference.key)
        unique.append(reference)
    return unique


# A paragraph that is only a web address, perhaps after an arrow or a "Source:" label.
_BARE_URL_LINE = re.compile(
    r"^\s*(?P<pointer>[→⇒➔►▶•·*-]|(?:sources?|quelle|fonte|fuente|lien|link)\s*:)?\s*"
    r"(?P<url>https?://[^\s<>\"]+)\s*$",
    re.IGNORECASE,
)
# Credits and captions: "Photo by …, public domain.", "Image: Reuters", "CC BY-SA 4.0".
_CREDIT = re.compile(
    r"\b(?:photo|image|picture|foto|bild|illustration|credit|crédit|video)s?\s*(?:by|:|von|di|de"
    r"|par|por)|\bCC[ -]BY\b|\bCC0\b|\bpublic domain\b|\bGetty Images\b|\bShutterstock\b|©",
    re.IGNORECASE,
)
_CREDIT_WORDS = (
    "photo",
    "image",
    "picture",
    "foto",
    "bild",
    "illustration",
    "credit",
    "crédit",
    "video",
    "cc",
    "public domain",
    "getty",
    "shutterstock",
    "©",
)
_CAPTION_LENGTH = 300


# Share of a sentence's characters inside links above which it is a link, not a sentence.
_LINK_TEXT_SHARE = 0.8


def _is_link_text(paragraph: _Paragraph, start: int, end: int) -> bool:
    """Whether a sentence is the text of its links: another story's headline, a teaser
    ("Best gifts for co-workers under $50 on A..."), a menu. An author's sentence has words
    of its own around what it links."""
    if not paragraph.links or end - start < 1:
        return False
    covered = sum(max(0, min(end, link.end) - max(start, link.start)) for link in paragraph.links)
    letters = sum(1 for character in paragraph.text[start:end] if not character.isspace())
    return covered >= _LINK_TEXT_SHARE * (end - start) and letters > 0


def _is_caption(paragraph: _Paragraph) -> bool:
    """A caption or credit line: short, and right under an image or naming a credit."""
    text = paragraph.text
    if len(text) > _CAPTION_LENGTH:
        return False
    if paragraph.after_image:
        return True
    lowered = text.casefold()
    # Most paragraphs name none of the credit words: skip the expression for them.
    return any(word in lowered for word in _CREDIT_WORDS) and bool(_CREDIT.search(text))


def _link_citations(paragraph: _Paragraph) -> list[tuple[int, int, str, str | None, str]]:
    """Inline links ("[the report](https://…)", <a href>) in a paragraph, keyed by their URL."""
    found = []
    text = paragraph.text
    for link in paragraph.links:
        label = text[link.start : link.end]
        if not label.strip() or len(label) > _LINK_LABEL_MAX_LENGTH:
            continue
        found.append((link.start, link.end, label, link.url, "link"))
    return found


def _resolve_kind(
    *,
    kind: str,
    key: str | None,
    label: str,
    line: int,
    numbered_keys: set[str],
    references_by_key: dict[str, ParsedReference],
    unlisted: dict[str, ParsedReference],
    links: dict[str, ParsedReference],
    warnings: list[ParseWarning],
    entry_keys_by_url: dict[str, str],
) -> str | None:
    """The reference key a found citation points at (None: unresolved), warning as needed."""
    if kind == "numbered" and key not in numbered_keys:
        where = "in the reference list" if numbered_keys else "(no reference list found)"
        warnings.append(
            ParseWarning(
                f"line {line}: marker {label} has no entry {where}; kept as an unresolved citation",
                "unresolved marker",
            )
        )
        return None
    if kind == "footnote" and key not in references_by_key:
        warnings.append(
            ParseWarning(
                f"line {line}: footnote marker {label} has no definition;"
                " kept as an unresolved citation",
                "unresolved marker",
            )
        )
        return None
    if kind == "pandoc":
        warnings.append(
            ParseWarning(
                f"line {line}: citation {label} names a key of a bibliography file that is"
                " not part of the article; kept as an unresolved citation",
                "unresolved marker",
            )
        )
        return None
    if kind == "link":
        # A Source at that URL, the same for every link to it (its first text is its label).
        assert key is not None
        if key in entry_keys_by_url:
            # The title linked in the text and its note in the list: one source.
            return entry_keys_by_url[key]
        reference = links.get(key)
        if reference is None:
            reference = ParsedReference(
                key=f"link:{len(links) + 1}",
                label=label,
                raw_text=key,
                title="",
                outlet=None,
                authors=(),
                published=None,
                url=key,
                line=line,
                in_bibliography=False,
            )
            links[key] = reference
        return reference.key
    if kind == "unlisted":
        assert key is not None
        if key not in unlisted:
            # "(Il Post)" names an outlet; "(Smith, 2020)" could be a person or an outlet, so
            # it is left to the label rather than guessed.
            outlet = None if key.split("|")[1] else label.strip("()").strip() or None
            unlisted[key] = ParsedReference(
                key=key,
                label=label,
                raw_text=label,
                title="",
                outlet=outlet,
                authors=(),
                published=None,
                url=None,
                line=None,
                in_bibliography=False,
            )
        warnings.append(
            ParseWarning(
                f"line {line}: citation {label} has no bibliography entry;"
                " kept as a source not in the bibliography",
                "citation without entry",
            )
        )
    return key


# "This page was last modified on 2 July 2014" (a wiki's footer): the revision shown, the
# only date such a page has.
_REVISION_LINE = re.compile(
    r"\blast\s+(?:modified|edited|updated|changed)\b|\bzuletzt\s+(?:bearbeitet|geändert)\b"
    r"|\bultima\s+modifica\b|\bdernière\s+modification\b|\búltima\s+edición\b",
    re.IGNORECASE,
)


# The line that opens the readers' comments under a post: "6 Comments on …", "Leave a Reply".
_COMMENTS_START = re.compile(
    r"^\s*(?:\d+\s+)?(?:comments?|responses?|replies|kommentare?|commenti|commentaires?"
    r"|comentarios?|reaktionen)(?:\s+(?:on|to|zu|su|sur|a|en|para)\b.*)?\s*:?\s*$"
    r"|^\s*(?:leave a (?:comment|reply)|comments are closed|kommentar (?:verfassen|schreiben)"
    r"|lascia un commento|laisser un commentaire|deja un comentario)\b.*$",
    re.IGNORECASE,
)
# Prose lines an article has before its comments can start.
_COMMENTS_AFTER_PROSE = 5


def _cut_comments(lines: list[_Line]) -> list[_Line]:
    """The lines before the readers' comments (with the sidebar and footer after them)."""
    prose = 0
    for index, line in enumerate(lines):
        if prose >= _COMMENTS_AFTER_PROSE and _COMMENTS_START.match(line.text):
            return lines[:index]
        if line.kind not in ("heading", "break") and len(line.text) > 80:
            prose += 1
    return lines


def _revision_date(lines: list[_Line]):
    for line in reversed(lines):
        if len(line.text) < 300 and _REVISION_LINE.search(line.text):
            found = find_date(line.text)
            if found is not None:
                return found[0]
    return None


def _unique_contributors(contributors: list[Contributor]) -> list[Contributor]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for contributor in contributors:
        key = (contributor.role, contributor.name.casefold())
        if key not in seen:
            seen.add(key)
            unique.append(contributor)
    return unique


def _language_from(front: dict) -> str:
    value = _first_value(front, ["lang", "language", "locale", "inLanguage"])
    if isinstance(value, str):
        match = re.match(r"\s*([A-Za-z]{2})(?:[-_][A-Za-z]{2,4})?\s*$", value)
        if match:
            return match[1].casefold()
    return ""


def _outlet_from_url(url: str | None) -> str | None:
    """The site's domain ("theconversation.com") when nothing names the publisher."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    host = host.removeprefix("www.")
    return host or None
