"""A claim's sentence as readers quote it: without the article's citation markers.

The stored sentence keeps its markers ("…government.[2]", "…registered (Il Post).") because the
article page links them to the reference list. Everywhere else — headings, lists, feeds,
ClaimReview's `claimReviewed` — a marker is noise, and in a heading it reads as part of the
quotation. The markers are known exactly (the importer stored each as a Citation), so they are
removed by their labels, never guessed with a pattern: "(LSR)" in a sentence is not a marker.
"""

from collections.abc import Sequence

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef

from articles.models import Citation
from claims.search import MATCH_END, MATCH_START

SENTINELS = (MATCH_START, MATCH_END)


def marker_labels(claim: str = "") -> ArraySubquery:
    """The labels of the citation markers inside each claim's sentence, in body order: an
    annotation for a Claim (or historical Claim) queryset, or for one that reaches claims
    through `claim` (e.g. "claim__" on Evidence), so a list page pays no extra query.
    Served by the (article, position) unique index, filtered to the sentence's span."""
    return ArraySubquery(
        Citation.objects.filter(
            article_id=OuterRef(f"{claim}article_id"),
            start__gte=OuterRef(f"{claim}start"),
            end__lte=OuterRef(f"{claim}end"),
        )
        .order_by("position")
        .values("label")
    )


def _removed_ranges(text: str, labels: Sequence[str]) -> list[tuple[int, int]]:
    """Where each label sits in `text` (searched in order, left to right), widened to the
    whitespace before it, or after it when the marker opens the sentence."""
    ranges = []
    cursor = 0
    for label in labels:
        if not label:
            continue
        start = text.find(label, cursor)
        if start == -1:
            continue
        end = start + len(label)
        cursor = end
        widened_start = start
        while widened_start > 0 and text[widened_start - 1].isspace():
            widened_start -= 1
        if widened_start == 0:
            while end < len(text) and text[end].isspace():
                end += 1
        ranges.append((widened_start, end))
    return ranges


def without_markers(text: str, labels: Sequence[str] | None) -> str:
    """The sentence without its citation markers, e.g. "…government.[2]" → "…government."."""
    if not labels:
        return text
    kept = []
    position = 0
    for start, end in _removed_ranges(text, labels):
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    return "".join(kept).strip()


def headline_without_markers(headline: str, labels: Sequence[str] | None) -> str:
    """The same for a search headline, whose matches are wrapped in sentinel characters: the
    labels are found in the text as if the sentinels were not there, and a match that lay wholly
    inside a removed marker loses both of its sentinels."""
    if not labels:
        return headline
    # Map each character of the sentinel-free text back to its place in the headline.
    plain_characters = []
    headline_index = []
    for index, character in enumerate(headline):
        if character not in SENTINELS:
            plain_characters.append(character)
            headline_index.append(index)
    plain = "".join(plain_characters)
    removed = [False] * len(headline)
    for start, end in _removed_ranges(plain, labels):
        if start == end:
            continue
        first, last = headline_index[start], headline_index[end - 1]
        for index in range(first, last + 1):
            if headline[index] not in SENTINELS:
                removed[index] = True
        # Sentinels strictly inside the removed span go with it.
        for index in range(first, last + 1):
            if headline[index] in SENTINELS:
                removed[index] = True
    result = "".join(character for index, character in enumerate(headline) if not removed[index])
    return result.replace(MATCH_START + MATCH_END, "").strip()


def claim_plain_text(claim: object) -> str:
    """`claim.text` without markers, when the queryset carried `marker_labels()`."""
    return without_markers(claim.text, getattr(claim, "marker_labels", None))
