import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from claims.checkworthy import checkworthiness, claims_flag_checkworthy
from claims.models import Claim, Evidence
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory

DATA = Path(__file__).parent / "data" / "checkworthy_sentences.json"


@pytest.mark.parametrize(
    ("text", "language", "rule", "matched"),
    [
        ("Russia has reported that over 70 attackers were killed.[5]", "en", "number", "70"),
        (
            "Russia has reported that over 70 attackers were killed.",
            "en",
            "attribution",
            "has reported",
        ),
        (
            "According to analysts, the attack had a psychological impact.",
            "en",
            "attribution",
            "according to",
        ),
        (
            "Ukraine deliberately denied its raid involvement (BBC, 2023).",
            "en",
            "attribution",
            "denied",
        ),
        (
            "It was the deadliest attack on the region since the war began.",
            "en",
            "superlative",
            "deadliest",
        ),
        (
            "For the first time, prices fell in every region.",
            "en",
            "superlative",
            "for the first time",
        ),
        ("Prices rose because the harvest failed.", "en", "causal", "because"),
        ("Nearly 10 billion rubles were spent on defences.", "en", "number", "billion"),
        ("Inflation reached 8.5% in October.", "en", "number", "8.5%"),
        ("Almost all of the villages were evacuated.", "en", "number", "Almost all"),
        (
            "Secondo quanto riferito dal ministero, i morti sono dodici.",
            "it",
            "attribution",
            "secondo quanto",
        ),
        ("Il governo ha annunciato nuove misure.", "it", "attribution", "ha annunciato"),
        ("La produzione è calata del 12 per cento.", "it", "number", "12 per cento"),
        (
            "Il traffico è aumentato a causa della chiusura del ponte.",
            "it",
            "causal",
            "a causa della",
        ),
        ("Laut Polizei wurden drei Menschen verletzt.", "de", "attribution", "laut"),
        ("Der Preis stieg wegen der Dürre.", "de", "causal", "wegen"),
        ("Das ist der größte Anstieg seit 1990.", "de", "superlative", "größte"),
    ],
)
def test_it_flags_checkable_statements_with_the_reason(text, language, rule, matched) -> None:
    result = checkworthiness(text, language)

    assert result.checkworthy
    assert f"{rule}: {matched}" in result.reason_texts


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Who was responsible for the incursion?", "en"),
        ("How many people were killed in the 2023 raid?", "en"),
        (
            "Ukraine may conduct additional border incursions aimed at humiliating the Kremlin.",
            "en",
        ),
        ("We should do the most we can for the people affected.", "en"),
        ("“We are thrilled to be reunited with the people of Turkey,” said the director.", "en"),
        ("The reality is somewhere in between.", "en"),
        ("The two groups differ from one another.", "en"),
        ("Western countries, including the United States, want peace.", "en"),
        ("Quanti sono i feriti?", "it"),
        ("Secondo me il governo dovrebbe fare di più.", "it"),
        ("Le distribuzioni sono fondamentali per il futuro di Linux.", "it"),
        ("Meiner Meinung nach sollte die Regierung mehr tun.", "de"),
        ("Distributionen sind essenziell für die Zukunft von Linux.", "de"),
        ("", "en"),
    ],
)
def test_it_leaves_questions_opinion_and_framing_alone(text, language) -> None:
    assert not checkworthiness(text, language).checkworthy


def test_a_year_or_a_date_is_not_a_quantity() -> None:
    result = checkworthiness("The talks resumed on May 22, 2023 in Geneva.", "en")

    assert not any(reason.rule == "number" for reason in result.reasons)


def test_a_question_says_why_it_is_left_out() -> None:
    assert checkworthiness("Did 70 attackers die?", "en").excluded_because == "question"


def test_languages_without_rules_still_get_numbers() -> None:
    result = checkworthiness("Le chômage a baissé de 3 % en 2023.", "fr")

    assert result.checkworthy and "number: 3 %" in result.reason_texts


def test_the_labelled_set_is_big_enough_and_split() -> None:
    sentences = json.loads(DATA.read_text(encoding="utf-8"))["sentences"]
    assert len(sentences) >= 300
    assert {sentence["split"] for sentence in sentences} == {"tuning", "held-out"}
    assert {sentence["language"] for sentence in sentences} >= {"en", "it", "de"}
    assert any(sentence["checkworthy"] for sentence in sentences)
    assert not all(sentence["checkworthy"] for sentence in sentences)


# --- Stored on claims -----------------------------------------------------------------------


@pytest.mark.django_db
def test_flagging_an_article_stores_the_reasons_without_history() -> None:
    article = ArticleFactory(language="en")
    worthy = ClaimFactory(article=article, text="Officials said 40 people were hurt.")
    plain = ClaimFactory(article=article, text="What happens next?")
    history_before = Claim.history.count()

    assert claims_flag_checkworthy(article=article) == 2

    worthy.refresh_from_db()
    plain.refresh_from_db()
    assert worthy.checkworthy is True
    assert "number: 40" in worthy.checkworthy_reasons and "attribution: said" in (
        worthy.checkworthy_reasons
    )
    assert plain.checkworthy is False and plain.checkworthy_reasons == []
    assert Claim.history.count() == history_before


@pytest.mark.django_db
def test_needs_citation_is_check_worthy_without_a_cited_source() -> None:
    article = ArticleFactory(language="en")
    cited = ClaimFactory(article=article, text="Officials said 40 people were hurt.")
    uncited = ClaimFactory(article=article, text="Police said 12 people were arrested.")
    Evidence.objects.create(claim=cited, source=SourceFactory(), stance="cited")
    claims_flag_checkworthy(article=article)

    assert list(Claim.objects.needs_citation()) == [uncited]


@pytest.mark.django_db
def test_the_italian_rules_apply_to_an_italian_article() -> None:
    article = ArticleFactory(language="it")
    claim = ClaimFactory(article=article, text="Secondo quanto riferito, il ponte è chiuso.")

    claims_flag_checkworthy(claims=Claim.objects.filter(pk=claim.pk))

    claim.refresh_from_db()
    assert claim.checkworthy_reasons == ["attribution: secondo quanto"]


@pytest.mark.django_db
def test_flag_checkworthy_command_flags_the_seeds(seed_claims) -> None:
    out = io.StringIO()

    call_command("flag_checkworthy", stdout=out, stderr=io.StringIO())

    claim = seed_claims("000", "over 70 attackers")
    assert claim.checkworthy and "attribution: has reported" in claim.checkworthy_reasons
    assert not seed_claims("004", "Who was responsible").checkworthy
    assert "78 claims checked" in out.getvalue()
