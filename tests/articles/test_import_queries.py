"""An import's statements do not grow with the article: multi-row inserts, history included."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.importer import article_import_file
from claims.models import Claim, Evidence
from sources.models import Source

pytestmark = pytest.mark.django_db


def article(title: str, paragraphs: int) -> bytes:
    body = "\n\n".join(
        f"Officials in district {number} said the harbour reopened on Monday.[{number}] "
        f"Ships came back to berth {number} on Tuesday."
        for number in range(1, paragraphs + 1)
    )
    references = "\n".join(
        f"{number}. “Harbour {number} reopens” Gazette {number}, 22 May 2024"
        for number in range(1, paragraphs + 1)
    )
    return f"# {title}\n\nBy Ada Writer\n\n{body}\n\n## References\n\n{references}\n".encode()


def statements(data: bytes, file_name: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        outcome = article_import_file(file_name=file_name, data=data)
    assert outcome.status == "created", outcome.error
    return len(captured)


def test_a_first_import_takes_as_many_statements_for_200_sentences_as_for_4() -> None:
    short = statements(article("A short harbour story", 2), "short.md")
    long = statements(article("A long harbour story", 100), "long.md")

    assert long == short
    # Every row has its history row: written in bulk, not skipped.
    assert Claim.history.count() == Claim.objects.count() == 204
    assert Evidence.history.count() == Evidence.objects.count() == 102
    # The long one cites the short one's two works again: the same sources.
    assert Source.history.count() == Source.objects.count() == 100


def test_a_first_import_stays_within_its_statement_budget() -> None:
    # hash, identity, outlets (look up, create), slug, article, sources (look up, create,
    # history), references, citations, contributors, claims (rows, history), evidence (rows,
    # history), cross-article links (both ways), and the savepoints around the racy inserts.
    assert statements(article("A harbour story", 3), "story.md") <= 26


def test_an_unchanged_file_is_one_statement_whatever_its_size() -> None:
    data = article("A long harbour story", 100)
    article_import_file(file_name="long.md", data=data)

    with CaptureQueriesContext(connection) as captured:
        outcome = article_import_file(file_name="renamed.md", data=data)

    assert outcome.status == "unchanged"
    assert outcome.counts["claims_unchanged"] == 200
    assert len(captured) == 1
