# ruff: noqa: E501 -- curly quotes are the data; the inline page reads best unwrapped.
"""Shapes of real articles (issue 7): HTML pages, links as sources, languages, odd front matter,
interrupted bulk imports."""

import datetime
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.importer import article_import_file
from articles.management.commands import import_articles
from articles.models import Article, Citation
from articles.parser import parse_article
from claims.filters import ClaimFilter
from claims.models import Claim, Evidence
from sources.models import Source

pytestmark = pytest.mark.django_db

HTML_PAGE = """<!doctype html>
<html lang="en"><head>
<title>Ferry strike ends after talks | Harbour Gazette</title>
<meta property="og:site_name" content="Harbour Gazette">
<link rel="canonical" href="https://gazette.example/2024/05/ferry-strike">
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Ferry strike ends after talks", "datePublished": "2024-05-25T09:00:00+02:00",
 "author": [{"@type": "Person", "name": "Ann Example"}],
 "publisher": {"@type": "Organization", "name": "Harbour Gazette"}}
</script></head>
<body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<div class="share-buttons">Share on Facebook</div>
<article>
<h1>Ferry strike ends after talks</h1>
<p>The ferry strike ended on Friday after twelve hours of talks, the union said.<sup>1</sup></p>
<p>Crossings resume on Saturday, according to <a href="https://ferries.example/notice">the operator's notice</a>.</p>
<figure><img src="a.jpg"><figcaption>Ferries waiting in port. Photo: Jo Bloggs</figcaption></figure>
<p>Passengers with cancelled tickets can claim a refund.</p>
<h2>References</h2>
<ol><li>“Union statement on the ferry strike” Union News, 24 May 2024</li></ol>
</article>
<aside class="related">Related: Ferry prices rise again</aside>
<footer>© 2024 Harbour Gazette. All rights reserved.</footer>
</body></html>
"""


def test_a_saved_web_page_imports_with_its_metadata_and_without_furniture() -> None:
    outcome = article_import_file(file_name="ferry.html", data=HTML_PAGE.encode())

    assert outcome.status == "created", outcome.error
    article = outcome.article
    assert article.title == "Ferry strike ends after talks"
    assert article.outlet.name == "Harbour Gazette"
    assert article.published_on == datetime.date(2024, 5, 25)
    assert article.url == "https://gazette.example/2024/05/ferry-strike"
    assert list(article.contributors.values_list("name", flat=True)) == ["Ann Example"]
    assert article.language == "en"
    texts = list(article.claims.values_list("text", flat=True))
    assert texts == [
        "The ferry strike ended on Friday after twelve hours of talks, the union said.[1]",
        "Crossings resume on Saturday, according to the operator's notice.",
        "Passengers with cancelled tickets can claim a refund.",
    ]
    for debris in ("Share", "Home", "Photo", "Related", "©"):
        assert debris not in article.body
    union = Source.objects.get(title="Union statement on the ferry strike")
    assert union.outlet.name == "Union News"
    assert Evidence.objects.filter(claim__ordinal=0, source=union).exists()


def test_an_inline_link_becomes_a_source_cited_by_its_sentence() -> None:
    text = (
        "# Port news\n\nThe port reopened on Monday, [the authority said](https://port.example/"
        "news/reopening?utm_source=x). Traffic was light.\n"
    )
    outcome = article_import_file(file_name="port.md", data=text.encode())

    assert outcome.status == "created", outcome.error
    source = Source.objects.get()
    assert source.url == "https://port.example/news/reopening?utm_source=x"
    assert source.outlet.name == "port.example"
    assert source.title == ""
    claim = Claim.objects.get(ordinal=0)
    assert claim.text == "The port reopened on Monday, the authority said."
    assert list(claim.evidence.values_list("source", flat=True)) == [source.pk]
    assert Citation.objects.get().label == "the authority said"


