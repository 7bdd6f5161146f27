"""An article body turned into HTML: claims marked by their verdict, citation markers linked.

The body comes from files anyone could have written, and this is the one place where it becomes
markup, so every piece of body text passes through `escape` and every tag is built with
`format_html`. Nothing here touches the database: the view hands in plain spans.
"""

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from urllib.parse import urlsplit

from django.utils.html import escape, format_html
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


@dataclass(frozen=True)
class _Piece:
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


def _covering(starts: Sequence[int], ends: Sequence[int], offset: int) -> int | None:
    index = bisect_right(starts, offset) - 1
    if index >= 0 and ends[index] > offset:
        return index
    return None


def _paragraph_pieces(
    bounds: tuple[int, int],
    claims: list[tuple[int, int, ClaimSpan]],
    citations: list[tuple[int, int, CitationSpan]],
) -> list[_Piece]:
    """Cut a paragraph wherever a claim or a citation starts or ends.

    Each piece then lies inside at most one claim and at most one citation, so the tags can be
    written strictly nested: claim outside, citation inside. A marker that straddles the end of
    a sentence becomes two links to the same reference instead of crossing tags.
    """
    paragraph_start, paragraph_end = bounds
    cuts = {paragraph_start, paragraph_end}
    for start, end, _span in (*claims, *citations):
        cuts.update(offset for offset in (start, end) if paragraph_start < offset < paragraph_end)
    ordered_cuts = sorted(cuts)
    claim_starts = [start for start, _end, _span in claims]
    claim_ends = [end for _start, end, _span in claims]
    citation_starts = [start for start, _end, _span in citations]
    citation_ends = [end for _start, end, _span in citations]
    return [
        _Piece(
            start=piece_start,
            end=piece_end,
            claim_index=_covering(claim_starts, claim_ends, piece_start),
            citation_index=_covering(citation_starts, citation_ends, piece_start),
        )
        for piece_start, piece_end in pairwise(ordered_cuts)
    ]


def _claim_class(claim: ClaimSpan) -> str:
    # Not "verdict-unreviewed": that class draws the dashed box of a badge, and an unreviewed
    # sentence should read as plain text with only its quiet link mark.
    if claim.status == UNREVIEWED:
        return "claim-mark claim-unreviewed"
    return f"claim-mark verdict-{claim.status}"


def _claim_opening_tag(claim: ClaimSpan, *, with_id: bool) -> SafeString:
    if with_id:
        return format_html('<span class="{}" id="claim-{}">', _claim_class(claim), claim.identifier)
    return format_html('<span class="{}">', _claim_class(claim))


def _claim_label(claim: ClaimSpan) -> SafeString:
    """The link to the claim's page, carrying the verdict as words so colour is never alone."""
    if claim.status == UNREVIEWED:
        # A reviewed verdict earns a visible word; an unreviewed sentence only a quiet mark, or
        # every sentence of a fresh article would shout "Unreviewed".
        return format_html(
            '<a class="verdict-label verdict-label-unreviewed" href="{}" '
            'title="Not reviewed yet: open the page of this sentence">'
            '<span aria-hidden="true">○</span>'
            '<span class="visually-hidden">(not reviewed yet)</span></a>',
            claim.url,
        )
    return format_html(
        '<a class="verdict-label" href="{}" title="Verdict: {}. Read why.">'
        '<span class="visually-hidden">(verdict: </span>{}'
        '<span class="visually-hidden">)</span></a>',
        claim.url,
        claim.status_label,
        claim.status_label,
    )


def _citation_link(text: str, citation: CitationSpan) -> SafeString:
    if citation.reference_text:
        return format_html(
            '<a class="citation" href="#ref-{}" title="{}">{}</a>',
            citation.reference_position,
            citation.reference_text[:300],
            text,
        )
    return format_html(
        '<a class="citation" href="#ref-{}">{}</a>', citation.reference_position, text
    )


def render_body(
    body: str, *, claims: Iterable[ClaimSpan], citations: Iterable[CitationSpan]
) -> list[SafeString]:
    """The body as a list of paragraphs of safe HTML, one per `<p>` the template writes."""
    kept_claims = _without_overlaps(claims, len(body))
    kept_citations = _without_overlaps(citations, len(body))
    paragraphs = [
        _paragraph_pieces(bounds, kept_claims, kept_citations) for bounds in paragraph_bounds(body)
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
                parts.append(escape(text))
            else:
                parts.append(_citation_link(text, kept_citations[piece.citation_index][2]))
            if piece.claim_index is not None and last_piece_of_claim[piece.claim_index] == (
                paragraph_index,
                piece_index,
            ):
                parts.append(_claim_label(kept_claims[piece.claim_index][2]))
        if open_claim is not None:
            parts.append("</span>")
        # Every part is either escaped text or built by format_html above.
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
