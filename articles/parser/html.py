# ruff: noqa: RUF001 -- curly quotes and dashes are the data being parsed.
"""Stage 2c, HTML: a saved web page through lxml, as typed, numbered lines plus page metadata.

lxml (libxml2's HTML parser) reads the page, broken markup included. The page's metadata
comes from JSON-LD (`NewsArticle`: headline, author, datePublished, publisher), `<meta>` tags
(Open Graph, `article:*`, `author`, `description`) and `<link rel=canonical>`. The main
content is the `<article>` (or `<main>`, or the element holding most paragraph text), with
page furniture removed by the rules below: navigation, share and subscribe boxes, related
links, cookie notices, captions, comments, scripts. What is left becomes lines the other
stages read like any article's, each with its line in the file and its links.

Why lxml and our rules rather than trafilatura: the later stages need the reference list,
footnote markers and headings as such, and each link's position in its sentence (inline links
become sources); our walk keeps both. A measured comparison with trafilatura on the corpus pages
is still to be done (see the importer helper's report).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from articles.parser.dates import find_date, parse_date
from articles.parser.model import Link, ParseWarning, _Line
from articles.parser.text import clean_inline_text

_DROP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "svg",
    "canvas",
    "iframe",
    "object",
    "embed",
    "figure",
    "figcaption",
    "picture",
    "video",
    "audio",
    "map",
    "dialog",
    "menu",
}
# class or id words of page furniture. Matched as whole words of the attribute.
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|share|sharing|social|related"
    r"|newsletter|subscribe|subscription|signup|cookie|cookies|consent|gdpr|comments?"
    r"|advert|advertisement|ads?|promo|sponsor|sidebar|footer|masthead|site-header|banner"
    r"|popup|modal|paywall|toolbar|byline-share|tags|tag-list|author-bio|caption|credit"
    r"|mw-editsection|navbox|catlinks|printfooter|mw-jump-link|noprint|hatnote|infobox"
    r"|toc|metadata|mbox|ambox|reflist-edit)(?:$|[\s_-])",
    re.IGNORECASE,
)
_BLOCK_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "dd",
    "dt",
    "pre",
    "td",
    "th",
    "div",
    "section",
    "article",
    "main",
    "header",
    "ul",
    "ol",
    "dl",
    "table",
    "tr",
    "tbody",
    "thead",
    "hr",
    "address",
    "form",
    "fieldset",
    "center",
    "aside",
    "noscript",
    "nav",
    "details",
}
_SKIP_CONTENT = {"pre", "table"}
_NOTE_NUMBER = re.compile(r"\[?\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\]?")


@dataclass(frozen=True)
class HtmlDocument:
    lines: tuple[_Line, ...]
    # title, url, outlet, published, authors, description, language, metadata (for the page)
    fields: dict
    warnings: tuple[ParseWarning, ...]


# The text is already decoded (as UTF-8): lxml is given its UTF-8 bytes and told so, which
# overrides whatever a `<?xml encoding=…?>` declaration or `<meta charset>` in the page claims.
# (Given a str, lxml refuses any page that starts with an XML declaration, as XHTML does.)
# A parser per call: lxml parser objects must not be shared between threads.
def html_document(text: str) -> HtmlDocument:
    try:
        root = lxml.html.document_fromstring(
            text.encode("utf-8", "replace"), parser=lxml.html.HTMLParser(encoding="utf-8")
        )
    except (etree.ParserError, ValueError):
        return HtmlDocument((), {}, ())
    warnings: list[ParseWarning] = []
    fields = _page_fields(root, warnings)
    for element in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _remove(element)
    content = _main_content(root)
    lines: list[_Line] = []
    title = fields.get("title")
    if title and not _has_heading(content, title):
        # The headline sits outside the article element on many sites: put it first.
        lines.append(_Line(0, title, kind="heading", level=1))
    _BlockWriter(lines).walk(content)
    if "published" not in fields:
        dateline = _dateline(lines)
        if dateline is not None:
            fields["dateline"] = dateline
    return HtmlDocument(tuple(lines), fields, tuple(warnings))


# A dateline opens the story: "Erstellt am: 30.01.2022 18:36 / sk", "Pressemitteilung vom
# 25. Januar 2022 | Berlin - …", "12. Januar 2022,". The date comes first or after a few words
# that end in a label ("vom", "am", "le", a colon); later dates in a line are the story's.
_DATELINE_LEAD = re.compile(
    r"^(?:[\w-]+\s+){0,3}?(?:vom|am|on|le|el|il|del|du|dated?|stand|datum|fecha|data)?[\s:]*$",
    re.IGNORECASE,
)
_DATELINE_LINES = 8


def _dateline(lines: list[_Line]):
    seen = 0
    for line in lines:
        if line.kind == "break" or not line.text:
            continue
        seen += 1
        if seen > _DATELINE_LINES:
            break
        found = find_date(line.text[:160])
        if found is None:
            continue
        value, match = found
        if match.start() <= 40 and _DATELINE_LEAD.match(line.text[: match.start()]):
            return value
    return None


_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    # The tail is text after the element, not inside it: keep it. lxml refuses to store
    # control characters it read itself (a comment's tail with \x01 in a damaged page).
    if element.tail:
        tail = _XML_UNSAFE.sub("", element.tail)
        previous = element.getprevious()
        try:
            if previous is not None:
                previous.tail = (previous.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
        except ValueError:
            pass  # text lxml cannot hold is not text an author wrote
    parent.remove(element)


_NEGATED_CLASS = re.compile(r"(?:^|\s)(?:non|no|not)-\S*", re.IGNORECASE)


def _is_furniture(element: etree._Element) -> bool:
    if not isinstance(element.tag, str):
        return True
    tag = element.tag.lower()
    words = f"{element.get('class') or ''} {element.get('id') or ''}"
    # "non-paywall", "no-ads": the class says the block is not furniture.
    words = _NEGATED_CLASS.sub(" ", words)
    role = (element.get("role") or "").lower()
    if tag == "aside" and (
        role in ("doc-footnote", "doc-endnotes", "doc-endnote")
        or re.search(r"footnote|endnote|references", words, re.IGNORECASE)
    ):
        return False  # Docutils and pandoc put notes in <aside>: they are the notes
    if tag in _DROP_TAGS:
        return True
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    if role == "doc-backlink" and re.fullmatch(r"\W*\d{1,3}\W*", element.text_content() or ""):
        return False  # the note's own number, written as a link back to its marker
    if role in (
        "navigation",
        "banner",
        "contentinfo",
        "complementary",
        "search",
        "dialog",
        "doc-backlink",
    ):
        return True
    if tag in ("body", "html", "article", "main"):
        return False
    # Reference lists are content here, even in a "references" block of a footer-ish name.
    if re.search(r"reflist|references|footnotes|endnotes|notes", words, re.IGNORECASE):
        return False
    furniture = _FURNITURE.search(words)
    if furniture and furniture.group(0).strip(" _-").casefold() == "sidebar":
        # A sidebar is the site's widget column (links), or in a book or report a box of
        # prose beside the text (DocBook's <div class="sidebar">): that one is content.
        return not _is_prose_box(element)
    return bool(furniture)


# Roles and tags that are furniture whatever they hold. A <form> is not among them: ASP.NET
# and some CMS templates wrap the whole page, article included, in one.
_NEVER_CONTENT_ROLES = {"navigation", "banner", "contentinfo", "search", "dialog"}
# Dropped tags that still hold the story on some pages: an <aside> a template put it in, a
# <noscript> copy of a script-rendered page, a <nav> left unclosed that swallowed the page.
_MAY_HOLD_THE_PROSE = {"form", "aside", "noscript", "nav"}


def _holds_the_prose(element: etree._Element, prose: int) -> bool:
    """Whether a block named like furniture is the page's text all the same.

    Class names are a template's, not the author's: the article body sits in a
    `paywall` or `content-with-sidebar-wrp` div, a `non-ad-column` section, a `modal-enabled`
    box or a page-wide <form>. A block holding most of the page's paragraph text, and not
    mostly links, is the content; comments are the exception (a long thread outweighs a
    short post) and stay out.
    """
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if not tag or (tag in _DROP_TAGS and tag not in _MAY_HOLD_THE_PROSE):
        return False
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return False
    if (element.get("role") or "").lower() in _NEVER_CONTENT_ROLES:
        return False
    if re.search(r"comment", f"{element.get('class') or ''} {element.get('id') or ''}", re.I):
        return False
    paragraphs = list(element.iter("p"))
    length = sum(len(paragraph.text_content()) for paragraph in paragraphs)
    if prose <= 0 or length < _MAIN_SHARE * prose:
        return False
    linked = sum(
        len(link.text_content()) for paragraph in paragraphs for link in paragraph.iter("a")
    )
    return linked < 0.5 * length


def _is_prose_box(element: etree._Element) -> bool:
    text_length = len(element.text_content())
    link_length = sum(len(link.text_content()) for link in element.iter("a"))
    return text_length >= 200 and link_length < 0.25 * text_length


def _main_content(root: etree._Element) -> etree._Element:
    body = root.find("body")
    if body is None:
        body = root
    prose = _paragraph_text_length(body)
    for element in list(body.iter()):
        if (
            element is not body
            and element.getparent() is not None
            and _is_furniture(element)
            and not _holds_the_prose(element, prose)
        ):
            _remove(element)
    candidates = list(body.iter("article", "main"))
    candidates += [
        element for element in body.iter() if (element.get("role") or "").lower() == "main"
    ]
    scored = [(_paragraph_text_length(element), element) for element in candidates]
    scored = [(score, element) for score, element in scored if score > 200]
    if scored:
        return max(scored, key=lambda item: item[0])[1]
    # No semantic element: the parent of the most paragraph text.
    parents: dict[etree._Element, int] = {}
    for paragraph in body.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            parents[parent] = parents.get(parent, 0) + len(paragraph.text_content())
    if parents:
        best = max(parents.items(), key=lambda item: item[1])[0]
        # Headings and the reference list usually sit beside the paragraphs' container.
        if best.getparent() is not None and best is not body:
            best = best.getparent()
        # A document of many sections (<div class="section"> each) has no one container
        # with most of the text: climb until the element holds most of the page's prose.
        total = sum(parents.values())
        while best is not body and best.getparent() is not None:
            is_section = best.tag == "section" or re.search(
                r"(?:^|\s)(?:sect\d?|section)(?:$|\s)", best.get("class") or ""
            )
            if not is_section and _paragraph_text_length(best) >= _MAIN_SHARE * total:
                break
            best = best.getparent()
        return best
    return _densest_text(body)


def _densest_text(body: etree._Element) -> etree._Element:
    """Without paragraphs (text in <div>s and <br>s): the block with the most loose text of
    its own, links left out."""
    best, best_length = body, 0
    for element in body.iter("div", "td", "section", "article", "main", "span", "font"):
        length = len((element.text or "").strip()) + sum(
            len((child.tail or "").strip()) for child in element if isinstance(child.tag, str)
        )
        if length > best_length:
            best, best_length = element, length
    return best


# The share of the page's paragraph text the main content holds at least.
_MAIN_SHARE = 0.6


def _paragraph_text_length(element: etree._Element) -> int:
    return sum(len(paragraph.text_content()) for paragraph in element.iter("p"))


def _has_heading(content: etree._Element, title: str) -> bool:
    folded = title.casefold().strip()
    for heading in content.iter("h1", "h2"):
        text = clean_inline_text(heading.text_content()).strip().casefold()
        if text and (text == folded or folded.startswith(text)):
            return True
    return False


class _BlockWriter:
    """Walks the content element, writing one line per block, its links beside it."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self._parts: list[str] = []
        self._length = 0
        self._links: list[Link] = []
        self._line = 0
        self._kind = "text"
        self._level = 0

    def walk(self, element: etree._Element) -> None:
        self._block(element)
        self._flush()

    def _block(self, element: etree._Element) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag == "table" and _field_rows(element):
            # "Title: …", "Author: …" as a two-column table: the header fields they are.
            self._flush()
            for number, key, value in _field_rows(element):
                self.lines.append(_Line(number, f"{key} {value}"))
            self.lines.append(_Line(element.sourceline or 0, "", kind="break"))
            return
        if tag == "table" and _note_rows(element):
            # Docutils writes each footnote as a table row: a "[4]" cell, then the note.
            self._flush()
            for number, label, text in _note_rows(element):
                self.lines.append(_Line(number, f"{label} {text}", kind="item"))
            self.lines.append(_Line(element.sourceline or 0, "", kind="break"))
            return
        if tag == "table" and _is_layout_table(element):
            # Older sites lay the whole page out in a table: its cells are containers.
            self._container(element)
            return
        if tag in _SKIP_CONTENT or tag == "hr":
            self._flush()
            self.lines.append(_Line(element.sourceline or 0, "", kind="break"))
            return
        if tag in ("ol", "ul"):
            self._flush()
            number = _int(element.get("start"), 1)
            for child in element:
                if isinstance(child.tag, str) and child.tag.lower() == "li":
                    prefix = f"{number}. " if tag == "ol" else ""
                    self._start(child, "item", 0, prefix)
                    self._inline_children(child)
                    self._flush()
                    number += 1
                elif isinstance(child.tag, str):
                    self._block(child)
            return
        if re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self._start(element, "heading", int(tag[1]))
            self._inline_children(element)
            self._flush()
            self.lines.append(_Line(element.sourceline or 0, "", kind="break"))
            return
        if tag in ("p", "blockquote", "dd", "dt", "address", "li"):
            self._flush()
            self._start(element, "quote" if tag == "blockquote" else "text")
            self._inline_children(element)
            self._flush()
            self.lines.append(_Line(element.sourceline or 0, "", kind="break"))
            return
        self._container(element)

    def _container(self, element: etree._Element) -> None:
        # A container: its own loose text is a block of its own, then its children.
        self._start(element, "text")
        self._text(element.text)
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag.lower() in _BLOCK_TAGS:
                self._flush()
                self._block(child)
                self._start(child, "text")
            else:
                self._inline(child)
            self._text(child.tail)
        self._flush()

    def _start(self, element: etree._Element, kind: str, level: int = 0, prefix: str = "") -> None:
        if self._parts:
            return
        self._line = element.sourceline or 0
        self._kind = kind
        self._level = level
        if prefix:
            self._parts.append(prefix)
            self._length = len(prefix)

    def _inline_children(self, element: etree._Element) -> None:
        self._text(element.text)
        for child in element:
            if not isinstance(child.tag, str):
                self._text(child.tail)
                continue
            tag = child.tag.lower()
            if (
                tag in ("p", "div")
                and self._kind == "item"
                and not "".join(self._parts).strip(" 0123456789.")
            ):
                # "<li><p>Text</p></li>": the item's first paragraph is the item's own line.
                self._inline_children(child)
            elif (
                tag in ("p", "div", "blockquote", "ul", "ol", "table", "pre")
                and self._kind != "heading"
            ):
                # A block inside a list item or quote: its own line.
                self._flush()
                self._block(child)
                self._start(child, "text")
            else:
                self._inline(child)
            self._text(child.tail)

    def _inline(self, element: etree._Element) -> None:
        tag = element.tag.lower()
        if tag == "br":
            self._text(" ")
            return
        if tag in ("img", "wbr"):
            return
        if tag == "sup":
            text = clean_inline_text(element.text_content()).strip()
            if _NOTE_NUMBER.fullmatch(text):
                self._text(f"[{text.strip('[]')}]")
                return
        start = self._length
        self._text(element.text)
        for child in element:
            if isinstance(child.tag, str):
                self._inline(child)
            self._text(child.tail)
        if tag == "a":
            href = (element.get("href") or "").strip()
            text = "".join(self._parts)
            while start < self._length and text[start] == " ":
                start += 1
            end = self._length
            while end > start and text[end - 1] == " ":
                end -= 1
            if end > start and href.startswith(("http://", "https://")):
                self._links.append(Link(start, end, href))

    def _text(self, text: str | None) -> None:
        if not text:
            return
        text = clean_inline_text(text)
        if not self._parts or "".join(self._parts[-1:]).endswith(" "):
            text = text.lstrip(" ")
        if text:
            self._parts.append(text)
            self._length += len(text)

    def _flush(self) -> None:
        text = "".join(self._parts)
        stripped = text.strip()
        if stripped:
            lead = len(text) - len(text.lstrip())
            links = tuple(
                Link(link.start - lead, link.end - lead, link.url)
                for link in self._links
                if link.start >= lead and link.end - lead <= len(stripped)
            )
            self.lines.append(
                _Line(self._line, stripped, kind=self._kind, level=self._level, links=links)
            )
            # Each block is a paragraph of its own: two <div>s of text are two paragraphs.
            self.lines.append(_Line(self._line, "", kind="break"))
        self._parts, self._length, self._links = [], 0, []
        self._kind, self._level = "text", 0


