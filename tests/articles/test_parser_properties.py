"""Whatever text arrives, the parser answers with an article or a ParseError, never a crash,
and what it returns is consistent: every offset points at the text it claims to."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.parser import ParseError, decode_article, parse_article

SEEDS = sorted((Path(__file__).resolve().parents[2] / "fixtures").glob("0*.txt"))

# Lines in the shapes the parser looks for, so generated files reach its deeper branches.
SHAPED_LINES = st.sampled_from(
    [
        "---",
        "title: A headline",
        "date: 2023-05-25",
        "author: [Ann Example, Bob Example]",
        "# A headline",
        "###### Kicker",
        "##### A standfirst",
        "> May 25th 2023",
        "![image](x.jpg)",
        "Written by Ann Example",
        "Edited by Bob Example",
        "References",
        "0. “A cited title” The Outlet, 25 May. 2023,",
        "1. “Another title” Other Outlet, 24 May 2023, https://example.org/a",
        "[2] “Third,” Outlet, May 25, 2023.",
        "[^1]: “Footnoted” Outlet, 2023",
        "BBC (2023, 25 May). A title. BBC.",
        "Watts M. (2023, 25 May). A title. Evening Standard.",
        "The groups crossed the border.[0] Russia said otherwise.[1]",
        "Mr Putin spoke in the U.S. on 25 May. 2023 about it (BBC, 2023).",
        "A claim with a footnote.[^1] And one without (Il Post).",
        "<p>Inline <em>HTML</em> here.</p><script>alert(1)</script>",
        "Click Here to Leave a Comment Below 0 comments",
        "■",
        "",
        "",
    ]
)
ARTICLE_TEXT = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(SHAPED_LINES, st.text(max_size=80)), max_size=30).map("\n".join),
)


def assert_consistent(article) -> None:
    assert article.title.strip()
    body = article.body
    for sentence in article.sentences:
        assert body[sentence.start : sentence.end] == sentence.text
        assert sentence.text.strip() == sentence.text != ""
        assert "\n\n" not in sentence.text
        for index in sentence.citation_indexes:
            assert 0 <= index < len(article.citations)
    keys = {reference.key for reference in article.references}
    assert len(keys) == len(article.references)
    keys.add(None)  # an unresolved marker points at no reference
    for citation in article.citations:
        assert body[citation.start : citation.end] == citation.label
        assert citation.reference_key in keys
    starts = [sentence.start for sentence in article.sentences]
    assert starts == sorted(starts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=ARTICLE_TEXT, markdown=st.booleans())
def test_any_text_gives_a_consistent_article_or_a_parse_error(text: str, markdown: bool) -> None:
    try:
        article = parse_article(text, file_name="generated.md" if markdown else "generated.txt")
    except ParseError as error:
        assert str(error).strip()
        return
    assert_consistent(article)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300))
def test_any_bytes_decode_or_give_a_parse_error(data: bytes) -> None:
    try:
        text = decode_article(data)
    except ParseError as error:
        assert str(error).strip()
        return
    assert "\r" not in text


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.name[:3])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.floats(min_value=0, max_value=1), noise=st.text(max_size=40))
def test_a_damaged_seed_still_gives_a_consistent_article_or_a_parse_error(
    seed: Path, cut: float, noise: str
) -> None:
    # A truncated upload, or junk pasted into the middle of a real article.
    text = seed.read_text(encoding="utf-8")
    position = int(len(text) * cut)
    damaged = text[:position] + noise + text[position + len(noise) :]
    try:
        article = parse_article(damaged, file_name=seed.name)
    except ParseError:
        return
    assert_consistent(article)
