import pytest
from django.urls import reverse

from claims.models import Evidence
from claims.support import (
    FOUND,
    NOT_FOUND,
    PARTLY_FOUND,
    claim_cited_support,
    dates,
    quantities,
    support_check,
    without_markers,
)
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory

SOURCE = [
    "The raid began on May 22nd.",
    "Russia says that the militias are a front for the Ukrainian army.",
    "Both militias do indeed recruit disaffected Russian nationals.",
    "Both also co-ordinate their activities with Ukraine's military-intelligence agency.",
    "Only two fighters had been injured, the legion's leader said.",
]


# --- The pure check ----------------------------------------------------------------------


def test_a_claim_said_in_other_words_is_found_with_its_sentence() -> None:
    result = support_check("The militias recruit disaffected Russian nationals.[2]", SOURCE)

    assert result.verdict == FOUND
    assert result.passage == [SOURCE[2]]
    assert result.matched == ["militias", "recruit", "disaffected", "Russian", "nationals"]
    assert result.missing == []


def test_a_claim_that_condenses_two_sentences_gets_both() -> None:
    result = support_check(
        "While both militias recruit disaffected Russian nationals, both also co-ordinate "
        "their activities with Ukraine's military-intelligence agency.",
        SOURCE,
    )

    assert result.verdict == FOUND
    assert result.positions == [2, 3]


def test_a_claim_the_source_half_supports_is_partly_found() -> None:
    result = support_check("The militias recruit Russian prisoners from labour camps.", SOURCE)

    assert result.verdict == PARTLY_FOUND
    assert result.passage == [SOURCE[2]]
    assert {"prisoners", "labour", "camps"} <= set(result.missing)


def test_a_claim_the_source_does_not_contain_is_not_found() -> None:
    result = support_check("Inflation in the eurozone fell to 2.9% in October.", SOURCE)

    assert result.verdict == NOT_FOUND
    assert result.passage == []


def test_differing_numbers_are_pointed_out() -> None:
    result = support_check("The legion's leader said over 70 fighters had been injured.", SOURCE)

    assert result.passage == [SOURCE[4]]
    assert result.verdict in {FOUND, PARTLY_FOUND}
    number = next(d for d in result.differences if d.kind == "number")
    assert number.claim == ["over 70"] and number.passage == ["Only two"]


def test_differing_dates_and_missing_names_are_pointed_out() -> None:
    result = support_check("The raid on Belgorod began on May 23rd.", SOURCE)

    kinds = {d.kind: d for d in result.differences}
    assert kinds["date"].claim == ["May 23rd"] and kinds["date"].passage == ["May 22nd"]
    assert kinds["name"].claim == ["Belgorod"]


def test_agreeing_numbers_are_no_difference() -> None:
    result = support_check("Two fighters were injured, the leader said.", SOURCE)

    assert [d for d in result.differences if d.kind == "number"] == []


def test_it_is_deterministic_and_never_fails_on_empty_input() -> None:
    claim = "Both militias recruit Russians."
    assert support_check(claim, SOURCE) == support_check(claim, SOURCE)
    assert support_check("", SOURCE).verdict == NOT_FOUND
    assert support_check(claim, []).verdict == NOT_FOUND


def test_citation_markers_are_not_words() -> None:
    assert without_markers("Prices rose.[3] Wages too (BBC, 2023).") == "Prices rose. Wages too."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("over 70 attackers were killed", ["over 70"]),
        ("at least seven have been killed", ["at least seven"]),
        ("nearly 10 billion rubles", ["nearly 10", "billion"]),
        ("oltre 70 miliziani", ["oltre 70"]),
        ("mehr als zwei Kämpfer", ["mehr als zwei"]),
        ("on May 22, 2023", []),
    ],
)
def test_quantities(text, expected) -> None:
    assert quantities(text) == expected


def test_dates() -> None:
    assert dates("On May 22 and on the 23rd of May 2023, then 5 maggio") == [
        "May 22",
        "23rd of May",
        "2023",
        "5 maggio",
    ]


# --- The seeds -----------------------------------------------------------------------------


CITING_004 = [
    "While both militias do indeed recruit disaffected Russian nationals",
    "However, these groups are not formally linked",
    "However, they gained attention in March",
    "Without providing any evidence, Russia alleged",
]


@pytest.mark.django_db
@pytest.mark.parametrize("start", CITING_004)
def test_each_000_claim_citing_2_gets_its_004_passage(seed_claims, start) -> None:
    claim = seed_claims("000", start)
    expected = {
        CITING_004[0]: "Both militias do indeed recruit disaffected Russian nationals.",
        CITING_004[1]: "Yet the groups have no formal connection to the Ukrainian government.",
        CITING_004[2]: "came to prominence this March when they spearheaded an incursion",
        CITING_004[3]: "Russia claimed that two civilians were killed in that attack",
    }[start]

    (cited,) = claim_cited_support(claim)

    assert cited.article.source_file_name.startswith("004_")
    assert cited.result.verdict in {FOUND, PARTLY_FOUND}
    assert expected in " ".join(cited.result.passage)


@pytest.mark.django_db
def test_a_claim_whose_cited_article_does_not_say_it_is_not_found(seed_claims) -> None:
    # 000's sentence about Western weapons cites The Hill; pretend it cited The Economist (004).
    claim = seed_claims("000", "Western countries, including the United States")
    economist = seed_claims("000", CITING_004[0]).evidence.get().source
    Evidence.objects.create(claim=claim, source=economist, stance=Evidence.Stance.CITED)

    (cited,) = claim_cited_support(claim)

    assert cited.result.verdict == NOT_FOUND


@pytest.mark.django_db
def test_sources_that_are_not_articles_we_hold_are_left_out(django_assert_num_queries) -> None:
    claim = ClaimFactory()
    Evidence.objects.create(claim=claim, source=SourceFactory(), stance="cited")

    with django_assert_num_queries(1):
        assert claim_cited_support(claim) == []


@pytest.mark.django_db
def test_it_takes_two_queries_however_many_sources(django_assert_num_queries) -> None:
    claim = ClaimFactory(text="Wages rose by 3% in June.")
    for number in range(4):
        article = ArticleFactory()
        ClaimFactory(article=article, text=f"Wages rose by 3% in June, report {number} says.")
        source = SourceFactory(linked_article=article)
        Evidence.objects.create(claim=claim, source=source, stance="cited")

    with django_assert_num_queries(2):
        results = claim_cited_support(claim, language="en")

    assert [item.result.verdict for item in results] == [FOUND] * 4


@pytest.mark.django_db
def test_the_admin_claim_page_shows_what_the_cited_source_says(seed_claims, editor_client):
    claim = seed_claims("000", CITING_004[3])

    page = editor_client.get(reverse("admin:claims_claim_change", args=[claim.pk])).text

    panel = page[page.index('id="cited-source-panel"') :]
    assert "Russia claimed that two civilians were killed in that attack" in panel
    assert "Found in the cited source" in panel or "Partly found" in panel