def _is_layout_table(table: etree._Element) -> bool:
    """A table that holds the page's prose (paragraphs, or a table inside), not data."""
    if table.find(".//table") is not None:
        return True
    return _paragraph_text_length(table) >= 200


def _field_rows(table: etree._Element) -> list[tuple[int, str, str]]:
    """(line, "Key:", value) of a table whose every row is a "Key:" cell and a value cell."""
    rows = []
    for row in table.iter("tr"):
        cells = [cell for cell in row if isinstance(cell.tag, str) and cell.tag in ("th", "td")]
        if len(cells) != 2:
            return []
        key = clean_inline_text(cells[0].text_content()).strip()
        value = clean_inline_text(cells[1].text_content()).strip()
        if not re.fullmatch(r"[A-Z][\w -]{0,30}:", key) or not value:
            return []
        rows.append((row.sourceline or 0, key, value))
    return rows if len(rows) >= 3 else []


_NOTE_LABEL = re.compile(r"\[?(\d{1,3})[\].]?")


def _note_rows(table: etree._Element) -> list[tuple[int, str, str]]:
    """(line, "[n]", text) of a table whose every row is a note number and the note."""
    rows = []
    for row in table.iter("tr"):
        cells = [cell for cell in row if isinstance(cell.tag, str) and cell.tag in ("th", "td")]
        if len(cells) != 2:
            return []
        label = _NOTE_LABEL.fullmatch(clean_inline_text(cells[0].text_content()).strip())
        text = clean_inline_text(cells[1].text_content()).strip()
        if label is None or not text:
            return []
        url = next(
            (
                (link.get("href") or "").strip()
                for link in cells[1].iter("a")
                if (link.get("href") or "").startswith(("http://", "https://"))
            ),
            "",
        )
        if url and url not in text:
            text = f"{text} {url}"
        rows.append((row.sourceline or 0, f"[{label[1]}]", text))
    return rows


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# ---------------------------------------------------------------------------
# Page metadata
# ---------------------------------------------------------------------------

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "blogposting",
    "scholarlyarticle",
    "report",
    "techarticle",
    "webpage",
}


