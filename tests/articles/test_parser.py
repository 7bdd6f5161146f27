# ruff: noqa: RUF001, E501 -- curly quotes are the data; inline articles read best unwrapped.
import datetime
import itertools
import json
from pathlib import Path

import pytest

from articles.parser import (
    Contributor,
    ParsedArticle,
    ParseError,
    decode_article,
    parse_article,
)
from articles.parser import sentences as parser

SEEDS = Path("/work/shared/seeds")
SEED_000 = "000_09d18a1f87d1f789.txt"
SEED_002 = "002_c2c4f3a961daad98.txt"
SEED_004 = "004_3263043cf6c7fdd3.txt"


def parse_seed(file_name: str) -> ParsedArticle:
    return parse_article(decode_article((SEEDS / file_name).read_bytes()), file_name=file_name)


def assert_offsets_are_consistent(article: ParsedArticle) -> None:
    paragraph_starts = [0]
    for index in range(len(article.body)):
        if article.body.startswith("\n\n", index):
            paragraph_starts.append(index + 2)
    for sentence in article.sentences:
        assert article.body[sentence.start : sentence.end] == sentence.text
        assert sentence.text and sentence.text == sentence.text.strip()
        assert "\n" not in sentence.text  # sentences never cross paragraphs
        assert paragraph_starts[sentence.paragraph] <= sentence.start
        for index in sentence.citation_indexes:
            citation = article.citations[index]
            assert sentence.start <= citation.start and citation.end <= sentence.end
    for citation in article.citations:
        assert article.body[citation.start : citation.end] == citation.label
    keys = {reference.key for reference in article.references} | {None}
    assert all(citation.reference_key in keys for citation in article.citations)
    attached = sorted(
        index for sentence in article.sentences for index in sentence.citation_indexes
    )
    assert attached == list(range(len(article.citations)))


def parse_markdown(text: str) -> ParsedArticle:
    return parse_article(text, file_name="article.md")


# ---------------------------------------------------------------------------
# Seed 000: plain text, numbered references
# ---------------------------------------------------------------------------


def test_000_takes_the_title_from_line_one_keeping_curly_quotes() -> None:
    article = parse_seed(SEED_000)
    assert (
        article.title
        == "Russian Volunteer Corps and Freedom of Russia Legion “Liberate” Russian Territory in Belgorod Region"
    )
    assert article.kicker == "" and article.standfirst == ""
    assert article.contributors == ()
    assert article.outlet is None and article.published is None and article.url is None
    assert article.metadata == {} and article.warnings == ()


def test_000_parses_eleven_numbered_references() -> None:
    article = parse_seed(SEED_000)
    assert [reference.key for reference in article.references] == [
        str(number) for number in range(11)
    ]
    assert [reference.label for reference in article.references][:3] == ["0.", "1.", "2."]
    assert all(reference.in_bibliography for reference in article.references)
    reference = article.references[2]
    assert reference.title == "Who are the militias raiding Russia's Belgorod region?"
    assert reference.outlet == "The Economist"
    assert reference.published == datetime.date(2023, 5, 25)
    assert (
        reference.raw_text
        == "2. “Who are the militias raiding Russia's Belgorod region?” The Economist, 25 May. 2023,"
    )
    assert reference.line == 23
    assert reference.authors == () and reference.url is None


def test_000_keeps_inner_and_mismatched_quotes_in_reference_titles() -> None:
    article = parse_seed(SEED_000)
    assert (
        article.references[5].title
        == "Ukraine war: Russia accused of ‘staging' pictures showing captured US-made vehicles in Belgorod"
    )
    assert article.references[5].outlet == "Sky News"
    assert article.references[7].title == "‘They’re stationed in front like targets’"
    assert (
        article.references[3].title
        == "State Department ‘skeptical’ that U.S. weapons used in alleged Belgorod uprising"
    )
    assert article.references[10].outlet == "Atlantic Council"
    assert article.references[4].outlet == "Al Jazeera English"


def test_it_resolves_every_numbered_marker() -> None:
    article = parse_seed(SEED_000)
    assert len(article.citations) == 18
    assert [citation.reference_key for citation in article.citations] == [
        "0",
        "1",
        "1",
        "2",
        "2",
        "3",
        "4",
        "3",
        "5",
        "6",
        "2",
        "2",
        "7",
        "7",
        "8",
        "8",
        "9",
        "10",
    ]
    assert all(citation.label == f"[{citation.reference_key}]" for citation in article.citations)
    assert article.citations[0].line == 3 and article.citations[-1].line == 17
    assert_offsets_are_consistent(article)


def test_000_drops_the_comment_widget_and_reference_list_from_the_body() -> None:
    article = parse_seed(SEED_000)
    assert "Click Here" not in article.body and "comments" not in article.body
    assert "The Economist, 25 May" not in article.body
    assert article.body.startswith("On May 22, the Russian Volunteer Corps")
    assert article.body.endswith("under preparation for the past half year.")
    assert article.body.count("\n\n") == 7


def test_000_splits_sentences_and_attaches_final_markers() -> None:
    article = parse_seed(SEED_000)
    assert len(article.sentences) == 27
    first = article.sentences[0]
    assert first.text.endswith("from the current Russian regime.[0]")
    assert first.citation_indexes == (0,)
    # A marker at the end of a paragraph stays with its sentence rather than becoming one.
    assert (
        article.sentences[6].text
        == "However, these groups are not formally linked to the Ukrainian government.[2]"
    )
    assert article.sentences[6].citation_indexes == (4,)
    quoted_end = [
        sentence for sentence in article.sentences if "special military operation" in sentence.text
    ]
    assert len(quoted_end) == 1 and quoted_end[0].text.endswith("“special military operation.”")
    assert any(sentence.text.startswith("The US is “skeptical”") for sentence in article.sentences)
    assert any("(about $125 million)" in sentence.text for sentence in article.sentences)
    assert any("conscripts — young men" in sentence.text for sentence in article.sentences)
    assert [sentence.paragraph for sentence in article.sentences].count(7) == 3
    assert_offsets_are_consistent(article)


