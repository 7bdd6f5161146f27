import re
import time
from html.parser import HTMLParser

from articles.rendering import (
    CitationSpan,
    ClaimSpan,
    count_sentences_with_citations,
    paragraph_bounds,
    render_body,
    safe_external_url,
)

VOID_ELEMENTS = {"br", "img", "hr", "input", "meta", "link"}


class TagRecorder(HTMLParser):
    """Records every element and fails on a closing tag that does not match the open one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open_tags: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag not in VOID_ELEMENTS:
            self.open_tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open_tags, f"</{tag}> closes nothing"
        assert self.open_tags[-1] == tag, f"</{tag}> crosses <{self.open_tags[-1]}>"
        self.open_tags.pop()

    def handle_data(self, data: str) -> None:
        self.text += data


def parse(fragment: str) -> TagRecorder:
    recorder = TagRecorder()
    recorder.feed(fragment)
    recorder.close()
    assert recorder.open_tags == [], f"left open: {recorder.open_tags}"
    return recorder


def claim(start: int, end: int, status: str = "supported", identifier: int = 1) -> ClaimSpan:
    return ClaimSpan(
        identifier=identifier,
        start=start,
        end=end,
        status=status,
        status_label=status.replace("_", " ").capitalize(),
        url=f"/claims/{identifier}/",
    )


def test_it_splits_paragraphs_on_blank_lines_and_skips_empty_ones() -> None:
    body = "One.\n\nTwo.\n\n\n\nThree."

    assert paragraph_bounds(body) == [(0, 4), (6, 10), (14, 20)]
    assert [str(paragraph) for paragraph in render_body(body, claims=[], citations=[])] == [
        "One.",
        "Two.",
        "Three.",
    ]


def test_it_escapes_markup_in_plain_text_claims_and_citation_markers() -> None:
    body = "<script>alert(1)</script> <img src=x onerror=alert(1)>[<b>1</b>]"
    image_start = body.index("<img")
    marker_start = body.index("[<b>")

    (paragraph,) = render_body(
        body,
        claims=[claim(image_start, len(body))],
        citations=[CitationSpan(marker_start, len(body), 0, '<i>raw</i> " onmouseover=x')],
    )

    recorder = parse(paragraph)
    assert {tag for tag, _attributes in recorder.elements} == {"span", "a"}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in paragraph
    assert "&lt;img src=x onerror=alert(1)&gt;" in paragraph
    assert "[&lt;b&gt;1&lt;/b&gt;]" in paragraph
    assert 'title="&lt;i&gt;raw&lt;/i&gt; &quot; onmouseover=x"' in paragraph
    assert recorder.text.startswith("<script>alert(1)</script> <img src=x onerror=alert(1)>")


def test_it_marks_a_reviewed_claim_with_its_verdict_in_words_and_links_its_page() -> None:
    body = "The sky is green. The grass is blue."

    (paragraph,) = render_body(
        body, claims=[claim(0, 17, status="false", identifier=7)], citations=[]
    )

    recorder = parse(paragraph)
    span_attributes = recorder.elements[0][1]
    assert recorder.elements[0][0] == "span"
    assert span_attributes == {"class": "claim-mark verdict-false", "id": "claim-7"}
    link = next(attributes for tag, attributes in recorder.elements if tag == "a")
    assert link["href"] == "/claims/7/"
    assert link["class"] == "verdict-label"
    assert "(verdict: False)" in recorder.text
    assert recorder.text.endswith(" The grass is blue.")


def test_it_links_an_unreviewed_claim_with_a_quiet_mark_and_hidden_words() -> None:
    (paragraph,) = render_body(
        "Just a sentence.", claims=[claim(0, 16, status="unreviewed", identifier=3)], citations=[]
    )

    assert '<span class="claim-mark claim-unreviewed" id="claim-3">' in paragraph
    assert 'href="/claims/3/"' in paragraph
    assert '<span aria-hidden="true">○</span>' in paragraph
    assert '<span class="visually-hidden">(not reviewed yet)</span>' in paragraph
    assert "(verdict:" not in paragraph


def test_it_nests_a_citation_inside_its_sentence_and_leaves_one_between_sentences_outside() -> None:
    body = "First claim (BBC, 2023). [2] Second claim."
    inside = body.index("(BBC")
    between = body.index("[2]")
    second = body.index("Second")

    (paragraph,) = render_body(
        body,
        claims=[claim(0, between - 1, identifier=1), claim(second, len(body), identifier=2)],
        citations=[
            CitationSpan(inside, inside + len("(BBC, 2023)"), 0),
            CitationSpan(between, between + 3, 2),
        ],
    )

    parse(paragraph)
    first_span, second_span = paragraph.split("</span></a></span>")[:2]
    assert '<a class="citation" href="#ref-0">(BBC, 2023)</a>' in first_span
    assert '<a class="citation" href="#ref-2">[2]</a> <span class="claim-mark' in second_span


def test_it_marks_adjacent_claims_separately_without_empty_marks() -> None:
    body = "One.Two."

    (paragraph,) = render_body(
        body, claims=[claim(0, 4, identifier=1), claim(4, 8, identifier=2)], citations=[]
    )

    recorder = parse(paragraph)
    spans = [attributes for tag, attributes in recorder.elements if tag == "span"]
    assert [span.get("id") for span in spans if "claim-mark" in span["class"]] == [
        "claim-1",
        "claim-2",
    ]
    assert re.search(r"<span[^>]*></span>", paragraph) is None
    assert recorder.text.replace("(verdict: Supported)", "") == "One.Two."


def test_it_clips_overlapping_and_out_of_range_spans_instead_of_crossing_tags() -> None:
    body = "Alpha beta gamma. Delta epsilon."

    (paragraph,) = render_body(
        body,
        claims=[
            claim(0, 17, identifier=1),
            claim(10, 32, identifier=2),
            claim(40, 50, identifier=3),
            claim(5, 5, identifier=4),
        ],
        citations=[CitationSpan(12, 20, 0), CitationSpan(15, 18, 1), CitationSpan(30, 99, 2)],
    )

    recorder = parse(paragraph)
    ids = [attributes.get("id") for tag, attributes in recorder.elements if tag == "span"]
    assert "claim-1" in ids
    assert "claim-2" in ids
    assert "claim-3" not in ids
    assert "claim-4" not in ids
    visible = recorder.text.replace("(verdict: Supported)", "")
    assert visible == body


def test_a_marker_straddling_a_sentence_end_becomes_two_links_to_the_same_reference() -> None:
    body = "Claim here. Next."

    (paragraph,) = render_body(
        body, claims=[claim(0, 11, identifier=1)], citations=[CitationSpan(9, 13, 4)]
    )

    recorder = parse(paragraph)
    citation_links = [
        attributes
        for tag, attributes in recorder.elements
        if tag == "a" and attributes.get("class") == "citation"
    ]
    assert [link["href"] for link in citation_links] == ["#ref-4", "#ref-4"]


def test_a_claim_spanning_a_paragraph_break_gets_one_id_and_one_label() -> None:
    body = "Start of it\n\nend of it. Other."

    paragraphs = render_body(body, claims=[claim(6, 23, identifier=9)], citations=[])

    assert len(paragraphs) == 2
    for paragraph in paragraphs:
        parse(paragraph)
    joined = "".join(paragraphs)
    assert joined.count('id="claim-9"') == 1
    assert joined.count('href="/claims/9/"') == 1
    assert 'href="/claims/9/"' in paragraphs[1]


def test_it_counts_sentences_with_at_least_one_marker_inside() -> None:
    claims = [claim(0, 10), claim(10, 20), claim(20, 30), claim(30, 40)]
    citations = [
        CitationSpan(5, 8, 0),
        CitationSpan(8, 9, 1),
        CitationSpan(25, 28, 2),
        CitationSpan(40, 43, 3),
    ]

    assert count_sentences_with_citations(claims, citations) == 2
    assert count_sentences_with_citations(claims, []) == 0


def test_only_web_addresses_become_links() -> None:
    assert safe_external_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_external_url(" http://example.org ") == "http://example.org"
    assert safe_external_url("javascript:alert(1)") == ""
    assert safe_external_url("JavaScript://example.org/%0Aalert(1)") == ""
    assert safe_external_url("data:text/html,<script>") == ""
    assert safe_external_url("//example.org") == ""
    assert safe_external_url("") == ""


def long_article(paragraph_count: int) -> tuple[str, list[ClaimSpan], list[CitationSpan]]:
    """A body of `paragraph_count` paragraphs of two sentences, each paragraph citing once."""
    paragraphs, claims, citations = [], [], []
    offset = 0
    for number in range(paragraph_count):
        first = f"Sentence {number} says a thing [1]."
        second = f"Then <another> {number} follows."
        text = f"{first} {second}"
        marker_start = offset + first.index("[1]")
        claims.append(claim(offset, offset + len(first), identifier=2 * number + 1))
        claims.append(
            claim(offset + len(first) + 1, offset + len(text), "unreviewed", 2 * number + 2)
        )
        citations.append(CitationSpan(marker_start, marker_start + 3, 0, "A reference"))
        paragraphs.append(text)
        offset += len(text) + 2
    return "\n\n".join(paragraphs), claims, citations


def cpu_seconds_to_render(paragraph_count: int) -> float:
    """The least CPU time of three renders: CPU time of this process, not wall time, so other
    work on a loaded machine does not count, and the least of three to drop a bad moment."""
    body, claims, citations = long_article(paragraph_count)
    timings = []
    for _ in range(3):
        started = time.process_time()
        render_body(body, claims=claims, citations=citations)
        timings.append(time.process_time() - started)
    return min(timings)


def test_a_50000_paragraph_article_renders_completely_and_correctly() -> None:
    body, claims, citations = long_article(50_000)

    paragraphs = render_body(body, claims=claims, citations=citations)

    assert len(paragraphs) == 50_000
    last = parse(str(paragraphs[-1]))
    assert last.text.startswith("Sentence 49999 says a thing [1].")
    assert "Then <another> 49999 follows." in last.text
    assert ("span", {"class": "claim-mark verdict-supported", "id": "claim-99999"}) in (
        last.elements
    )
    assert ("a", {"class": "citation", "href": "#ref-0", "title": "A reference"}) in (last.elements)


def test_rendering_time_grows_linearly_with_the_number_of_paragraphs() -> None:
    # Eight times the paragraphs (and spans): linear work takes about 8 times as long, the
    # quadratic walk of every span for every paragraph 64 times. 24 leaves room for noise.
    small = cpu_seconds_to_render(1_000)
    large = cpu_seconds_to_render(8_000)

    assert large / max(small, 1e-6) < 24, f"{small=:.3f} s, {large=:.3f} s"