def _page_fields(root: etree._Element, warnings: list[ParseWarning]) -> dict:
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        name = (element.get("property") or element.get("name") or "").strip().casefold()
        content = clean_inline_text(element.get("content") or "").strip()
        if name and content:
            meta.setdefault(name, content)
    fields: dict = {}
    nodes = _json_ld_nodes(root, warnings)
    linked = _json_ld_article(nodes)
    headline = _text_of(linked.get("headline") or linked.get("name"))
    title_element = root.find(".//title")
    page_title = (
        clean_inline_text(title_element.text_content()).strip() if title_element is not None else ""
    )
    candidates = [
        _unescaped(title)
        for title in (headline, meta.get("og:title"), meta.get("twitter:title"), page_title)
        if title
    ]
    fields["title"] = candidates[0] if candidates else ""
    headings = [
        clean_inline_text(heading.text_content()).strip() for heading in root.iter("h1", "h2")
    ][:20]
    for candidate in candidates:
        heading, site = _headline_in(candidate, headings)
        if heading:
            # The page shows this headline; a JSON-LD "headline" that it does not show is
            # often a description ("technique for dimensionality reduction").
            fields["title"] = heading
            if site:
                fields["site_name"] = site
            break
    else:
        # No headline the page shows: its one <h1>, when it has one, is the headline and the
        # <title> the site's ("Four Years Remaining", "Lexikon « Nalas Löwenseiten").
        top = [clean_inline_text(h.text_content()).strip() for h in root.iter("h1")]
        site = (meta.get("og:site_name") or "").casefold()
        if len(top) == 1 and len(top[0].split()) >= 2 and top[0].casefold() != site:
            fields["title"] = top[0]
    canonical = next(
        (
            (element.get("href") or "").strip()
            for element in root.iter("link")
            if "canonical" in (element.get("rel") or "").casefold().split()
        ),
        "",
    )
    fields["url"] = canonical or meta.get("og:url") or _text_of(linked.get("url")) or None
    publisher = linked.get("publisher")
    fields["outlet"] = (
        meta.get("og:site_name")
        or _text_of(publisher.get("name") if isinstance(publisher, dict) else publisher)
        or meta.get("application-name")
        or fields.get("site_name")
        or None
    )
    published_value, published = _first_dated(
        _text_of(linked.get("datePublished")),
        meta.get("article:published_time"),
        meta.get("og:published_time"),
        meta.get("date"),
        meta.get("dc.date"),
        meta.get("dc.date.issued"),
        meta.get("dcterms.date"),
        meta.get("dcterms.issued"),
        meta.get("citation_publication_date"),
        meta.get("bepress_citation_date"),
        meta.get("parsely-pub-date"),
        meta.get("pubdate"),
        meta.get("publishdate"),
        meta.get("publish-date"),
        # A page without an article node still dates itself elsewhere: a Recipe's or
        # WebPage's datePublished, microdata beside the text.
        *(_text_of(node.get("datePublished")) for node in nodes),
        *(_microdata_value(element) for element in _itemprop(root, "datePublished")),
    )
    if published is not None and _UTC_STAMP.search(published_value):
        # A stamp in UTC ("2022-05-04T00:25:56Z", "Wed, 04 May 2022 02:41:00 GMT") may fall on
        # the next or the previous day where the page is read; the date the page prints for
        # its readers says which, when it is the day before or after.
        published = _local_date(published_value, published, root, meta)
    if published is None:
        published = _post_meta_date(root)
    if published is None:
        # /2019/11/18/slug: the date in the page's own address.
        published = _url_date(fields["url"] or "")
    if published is None:
        # Last, the date it was changed: a page that says only that was published by then.
        published = _first_date(
            _text_of(linked.get("dateModified")),
            meta.get("article:modified_time"),
            meta.get("og:updated_time"),
            *(_microdata_value(element) for element in _itemprop(root, "dateModified")),
        )
    if published is not None:
        fields["published"] = published
    # Yoast writes a WebPage node before the Article node; the author is on the Article.
    author = linked.get("author") or next(
        (node["author"] for node in _json_ld_articles(nodes) if node.get("author")), None
    )
    authors = _authors_of(_resolve_ids(author, _json_ld_index(nodes)))
    if not authors:
        # Yoast writes the author as a Twitter card field: label1 "Written by", data1 the name.
        if _WRITTEN_LABEL.fullmatch((meta.get("twitter:label1") or "") + " "):
            meta.setdefault("twitter:author", meta.get("twitter:data1") or "")
        for name in _AUTHOR_META:
            if meta.get(name) and not meta[name].startswith("http"):
                authors = [part.strip() for part in re.split(r"\s*(?:,|;| and )\s*", meta[name])]
                break
    site_names = {
        name.casefold()
        for name in (fields.get("outlet"), fields.get("site_name"), meta.get("og:site_name"))
        if name
    }
    authors = [_clean_author(author) for author in authors if _is_person_name(author, site_names)]
    if not authors:
        authors = [name for name in _marked_up_authors(root) if _is_person_name(name, site_names)]
    if not authors:
        authors = [name for name in _written_bylines(root) if _is_person_name(name, site_names)]
    fields["authors"] = [author for author in authors if author]
    fields["description"] = meta.get("description") or meta.get("og:description") or ""
    language = (root.get("lang") or meta.get("og:locale") or "").strip()
    match = re.match(r"([A-Za-z]{2})(?:[-_]|$)", language)
    fields["language"] = match[1].casefold() if match else ""
    fields["metadata"] = {
        key: value
        for key, value in {
            "page_title": page_title,
            "keywords": meta.get("keywords"),
            "section": meta.get("article:section"),
            "json_ld_type": linked.get("@type") if isinstance(linked.get("@type"), str) else None,
        }.items()
        if value
    }
    return fields