# ---------------------------------------------------------------------------
# Seed 002: byline, author-year references
# ---------------------------------------------------------------------------


def test_002_skips_the_viewing_line_and_post_meta() -> None:
    article = parse_seed(SEED_002)
    assert (
        article.title
        == "Paramilitary Groups Cross-border Incursions from Ukraine in Belgorod Region"
    )
    assert "currently viewing" not in article.body
    assert "Post author" not in article.body and "Post category" not in article.body
    assert article.metadata == {"post_category": "News"}
    assert article.body.startswith("On the 22nd of May, there was a two-day incursion")


def test_002_reads_the_byline_roles() -> None:
    article = parse_seed(SEED_002)
    assert article.contributors == (
        Contributor(role="author", role_label="Written by", name="Valentina Ruaro"),
        Contributor(role="editor", role_label="Edited by", name="Michele Puggia"),
        Contributor(role="other", role_label="Supervised by", name="Mariana Fagotti"),
    )
    assert "Written by" not in article.body


def test_002_parses_the_author_year_bibliography() -> None:
    article = parse_seed(SEED_002)
    listed = [reference for reference in article.references if reference.in_bibliography]
    assert [reference.key for reference in listed] == [
        "bbc|2023",
        "euractiv|2023",
        "reuters|2023",
        "watts|2023",
    ]
    bbc = listed[0]
    assert bbc.label == "BBC (2023, 25 May)"
    assert bbc.title == "Belgorod: Russian paramilitary group vows more incursions"
    assert bbc.outlet == "BBC" and bbc.authors == ()
    assert bbc.published == datetime.date(2023, 5, 25)
    assert (
        bbc.raw_text
        == "BBC (2023, 25 May). Belgorod: Russian paramilitary group vows more incursions. BBC."
    )
    assert bbc.line == 23
    watts = listed[3]
    assert watts.authors == ("Watts M.",)
    assert watts.outlet == "Evening Standard"
    assert (
        watts.title
        == "Paramilitary Group Behind Raid from Ukraine into Russia Vows More Incursions"
    )
    assert listed[2].authors == () and listed[2].published == datetime.date(2023, 5, 22)
    assert "Evening Standard" not in article.body


def test_002_resolves_author_year_citations_and_keeps_il_post_as_unlisted_source() -> None:
    article = parse_seed(SEED_002)
    assert [citation.label for citation in article.citations] == [
        "(BBC, 2023)",
        "(EURACTIV, 2023)",
        "(Watts, 2023)",
        "(Il Post)",
        "(Reuters, 2023)",
        "(BBC, 2023)",
        "(BBC, 2023)",
        "(Reuters, 2023)",
        "(Watts, 2023)",
        "(EURACTIV, 2023)",
    ]
    il_post = article.references[-1]
    assert il_post.key == "il post|" and il_post.label == "(Il Post)"
    assert il_post.outlet == "Il Post" and il_post.title == "" and il_post.line is None
    assert il_post.in_bibliography is False
    assert article.citations[3].reference_key == "il post|"
    assert article.citations[3].line == 16
    assert article.warnings == (
        "line 16: citation (Il Post) has no bibliography entry; kept as a source not in the bibliography",
    )
    assert len(article.references) == 5
    assert_offsets_are_consistent(article)


def test_002_does_not_treat_acronyms_or_asides_as_citations() -> None:
    article = parse_seed(SEED_002)
    labels = {citation.label for citation in article.citations}
    assert "(LSR)" not in labels and "(RDK)" not in labels
    assert "(controlled by Russia since 2014)" not in labels
    assert "(LSR)" in article.body and "(controlled by Russia since 2014)" in article.body


def test_002_sentences() -> None:
    article = parse_seed(SEED_002)
    assert len(article.sentences) == 23
    il_post_sentence = article.sentences[7]
    assert (
        il_post_sentence.text
        == "Nonetheless, no casualties among the civilian population were registered (Il Post)."
    )
    assert il_post_sentence.citation_indexes == (3,)
    assert_offsets_are_consistent(article)


# ---------------------------------------------------------------------------
# Seed 004: Markdown named .txt
# ---------------------------------------------------------------------------


def test_004_reads_kicker_title_standfirst_and_date() -> None:
    article = parse_seed(SEED_004)
    assert article.kicker == "Raid on Belgorod"
    assert article.title == "Who are the militias raiding Russia’s Belgorod region?"
    assert (
        article.standfirst
        == "They have links to Ukrainian military intelligence and, in some cases, to the far right"
    )
    assert article.published == datetime.date(2023, 5, 25)
    assert article.references == () and article.citations == () and article.warnings == ()


def test_004_body_has_no_markup_or_end_mark() -> None:
    article = parse_seed(SEED_004)
    for forbidden in ("*", "_", "#", "![", "■", "\u00a0", "May 25th 2023", "images/"):
        assert forbidden not in article.body
    assert article.body.startswith("In the late afternoon of May 22nd")
    assert article.body.endswith("“We are prepared to work with everyone.”")


def test_004_treats_each_long_line_as_a_paragraph() -> None:
    article = parse_seed(SEED_004)
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 6
    assert paragraphs[2].startswith("The Kremlin sought to downplay")
    assert paragraphs[3].startswith("A Ukrainian intelligence source")


def test_004_sentences() -> None:
    article = parse_seed(SEED_004)
    assert len(article.sentences) == 28
    assert any(
        sentence.text.startswith("The first was to undermine Mr Putin’s domestic authority")
        and sentence.text.endswith("what is the point of him?")
        for sentence in article.sentences
    )
    assert article.sentences[-1].text == "“We are prepared to work with everyone.”"
    assert_offsets_are_consistent(article)


# ---------------------------------------------------------------------------
# decode_article
# ---------------------------------------------------------------------------


