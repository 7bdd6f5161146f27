"""The labelled check-worthiness sentences are real: each stands, word for word, in its source."""

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import lxml.html
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "checkworthy_sentences.json"
SENTENCES = json.loads(DATA.read_text(encoding="utf-8"))["sentences"]
# Cut from the labelled text, so skipped in the source: [5], ^[1], [^2], (BBC, 2023), (Il Post).
MARKERS = re.compile(
    r"\^?\[(?:\d{1,3}|\^[\w-]{1,20})\]|\((?:[A-Z][^()]{0,60}\d{4}[a-z]?|Il Post)\)"
)
# A Markdown link's target is not part of what a reader reads.
LINK_TARGET = re.compile(r"\]\([^)]*\)")


def _letters(text: str) -> str:
    # Letters and digits only: markup joins words without spaces, translators space colons.
    return "".join(re.findall(r"[^\W_]+", text.casefold()))


@cache
def _source_letters(source: str) -> str:
    path = ROOT / source
    if path.suffix == ".html":
        root = lxml.html.document_fromstring(path.read_bytes())
        # Footnote numbers are markers too (pandoc's <a class="footnote-ref">).
        for marker in root.find_class("footnote-ref"):
            marker.drop_tree()
        text = root.text_content()
    else:
        text = LINK_TARGET.sub(" ", path.read_text(encoding="utf-8"))
    return _letters(MARKERS.sub(" ", text))


@pytest.mark.parametrize("sentence", SENTENCES, ids=lambda s: f"{s['source']}:{s['position']}")
def test_every_labelled_sentence_is_taken_from_its_source(sentence) -> None:
    letters = _letters(MARKERS.sub(" ", sentence["text"]))

    assert letters and letters in _source_letters(sentence["source"])


def test_the_set_is_big_and_varied_enough_to_measure() -> None:
    assert len(SENTENCES) >= 300
    assert len({(s["source"], s["position"]) for s in SENTENCES}) == len(SENTENCES)
    by_split = Counter((s["split"], s["checkworthy"]) for s in SENTENCES)
    assert min(by_split.values()) >= 50
    languages = Counter(s["language"] for s in SENTENCES if s["split"] == "held-out")
    assert all(languages[language] >= 20 for language in ("en", "it", "de", "fr", "es"))
    assert all(s["source"].startswith(("fixtures/", "tests/corpus/")) for s in SENTENCES)
