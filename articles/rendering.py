"""An article body turned into HTML: claims marked by their verdict, citation markers linked.

The body comes from files anyone could have written, and this is the one place where it becomes
markup, so every piece of body text, and every value put in a tag, passes through
`escape_html`. Nothing here touches the database: the view hands in plain spans.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape as escape_html
from itertools import pairwise
from typing import NamedTuple
from urllib.parse import urlsplit

from django.utils.safestring import SafeString, mark_safe

PARAGRAPH_SEPARATOR = "\n\n"
UNREVIEWED = "unreviewed"


@dataclass(frozen=True)
class ClaimSpan:
    identifier: int
    start: int
    end: int
    status: str
    status_label: str
    url: str


@dataclass(frozen=True)
class CitationSpan:
    start: int
    end: int
    reference_position: int
    reference_text: str = ""


class _Piece(NamedTuple):
    start: int
    end: int
    claim_index: int | None
    citation_index: int | None


def paragraph_bounds(body: str) -> list[tuple[int, int]]:
    """Offsets of each non-blank paragraph, in the same split the importer's offsets assume."""
    bounds = []
    offset = 0
    for text in body.split(PARAGRAPH_SEPARATOR):
        if text.strip():
            bounds.append((offset, offset + len(text)))
        offset += len(text) + len(PARAGRAPH_SEPARATOR)
    return bounds


def _without_overlaps[Span: (ClaimSpan, CitationSpan)](
    spans: Iterable[Span], body_length: int
) -> list[tuple[int, int, Span]]:
    """Spans clipped to the body and to each other, in body order.

    Claims never overlap one another and neither do citation markers, but offsets come from an
    importer and a body an editor may have changed since: a bad span must shrink or vanish
    rather than produce tags that cross.
    """
    kept: list[tuple[int, int, Span]] = []
    previous_end = 0
    for span in sorted(spans, key=lambda span: (span.start, span.end)):
        start = max(span.start, previous_end)
        end = min(span.end, body_length)
        if end <= start:
            continue
        kept.append((start, end, span))
        previous_end = end
    return kept


class _SpanIndex:
    """Kept spans (in body order, none overlapping) with their offsets as sorted lists, so the
    spans touching a paragraph and the span covering an offset are found by bisection.

    Since the spans do not overlap, their ends are as sorted as their starts."""

    def __init__(self, kept: list[tuple[int, int, object]]) -> None:
        self.starts = [start for start, _end, _span in kept]
        self.ends = [end for _start, end, _span in kept]

    def touching(self, paragraph_start: int, paragraph_end: int) -> range:
        """Indexes of the spans that overlap [paragraph_start, paragraph_end)."""
        first = bisect_right(self.ends, paragraph_start)
        past_last = bisect_left(self.starts, paragraph_end, lo=first)
        return range(first, max(first, past_last))

    def covering(self, offset: int, among: range) -> int | None:
        """The index of the span (one of `among`) that contains `offset`, if any."""
        index = bisect_right(self.starts, offset, lo=among.start, hi=among.stop) - 1
        if index >= among.start and self.ends[index] > offset:
            return index
        return None


def _paragraph_pieces(
    bounds: tuple[int, int], claims: _SpanIndex, citations: _SpanIndex
) -> list[_Piece]:
    """Cut a paragraph wherever a claim or a citation starts or ends.

    Each piece then lies inside at most one claim and at most one citation, so the tags can be
    written strictly nested: claim outside, citation inside. A marker that straddles the end of
    a sentence becomes two links to the same reference instead of crossing tags.

    Only the spans touching the paragraph are looked at, found by bisection: the work is in
    proportion to the paragraph's own spans, so a whole body renders in linear time (looking at
    every span for every paragraph made a 50,000-paragraph article take hours).
    """
    paragraph_start, paragraph_end = bounds
    claims_here = claims.touching(paragraph_start, paragraph_end)
    citations_here = citations.touching(paragraph_start, paragraph_end)
    cuts = {paragraph_start, paragraph_end}
    for index_of_spans, indexes in ((claims, claims_here), (citations, citations_here)):
        for index in indexes:
            for offset in (index_of_spans.starts[index], index_of_spans.ends[index]):
                if paragraph_start < offset < paragraph_end:
                    cuts.add(offset)
    return [
        _Piece(
            start=piece_start,
            end=piece_end,
            claim_index=claims.covering(piece_start, claims_here),
            citation_index=citations.covering(piece_start, citations_here),
        )
        for piece_start, piece_end in pairwise(sorted(cuts))
    ]


def _claim_class(claim: ClaimSpan) -> str:
    # Not "verdict-unreviewed": that class draws the dashed box of a badge, and an unreviewed
    # sentence should read as plain text with only its quiet link mark.
    if claim.status == UNREVIEWED:
        return "claim-mark claim-unreviewed"
    return f"claim-mark verdict-{claim.status}"