def test_decode_strips_the_bom_and_normalizes_newlines() -> None:
    assert decode_article(b"\xef\xbb\xbfTitle\r\n\r\nBody.\rMore.") == "Title\n\nBody.\nMore."


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n", b"\xef\xbb\xbf \n"])
def test_decode_rejects_empty_files(data: bytes) -> None:
    with pytest.raises(ParseError, match="the file is empty"):
        decode_article(data)


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x00\x00binary",
        bytes(range(1, 32)) * 10,
        b"\x89PNG\r\n\x1a\n" + bytes([0xFF, 0xFE, 0x01, 0x02]) * 50,
    ],
)
def test_decode_rejects_binary_files(data: bytes) -> None:
    with pytest.raises(ParseError, match="looks like a binary file, not text"):
        decode_article(data)


def test_decode_rejects_non_utf8_text_naming_byte_and_line() -> None:
    data = b"Title\n\nCaf" + b"\xe9 au lait is good.\n"
    with pytest.raises(ParseError) as caught:
        decode_article(data)
    assert caught.value.line == 3
    assert str(caught.value) == "line 3: not UTF-8 text: invalid byte 0xe9"


def test_parse_error_string_without_line_is_the_message() -> None:
    assert str(ParseError("the file is empty")) == "the file is empty"
    assert str(ParseError("marker [12] has no entry in the reference list", 12)) == (
        "line 12: marker [12] has no entry in the reference list"
    )


# ---------------------------------------------------------------------------
# Front matter
# ---------------------------------------------------------------------------

FRONT_MATTER_ARTICLE = """---
title: "Border raid explained"
subtitle: What we know so far
author:
  - Jane Doe
  - John Roe
date: 2023-05-25
url: https://example.com/raid
publisher: Example Times
tags: [belgorod, raid]
reading_time: 4
---

The raid began on Monday. Officials confirmed it later.
"""


def test_front_matter_fills_the_article_fields() -> None:
    article = parse_markdown(FRONT_MATTER_ARTICLE)
    assert article.title == "Border raid explained"
    assert article.standfirst == "What we know so far"
    assert article.contributors == (
        Contributor("author", "author", "Jane Doe"),
        Contributor("author", "author", "John Roe"),
    )
    assert article.published == datetime.date(2023, 5, 25)
    assert article.url == "https://example.com/raid"
    assert article.outlet == "Example Times"
    assert article.metadata["tags"] == ["belgorod", "raid"]
    assert article.metadata["reading_time"] == 4
    assert article.metadata["date"] == "2023-05-25"
    assert article.body == "The raid began on Monday. Officials confirmed it later."
    assert len(article.sentences) == 2


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("publishDate", "2023-05-25T10:00:00Z", datetime.date(2023, 5, 25)),
        ("pubDate", "May 25th 2023", datetime.date(2023, 5, 25)),
        ("published_at", "2023-05-25 08:30:00", datetime.date(2023, 5, 25)),
        ("published", "25 May 2023", datetime.date(2023, 5, 25)),
    ],
)
def test_front_matter_date_variants(field: str, value: str, expected: datetime.date) -> None:
    text = f"---\ntitle: T\n{field}: {value}\n---\nBody sentence here.\n"
    article = parse_markdown(text)
    assert article.published == expected
    # YAML turns timestamps into datetimes; metadata keeps them as ISO strings.
    assert isinstance(article.metadata[field], str)
    json.dumps(article.metadata)


def test_front_matter_single_author_string_and_other_keys() -> None:
    text = "---\ntitle: T\nauthors: Ann Lee\ndescription: Short summary\ncanonical_url: https://x.org/a\nsite_name: X\nkicker: Analysis\n---\n# T\n\nBody sentence here.\n"
    article = parse_markdown(text)
    assert article.contributors == (Contributor("author", "author", "Ann Lee"),)
    assert article.standfirst == "Short summary" and article.url == "https://x.org/a"
    assert article.outlet == "X" and article.kicker == "Analysis"
    assert article.title == "T" and article.body == "Body sentence here."


def test_malformed_front_matter_is_left_out_with_a_warning_naming_the_line() -> None:
    # Lenient (issue 7): front matter that is not YAML does not cost the article.
    text = "---\ntitle: ok\nauthor: [unclosed\n---\n# Title\n\nBody sentence here.\n"
    article = parse_markdown(text)
    (warning,) = article.warnings
    line = int(warning.split(":")[0].removeprefix("line "))
    assert 3 <= line <= 5
    assert "front matter is not valid YAML" in warning and warning.kind == "front matter"
    assert article.title == "Title" and article.body == "Body sentence here."


# ---------------------------------------------------------------------------
# Markdown footnotes, inline HTML and markup
# ---------------------------------------------------------------------------

FOOTNOTE_ARTICLE = """# Raid report

Fighters crossed the border on May 22.[^3] Russia said it repelled them.[^note]

[^3]: “Who are the militias raiding Russia’s Belgorod region?” The Economist, 25 May 2023, https://www.economist.com/europe/2023/05/25/raid
[^note]: “Belgorod raid,” BBC News,
    May 24, 2023.
"""


def test_footnotes_become_references_and_citations() -> None:
    article = parse_markdown(FOOTNOTE_ARTICLE)
    assert [reference.key for reference in article.references] == ["^3", "^note"]
    first = article.references[0]
    assert first.label == "[^3]:" and first.line == 5
    assert first.title == "Who are the militias raiding Russia’s Belgorod region?"
    assert first.outlet == "The Economist"
    assert first.published == datetime.date(2023, 5, 25)
    assert first.url == "https://www.economist.com/europe/2023/05/25/raid"
    second = article.references[1]
    assert second.title == "Belgorod raid" and second.outlet == "BBC News"
    assert second.published == datetime.date(2023, 5, 24)
    assert [citation.label for citation in article.citations] == ["[^3]", "[^note]"]
    assert [citation.reference_key for citation in article.citations] == ["^3", "^note"]
    assert "[^3]:" not in article.body and "Economist" not in article.body
    assert [sentence.citation_indexes for sentence in article.sentences] == [(0,), (1,)]
    assert_offsets_are_consistent(article)


