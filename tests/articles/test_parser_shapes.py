"""Each shape issue 7 lists, on a real published article from tests/corpus or the seeds.

Shapes no openly licensed article in the corpus has (see tests/corpus/README.md, "What is
missing") are tested on written examples in test_parser.py and test_import_shapes.py.
"""

from functools import cache
from pathlib import Path

from articles.parser import ParsedArticle, decode_article, parse_article

ROOT = Path(__file__).resolve().parents[2]


@cache
def real(name: str) -> ParsedArticle:
    path = ROOT / "tests" / "corpus" / name
    if not path.exists():
        path = ROOT / "fixtures" / name
    return parse_article(decode_article(path.read_bytes()), file_name=name)


def reference(article: ParsedArticle, key: str):
    return next(reference for reference in article.references if reference.key == key)


def cited_keys(article: ParsedArticle) -> list[str | None]:
    return [citation.reference_key for citation in article.citations]


# Reference lists -------------------------------------------------------------------------


def test_a_dot_numbered_list_after_the_body_seed_000() -> None:
    article = real("000_09d18a1f87d1f789.txt")
    assert [r.key for r in article.references] == [str(n) for n in range(11)]
    assert reference(article, "2").outlet == "The Economist"


def test_wikipedia_backlinked_entries_keep_title_and_url_not_the_backlinks() -> None:
    article = real("wikipedia-tsne.html")
    first = reference(article, "1")
    assert first.raw_text.startswith("1. ^ a b")
    assert first.title == "Visualizing Data Using t-SNE"
    assert first.url == "http://jmlr.org/papers/volume9/vandermaaten08a/vandermaaten08a.pdf"
    assert cited_keys(article).count("1") == 2  # "^ a b": cited twice


def test_a_browser_copy_of_wikipedia_with_retrieved_dates() -> None:
    article = real("wikipedia-now-and-then.txt")
    assert len([r for r in article.references if r.in_bibliography]) == 8
    second = reference(article, "2")
    assert second.title == "ADV Films Shuts Down, Transfers Assets To Other Companies"
    assert second.outlet == "Anime News Network"
    assert "Retrieved" not in second.title


def test_bracket_numbered_notes_that_are_bare_urls_with_backlink_counts() -> None:
    article = real("pep-0256-docstring-processing-framework.txt")
    assert reference(article, "4").url == "http://www.literateprogramming.com/"
    assert reference(article, "1").title.startswith("PEP 287, reStructuredText Docstring Format")


def test_footnote_definitions_holding_markdown_links_give_urls_not_outlets_named_bracket() -> None:
    article = real("hugo-fifth-birthday.md")
    footnote = reference(article, "^2")
    assert footnote.url == "https://discourse.gohugo.io"
    assert all(r.outlet not in ("]", "](") for r in article.references)


def test_a_list_of_weblinks_under_a_bold_pseudo_heading_german() -> None:
    article = real("hobbywerkstatt-roomba-virtual-wall.de.html")
    urls = {r.url for r in article.references if r.in_bibliography}
    assert urls == {
        "http://www.righto.com/2009/08/multi-protocol-infrared-remote-library.html",
        "https://github.com/z3t0/Arduino-IRremote",
    }


def test_a_list_followed_by_the_sites_footer_stays_a_list() -> None:
    # The references end at 'Retrieved from …', categories and the navigation sidebar.
    article = real("wikipedia-now-and-then.txt")
    assert not any("Navigation menu" in r.raw_text for r in article.references)
    assert any(w.kind == "footer" for w in article.warnings) or len(article.references) == 8


def test_an_author_year_bibliography_followed_by_numbered_footnotes() -> None:
    article = real("joss-inscriptis.html")
    keys = {r.key for r in article.references if r.in_bibliography}
    assert {"huggins|2021", "peters|2013", "1", "2", "3"} <= keys


def test_source_lines_that_are_only_a_url() -> None:
    article = real("debian-handbook-progetto-debian.it.html")
    assert "https://www.spi-inc.org/" in {r.url for r in article.references}


# Markers -------------------------------------------------------------------------------


def test_bracket_markers_and_footnote_markers() -> None:
    assert cited_keys(real("000_09d18a1f87d1f789.txt")).count("1") == 2
    assert "^footnote-2" in cited_keys(real("pep-0257-docstring-conventions.md"))


def test_markers_copied_from_wikipedia_as_caret_brackets() -> None:
    article = real("wikipedia-now-and-then.txt")
    assert sorted(k for k in cited_keys(article) if k) == [str(n) for n in range(1, 9)]


def test_footnote_references_of_a_docutils_page() -> None:
    article = real("pep-0258-docutils-design.html")
    # Notes [1]-[11]; [12] is cited after the list, in the Acknowledgements.
    assert {str(n) for n in range(1, 12)} <= set(cited_keys(article))


