from pathlib import Path

import pytest

from articles.importer import article_import_file, sources_link_articles
from articles.models import Article
from sources.models import Source
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ECONOMIST_TITLE = "Who are the militias raiding Russia's Belgorod region?"


def import_path(path: Path, *, file_name: str | None = None, data: bytes | None = None):
    outcome = article_import_file(
        file_name=file_name or path.name, data=path.read_bytes() if data is None else data
    )
    assert outcome.error is None
    return outcome


@pytest.mark.parametrize("order", [("000", "004"), ("004", "000")])
def test_reference_2_of_000_links_to_the_article_in_004(
    seed_paths: dict[str, Path], order: tuple[str, str]
) -> None:
    first, second = (import_path(seed_paths[number]) for number in order)

    economist = Source.objects.get(title=ECONOMIST_TITLE)
    assert economist.linked_article == Article.objects.get(
        source_file_name="004_3263043cf6c7fdd3.txt"
    )
    assert Source.objects.filter(linked_article__isnull=False).count() == 1
    assert (first.counts["links_made"], second.counts["links_made"]) == (0, 1)
    assert economist.history.latest().history_change_reason == f"import {second.file_name}"


def test_a_different_date_is_a_different_work(seed_paths: dict[str, Path]) -> None:
    import_path(seed_paths["000"])
    data = seed_paths["004"].read_bytes().replace(b"> May 25th 2023", b"> May 26th 2023")

    outcome = import_path(seed_paths["004"], data=data)

    assert outcome.article.published_on.day == 26
    assert not Source.objects.filter(linked_article__isnull=False).exists()


def test_a_title_alone_is_not_enough(seed_paths: dict[str, Path]) -> None:
    import_path(seed_paths["000"])
    # Without its date line the article shares only its title with reference 2.
    data = seed_paths["004"].read_bytes().replace(b"> May 25th 2023", b"")

    outcome = import_path(seed_paths["004"], data=data)

    assert outcome.article.published_on is None
    assert outcome.counts["links_made"] == 0
    assert not Source.objects.filter(linked_article__isnull=False).exists()


def test_two_equally_good_articles_leave_the_source_unlinked(
    seed_paths: dict[str, Path],
) -> None:
    first = import_path(seed_paths["004"]).article
    # The same text again is the same article (identity by content), so the rival is another
    # stored article with the same title, outlet and date, as a second edition would be.
    ArticleFactory(title=first.title, outlet=None, published_on=first.published_on)

    import_path(seed_paths["000"])

    assert not Source.objects.filter(linked_article__isnull=False).exists()


def test_linking_everything_finds_a_link_made_undone(seed_paths: dict[str, Path]) -> None:
    for path in seed_paths.values():
        import_path(path)
    Source.objects.update(linked_article=None)

    assert sources_link_articles() == 1
    assert Source.objects.get(title=ECONOMIST_TITLE).linked_article.title.startswith("Who are")
    assert sources_link_articles() == 0


def test_an_editors_link_is_never_replaced(seed_paths: dict[str, Path]) -> None:
    import_path(seed_paths["000"])
    other = import_path(seed_paths["002"]).article
    Source.objects.filter(title=ECONOMIST_TITLE).update(linked_article=other)

    import_path(seed_paths["004"])

    assert Source.objects.get(title=ECONOMIST_TITLE).linked_article == other