def test_footnote_marker_without_definition_is_kept_unresolved_with_a_warning() -> None:
    article = parse_markdown("# T\n\nFirst sentence.\n\nSecond one.[^9]\n")
    (citation,) = article.citations
    assert (citation.label, citation.reference_key, citation.line) == ("[^9]", None, 5)
    assert article.warnings == (
        "line 5: footnote marker [^9] has no definition; kept as an unresolved citation",
    )
    assert article.warnings[0].kind == "unresolved marker"


def test_inline_html_and_markdown_markup_are_stripped() -> None:
    text = (
        "# Title\n\n<p>Officials said the <em>raid</em> was over.<br>It began on **Monday** &amp; ended *Tuesday*.</p>\n"
        "<script>var tracking = '<b>x</b>';</script>\n<style>p { color: red; }</style>\n"
        '<img src="a.png">\n\nSee [the report](https://example.com) and `code` for _details_.&nbsp;Done.\n'
    )
    article = parse_markdown(text)
    assert "<" not in article.body and ">" not in article.body
    assert "tracking" not in article.body and "color" not in article.body
    assert "Officials said the raid was over. It began on Monday & ended Tuesday." in article.body
    assert "See the report and code for details. Done." in article.body
    assert "*" not in article.body and "_" not in article.body and "https" not in article.body
    assert_offsets_are_consistent(article)


def test_hard_wrapped_lines_join_into_one_paragraph() -> None:
    text = (
        "# Title\n\n"
        "The first paragraph is wrapped at about seventy characters so that it\n"
        "continues on the next line. It then ends here after a second\n"
        "line.\n\n"
        "A second paragraph follows.\n"
    )
    article = parse_markdown(text)
    assert article.body == (
        "The first paragraph is wrapped at about seventy characters so that it continues on the next line. "
        "It then ends here after a second line.\n\nA second paragraph follows."
    )
    assert [sentence.paragraph for sentence in article.sentences] == [0, 0, 1]


def test_hard_wrapped_plain_text_keeps_citation_lines() -> None:
    text = "Title\n\nThe raid began on Monday, officials said, according to the\nregional governor.[1] It ended later.\n\n1. “Raid” BBC, 22 May 2023\n"
    article = parse_article(text, file_name="a.txt")
    assert article.citations[0].line == 4
    assert article.body.startswith(
        "The raid began on Monday, officials said, according to the regional governor.[1]"
    )


def test_no_break_spaces_become_spaces() -> None:
    text = "Title\n\nPrices rose 5\u00a0% in May\u202f2023 overall.[1]\n\n1.\u00a0“Inflation\u00a0report” The\u00a0Times, 25\u00a0May 2023\n"
    article = parse_article(text, file_name="a.txt")
    assert "\u00a0" not in article.body and "\u202f" not in article.body
    assert article.body == "Prices rose 5 % in May 2023 overall.[1]"
    assert article.references[0].title == "Inflation report"
    assert article.references[0].outlet == "The Times"
    assert article.references[0].published == datetime.date(2023, 5, 25)


@pytest.mark.parametrize(
    "junk",
    [
        "Click Here to Leave a Comment Below 0 comments",
        "Leave a comment",
        "Share this:",
        "Related posts",
        "Comments",
        "0 comments",
        '{"@context": "https://schema.org", "@type": "NewsArticle"}',
        "</div>",
        "==========",
        "----------",
    ],
)
def test_trailing_junk_is_not_body(junk: str) -> None:
    text = f"Title\n\nThe raid began on Monday.\n\n{junk}\n\n{junk}\n"
    article = parse_article(text, file_name="a.txt")
    assert article.body == "The raid began on Monday."
    assert len(article.sentences) == 1


def test_junk_after_the_reference_list_is_dropped() -> None:
    text = "Title\n\nThe raid began on Monday.[1]\n\n1. “Raid” BBC, 22 May 2023\n\nShare this:\n</div>\nLeave a comment\n"
    article = parse_article(text, file_name="a.txt")
    assert len(article.references) == 1 and article.body == "The raid began on Monday.[1]"


# ---------------------------------------------------------------------------
# Numbered reference lists
# ---------------------------------------------------------------------------


def test_numbered_list_variants() -> None:
    text = (
        "Title\n\nOne claim.[1] Another claim.[2] A third claim.[3]\n\n"
        "[1] “First Title,” First Outlet, May 25, 2023. https://example.com/one\n"
        "[2] “Second Title” Second Outlet, 24 May. 2023,\n"
        "[3] Doe J., “Third Title”, Third Outlet (2023)\n"
    )
    article = parse_article(text, file_name="a.txt")
    first, second, third = article.references
    assert (first.key, first.label, first.title, first.outlet) == (
        "1",
        "[1]",
        "First Title",
        "First Outlet",
    )
    assert first.published == datetime.date(2023, 5, 25) and first.url == "https://example.com/one"
    assert (second.title, second.outlet, second.published) == (
        "Second Title",
        "Second Outlet",
        datetime.date(2023, 5, 24),
    )
    assert (third.title, third.outlet, third.authors, third.published) == (
        "Third Title",
        "Third Outlet",
        ("Doe J.",),
        None,
    )


def test_parenthesis_numbered_list() -> None:
    text = "Title\n\nOne claim.[1]\n\n1) Author, “Title”, Outlet (2023)\n"
    article = parse_article(text, file_name="a.txt")
    assert article.references[0].label == "1)"
    assert article.references[0].authors == ("Author",)
    assert article.references[0].outlet == "Outlet"


def test_marker_without_entry_is_kept_unresolved_with_a_warning_naming_the_line() -> None:
    text = "Title\n\nOne claim.[0]\n\nAnother claim.[12]\n\n0. “Title” Outlet, 25 May. 2023,\n\n1. “Other” Outlet, 25 May. 2023,\n"
    article = parse_article(text, file_name="a.txt")
    assert article.warnings == (
        "line 5: marker [12] has no entry in the reference list; kept as an unresolved citation",
    )
    assert [citation.reference_key for citation in article.citations] == ["0", None]
    assert article.sentences[1].citation_indexes == (1,)


