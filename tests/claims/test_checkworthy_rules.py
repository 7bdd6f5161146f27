"""The needs-citation rules language by language, on hand-picked sentences, both directions."""

import pytest

from claims.checkworthy import checkworthiness

FLAGGED = [
    # English: the seeds' kinds of claim.
    ("en", "Russia has reported that over 70 attackers were killed.", "number: 70"),
    (
        "en",
        "Russia says that the militias are a front for the Ukrainian army.",
        "attribution: says",
    ),
    ("en", "The Free Russia Legion referred to its operation as a peace-keeping mission.", None),
    (
        "en",
        "It was the deadliest attack on the region since the war began.",
        "superlative: deadliest",
    ),
    ("en", "The raid forced Russia to move troops from the front.", "causal: forced"),
    ("en", "The project is funded by Innosuisse.", "event: funded by Innosuisse"),
    ("en", "Debian 2.1 was released on 9 March 1999.", "date: 9 March 1999"),
    ("en", "The Kremlin sought to downplay the breach.", "actor: Kremlin"),
    ("en", "It has been demonstrated that the method recovers clusters.", None),
    ("en", "Police said 3 died.", "attribution: said"),
    # Italian
    (
        "it",
        "Secondo quanto riferito dal ministero, i morti sono dodici.",
        "attribution: secondo quanto",
    ),
    ("it", "Il progetto ha più di 31.000 pacchetti sorgente.", "number: 31.000"),
    ("it", "Il governo ha annunciato nuove misure.", "attribution: ha annunciato"),
    ("it", "Il traffico è aumentato a causa della chiusura del ponte.", "causal: a causa della"),
    ("it", "Nel 1993 Ian Murdock ha creato Debian.", "date: Nel 1993"),
    ("it", "Per la prima volta i prezzi sono calati in tutte le regioni.", None),
    # German
    ("de", "Laut Polizei wurden drei Menschen verletzt.", "attribution: laut"),
    ("de", "Das Projekt hat etwa tausend Entwickler.", "number: tausend"),
    ("de", "Das ist der größte Anstieg seit 1990.", "superlative: größte"),
    ("de", "Der Preis stieg wegen der Dürre.", "causal: wegen"),
    ("de", "Debian wurde am 16. August 1993 von Ian Murdock gegründet.", "date: 16. August 1993"),
    # French and Spanish have rules of their own too.
    ("fr", "Selon la police, trois personnes ont été blessées.", "attribution: selon"),
    ("fr", "Frans Pop est décédé en août 2010.", "date: août 2010"),
    ("fr", "Le chômage a baissé de 3 % en 2023.", "number: 3 %"),
    ("es", "Debian 6.0 se publicó el 6 de febrero de 2011.", "date: 6 de febrero de 2011"),
    ("es", "Según el gobierno, el paro bajó un 3 %.", "attribution: según"),
]

