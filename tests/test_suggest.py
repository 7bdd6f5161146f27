"""The type-ahead behind the article, outlet and source filters."""

import datetime

import pytest

from tests.factories import ArticleFactory, OutletFactory, SourceFactory

pytestmark = pytest.mark.django_db


def suggestions(client, kind: str, term: str) -> list[dict]:
    response = client.get(f"/suggest/{kind}/", {"q": term})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "max-age=300" in response["Cache-Control"]
    return response.json()["results"]


def test_outlets_come_by_name_those_starting_with_the_term_first(client) -> None:
    OutletFactory(name="The BBC")
    OutletFactory(name="BBC World Service")
    OutletFactory(name="Reuters")

    assert suggestions(client, "outlets", "bbc") == [
        {"value": "BBC World Service", "detail": ""},
        {"value": "The BBC", "detail": ""},
    ]


def test_articles_come_with_their_outlet_and_date(client) -> None:
    ArticleFactory(
        title="Raid on Belgorod",
        outlet=OutletFactory(name="Planet"),
        published_on=datetime.date(2023, 5, 25),
    )

    assert suggestions(client, "articles", "belgorod") == [
        {"value": "Raid on Belgorod", "detail": "Planet, 25 May 2023"}
    ]


def test_sources_come_as_title_and_outlet_which_the_filter_resolves(client) -> None:
    source = SourceFactory(title="Casualty figures", outlet=OutletFactory(name="Reuters"))

    [found] = suggestions(client, "sources", "casualty")

    assert found["value"] == "Casualty figures — Reuters"
    response = client.get("/claims/", {"source": found["value"], "reviewed": "all"})
    assert f'<a href="{source.get_absolute_url()}">' in response.content.decode()
    assert "errorlist" not in response.content.decode()


@pytest.mark.parametrize("term", ["", "b", "  ", "%%", "__", "b%"])
def test_short_terms_and_wildcards_match_nothing(client, term) -> None:
    # Too short to be worth a query, or LIKE wildcards, which are searched for as text.
    OutletFactory(name="BBC")

    assert suggestions(client, "outlets", term) == []


def test_at_most_ten_are_offered_in_one_query(client, django_assert_num_queries) -> None:
    for number in range(15):
        OutletFactory(name=f"Daily {number}")

    with django_assert_num_queries(1):
        found = suggestions(client, "outlets", "daily")

    assert len(found) == 10


def test_an_unknown_list_is_a_404_and_only_reading_is_allowed(client) -> None:
    assert client.get("/suggest/users/", {"q": "admin"}).status_code == 404
    assert client.post("/suggest/outlets/", {"q": "bbc"}).status_code == 405


def test_an_untitled_work_is_offered_with_its_number_which_the_filter_resolves(client) -> None:
    from tests.factories import ClaimFactory, EvidenceFactory

    untitled = SourceFactory(title="", outlet=OutletFactory(name="Il Post"))
    EvidenceFactory(source=untitled, claim=ClaimFactory(text="Cites the untitled work."))

    response = client.get(
        "/claims/", {"source": f"Untitled (source {untitled.pk}) — Il Post", "reviewed": "all"}
    )

    content = response.content.decode()
    assert "errorlist" not in content
    assert "Cites the untitled work." in content
    assert f'value="Untitled (source {untitled.pk}) — Il Post"' in content


def test_a_nul_in_the_term_is_read_as_a_space_not_a_server_error(client) -> None:
    OutletFactory(name="The BBC")

    # PostgreSQL refuses NUL in a string literal; bench/fuzz_query_strings.py found this 500.
    for kind in ("articles", "outlets", "sources"):
        assert suggestions(client, kind, "\x00\x01\x1f") == []
    assert suggestions(client, "outlets", "the\x00bbc") == [{"value": "The BBC", "detail": ""}]
    assert suggestions(client, "outlets", "bbc\x00") == [{"value": "The BBC", "detail": ""}]