def test_marker_without_any_reference_list_is_kept_unresolved() -> None:
    article = parse_article("Title\n\nOne claim.[3] Another claim.\n", file_name="a.txt")
    (warning,) = article.warnings
    assert warning.startswith("line 3: marker [3] has no entry")
    assert article.citations[0].reference_key is None


def test_empty_numbered_entry_is_left_out_with_a_warning() -> None:
    text = "Title\n\nOne claim.[1]\n\n1. “Title” Outlet, 25 May. 2023,\n2. “Other” Outlet, 25 May. 2023,\n3. \n"
    article = parse_article(text, file_name="a.txt")
    assert article.warnings == ("line 7: reference 3. is empty; left out",)
    assert [reference.key for reference in article.references] == ["1", "2"]


def test_stray_line_inside_the_reference_list_stays_with_its_entry_and_warns() -> None:
    text = (
        "Title\n\nOne claim.[1]\n\n1. “Title” Outlet, 25 May. 2023,\n2. “Other” Outlet, 25 May. 2023,\n"
        "this line is not an entry\n3. “Third” Outlet, 25 May. 2023,\n4. “Fourth” Outlet, 25 May. 2023,\n"
    )
    article = parse_article(text, file_name="a.txt")
    (warning,) = article.warnings
    assert warning.startswith("line 7: line in the reference list is not a reference entry")
    assert [reference.key for reference in article.references] == ["1", "2", "3", "4"]
    assert article.references[1].raw_text.endswith("this line is not an entry")


def test_references_heading_starts_the_list() -> None:
    text = "# Title\n\nA claim.[1]\n\n## References\n\n1. “Title” Outlet, 25 May 2023\n"
    article = parse_markdown(text)
    assert article.body == "A claim.[1]" and len(article.references) == 1


# ---------------------------------------------------------------------------
# Author-year citations
# ---------------------------------------------------------------------------


def test_author_year_variants_and_negatives() -> None:
    text = (
        "Title\n\n"
        "First claim (Smith et al., 2020a, p. 4). Second claim (Smith, 2020; Jones, 2021). "
        "The LSR (LSR) acted in May (May 2023) and (see above). The town was taken (Kyiv Post). "
        "A group (founded in 2014) was there. It was late (NATO).\n\n"
        "Smith J. (2020, 3 March). A study. Journal.\n\n"
        "Jones K. (2021, 4 April). Another study. Journal.\n"
    )
    article = parse_article(text, file_name="a.txt")
    labels = [citation.label for citation in article.citations]
    # A multi-part parenthesis cites each of its sources (see test_it_cites_each_part_...).
    assert labels == ["(Smith et al., 2020a, p. 4)", "Smith, 2020", "Jones, 2021", "(Kyiv Post)"]
    assert [citation.reference_key for citation in article.citations] == [
        "smith|2020",
        "smith|2020",
        "jones|2021",
        "kyiv post|",
    ]
    assert article.references[0].authors == ("Smith J.",)
    assert len(article.warnings) == 1


# ---------------------------------------------------------------------------
# Whole-article errors
# ---------------------------------------------------------------------------


def test_file_with_only_a_reference_list_has_no_title() -> None:
    with pytest.raises(ParseError, match="no title found"):
        parse_article(
            "1. “Title” Outlet, 25 May 2023\n2. “Other” Outlet, 25 May 2023\n", file_name="a.txt"
        )


def test_file_of_junk_has_no_title() -> None:
    with pytest.raises(ParseError, match="no title found"):
        parse_article("\n\nShare this:\n0 comments\n", file_name="a.txt")


def test_title_without_body_is_an_error() -> None:
    with pytest.raises(ParseError, match="no article body found"):
        parse_article("Just a title\n\nWritten by Ann Lee\n", file_name="a.txt")


def test_header_date_line_and_by_line_in_plain_text() -> None:
    text = "A title\n\nBy Ann Lee and Bob Roe\n\nMay 25, 2023\n\nThe body sentence is here.\n"
    article = parse_article(text, file_name="a.txt")
    assert article.contributors == (
        Contributor("author", "By", "Ann Lee"),
        Contributor("author", "By", "Bob Roe"),
    )
    assert article.published == datetime.date(2023, 5, 25)
    assert article.body == "The body sentence is here."


def test_markdown_sniffing_of_txt_files() -> None:
    plain = parse_article("Title\n\n*Not* markdown here.\n", file_name="a.txt")
    assert plain.body == "*Not* markdown here."
    markdown = parse_article("# Title\n\n*Now* it is.\n", file_name="a.txt")
    assert markdown.body == "Now it is."


def test_a_numbered_list_in_the_prose_is_not_a_reference_list() -> None:
    text = (
        "Title\n\nThe plan has steps:\n\n1. Cross the border\n2. Hold the villages\n\nIt failed.\n"
    )
    article = parse_article(text, file_name="a.txt")
    assert article.references == ()
    assert article.body.split("\n\n") == [
        "The plan has steps:",
        "Cross the border",
        "Hold the villages",
        "It failed.",
    ]


def test_byline_with_an_outlet_after_a_bar() -> None:
    article = parse_article("Title\nBy Jane Doe | Reuters\n\nBody text here.\n", file_name="a.txt")
    assert article.contributors == (Contributor("author", "By", "Jane Doe"),)
    assert article.body == "Body text here."


def test_prose_starting_with_related_is_not_junk() -> None:
    text = "Title\n\nThe raid began on Monday.\n\nRelated news reached Kyiv later.\n"
    article = parse_article(text, file_name="a.txt")
    assert article.body.endswith("Related news reached Kyiv later.")


# ---------------------------------------------------------------------------
# Defects found after the first release
# ---------------------------------------------------------------------------


def test_it_reports_an_impossible_front_matter_date_as_a_warning() -> None:
    text = "---\ntitle: T\nauthor: Ann Lee\ndate: 2023-13-45\n---\nBody sentence here.\n"
    article = parse_markdown(text)
    assert article.published is None
    assert article.metadata["date"] == "2023-13-45"
    assert article.warnings == (
        "line 4: front matter date: 2023-13-45 is not a real date; kept as text in the metadata",
    )
    assert article.body == "Body sentence here."


