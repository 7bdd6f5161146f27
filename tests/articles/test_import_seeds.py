# ruff: noqa: RUF001 -- curly quotes are the data.
import datetime
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from articles.importer import ImportOutcome, article_import_file
from articles.models import Article, Citation, Reference
from articles.parser import decode_article, parse_article
from claims.models import Evidence
from sources.models import Outlet, Source
from tests.factories import OutletFactory, SourceFactory

pytestmark = pytest.mark.django_db

ECONOMIST_TITLE = "Who are the militias raiding Russia's Belgorod region?"


def import_path(path: Path) -> ImportOutcome:
    outcome = article_import_file(file_name=path.name, data=path.read_bytes())
    assert outcome.error is None
    return outcome


def assert_claims_are_the_parsed_sentences(article: Article, path: Path) -> None:
    parsed = parse_article(decode_article(path.read_bytes()), file_name=path.name)
    claims = list(article.claims.order_by("ordinal"))
    assert [claim.text for claim in claims] == [sentence.text for sentence in parsed.sentences]
    assert [claim.ordinal for claim in claims] == list(range(len(parsed.sentences)))
    assert [claim.paragraph for claim in claims] == [s.paragraph for s in parsed.sentences]
    for claim in claims:
        assert article.body[claim.start : claim.end] == claim.text
    # Worked out from the stored citation offsets, independently of the parser's indexes.
    expected = {
        (claim.pk, citation.source_id)
        for claim in claims
        for citation in article.citations.all()
        if claim.start <= citation.start < claim.end
    }
    cited = Evidence.objects.filter(claim__article=article, stance=Evidence.Stance.CITED)
    assert set(cited.values_list("claim_id", "source_id")) == expected
    assert cited.count() == len(expected)
    assert not cited.exclude(added_by=None).exists()


def test_it_imports_the_numbered_reference_seed(seed_paths: dict[str, Path]) -> None:
    outcome = import_path(seed_paths["000"])

    article = Article.objects.get()
    assert outcome.status == "created"
    assert outcome.article == article
    assert article.title == (
        "Russian Volunteer Corps and Freedom of Russia Legion “Liberate” Russian Territory "
        "in Belgorod Region"
    )
    assert article.slug == (
        "russian-volunteer-corps-and-freedom-of-russia-legion-liberate-russian-territory-in-"
        "belgorod-region"
    )
    assert article.source_file_name == "000_09d18a1f87d1f789.txt"
    assert len(article.content_hash) == 64
    assert "Click Here" not in article.body
    assert "comments" not in article.body
    assert Reference.objects.filter(article=article).count() == 11
    assert Source.objects.count() == 11
    assert list(article.references.values_list("key", flat=True)) == [str(n) for n in range(11)]
    economist = Source.objects.get(title=ECONOMIST_TITLE)
    assert economist.outlet.name == "The Economist"
    assert economist.published_on == datetime.date(2023, 5, 25)
    assert economist.in_bibliography

    citations = list(article.citations.select_related("reference"))
    assert len(citations) == 18
    for citation in citations:
        assert citation.label == f"[{citation.reference.key}]"
        assert citation.source_id == citation.reference.source_id
        assert article.body[citation.start : citation.end] == citation.label
    assert outcome.counts["sources_created"] == 11
    assert outcome.counts["citations_created"] == 18
    assert outcome.counts["claims_created"] == article.claims.count()
    assert outcome.warnings == []
    assert_claims_are_the_parsed_sentences(article, seed_paths["000"])


def test_it_imports_the_byline_and_bibliography_seed(seed_paths: dict[str, Path]) -> None:
    outcome = import_path(seed_paths["002"])

    article = Article.objects.get()
    assert article.title == (
        "Paramilitary Groups Cross-border Incursions from Ukraine in Belgorod Region"
    )
    assert list(article.contributors.values_list("role", "role_label", "name")) == [
        ("author", "Written by", "Valentina Ruaro"),
        ("editor", "Edited by", "Michele Puggia"),
        ("other", "Supervised by", "Mariana Fagotti"),
    ]
    assert article.references.count() == 5
    assert article.references.filter(in_bibliography=True).count() == 4
    il_post = Source.objects.get(outlet__name="Il Post")
    assert il_post.title == ""
    assert not il_post.in_bibliography
    assert list(Source.objects.not_in_bibliography()) == [il_post]
    watts = Source.objects.get(authors=["Watts M."])
    assert watts.outlet.name == "Evening Standard"
    assert watts.title == (
        "Paramilitary Group Behind Raid from Ukraine into Russia Vows More Incursions"
    )
    assert article.citations.count() == 10
    assert not article.citations.filter(label="(LSR)").exists()
    assert article.citations.filter(label="(Il Post)", source=il_post).count() == 1
    assert outcome.warnings == [
        "002_c2c4f3a961daad98.txt: line 16: citation (Il Post) has no bibliography entry; "
        "kept as a source not in the bibliography"
    ]
    assert_claims_are_the_parsed_sentences(article, seed_paths["002"])


