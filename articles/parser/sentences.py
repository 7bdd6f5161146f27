"""Stage 7, sentences: sentence spans of a paragraph, citation markers included."""

# ruff: noqa: RUF001 -- curly quotes and dashes are the data being parsed.
from __future__ import annotations

import bisect
import re

import sentencex

# sentencex (Wikimedia's segmenter, in Rust) has rules for about 300 languages and falls back
# to English ones for a code it does not know; "" (language unknown) is read as English.
_FALLBACK_LANGUAGE = "en"


_IDENTIFIER = None
# Below this probability the guess is not worth storing: search then uses `simple`.
_LANGUAGE_CONFIDENCE = 0.8
# Enough text to tell the languages apart, and py3langid walks the sample byte by byte in
# Python (about 2 ms per 1000 characters). Measured on tests/ + fixtures/ (27 bodies in 5
# languages): the first 600 characters give the full text's answer for 27 of 27, as 1000 do;
# any 600-character window of a body does for 94.6 % of windows, 1000 for 95.3 %.
_LANGUAGE_SAMPLE = 600


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, or "" when the text is too short or unclear.

    py3langid ships its model inside the package: nothing is downloaded, and the model is
    loaded once, on first use.
    """
    global _IDENTIFIER
    sample = text[:_LANGUAGE_SAMPLE]
    if len(re.findall(r"\w+", sample)) < 4:
        return ""
    if _IDENTIFIER is None:
        from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

        _IDENTIFIER = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    language, probability = _IDENTIFIER.classify(sample)
    return str(language) if probability >= _LANGUAGE_CONFIDENCE else ""


# A long paragraph is cut into chunks of at most this many characters at places where every
# sentence splitter would split, and each chunk is segmented on its own, so no splitter ever
# sees a megabyte of text at once (pysbd, used before, took minutes on one; sentencex is
# linear, but the cut keeps the work per piece small either way).
_CHUNK_LENGTH = 2000
# A chunk with no safe boundary at all (a run-on "sentence") is cut at a space by this length.
_CHUNK_LENGTH_MAX = 2 * _CHUNK_LENGTH
# A full stop, closing quotes or brackets, spaces, then a capital or an opening quote.
_SENTENCE_BOUNDARY = re.compile(r"(?P<stop>[.!?])[\"'”’)\]]*\s+(?=[\"“‘(]?[A-Z])")
# Words after which a full stop does not end the sentence: "Mr. Putin", "Jan. 5", "No. 10".
_ABBREVIATIONS = frozenset(
    """mr mrs ms mx dr prof st jr sr gen col lt sgt capt cmdr adm maj brig gov sen rep rev hon
    pres no nos vs etc inc ltd co corp bros dept univ ave blvd rd mt ft fig figs vol vols
    ed eds al cf ca approx est op pp para art sec ch esp min max jan feb mar apr jun jul
    aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun""".split()  # noqa: SIM905 -- a word list reads best as words
)


def _is_safe_boundary(text: str, match: re.Match[str]) -> bool:
    stop = match.start("stop")
    word = text[text.rfind(" ", 0, stop) + 1 : stop].lstrip("\"'“‘([")
    # Single letters ("J. Smith") and dotted abbreviations ("U.S.", "e.g.") are initials.
    return (
        "." not in word
        and sum(1 for character in word if character.isascii() and character.isalpha()) >= 2
        and any(character.islower() for character in word)
        and word.casefold() not in _ABBREVIATIONS
    )


def _boundaries(text: str) -> tuple[list[int], list[int]]:
    """Ends of the safe sentence boundaries, and of all likely ones, in text order."""
    candidates = list(_SENTENCE_BOUNDARY.finditer(text))
    safe = [match.end() for match in candidates if _is_safe_boundary(text, match)]
    return safe, [match.end() for match in candidates]


def _sentence_chunks(
    text: str, boundaries: tuple[list[int], list[int]] | None = None
) -> list[tuple[int, int]]:
    """(start, end) of chunks of at most about _CHUNK_LENGTH characters covering the text."""
    if len(text) <= _CHUNK_LENGTH:
        return [(0, len(text))]
    # Text without a safe boundary (every full stop after an initial or a number) is
    # still cut where a sentence probably ends rather than in the middle of one.
    safe, likely = boundaries if boundaries is not None else _boundaries(text)
    chunks: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > _CHUNK_LENGTH:
        end = _last_boundary(safe, start, start + _CHUNK_LENGTH)
        if end is None:
            end = _last_boundary(safe, start, start + _CHUNK_LENGTH_MAX)
        if end is None:
            end = _last_boundary(likely, start, start + _CHUNK_LENGTH_MAX)
        if end is None:
            space = text.rfind(" ", start + 1, start + _CHUNK_LENGTH_MAX)
            end = space + 1 if space > start else start + _CHUNK_LENGTH_MAX
        chunks.append((start, end))
        start = end
    chunks.append((start, len(text)))
    return chunks


def _last_boundary(boundaries: list[int], start: int, limit: int) -> int | None:
    """The last of the sorted boundaries after start and at most limit, if any."""
    index = bisect.bisect_right(boundaries, limit) - 1
    return boundaries[index] if index >= 0 and boundaries[index] > start else None


# Punctuation that may end a sentence inside a piece of text (not at its very end).
# (closing quotes, brackets or a marker such as ".[0]" may follow it).
_INNER_STOP = re.compile(r"[.!?…]\S{0,12}\s+\S")


def _segment(text: str, language: str = "en") -> list[tuple[int, int]]:
    """Sentence spans in text, found piece by piece.

    The text is first cut where every sentence splitter cuts (a full stop after a lower-case
    word, then a capital: `_is_safe_boundary`). A piece with no other full stop, question or
    exclamation mark inside is one sentence as it stands; only pieces with an ambiguous stop
    ("Mr. Putin", "U.S. Army", "am 20. Mai") go to sentencex with the language's rules.
    """
    spans: list[tuple[int, int]] = []
    language = language or _FALLBACK_LANGUAGE
    for chunk_start, chunk_end in _pieces(text):
        chunk = text[chunk_start:chunk_end]
        stripped = chunk.strip()
        if not stripped:
            continue
        if not _INNER_STOP.search(stripped):
            start = chunk.find(stripped)
            spans.append((chunk_start + start, chunk_start + start + len(stripped)))
            continue
        pieces: list[tuple[int, int]] = []
        for boundary in sentencex.get_sentence_boundaries(language, chunk):
            start, end = boundary["start_index"], boundary["end_index"]
            while start < end and chunk[start].isspace():
                start += 1
            while end > start and chunk[end - 1].isspace():
                end -= 1
            if start == end:
                continue
            if pieces and _joins_previous(chunk, pieces[-1][1], start):
                pieces[-1] = (pieces[-1][0], end)
            else:
                pieces.append((start, end))
        spans.extend((chunk_start + start, chunk_start + end) for start, end in pieces)
    return spans


# A single capital and a full stop: an initial ("M. Dupont", "J. Smith"), not a sentence end.
_INITIAL = re.compile(r"(?:^|[\s(])[A-ZÀ-Þ]\.$")


def _joins_previous(chunk: str, previous_end: int, start: int) -> bool:
    """Whether a boundary sentencex found is none: no space after it, or after an initial."""
    if previous_end == start:  # "docutils.transforms.Transform": a dotted name
        return True
    return bool(_INITIAL.search(chunk[max(0, previous_end - 3) : previous_end]))


def _pieces(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text cut at its safe boundaries, each piece also at most a chunk."""
    boundaries = _boundaries(text)
    safe = boundaries[0]
    pieces: list[tuple[int, int]] = []
    for chunk_start, chunk_end in _sentence_chunks(text, boundaries):
        start = chunk_start
        first = bisect.bisect_right(safe, chunk_start)
        last = bisect.bisect_left(safe, chunk_end)
        for end in safe[first:last]:
            pieces.append((start, end))
            start = end
        pieces.append((start, chunk_end))
    return pieces