def test_it_takes_the_next_date_key_when_the_preferred_one_is_impossible() -> None:
    text = "---\ntitle: T\npublish_date: 2023-02-30\ndate: 2023-05-25\n---\nBody sentence here.\n"
    article = parse_markdown(text)
    assert article.published == datetime.date(2023, 5, 25)
    assert len(article.warnings) == 1 and article.warnings[0].startswith("line 3: ")


@pytest.mark.parametrize(
    ("field", "line", "problem"),
    [
        ("count: !!int abc", 3, "abc is not a valid int"),
        ("flag: !!bool maybe", 3, "maybe is not a valid bool"),
        ("tags: &x [*x]", 3, "aliases (*name) are not allowed"),
        ("deep: " + "[" * 40 + "]" * 40, 3, "values are nested too deeply"),
        ("deep: " + "[" * 5000 + "]" * 5000, 3, "values are nested too deeply"),
    ],
)
def test_it_reports_unreadable_front_matter_values_naming_the_line(
    field: str, line: int, problem: str
) -> None:
    article = parse_markdown(f"---\ntitle: T\n{field}\n---\n# T\n\nBody sentence here.\n")
    assert article.warnings == (
        f"line {line}: front matter is not valid YAML: {problem}; its fields were left out",
    )
    assert article.body == "Body sentence here."


def test_it_keeps_an_unreadable_timestamp_tag_as_text() -> None:
    article = parse_markdown("---\ntitle: T\nseen: !!timestamp soon\n---\nBody sentence here.\n")
    assert article.metadata["seen"] == "soon"


def test_it_reads_a_misspelt_month_without_crashing() -> None:
    text = "Title\n\nIt began on 5 Sepember 2023.[1]\n\n1. “Raid” BBC, 5 Sepember 2023\n"
    article = parse_article(text, file_name="a.txt")
    assert article.references[0].published == datetime.date(2023, 9, 5)


def test_it_segments_a_long_paragraph_in_bounded_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    sentences = [
        f"Fighter number {index} crossed the border near Kozinka." for index in range(5000)
    ]
    paragraph = " ".join(sentences)
    chunks = parser._sentence_chunks(paragraph)
    assert chunks[0][0] == 0 and chunks[-1][1] == len(paragraph)
    assert all(end == next_start for (_, end), (next_start, _) in itertools.pairwise(chunks))
    assert all(end - start <= parser._CHUNK_LENGTH for start, end in chunks)
    # Each chunk ends where a sentence ends: the next one starts with a sentence.
    assert all(paragraph[start:].startswith("Fighter number ") for start, _ in chunks)

    seen_lengths: list[int] = []
    boundaries = parser.sentencex.get_sentence_boundaries

    def recording_boundaries(language: str, text: str) -> list[dict]:
        seen_lengths.append(len(text))
        return boundaries(language, text)

    monkeypatch.setattr(parser.sentencex, "get_sentence_boundaries", recording_boundaries)
    article = parse_article(f"Title\n\n{paragraph}\n", file_name="a.txt")
    # The splitter sees only pieces with an ambiguous stop, each within a chunk (here: none).
    assert all(length <= parser._CHUNK_LENGTH for length in seen_lengths)
    assert [sentence.text for sentence in article.sentences] == sentences
    assert article.sentences[4999].end == len(article.body)
    assert_offsets_are_consistent(article)


def test_it_splits_chunked_prose_where_the_splitter_splits_the_whole_of_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The seeds' paragraphs run together: chunking must not move a single sentence boundary.
    paragraphs = [
        paragraph
        for file_name in (SEED_000, SEED_002, SEED_004)
        for paragraph in parse_seed(file_name).body.split("\n\n")
    ]
    text = " ".join(paragraphs)
    assert len(parser._sentence_chunks(text)) > 3
    chunked = [text[start:end] for start, end in parser._segment(text)]
    monkeypatch.setattr(parser, "_CHUNK_LENGTH", len(text) + 1)
    monkeypatch.setattr(parser, "_CHUNK_LENGTH_MAX", len(text) + 1)
    assert len(parser._sentence_chunks(text)) == 1
    assert chunked == [text[start:end] for start, end in parser._segment(text)]


@pytest.mark.parametrize(
    ("text", "rests"),
    [
        ("He met Mr. Putin. Then he left.", ["Then he left."]),
        (
            "The U.S. Army came. J. Smith said so. It ended.",
            ["J. Smith said so. It ended.", "It ended."],
        ),
        (
            "It was in Jan. Five died. “Go,” he said! “Now.” Later.",
            ["“Go,” he said! “Now.” Later.", "“Now.” Later.", "Later."],
        ),
    ],
)
def test_it_only_cuts_chunks_after_real_sentence_ends(text: str, rests: list[str]) -> None:
    # Not after an abbreviation ("Mr.", "Jan."), an initial ("J.") or a dotted "U.S.".
    found = [
        text[match.end() :]
        for match in parser._SENTENCE_BOUNDARY.finditer(text)
        if parser._is_safe_boundary(text, match)
    ]
    assert found == rests


AUTHOR_YEAR_ARTICLE = (
    "Title\n\n"
    "The raid was repelled (Jones, 2021; Brown & Green, 2019). "
    "Few civilians died (Smith et al., 2020). The region was calm (Smith and Doe, 2020). "
    "Villages emptied (Smith & Doe, 2020).\n\n"
    "Brown, A., & Green, B. (2019). Green things. Nature.\n"
    "Jones K. (2021, 4 April). Another study. Journal.\n"
    "Smith, J., Doe, A., et al. (2020). A study of things. Nature.\n"
)