def test_author_year_markers_of_every_form_in_one_paper() -> None:
    article = real("joss-inscriptis.html")
    by_label = {c.label: c.reference_key for c in article.citations}
    assert by_label["(Huggins et al., 2021)"] == "huggins|2021"
    assert by_label["(Peters & Lecocq, 2013)"] == "peters|2013"
    assert by_label["Scharl et al., 2017"] == "scharl|2017"  # one of "(A, 2017; B, 2021)"
    assert by_label["Li et al. (2014)"] == "li|2014"  # narrative


def test_an_outlet_in_parentheses_seed_002() -> None:
    article = real("002_c2c4f3a961daad98.txt")
    assert [c.reference_key for c in article.citations if c.label == "(Il Post)"] == ["il post|"]


def test_pandoc_citation_keys_are_kept_unresolved_with_a_warning() -> None:
    article = real("joss-corner.md")
    assert [c.label for c in article.citations] == [
        "[@matplotlib]",
        "[@corner_github]",
        "[@corner_archive]",
    ]
    assert all(c.reference_key is None for c in article.citations)


# Inline links as sources ---------------------------------------------------------------


def test_html_links_in_sentences_are_sources_cited_by_them() -> None:
    article = real("wikimedia-turkey-access-restored.html")
    links = [r for r in article.references if r.key.startswith("link:")]
    assert len(links) == 5
    assert "https://www.anayasa.gov.tr/media/6426/2017-22355.pdf" in {r.url for r in links}
    for sentence in article.sentences:
        for index in sentence.citation_indexes:
            citation = article.citations[index]
            assert citation.label in sentence.text


def test_markdown_links_in_sentences_but_not_in_captions_or_comments() -> None:
    article = real("wikimedia-blog-interactive-maps.md")
    labels = {c.label for c in article.citations}
    assert "Kartographer" in labels
    assert not {"Photo", "public domain", "Image", "CC BY-SA 4.0"} & labels


# Metadata ------------------------------------------------------------------------------


def test_front_matter_with_an_author_slug_and_an_italic_byline() -> None:
    article = real("hugo-fifth-birthday.md")
    assert [c.name for c in article.contributors] == ["Bjørn Erik Pedersen"]
    assert str(article.published) == "2018-07-04"


def test_an_rfc_2822_header_as_text_markdown_and_an_html_table() -> None:
    for name, title in [
        ("pep-0256-docstring-processing-framework.txt", "Docstring Processing System Framework"),
        ("pep-0257-docstring-conventions.md", "Docstring Conventions"),
        ("pep-0258-docutils-design.html", "Docutils Design Specification"),
    ]:
        article = real(name)
        assert article.title == title
        assert "David Goodger" in [c.name for c in article.contributors]


def test_bylines_with_dates_in_four_languages() -> None:
    for name, day in [
        ("debian-manifesto.de.html", "1994-01-06"),
        ("debian-manifesto.it.html", "1994-01-06"),
        ("debian-manifesto.fr.html", "1994-06-01"),
        ("debian-manifesto.es.html", "1994-01-06"),
    ]:
        article = real(name)
        assert [c.name for c in article.contributors if c.role == "author"] == ["Ian A. Murdock"]
        assert str(article.published) == day
    translator = real("debian-manifesto.fr.html").contributors[-1]
    assert (translator.role, translator.name) == ("other", "Christophe Le Bars")


def test_a_page_title_with_the_site_after_it_and_a_json_ld_description() -> None:
    article = real("wikipedia-tsne.html")
    assert article.title == "t-distributed stochastic neighbor embedding"
    assert article.contributors == ()  # JSON-LD's author is an Organization
    hobby = real("hobbywerkstatt-roomba-virtual-wall.de.html")
    assert hobby.title == "Eine Arduino-Virtual-Wall für den IRobot Roomba"
    assert str(hobby.published) == "2015-12-14"  # from the post's footer sentence


def test_a_chapter_label_is_metadata_not_title() -> None:
    article = real("debian-history-detailed.fr.html")
    assert article.title == "Historique détaillé"
    assert article.metadata["title_label"] == "Chapitre 4."


def test_a_wikis_last_modified_footer_dates_the_page() -> None:
    assert str(real("wikipedia-now-and-then.txt").published) == "2014-07-02"


# Debris, HTML, language ----------------------------------------------------------------


def test_navigation_widgets_and_related_headlines_are_not_claims() -> None:
    texts = {s.text for s in real("creativecommons-what-we-do.html").sentences}
    assert "Ryan Merkley, CEO" not in texts
    assert not any("Bassel" in text for text in texts)


def test_readers_comments_are_not_claims() -> None:
    texts = " ".join(s.text for s in real("wikimedia-blog-interactive-maps.md").sentences)
    assert "Stefan" not in texts and "Comments" not in texts


def test_languages_are_detected_and_german_dates_do_not_split() -> None:
    assert [
        real(f"debian-manifesto.{code}.html").language for code in ("de", "it", "fr", "es")
    ] == ["de", "it", "fr", "es"]
    texts = [s.text for s in real("debian-handbook-projekt-debian.de.html").sentences]
    assert any(
        text.startswith("Ian Murdock starb am 28. Dezember 2015 in San Francisco") for text in texts
    )
    assert not any(text.endswith(" am 28.") for text in texts)