_HAS_WORD = re.compile(r"\w")
# "[3]", "[1, 2]", "[^note]", Wikipedia's copied "^[3]", and superscript digits.
_MARKER = re.compile(r"\^?\[\^?[\w-]+(?:\s*[,–]\s*[\w-]+)*\]|[⁰¹²³⁴⁵⁶⁷⁸⁹]+")


def _split_sentences(original: str, language: str = "en") -> list[tuple[int, int]]:
    """Sentence spans of one paragraph, citation markers included.

    Markers are removed before the splitter sees the text: "on May 22.[0] Russia" (a number
    before the period plus a bracket) is not a boundary to it, "on May 22. Russia" is. Each span
    is mapped back to the original text and extended over the markers that follow it.
    """
    markers = list(_MARKER.finditer(original))
    # The text without markers, and where each of its runs starts in both texts.
    runs_stripped: list[int] = []
    runs_original: list[int] = []
    pieces: list[str] = []
    length = previous_end = 0
    for match in [*markers, None]:
        run_end = match.start() if match is not None else len(original)
        runs_stripped.append(length)
        runs_original.append(previous_end)
        pieces.append(original[previous_end:run_end])
        length += run_end - previous_end
        if match is not None:
            previous_end = match.end()
    text = "".join(pieces) if markers else original

    def to_original(position: int) -> int:
        run = bisect.bisect_right(runs_stripped, position) - 1
        return runs_original[run] + position - runs_stripped[run]

    spans: list[tuple[int, int]] = []
    for start, end in _segment(text, language):
        original_start, original_end = to_original(start), to_original(end - 1) + 1
        if _HAS_WORD.search(text, start, end):
            spans.append((original_start, original_end))
        elif spans:  # a lone "■" or quote mark belongs to the sentence before it
            spans[-1] = (spans[-1][0], original_end)
    if not spans:
        return []
    # Markers between two sentences (".[2] Next") or after the last one belong to the one before.
    extended: list[tuple[int, int]] = []
    for index, (start, end) in enumerate(spans):
        limit = spans[index + 1][0] if index + 1 < len(spans) else len(original)
        for match in _MARKER.finditer(original, end, limit):
            end = match.end()
        extended.append((start, end))
    # Markers before the first sentence (rare) belong to it.
    first_marker = _MARKER.search(original, 0, extended[0][0])
    if first_marker:
        extended[0] = (first_marker.start(), extended[0][1])
    return extended