_SEPARATOR = re.compile(r"^\s*(?:[|–—«»·:]|-|::)\s*(?P<site>.*)$")


def _headline_in(title: str, headings: list[str]) -> tuple[str, str]:
    """The heading that is the title, alone or before a site suffix (and that suffix), or
    after a kicker or site prefix ("Chronik: Lotte Tobisch ist tot")."""
    folded = title.casefold()
    for heading in headings:
        if len(heading) < 3:
            continue
        if heading.casefold() == folded:
            return heading, ""
        if folded.startswith(heading.casefold()):
            separator = _SEPARATOR.match(title[len(heading) :])
            if separator and 1 < len(separator["site"]) <= 60:
                return heading, separator["site"].strip()
    for heading in headings:
        if (
            len(heading.split()) >= 3
            and folded.endswith(heading.casefold())
            and _PREFIX_END.search(title[: len(title) - len(heading)])
        ):
            return heading, ""
    return "", ""


# What ends a kicker or site name written before the headline: "Chronik: ", "Site | ".
_PREFIX_END = re.compile(r"\S\s*(?:[|–—«»›·:]|-|::|//)\s*$")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.IGNORECASE)


# Where pages name the author in a <meta>: the standards' fields, then the analytics and
# search tags news templates fill ("byl" "By Ann Lee", "sailthru.author", "cse_author").
_AUTHOR_META = (
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "citation_author",
    "parsely-author",
    "sailthru.author",
    "byl",
    "cse_author",
    "shareaholic:article_author_name",
    "twitter:author",
)