LEFT_ALONE = [
    # English: questions, opinion, plans, framing, definitions, instructions, boilerplate.
    ("en", "Who was responsible for the incursion?", "question"),
    (
        "en",
        "Ukraine may conduct additional border incursions aimed at humiliating the Kremlin.",
        "",
    ),
    ("en", "Ukraine may have conducted more incursions before.", "opinion: may"),
    ("en", "We should do the most we can for the people affected.", ""),
    (
        "en",
        "“We are thrilled to be reunited with the people of Turkey,” said the director.",
        "feeling",
    ),
    ("en", "The reality is somewhere in between.", ""),
    ("en", "The two groups differ from one another.", ""),
    ("en", "A docstring is a string literal that occurs as the first statement in a module.", ""),
    ("en", "Please visit github.com/gohugoio/hugo and push the star button.", "instruction"),
    ("en", "Cross-references are resolved according to the Python namespace lookup rules.", ""),
    ("en", "Written by Ian A. Murdock Revised 01/06/94", "byline"),
    ("en", "KDE 4.4.5", "fragment"),
    ("en", "June 2018 (16)", "fragment"),
    ("en", "The following research projects use Inscriptis within their pipelines:", "introduces"),
    ("en", "My interest in Hugo started on the Sunday when I moved my blog twice.", "personal"),
    ("en", "Most knowledge extraction methods operate on text.", ""),
    ("en", "See Section 1.5 for what a distribution is.", "instruction"),
    # Italian
    ("it", "Quanti sono i feriti?", "question"),
    ("it", "Secondo me il governo dovrebbe fare di più.", ""),
    ("it", "Le distribuzioni sono fondamentali per il futuro di Linux.", ""),
    ("it", "Debian è una distribuzione GNU/Linux.", ""),
    ("it", "Il sistema avrebbe dovuto avere due caratteristiche principali.", ""),
    ("it", "La maggior parte degli utenti continuerà a usare una distribuzione.", "plan"),
    # German
    ("de", "Wie viele Menschen wurden verletzt?", "question"),
    ("de", "Meiner Meinung nach sollte die Regierung mehr tun.", ""),
    ("de", "Distributionen sind essenziell für die Zukunft von Linux.", ""),
    ("de", "Das primäre Ziel des Projekts ist es, eine Distribution zu erschaffen.", ""),
    ("de", "Meine Virtual Wall soll die Arduino-IRremote Library verwenden.", ""),
    ("de", "Im Kapitel Abschnitt 1.5 werden wir näher darauf eingehen.", ""),
    # French and Spanish
    (
        "fr",
        "Le premier objectif du projet est de créer une distribution selon la nature de Linux.",
        "",
    ),
    (
        "es",
        "Consulte el capítulo 8 de las notas de publicación.",
        "instruction",
    ),
    ("es", "GNOME 2.30.0", "fragment"),
]


@pytest.mark.parametrize(("language", "text", "reason"), FLAGGED)
def test_it_flags_a_checkable_statement_and_says_why(language, text, reason) -> None:
    result = checkworthiness(text, language)

    assert result.checkworthy, result
    assert result.reasons
    if reason:
        assert reason in result.reason_texts


@pytest.mark.parametrize(("language", "text", "why"), LEFT_ALONE)
def test_it_leaves_what_is_no_checkable_statement_alone(language, text, why) -> None:
    result = checkworthiness(text, language)

    assert not result.checkworthy, result
    assert result.excluded_because.startswith(why)


def test_a_version_a_section_and_a_clock_time_are_not_quantities() -> None:
    for text in (
        "Debian 2.1 included apt, a new package manager.",
        "The details are in Section 1.3.3.1 of the handbook.",
        "The song Deadlock lasts 2:21 on the album.",
    ):
        assert not any(r.rule == "number" for r in checkworthiness(text, "en").reasons), text


def test_a_small_count_alone_is_not_enough_but_agrees_with_a_named_action() -> None:
    counted = checkworthiness("The t-SNE algorithm comprises two main stages.", "en")
    assert not counted.checkworthy and counted.excluded_because == "one weak cue"

    event = checkworthiness("Two militias have crossed into Belgorod from Ukraine.", "en")
    assert event.checkworthy
    assert {"number: Two", "actor: Belgorod"} <= set(event.reason_texts)


def test_an_ordinal_is_not_a_record_but_for_the_first_time_is() -> None:
    assert not checkworthiness("The first objective is to build a distribution.", "en").checkworthy
    assert checkworthiness("For the first time, prices fell.", "en").checkworthy


def test_a_hedge_does_not_undo_a_figure_or_an_attribution() -> None:
    for text in (
        "Officials said the attackers would likely return.",
        "Ukraine may have lost 70 soldiers in the raid.",
    ):
        assert checkworthiness(text, "en").checkworthy, text


def test_languages_without_rules_of_their_own_still_get_numbers_and_dates() -> None:
    result = checkworthiness("Ludność miasta wzrosła o 12 procent w 2020 roku.", "pl")

    assert result.checkworthy and "number: 12" in result.reason_texts