@pytest.mark.parametrize(
    ("language", "text", "query", "config"),
    [
        ("en", "The ships were sailing to the harbour before the storm came.", "ship", "english"),
        (
            "de",
            "Die Schiffe sind am 20. Mai ausgelaufen. Sie erreichten den Hafen nicht.",
            "Schiff",
            "german",
        ),
        (
            "it",
            "Le navi sono partite il 20 maggio dal porto di Genova. Non sono mai arrivate.",
            "nave",
            "italian",
        ),
    ],
)
def test_claims_are_searched_in_their_articles_language(
    language: str, text: str, query: str, config: str
) -> None:
    outcome = article_import_file(file_name=f"{language}.txt", data=f"Titolo\n\n{text}\n".encode())

    assert outcome.article.language == language
    claims = Claim.objects.filter(article=outcome.article)
    assert set(claims.values_list("search_config", flat=True)) == {config}
    found = ClaimFilter({"q": query}, queryset=Claim.objects.all()).qs
    assert found.filter(pk=claims.order_by("ordinal")[0].pk).exists()


def test_german_dates_do_not_split_sentences() -> None:
    article = parse_article(
        "Titel\n\nDas Schiff ist am 20. Mai ausgelaufen. Es kam nie an.\n", file_name="a.txt"
    )
    assert [sentence.text for sentence in article.sentences] == [
        "Das Schiff ist am 20. Mai ausgelaufen.",
        "Es kam nie an.",
    ]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('"a\\0b"', "a NUL character was removed"),
        (".nan", "nan is not a number JSON can hold; kept as text"),
        (".inf", "inf is not a number JSON can hold; kept as text"),
        ("-.inf", "-inf is not a number JSON can hold; kept as text"),
    ],
)
def test_odd_front_matter_values_import_with_a_warning_naming_file_and_line(
    value: str, problem: str
) -> None:
    data = f"---\ntitle: Odd values\nscore: {value}\n---\n\nA sentence here.\n".encode()

    outcome = article_import_file(file_name="odd.md", data=data)

    assert outcome.status == "created", outcome.error
    assert outcome.warnings == [f"odd.md: line 3: front matter score: {problem}"]
    assert "\x00" not in str(outcome.article.metadata)


def test_a_nul_in_the_text_is_removed_with_a_warning() -> None:
    outcome = article_import_file(
        file_name="nul.md", data="# Title\n\nA sen\\0tence.\n".replace("\\0", "\x00").encode()
    )
    # A NUL byte in the file is a binary file: refused by the decoder before any parsing.
    assert outcome.status == "failed"
    assert outcome.error == "nul.md: looks like a binary file, not text"


def test_a_huge_line_imports_in_linear_time() -> None:
    sentence = "The raid lasted two days and ended at the border. "
    data = ("Title\n\n" + sentence * 20_000 + "\n").encode()  # one 1 MB line

    outcome = article_import_file(file_name="huge.txt", data=data)

    assert outcome.status == "created", outcome.error
    assert outcome.counts["claims_created"] == 20_000


def test_an_interrupted_bulk_import_continues_where_it_stopped(
    tmp_path: Path, seed_paths: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in seed_paths.values():
        shutil.copy(path, tmp_path / path.name)
    real_import = import_articles.article_import_file
    calls = []

    def interrupted_on_the_second_file(**arguments):
        calls.append(arguments["file_name"])
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_import(**arguments)

    monkeypatch.setattr(import_articles, "article_import_file", interrupted_on_the_second_file)
    stdout = StringIO()
    with pytest.raises(CommandError, match="Interrupted after 1 of 3 files") as caught:
        call_command("import_articles", str(tmp_path), stdout=stdout, stderr=StringIO())
    assert caught.value.returncode == 130
    assert Article.objects.count() == 1
    monkeypatch.setattr(import_articles, "article_import_file", real_import)

    stdout = StringIO()
    call_command("import_articles", str(tmp_path), stdout=stdout, stderr=StringIO())

    assert "Files: 2 created, 0 updated, 1 unchanged, 0 failed (3 in all)." in stdout.getvalue()
    assert Article.objects.count() == 3