def _unescaped(text: str) -> str:
    """A title escaped twice by its CMS ("d&#039;actions", "&quot;Europa&quot;") as written."""
    return clean_inline_text(html.unescape(text)) if _ENTITY.search(text) else text


# Where blog and news templates print the post's date ("Posted on …", "Dieser Artikel wurde
# am 14. Dezember 2015 … geschrieben").
_POST_META_CLASS = re.compile(
    r"(?:post|entry|article)[-_]?(?:meta|footer|info|date|details)|posted-on|dateline|byline"
    r"|published|pubdate|(?:^|\s)(?:date|datum|fecha|updated|meta-date)(?:\s|$)",
    re.IGNORECASE,
)


_UTC_STAMP = re.compile(r"\d\d:\d\d(?::\d\d(?:\.\d+)?)?\s*(?:Z|GMT|UTC|[+-]00:?00)\s*$", re.I)


_OFFSET_STAMP = re.compile(r"T\d\d:\d\d(?::\d\d(?:\.\d+)?)?([+-])(\d\d):?(\d\d)\s*$")


def _local_date(value: str, published, root: etree._Element, meta: dict[str, str]):
    """A UTC stamp's date where the page is read: in the offset the page's other stamps are
    written in (its <time datetime>, its meta), else the day the page prints, when that
    is the day before or after and the hour allows it (23:00Z is tomorrow east of UTC)."""
    import datetime

    hour = int(re.search(r"(\d\d):\d\d", value)[1])
    stamps = [element.get("datetime") or "" for element in root.iter("time")] + list(meta.values())
    for stamp in stamps:
        match = _OFFSET_STAMP.search(stamp)
        if match and (match[2], match[3]) != ("00", "00"):
            minutes = (1 if match[1] == "+" else -1) * (60 * int(match[2]) + int(match[3]))
            minute = int(re.search(r"\d\d:(\d\d)", value)[1])
            shift = datetime.timedelta(hours=hour, minutes=minute + minutes)
            return published + datetime.timedelta(days=shift.days)
    shown = _post_meta_date(root)
    if shown is None:
        return published
    ahead = (shown - published).days
    if (ahead == 1 and hour >= 15) or (ahead == -1 and hour < 12):
        return shown
    return published