def test_it_imports_the_markdown_seed(seed_paths: dict[str, Path]) -> None:
    outcome = import_path(seed_paths["004"])

    article = Article.objects.get()
    assert article.kicker == "Raid on Belgorod"
    assert article.title == "Who are the militias raiding Russia’s Belgorod region?"
    assert article.standfirst == (
        "They have links to Ukrainian military intelligence and, in some cases, to the far right"
    )
    assert article.published_on == datetime.date(2023, 5, 25)
    assert article.outlet is None
    assert "■" not in article.body
    assert "![" not in article.body
    assert not article.references.exists()
    assert not article.citations.exists()
    assert not Source.objects.exists()
    assert outcome.counts["claims_created"] == article.claims.count() > 20
    assert_claims_are_the_parsed_sentences(article, seed_paths["004"])


def test_the_seeds_store_each_outlet_once(seed_paths: dict[str, Path]) -> None:
    for path in seed_paths.values():
        import_path(path)

    names = list(Outlet.objects.values_list("normalized_name", flat=True))
    assert len(names) == len(set(names)) == 16
    assert Article.objects.count() == 3


def test_it_reuses_an_outlet_spelled_differently(seed_paths: dict[str, Path]) -> None:
    economist = OutletFactory(name="Economist")

    import_path(seed_paths["000"])

    assert Source.objects.get(title=ECONOMIST_TITLE).outlet == economist
    assert Outlet.objects.count() == 11


def test_it_reuses_a_known_source_and_only_fills_its_blanks(
    seed_paths: dict[str, Path],
) -> None:
    known = SourceFactory(
        title=ECONOMIST_TITLE,
        outlet=OutletFactory(name="The Economist"),
        published_on=None,
        url="https://www.economist.com/editor-found-this",
        authors=["An Editor's Note"],
        in_bibliography=False,
    )

    outcome = import_path(seed_paths["000"])

    known.refresh_from_db()
    assert Source.objects.count() == 11
    assert outcome.counts["sources_created"] == 10
    assert outcome.counts["sources_reused"] == 1
    assert known.url == "https://www.economist.com/editor-found-this"
    assert known.authors == ["An Editor's Note"]
    assert known.published_on == datetime.date(2023, 5, 25)
    # Found in a bibliography now.
    assert known.in_bibliography
    assert Reference.objects.get(key="2").source == known
    latest = known.history.latest()
    assert latest.history_change_reason == "import 000_09d18a1f87d1f789.txt"


def test_it_gives_a_second_article_with_the_same_title_its_own_slug(
    seed_paths: dict[str, Path],
) -> None:
    data = seed_paths["004"].read_bytes()
    first = article_import_file(file_name="004.md", data=data).article
    # Another article with the same headline: another day's (the same text would be the same
    # article).
    other_day = data.replace(b"> May 25th 2023", b"> May 26th 2023")
    second = article_import_file(file_name="004-copy.md", data=other_day).article

    assert first.slug == "who-are-the-militias-raiding-russias-belgorod-region"
    assert second.slug == "who-are-the-militias-raiding-russias-belgorod-region-2"


def test_it_records_history_for_imported_claims_evidence_and_sources(
    seed_paths: dict[str, Path],
) -> None:
    import_path(seed_paths["000"])

    article = Article.objects.get()
    claim_history = article.claims.model.history.filter(article_id=article.pk)
    assert claim_history.count() == article.claims.count()
    assert set(claim_history.values_list("history_change_reason", flat=True)) == {
        "import 000_09d18a1f87d1f789.txt"
    }
    assert Evidence.history.filter(history_type="+").count() == Evidence.objects.count()
    assert Source.history.filter(history_type="+").count() == Source.objects.count() == 11


def test_citations_point_at_references_of_their_own_article(
    seed_paths: dict[str, Path],
) -> None:
    for path in seed_paths.values():
        import_path(path)

    assert Citation.objects.count() == 28
    assert not Citation.objects.exclude(reference__article=F("article")).exists()


def test_the_number_of_queries_does_not_grow_with_the_article(
    seed_paths: dict[str, Path],
) -> None:
    data = seed_paths["000"].read_bytes()
    body_start = data.index(b"On May 22,")
    references_start = data.index(b"0. \xe2\x80\x9cExplosions")
    # The same body twice: twice the claims, citations and evidence, the same sources.
    longer = data[:references_start] + data[body_start:references_start] + data[references_start:]

    with CaptureQueriesContext(connection) as normal:
        article_import_file(file_name="normal.txt", data=data)
    with CaptureQueriesContext(connection) as doubled:
        outcome = article_import_file(file_name="doubled.txt", data=longer)

    assert (
        outcome.counts["claims_created"]
        == 2 * Article.objects.get(source_file_name="normal.txt").claims.count()
    )
    assert len(doubled.captured_queries) <= len(normal.captured_queries) <= 25
