"""The admin's claims search: full text and article titles off indexes, never ILIKE on claims."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factcheck.admin import CappedCountPaginator
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:claims_claim_changelist"


def found(client: Client, term: str) -> list[str]:
    response = client.get(reverse(CHANGELIST), {"q": term})
    assert response.status_code == 200
    return sorted(claim.text for claim in response.context["cl"].result_list)


@pytest.fixture
def sentences() -> None:
    ClaimFactory(text="Two civilians were killed in the shelling.")
    ClaimFactory(text="The border militia crossed at dawn.")
    ClaimFactory(text="A militia spokesman denied it.")
    ClaimFactory(
        text="Officials gave no figure.", article=ArticleFactory(title="Zaporizhzhia report")
    )


def test_words_are_matched_by_their_stem(editor_client: Client, sentences) -> None:
    assert found(editor_client, "civilian killing") == [
        "Two civilians were killed in the shelling."
    ]


def test_phrases_and_excluded_words_follow_web_search_syntax(
    editor_client: Client, sentences
) -> None:
    assert found(editor_client, '"border militia"') == ["The border militia crossed at dawn."]
    assert found(editor_client, "militia -spokesman") == ["The border militia crossed at dawn."]


def test_an_articles_title_finds_its_claims(editor_client: Client, sentences) -> None:
    assert found(editor_client, "zaporizhzhia") == ["Officials gave no figure."]


def test_a_number_finds_that_claim(editor_client: Client, sentences) -> None:
    claim = ClaimFactory(text="Numbered.")

    assert found(editor_client, str(claim.pk)) == ["Numbered."]
    assert found(editor_client, f"#{claim.pk}") == ["Numbered."]


@pytest.mark.parametrize("term", ['"', "&|!(", "-", "x" * 5000, "\x00", "'; drop table"])
def test_junk_is_an_empty_result_not_an_error(editor_client: Client, sentences, term) -> None:
    response = editor_client.get(reverse(CHANGELIST), {"q": term})

    assert response.status_code in (200, 400)


def test_the_search_uses_the_full_text_index_not_ilike(editor_client: Client, sentences) -> None:
    with CaptureQueriesContext(connection) as captured:
        editor_client.get(reverse(CHANGELIST), {"q": "militia"})

    claim_queries = [query["sql"] for query in captured if 'FROM "claims_claim"' in query["sql"]]
    assert claim_queries and all("@@" in sql for sql in claim_queries)
    assert not any('"claims_claim"."text"::text) LIKE' in sql for sql in claim_queries)


def test_a_search_matching_more_than_the_cap_says_more_than(
    editor_client: Client, monkeypatch
) -> None:
    monkeypatch.setattr(CappedCountPaginator, "count_cap", 3)
    for number in range(5):
        ClaimFactory(text=f"Militia sentence {number}.")

    response = editor_client.get(reverse(CHANGELIST), {"q": "militia"})

    assert "More than 3 claims" in response.text
    assert "more than 3 results" in response.text
    assert len(response.context["cl"].result_list) == 5