def _first_dated(*values: str | None):
    """The first value that is a date, as written and as a date."""
    for value in values:
        published = _date_of(value)
        if published is not None:
            return value or "", published
    return "", None


def _first_date(*values: str | None):
    for value in values:
        published = _date_of(value)
        if published is not None:
            return published
    return None


def _itemprop(root: etree._Element, name: str) -> list[etree._Element]:
    return [element for element in root.iter() if element.get("itemprop") == name][:5]


def _microdata_value(element: etree._Element) -> str:
    return (
        element.get("content")
        or element.get("datetime")
        or element.get("title")
        or clean_inline_text(element.text_content())[:100]
    )


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d\d?)[/-](\d\d?)(?:/|[-_][^/]*$|$)")


def _url_date(url: str):
    import datetime

    match = _URL_DATE.search(url)
    if match is None:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


# hAtom: <abbr class="published" title="2017-09-09T10:52:00+02:00">, class="updated".
_HATOM_DATE = re.compile(r"(?:^|\s)(?:published|updated|dtstart|entry-date)(?:\s|$)")


def _post_meta_date(root: etree._Element):
    for element in root.iter("abbr", "span", "time"):
        if element.get("title") and _HATOM_DATE.search(element.get("class") or ""):
            value = _date_of(element.get("title"))
            if value is not None:
                return value
    for element in root.iter("time"):
        value = _date_of(element.get("datetime") or clean_inline_text(element.text_content()))
        if value is not None:
            return value
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if not _POST_META_CLASS.search(f"{element.get('class') or ''} {element.get('id') or ''}"):
            continue
        text = clean_inline_text(element.text_content())[:400]
        found = find_date(text)
        if found is not None:
            return found[0]
    return None


def _json_ld_nodes(root: etree._Element, warnings: list[ParseWarning]) -> list[dict]:
    """Every JSON-LD node of the page, @graph members included, in page order."""
    nodes: list[dict] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().casefold() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            warnings.append(
                ParseWarning(
                    f"line {script.sourceline}: a JSON-LD block is not valid JSON; it was skipped",
                    "metadata",
                )
            )
            continue
        nodes.extend(_json_ld_items(data))
    return nodes