# Tags are written with f-strings around `escape_html` (the standard library's html.escape,
# quotes included, which is what Django's escape calls) rather than format_html: the same
# output, without the lazy-string wrapper that made escaping three quarters of the time of a
# long article.


def _claim_opening_tag(claim: ClaimSpan, *, with_id: bool) -> str:
    if with_id:
        return f'<span class="{escape_html(_claim_class(claim))}" id="claim-{claim.identifier:d}">'
    return f'<span class="{escape_html(_claim_class(claim))}">'


def _claim_label(claim: ClaimSpan) -> str:
    """The link to the claim's page, carrying the verdict as words so colour is never alone."""
    url = escape_html(claim.url)
    if claim.status == UNREVIEWED:
        # A reviewed verdict earns a visible word; an unreviewed sentence only a quiet mark, or
        # every sentence of a fresh article would shout "Unreviewed".
        return (
            f'<a class="verdict-label verdict-label-unreviewed" href="{url}" '
            'title="Not reviewed yet: open the page of this sentence">'
            '<span aria-hidden="true">○</span>'
            '<span class="visually-hidden">(not reviewed yet)</span></a>'
        )
    label = escape_html(claim.status_label)
    return (
        f'<a class="verdict-label" href="{url}" title="Verdict: {label}. Read why.">'
        f'<span class="visually-hidden">(verdict: </span>{label}'
        '<span class="visually-hidden">)</span></a>'
    )


def _citation_link(text: str, citation: CitationSpan) -> str:
    position = int(citation.reference_position)
    if citation.reference_text:
        title = escape_html(citation.reference_text[:300])
        return f'<a class="citation" href="#ref-{position}" title="{title}">{escape_html(text)}</a>'
    return f'<a class="citation" href="#ref-{position}">{escape_html(text)}</a>'


def render_body(
    body: str, *, claims: Iterable[ClaimSpan], citations: Iterable[CitationSpan]
) -> list[SafeString]:
    """The body as a list of paragraphs of safe HTML, one per `<p>` the template writes."""
    kept_claims = _without_overlaps(claims, len(body))
    kept_citations = _without_overlaps(citations, len(body))
    claim_index, citation_index = _SpanIndex(kept_claims), _SpanIndex(kept_citations)
    paragraphs = [
        _paragraph_pieces(bounds, claim_index, citation_index) for bounds in paragraph_bounds(body)
    ]
    # A sentence split across paragraphs (a bad offset) gets its label on its last piece only.
    last_piece_of_claim: dict[int, tuple[int, int]] = {}
    for paragraph_index, pieces in enumerate(paragraphs):
        for piece_index, piece in enumerate(pieces):
            if piece.claim_index is not None:
                last_piece_of_claim[piece.claim_index] = (paragraph_index, piece_index)

    rendered: list[SafeString] = []
    claims_with_id: set[int] = set()
    for paragraph_index, pieces in enumerate(paragraphs):
        parts: list[str] = []
        open_claim: int | None = None
        for piece_index, piece in enumerate(pieces):
            if piece.claim_index != open_claim:
                if open_claim is not None:
                    parts.append("</span>")
                if piece.claim_index is not None:
                    parts.append(
                        _claim_opening_tag(
                            kept_claims[piece.claim_index][2],
                            with_id=piece.claim_index not in claims_with_id,
                        )
                    )
                    claims_with_id.add(piece.claim_index)
                open_claim = piece.claim_index
            text = body[piece.start : piece.end]
            if piece.citation_index is None:
                parts.append(escape_html(text))
            else:
                parts.append(_citation_link(text, kept_citations[piece.citation_index][2]))
            if piece.claim_index is not None and last_piece_of_claim[piece.claim_index] == (
                paragraph_index,
                piece_index,
            ):
                parts.append(_claim_label(kept_claims[piece.claim_index][2]))
        if open_claim is not None:
            parts.append("</span>")
        # Every part is either escaped text or a tag built above from escaped values.
        rendered.append(mark_safe("".join(parts)))
    return rendered


def count_sentences_with_citations(
    claims: Iterable[ClaimSpan], citations: Iterable[CitationSpan]
) -> int:
    """How many sentences have at least one citation marker starting inside them."""
    marker_starts = sorted(citation.start for citation in citations)
    count = 0
    for claim in claims:
        first_at_or_after_start = bisect_right(marker_starts, claim.start - 1)
        if (
            first_at_or_after_start < len(marker_starts)
            and marker_starts[first_at_or_after_start] < claim.end
        ):
            count += 1
    return count


def safe_external_url(url: str) -> str:
    """The URL if it is a web address, else "": a stored `javascript:` URL must never be a link."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in {"http", "https"} and parts.netloc:
        return url.strip()
    return ""