def test_it_cites_each_part_of_a_multi_part_citation() -> None:
    article = parse_article(AUTHOR_YEAR_ARTICLE, file_name="a.txt")
    first, second = article.citations[:2]
    assert (first.label, first.reference_key) == ("Jones, 2021", "jones|2021")
    assert (second.label, second.reference_key) == ("Brown & Green, 2019", "brown|2019")
    assert article.body[first.start - 1 : second.end + 1] == "(Jones, 2021; Brown & Green, 2019)"
    assert article.sentences[0].citation_indexes == (0, 1)
    assert article.warnings == ()
    assert_offsets_are_consistent(article)


def test_it_warns_about_each_unlisted_part_of_a_multi_part_citation() -> None:
    text = (
        "Title\n\nIt ended (Jones, 2021; Lee, 2018).\n\nJones K. (2021). Another study. Journal.\n"
    )
    article = parse_article(text, file_name="a.txt")
    assert [(citation.label, citation.reference_key) for citation in article.citations] == [
        ("Jones, 2021", "jones|2021"),
        ("Lee, 2018", "lee|2018"),
    ]
    assert (
        article.references[-1].label == "Lee, 2018" and not article.references[-1].in_bibliography
    )
    assert article.warnings == (
        "line 3: citation Lee, 2018 has no bibliography entry; kept as a source not in the bibliography",
    )
    assert_offsets_are_consistent(article)


def test_it_resolves_et_al_and_two_author_citations_to_the_first_author() -> None:
    article = parse_article(AUTHOR_YEAR_ARTICLE, file_name="a.txt")
    smith = next(
        reference for reference in article.references if reference.title == "A study of things"
    )
    assert smith.key == "smith|2020" and smith.authors == ("Smith, J.", "Doe, A.")
    assert smith.label == "Smith, J., Doe, A., et al. (2020)" and smith.outlet == "Nature"
    assert [citation.label for citation in article.citations[2:]] == [
        "(Smith et al., 2020)",
        "(Smith and Doe, 2020)",
        "(Smith & Doe, 2020)",
    ]
    assert {citation.reference_key for citation in article.citations[2:]} == {"smith|2020"}
    assert article.references[0].authors == ("Brown, A.", "Green, B.")
    assert all(reference.in_bibliography for reference in article.references)


def test_it_resolves_by_outlet_only_when_one_entry_matches() -> None:
    text = (
        "Title\n\nOne claim (BBC, 2023). Another claim (Reuters, 2023).\n\n"
        "Doe J. (2023, 1 May). One story. BBC.\n"
        "Lee K. (2023, 2 May). Other story. BBC.\n"
        "Roe P. (2023, 3 May). Third story. Reuters.\n"
    )
    article = parse_article(text, file_name="a.txt")
    # Two BBC entries from 2023: a guess could pick the wrong one.
    assert [citation.reference_key for citation in article.citations] == ["bbc|2023", "roe|2023"]
    assert article.references[-1].key == "bbc|2023" and not article.references[-1].in_bibliography


def test_it_reads_an_author_year_footnote_definition() -> None:
    text = "# Title\n\nThe minister quit.[^1]\n\n[^1]: Smith J. et al. (2023, 24 May). Minister quits. BBC.\n"
    article = parse_markdown(text)
    (reference,) = article.references
    assert (reference.key, reference.label) == ("^1", "[^1]:")
    assert reference.title == "Minister quits" and reference.outlet == "BBC"
    assert reference.authors == ("Smith J.",)
    assert reference.published == datetime.date(2023, 5, 24)
    assert article.citations[0].reference_key == "^1"


def test_it_never_takes_et_al_for_an_outlet() -> None:
    text = (
        "Title\n\nOne.[1] Two.[2]\n\n"
        "1. Smith J. et al. (2023, 24 May). Minister quits. BBC.\n"
        "2. Smith J. et al., “Minister quits”, The Times, 24 May 2023\n"
    )
    article = parse_article(text, file_name="a.txt")
    assert [reference.outlet for reference in article.references] == ["BBC", "The Times"]
    assert [reference.authors for reference in article.references] == [("Smith J.",)] * 2
    assert [reference.title for reference in article.references] == ["Minister quits"] * 2


@pytest.mark.parametrize(
    "field",
    [
        "publish_date",
        "publishDate",
        "published",
        "published_at",
        "publishedAt",
        "pubDate",
        "date_published",
        "datePublished",
        "date",
        "created",
        "Publish-Date",
    ],
)
def test_it_reads_every_front_matter_date_key(field: str) -> None:
    article = parse_markdown(f"---\ntitle: T\n{field}: 2023-05-25\n---\nBody sentence here.\n")
    assert article.published == datetime.date(2023, 5, 25)


def test_it_prefers_the_most_specific_front_matter_date_key() -> None:
    text = "---\ntitle: T\ncreated: 2023-05-01\ndate: 2023-05-02\ndatePublished: 2023-05-03\npublishedAt: 2023-05-04\n---\nBody sentence here.\n"
    assert parse_markdown(text).published == datetime.date(2023, 5, 4)
    text = "---\ntitle: T\ndate: 2023-05-02\npublish_date: 2023-05-05\npublished: 2023-05-06\n---\nBody sentence here.\n"
    assert parse_markdown(text).published == datetime.date(2023, 5, 5)


@pytest.mark.parametrize(
    "value",
    [
        '"2023-05-26T10:00:00+02:00"',
        "2023-05-26T01:00:00+02:00",
        "2023-05-26T23:30:00-05:00",
        "Fri, 26 May 2023 10:00:00 GMT",
    ],
)
def test_it_takes_the_date_of_a_front_matter_datetime_with_a_time_zone(value: str) -> None:
    article = parse_markdown(f"---\ntitle: T\npublishedAt: {value}\n---\nBody sentence here.\n")
    assert article.published == datetime.date(2023, 5, 26)
    assert article.warnings == ()


def test_it_does_not_take_a_published_flag_for_a_date() -> None:
    article = parse_markdown("---\ntitle: T\npublished: true\ndate: 2023-05-25\n---\nBody here.\n")
    assert article.published == datetime.date(2023, 5, 25) and article.warnings == ()