def _json_ld_articles(nodes: list[dict]) -> list[dict]:
    found = []
    for item in nodes:
        kinds = item.get("@type")
        kinds = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
        if any(str(kind).casefold() in _ARTICLE_TYPES for kind in kinds):
            found.append(item)
    return found


def _json_ld_article(nodes: list[dict]) -> dict:
    found = _json_ld_articles(nodes)
    return found[0] if found else {}


def _json_ld_index(nodes: list[dict]) -> dict[str, dict]:
    """The nodes by their "@id": Yoast and others write the article's author as
    {"@id": "…/#/schema/person/…"}, a Person node elsewhere in the @graph."""
    index: dict[str, dict] = {}
    for item in nodes:
        if isinstance(item.get("@id"), str):
            index.setdefault(item["@id"], item)
    return index


def _resolve_ids(value: object, index: dict[str, dict]) -> object:
    if isinstance(value, list):
        return [_resolve_ids(item, index) for item in value]
    if isinstance(value, dict) and "name" not in value and isinstance(value.get("@id"), str):
        return index.get(value["@id"], value)
    return value


# Where templates mark the byline up: microdata (itemprop="author"), rel="author" links and
# the hAtom/vCard classes WordPress themes print ("author vcard" → "fn").
# A class word that names the byline: "author", "byline", "fn", and template variants such as
# "post-author-name", "herald-author-name", "ng-sharekit__contributors--author"; never a
# comment's ("comment-author").
_AUTHOR_CLASS = re.compile(
    r"(?:^|\s)(?!comment)(?:[a-z0-9]+(?:__|--|-|_))*(?:author|byline|autor|auteur|authorname)"
    r"(?:(?:__|--|-|_)(?:name|link|text))?(?:\s|$)|(?:^|\s)fn(?:\s|$)",
    re.IGNORECASE,
)
_NAME_SHAPE = re.compile(r"[^\W\d_][\w.'’ -]{1,58}[^\W_]")


def _marked_up_authors(root: etree._Element) -> list[str]:
    body = root.find("body")
    if body is None:
        return []
    names: list[str] = []
    for element in body.iter():
        if not isinstance(element.tag, str) or len(names) >= 5:
            continue
        words = f"{element.get('class') or ''}"
        rel = (element.get("rel") or "").casefold().split()
        if not (
            element.get("itemprop") == "author"
            or (element.tag == "a" and "author" in rel)
            or _AUTHOR_CLASS.search(words)
        ):
            continue
        if _inside_comments(element):
            continue
        named = element.find(".//*[@itemprop='name']")
        if named is None:
            named = element.find(".//*[@class='fn']")
        source = named if named is not None else element
        text = _clean_author(source.get("content") or _visible_text(source))
        if not _NAME_SHAPE.fullmatch(text) or len(text.split()) > 4:
            continue
        if text.casefold() in ("author", "autor", "auteur", "admin") or text in names:
            continue
        names.append(text)
        # The first byline is the article's; a second one is usually another post's.
        break
    return names


# A byline no template marked up, only written: "Written by: Julie Mollins", "Par Matthieu Hy",
# "Verfasst von: mitundvoneinander | 31. Dezember 2008", "Ein Artikel von Pamela Sladky | …".
# A label that says it ("Author:", "Verfasst von") may take any one-word handle; a bare
# "By"/"Von"/"Par" only two to four capitalized words, as "Von Anfang an" is prose.
_WRITTEN_LABEL = re.compile(
    r"^(?:(?:written|posted)\s+by|(?:geschrieben|verfasst|erstellt)\s+von|ein\s+artikel\s+von"
    r"|text\s+von|écrit\s+par|escrito\s+por|scritto\s+da|autor(?:in)?|auteur|author)\s*:?\s+",
    re.IGNORECASE,
)
_WRITTEN_BARE = re.compile(r"^(?:by|von|par|por|door)\s+", re.IGNORECASE)
# Where the name ends: a bar, a dash, a comma, a bullet, a date or "am"/"on" before one.
_WRITTEN_END = re.compile(
    r"\s*(?:[|•·,;–—(]|\s-\s|\s{2,}|\s(?:am|on|le|el|il|den|und|and|et|y)\s|\d).*$", re.IGNORECASE
)
_CAPITALIZED = re.compile(r"[^\W\d_][\w.'’-]*")


def _written_bylines(root: etree._Element) -> list[str]:
    body = root.find("body")
    if body is None:
        return []
    for element in body.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "noscript"):
            continue
        text = (element.text or "").strip() + " "
        if not (_WRITTEN_LABEL.match(text) or _WRITTEN_BARE.match(text)):
            continue
        whole = element.text_content()
        parent = element.getparent()
        if _WRITTEN_LABEL.fullmatch(text) and _WRITTEN_LABEL.fullmatch(whole.strip() + " "):
            # "<span>Author: </span><span>Jacopo Cascioli</span>": the name is a sibling's.
            whole = parent.text_content() if parent is not None else whole
        if len(whole.strip()) > 150:
            whole = element.text or ""  # "Written by: Ann Lee" then the whole post
        if len(whole.strip()) > 150 or _inside_comments(element):
            continue
        whole = whole.replace("\xa0", " ").strip()
        labelled = _WRITTEN_LABEL.match(whole)
        lead = labelled or _WRITTEN_BARE.match(whole)
        if lead is None:
            continue
        name = clean_inline_text(_WRITTEN_END.sub("", whole[lead.end() :])).strip(" :")
        words = name.split()
        if not _NAME_SHAPE.fullmatch(name) or not 1 <= len(words) <= 4:
            continue
        if not labelled and (
            len(words) < 2 or not all(_CAPITALIZED.fullmatch(w) and w[0].isupper() for w in words)
        ):
            continue
        return [name]
    return []


