"""The parser's work grows linearly with the size of the article, whatever its shape.

Timed on CPU time of this process (not wall time), best of two runs, and compared between a
file and one four times its size: linear work gives a ratio near 4, quadratic work 16. The
bound (8) is generous so that a loaded machine does not fail the test; the absolute speed is
measured by bench/import_corpus.py, not here.
"""

import time

import pytest

from articles.parser import parse_article

SENTENCE = "The raid began on Monday near the border, said Mr. Smith of the U.S. Army.[1] "
REFERENCES = "\n\nReferences\n\n1. “A cited title” The Outlet, 25 May 2023, https://example.org/a\n"


def article(shape: str, count: int) -> tuple[str, str]:
    many = "\n\n".join(SENTENCE.strip() for _ in range(count))
    if shape == "one paragraph":
        return "a.txt", "A title\n\n" + SENTENCE * count + REFERENCES
    if shape == "many paragraphs":
        return "a.txt", "A title\n\n" + many + REFERENCES
    if shape == "markdown":
        body = many.replace("[1]", "[^1]")
        return "a.md", f"# A title\n\n{body}\n\n[^1]: “A cited title” The Outlet, 2023\n"
    if shape == "html":
        paragraphs = "".join(f"<p>{SENTENCE}</p>" for _ in range(count))
        return (
            "a.html",
            f"<html><body><article><h1>A title</h1>{paragraphs}</article></body></html>",
        )
    # One line of words without a full stop: no sentence boundary anywhere.
    return "a.txt", "A title\n\n" + "word " * (count * 15)


def cpu_seconds(file_name: str, text: str) -> float:
    best = float("inf")
    for _attempt in range(2):
        started = time.process_time()
        parse_article(text, file_name=file_name)
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.parametrize(
    "shape", ["one paragraph", "many paragraphs", "markdown", "html", "one line, no stops"]
)
def test_four_times_the_text_takes_about_four_times_the_work(shape: str) -> None:
    parse_article("Warm up\n\nThe language model loads once.\n", file_name="a.txt")
    small = cpu_seconds(*article(shape, 1000))
    large = cpu_seconds(*article(shape, 4000))
    assert large < 8 * max(small, 0.01), f"{small:.3f} s -> {large:.3f} s"


def test_a_huge_paragraph_keeps_every_sentence_and_marker() -> None:
    file_name, text = article("one paragraph", 6000)
    parsed = parse_article(text, file_name=file_name)
    assert len(parsed.sentences) == 6000
    assert len(parsed.citations) == 6000
    assert all(citation.reference_key == "1" for citation in parsed.citations)


def test_a_line_without_a_full_stop_is_still_an_article() -> None:
    # No sentence reads as a claim, so every sentence is kept as it is rather than refusing.
    parsed = parse_article("A title\n\n" + "word " * 50 + "\n", file_name="a.txt")
    assert [sentence.text for sentence in parsed.sentences] == [("word " * 50).strip()]