@pytest.mark.parametrize(
    "footer",
    [
        "Subscribe to our newsletter",
        "Sign up for the morning briefing",
        "Follow us on Twitter",
        "Follow us on X.",
        "Advertisement",
        "© 2023 Example Media",
        "Copyright 2023 Example Media Ltd.",
        "Copyright © Example Media",
        "Example Media. All rights reserved.",
        "Topics: Russia, Ukraine",
        "Tags: raid, Belgorod",
        "Share this article",
        "Read more: Why the raid matters",
        "More from Europe",
        "Related:",
        "We use cookies to improve your experience. By continuing you accept cookies.",
        "Manage cookies",
        "Cookie policy",
    ],
)
def test_it_drops_footer_lines_after_the_article(footer: str) -> None:
    text = f"Title\n\nThe raid began on Monday.\n\n{footer}\n\nShare this:\n"
    article = parse_article(text, file_name="a.txt")
    assert article.body == "The raid began on Monday."


def test_it_drops_footer_lines_after_the_reference_list() -> None:
    text = (
        "Title\n\nThe raid began on Monday (BBC, 2023).\n\n"
        "BBC (2023, 25 May). A title. BBC.\n\n"
        "Advertisement\nFollow us on Facebook\n© 2023 Example Media. All rights reserved.\n"
    )
    article = parse_article(text, file_name="a.txt")
    assert [reference.key for reference in article.references] == ["bbc|2023"]
    assert article.body == "The raid began on Monday (BBC, 2023)."


def test_it_keeps_footer_like_lines_in_the_middle_of_the_body() -> None:
    text = "Title\n\nAdvertisement\n\nThe raid began on Monday.\n\nSubscribe to our newsletter\n\nIt ended.\n\nCopyright law was changed in 2014.\n"
    article = parse_article(text, file_name="a.txt")
    assert article.body.split("\n\n") == [
        "Advertisement",
        "The raid began on Monday.",
        "Subscribe to our newsletter",
        "It ended.",
        "Copyright law was changed in 2014.",
    ]


def test_it_reads_single_curly_quotes_around_a_reference_title() -> None:
    text = (
        "Title\n\nThe group vowed more raids.[2] Homes burned.[3]\n\n"
        "1. “Other title” Outlet, 24 May 2023\n"
        "2. ‘Belgorod: Russian paramilitary group vows more incursions’ the BBC, 25 May 2023\n"
        "3. ‘The soldiers’ homes burned’ The Guardian, 24 May 2023\n"
    )
    article = parse_article(text, file_name="a.txt")
    second, third = article.references[1:]
    assert second.title == "Belgorod: Russian paramilitary group vows more incursions"
    assert second.outlet == "the BBC" and second.published == datetime.date(2023, 5, 25)
    assert third.title == "The soldiers’ homes burned" and third.outlet == "The Guardian"


def test_it_finds_a_reference_list_of_single_quoted_titles_without_markers() -> None:
    text = "Title\n\nThe raid began on Monday.\n\n1. ‘Raid’ BBC\n2. ‘Raid over’ Reuters\n"
    article = parse_article(text, file_name="a.txt")
    assert [reference.title for reference in article.references] == ["Raid", "Raid over"]


MARKDOWN_BLOCKS_ARTICLE = """# Title

The raid began on Monday.

```python
# not a heading
print("Not a claim.")
```

~~~
Tilde code. Still code.
~~~

| Village | Dead |
|---------|-----:|
| Kozinka | 2 |

Village | Dead
--- | ---
Glotovo | 1

* * *

> “We will return,” a fighter said.

___

It ended on Tuesday.
"""


def test_it_drops_markdown_code_blocks_tables_and_rules() -> None:
    article = parse_markdown(MARKDOWN_BLOCKS_ARTICLE)
    assert article.title == "Title"
    assert article.body.split("\n\n") == [
        "The raid began on Monday.",
        "“We will return,” a fighter said.",
        "It ended on Tuesday.",
    ]
    assert_offsets_are_consistent(article)


def test_it_ignores_headings_and_footnotes_inside_code_blocks() -> None:
    text = "```\n# Not the title\n[^1]: not a footnote\n```\n# Title\n\nThe raid began.\n"
    article = parse_markdown(text)
    assert article.title == "Title" and article.references == ()
    assert article.body == "The raid began."


def test_it_reads_a_txt_file_with_a_code_fence_as_markdown() -> None:
    text = "Title\n\nThe raid began.\n\n```\nNot a claim.\n```\n"
    article = parse_article(text, file_name="a.txt")
    assert article.body == "The raid began."


def test_it_treats_an_unclosed_code_fence_as_running_to_the_end() -> None:
    text = "# Title\n\nThe raid began.\n\n```\nNot a claim.\n"
    assert parse_markdown(text).body == "The raid began."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Title\n\nThe raid began.\n".encode("utf-16"), "UTF-16"),
        ("Title\n\nThe raid began.\n".encode("utf-16-le"), "UTF-16"),
        ("Title\n\nThe raid began.\n".encode("utf-16-be"), "UTF-16"),
        ("Заголовок\n\nРейд начался.\n".encode("utf-16"), "UTF-16"),
        ("Title\n\nThe raid began.\n".encode("utf-32"), "UTF-32"),
        ("Title\n\nThe raid began.\n".encode("utf-32-be"), "UTF-32"),
    ],
)
def test_it_names_utf16_and_utf32_files(data: bytes, encoding: str) -> None:
    with pytest.raises(ParseError) as caught:
        decode_article(data)
    assert str(caught.value) == f"the file is {encoding} text; save it as UTF-8"


def test_it_drops_script_and_style_elements_from_plain_text() -> None:
    text = (
        "Title\n\nThe raid began on Monday.\n"
        "<script type='text/javascript'>\nwindow.claim = 'Not a claim.';\n</script>\n"
        "<style>p { color: red; }</style>\n<!-- a comment. -->\nIt ended.\n"
    )
    article = parse_article(text, file_name="a.txt")
    assert article.body == "The raid began on Monday.\n\nIt ended."
    assert article.sentences[-1].text == "It ended."