# "By", "Von", "Author" before the name; "on 3 May", "am 3. Mai", "Veröffentlicht am" after.
_BYLINE_LEAD = re.compile(
    r"^(?:(?:(?:written|posted|geschrieben|verfasst|erstellt|rezept|ein\s+artikel|text|escrito"
    r"|écrit|scritto)\s+)?"
    r"(?:by|von|vom|par|por|da|di|door|av|af)|author|autor|auteur)\b[:\s]*",
    re.IGNORECASE,
)
_BYLINE_TAIL = re.compile(
    r"\s+(?:on|am|le|el|il|op|veröffentlicht|published|posted|updated|aktualisiert)\b(?=.*\d).*$",
    re.IGNORECASE,
)
_HIDDEN_CLASS = re.compile(r"screen-reader|sr-only|visually-hidden|hidden", re.IGNORECASE)
# Not a person: a site ("katholisch.at"), a handle, a company, a placeholder.
_NOT_A_PERSON = re.compile(
    r"@|www\.|\.(?:com|org|net|de|at|ch|fr|it|es|uk|info)\b|\b(?:GmbH|e\.\s?V\.|Ltd|Inc)\b"
    r"|^(?:admin|wordpressadmin|no author|redaktion|editor|staff|anonymous|ph\.?d|md|msc|rd)$",
    re.IGNORECASE,
)


def _clean_author(text: str) -> str:
    """A byline as a name: entities decoded, "Geschrieben von" and "on 31. October" gone."""
    text = _BYLINE_LEAD.sub("", clean_inline_text(html.unescape(text)).strip())
    return _BYLINE_TAIL.sub("", text).strip(" ,:|–-")


def _is_person_name(name: str, site_names: set[str]) -> bool:
    folded = name.casefold().strip()
    return bool(folded) and folded not in site_names and not _NOT_A_PERSON.search(name)


def _visible_text(element: etree._Element) -> str:
    """The element's text without screen-reader labels ("Author" before the name)."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node is not element and _HIDDEN_CLASS.search(node.get("class") or ""):
            if node.tail:
                parts.append(node.tail)
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            elif child.tail:
                parts.append(child.tail)
        if node is not element and node.tail:
            parts.append(node.tail)

    walk(element)
    return " ".join(parts)


def _inside_comments(element: etree._Element) -> bool:
    parent = element
    for _depth in range(12):
        parent = parent.getparent()
        if parent is None or not isinstance(parent.tag, str):
            return False
        words = f"{parent.get('class') or ''} {parent.get('id') or ''}"
        if _BESIDE_THE_POST.search(words) or parent.tag in ("aside", "footer", "nav"):
            return True
        if parent.tag in ("article", "main", "body"):
            return False
    return False


# Blocks whose bylines are not the post's. Whole class words: WordPress marks a post that takes
# comments "comments-open" and a page "has-sidebar", which say nothing of where a byline is.
_BESIDE_THE_POST = re.compile(
    r"(?:^|\s)(?:comments?|comment-list|commentlist|comment-body|comment-content|comment-author"
    r"|related|related-posts|widget|widget-area|sidebar|footer|site-footer)(?:$|\s)",
    re.IGNORECASE,
)


def _json_ld_items(data: object, depth: int = 0) -> list[dict]:
    if depth > 4:
        return []
    if isinstance(data, list):
        return [item for entry in data for item in _json_ld_items(entry, depth + 1)]
    if isinstance(data, dict):
        items = [data]
        if isinstance(data.get("@graph"), list):
            items += _json_ld_items(data["@graph"], depth + 1)
        return items
    return []


def _text_of(value: object) -> str:
    if isinstance(value, str):
        return clean_inline_text(value).strip()
    if isinstance(value, list) and value:
        return _text_of(value[0])
    return ""


def _authors_of(value: object) -> list[str]:
    if isinstance(value, str):
        return [clean_inline_text(value).strip()] if not value.startswith("http") else []
    if isinstance(value, dict):
        kinds = value.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        kinds = {str(kind).casefold() for kind in kinds}
        # Yoast types a one-person blog's owner ["Person", "Organization"]: a person.
        if "organization" in kinds and "person" not in kinds:
            return []  # "Contributors to Wikimedia projects" is not a byline
        return _authors_of(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _authors_of(item)]
    return []


def _date_of(value: str | None):
    if not value:
        return None
    iso = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    if iso:
        import datetime

        try:
            return datetime.date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            return None
    return parse_date(value)