# What may follow a sentence's final punctuation: closing quotes and brackets (French « » too),
# spaces, and citation markers ("killed.[2]", "said.”¹").
# A hyphen inside a marker is part of its word ("[2-4]", "[^note-1]"); as a separator it needs
# a space beside it ("[1 - 3]"). Were a bare hyphen both, each "[1-999999]" could be read two
# ways and a run of them backtracks exponentially (a fuzzed 1.6 KB file took minutes).
_CLAIM_END = re.compile(
    r"[.!?…](?:[\s\"'”’»)\]]|\^?\[\^?[\w-]+(?:(?:\s*[,–]|\s+-|-\s+)\s*[\w-]+)*\]"
    r"|[⁰¹²³⁴⁵⁶⁷⁸⁹*])*$"
)
_WORD = re.compile(r"[^\W\d_]{2,}")
# Raw TeX or template code left in text ("{\displaystyle N}", "{{cite}}"): not prose.
_CODE_DEBRIS = re.compile(r"\\[a-z]{3,}\b|\{\{|\}\}")


# An author's note to self left in the text ("XXX Mention …", "TODO: check"): not a claim.
_DRAFT_NOTE = re.compile(r"(?:XXX|TODO|FIXME|TK)\b")


def is_claim_sentence(text: str) -> bool:
    """Whether a sentence can be a claim: it ends as a sentence does and has words to check.

    Headlines, navigation ("Share", "Read more"), list fragments ("KDE 4.4.5"), lines that
    lead into a list or quote ("Responsibilities:") and captions without a full stop are not
    claims; they stay in the article's body. Questions are kept: they are the author's words.
    """
    stripped = text.strip()
    if not _CLAIM_END.search(stripped) or _DRAFT_NOTE.match(stripped):
        return False
    if len(_WORD.findall(stripped)) < 2:
        return False
    return not _CODE_DEBRIS.search(stripped)
