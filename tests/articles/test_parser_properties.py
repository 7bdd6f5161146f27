"""Whatever text arrives, the parser answers with an article or a ParseError, never a crash,
and what it returns is consistent: every offset points at the text it claims to."""

import json
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
        "title: .nan",
        "date: .inf",
        'author: "\\0"',
        "lang: -.inf",
        "Title: A field",
        "Created: 01-Jun-2001",
        "\x00",
        "A line with a NUL\x00 inside.",
        "→ https://example.org/source",
        "Photo by Ann Example, CC BY-SA 4.0.",
        "6 Comments on A headline",
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


def assert_no_nul_and_json_safe(article) -> None:
    strings = [article.title, article.kicker, article.standfirst, article.body, article.url or ""]
    strings += [sentence.text for sentence in article.sentences]
    strings += [reference.raw_text for reference in article.references]
    assert not any("\x00" in text for text in strings)
    # PostgreSQL's jsonb takes no NaN or infinity and no NUL: the metadata must be plain JSON.
    encoded = json.dumps(article.metadata, allow_nan=False)
    assert "\\u0000" not in encoded


YAML_ODD_VALUES = st.sampled_from(
    [
        ".nan",
        ".NaN",
        ".inf",
        "-.inf",
        '"\\0"',
        '"a\\x00b"',
        "!!float nan",
        "~",
        "[.nan, .inf]",
        "{a: .nan}",
        "1e400",
        "2023-13-45",
        "!!binary AAAA",
        "&x [*x]",
        "!!int abc",
        "*nowhere",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    keys=st.lists(
        st.sampled_from(["title", "date", "author", "published", "subject", "lang", "x"]),
        min_size=1,
        max_size=5,
    ),
    values=st.lists(YAML_ODD_VALUES, min_size=5, max_size=5),
)
def test_nan_inf_and_nul_in_front_matter_never_crash_and_never_reach_the_database(
    keys: list[str], values: list[str]
) -> None:
    fields = "\n".join(f"{key}: {value}" for key, value in zip(keys, values, strict=False))
    text = f"---\n{fields}\n---\n# A headline\n\nThe raid began on Monday.\n"
    try:
        article = parse_article(text, file_name="generated.md")
    except ParseError as error:
        assert str(error).strip()
        return
    assert_consistent(article)
    assert_no_nul_and_json_safe(article)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=ARTICLE_TEXT,
    positions=st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=5),
)
def test_nul_characters_anywhere_are_removed_with_a_warning(
    text: str, positions: list[float]
) -> None:
    for position in positions:
        cut = int(len(text) * position)
        text = text[:cut] + "\x00" + text[cut:]
    try:
        article = parse_article(text, file_name="generated.txt")
    except ParseError as error:
        assert str(error).strip()
        return
    assert_consistent(article)
    assert_no_nul_and_json_safe(article)
    assert any("NUL" in warning for warning in article.warnings)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    unit=st.sampled_from(["word ", "a", "[1]", "*a", "(", "<b>", "1. ", "Mr. X. ", "\\[", "^"]),
    repeat=st.integers(min_value=10_000, max_value=60_000),
    markdown=st.booleans(),
)
def test_a_huge_line_of_any_shape_parses_consistently(
    unit: str, repeat: int, markdown: bool
) -> None:
    text = f"A headline\n\nThe raid began on Monday.\n\n{unit * repeat}\n\nIt ended.\n"
    try:
        article = parse_article(text, file_name="huge.md" if markdown else "huge.txt")
    except ParseError as error:
        assert str(error).strip()
        return
    assert_consistent(article)
