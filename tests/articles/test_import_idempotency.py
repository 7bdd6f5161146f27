# ruff: noqa: RUF001 -- curly quotes are the data.
from pathlib import Path

import pytest
from django.apps import apps

from articles.importer import article_import_file
from articles.models import Article
from claims.models import Claim, Evidence
from sources.models import Source
from tests.articles.reimport import give_verdict, replace_once
from tests.factories import EditorFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db

FILE_NAME = "000_09d18a1f87d1f789.txt"


def row_counts() -> dict[str, int]:
    """Rows in every table of the three apps, history and many-to-many tables included."""
    return {
        model._meta.db_table: model._default_manager.count()
        for app_label in ("articles", "claims", "sources")
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
    }


def test_importing_the_same_files_twice_changes_nothing(seed_paths: dict[str, Path]) -> None:
    for path in seed_paths.values():
        article_import_file(file_name=path.name, data=path.read_bytes())
    before = row_counts()

    outcomes = [
        article_import_file(file_name=path.name, data=path.read_bytes())
        for path in seed_paths.values()
    ]

    assert [outcome.status for outcome in outcomes] == ["unchanged"] * 3
    assert row_counts() == before
    assert before["claims_historicalclaim"] == before["claims_claim"] > 0
    assert (
        outcomes[0].counts["claims_unchanged"]
        == Article.objects.get(source_file_name=FILE_NAME).claims.count()
    )


def test_a_verdict_and_editor_evidence_survive_reimports(seed_paths: dict[str, Path]) -> None:
    data = seed_paths["000"].read_bytes()
    article_import_file(file_name=FILE_NAME, data=data)
    editor = EditorFactory()
    claims = list(Claim.objects.order_by("ordinal"))
    kept, edited = claims[3], claims[5]
    give_verdict(kept, editor)
    give_verdict(edited, editor, status=Claim.Status.SUPPORTED)
    supporting = EvidenceFactory(claim=kept, source=SourceFactory(), added_by=editor)

    unchanged = article_import_file(file_name=FILE_NAME, data=data)
    assert unchanged.status == "unchanged"

    # One sentence edited, everything else as before.
    changed_data = replace_once(data, edited.text[:40], "In an edited version, " + edited.text[:40])
    outcome = article_import_file(file_name=FILE_NAME, data=changed_data)

    assert outcome.status == "updated", outcome.error
    kept.refresh_from_db()
    assert kept.status == Claim.Status.CONTESTED
    assert kept.reason == "Two outlets give different casualty figures."
    assert kept.reviewed_by == editor
    assert kept.reviewed_at is not None
    assert kept.ordinal == 3
    assert Evidence.objects.filter(pk=supporting.pk, added_by=editor).exists()

    # The edited sentence is the same claim (a close match in the same place): it keeps its
    # verdict, now on the new text, with the change on record.
    carried = Claim.objects.get(pk=edited.pk)
    assert carried.ordinal == 5
    assert carried.text.startswith("In an edited version, ")
    assert carried.status == Claim.Status.SUPPORTED
    assert carried.reviewed_by == editor
    assert Claim.objects.count() == len(claims)
    assert outcome.counts["claims_created"] == 0
    assert outcome.counts["claims_removed"] == 0
    assert outcome.counts["claims_carried"] == 1
    # Claims before the edit stay put; those after it only move along the body.
    assert outcome.counts["claims_unchanged"] == 5
    assert outcome.counts["claims_updated"] == len(claims) - 5
    # The edited sentence keeps the article's own citation as evidence.
    assert carried.evidence.filter(stance=Evidence.Stance.CITED).exists()
    assert outcome.warnings == []
    change = Claim.history.filter(id=edited.pk).latest()
    assert change.text.startswith("In an edited version, ")
    assert change.history_change_reason == f"import {FILE_NAME}"
    assert change.prev_record.text == edited.text


def test_a_reviewed_claim_whose_sentence_is_gone_needs_force_then_is_withdrawn(
    seed_paths: dict[str, Path],
) -> None:
    data = seed_paths["000"].read_bytes()
    article_import_file(file_name=FILE_NAME, data=data)
    editor = EditorFactory()
    gone = Claim.objects.get(ordinal=8)
    give_verdict(gone, editor, status=Claim.Status.FALSE)
    evidence = EvidenceFactory(claim=gone, source=SourceFactory(), added_by=editor)
    before = row_counts()
    changed = replace_once(data, gone.text, "")

    refused = article_import_file(file_name=FILE_NAME, data=changed)

    assert refused.status == "needs_force" and refused.failed
    assert [claim.pk for claim in refused.withdrawn] == [gone.pk]
    assert "would withdraw 1 reviewed claim" in refused.error
    assert row_counts() == before

    outcome = article_import_file(file_name=FILE_NAME, data=changed, force=True)

    assert outcome.status == "updated", outcome.error
    gone.refresh_from_db()
    assert gone.withdrawn_at is not None
    assert gone.status == Claim.Status.FALSE and gone.reviewed_by == editor
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert outcome.counts["claims_withdrawn"] == 1
    assert [claim.pk for claim in outcome.withdrawn] == [gone.pk]
    assert any("claim was withdrawn" in warning for warning in outcome.warnings)
    assert gone not in Claim.objects.current()
    assert list(Claim.objects.withdrawn()) == [gone]
    # The current claims are numbered without a gap; the withdrawn one stepped aside.
    ordinals = list(Claim.objects.current().order_by("ordinal").values_list("ordinal", flat=True))
    assert ordinals == list(range(len(ordinals)))


def test_a_new_opening_sentence_shifts_every_claim_and_keeps_verdicts(
    seed_paths: dict[str, Path],
) -> None:
    data = seed_paths["000"].read_bytes()
    article_import_file(file_name=FILE_NAME, data=data)
    editor = EditorFactory()
    claims = list(Claim.objects.order_by("ordinal"))
    give_verdict(claims[0], editor)
    give_verdict(claims[-1], editor)
    evidence_before = set(Evidence.objects.values_list("claim_id", "source_id", "stance"))

    changed = replace_once(data, "On May 22, the Russian", "A new opening. On May 22, the Russian")
    outcome = article_import_file(file_name=FILE_NAME, data=changed)

    assert outcome.status == "updated", outcome.error
    assert outcome.counts["claims_created"] == 1
    assert outcome.counts["claims_updated"] == len(claims)
    assert outcome.counts["claims_removed"] == 0
    article = Article.objects.get()
    after = list(article.claims.order_by("ordinal"))
    assert after[0].text == "A new opening."
    assert [claim.pk for claim in after[1:]] == [claim.pk for claim in claims]
    assert [claim.status for claim in (after[1], after[-1])] == [Claim.Status.CONTESTED] * 2
    for claim in after:
        assert article.body[claim.start : claim.end] == claim.text
    assert set(Evidence.objects.values_list("claim_id", "source_id", "stance")) == evidence_before
    # The shift is recorded once per claim, at its final place.
    moved = Claim.history.filter(id=claims[0].pk, history_change_reason=f"import {FILE_NAME}")
    assert list(moved.values_list("history_type", flat=True)) == ["~", "+"]
    assert list(moved.values_list("ordinal", flat=True)) == [1, 0]


def test_of_two_identical_sentences_the_one_still_in_place_keeps_its_verdict() -> None:
    before = (
        "The title of a small test article\n\n"
        "First sentence is here. The same sentence again. Another one follows.\n\n"
        "Middle paragraph sentence. The same sentence again.\n"
    )
    article_import_file(file_name="small.txt", data=before.encode())
    second = Claim.objects.get(ordinal=4)
    assert second.text == "The same sentence again."
    give_verdict(second, EditorFactory())

    after = before.replace("is here. The same sentence again. Another", "is here. Another")
    outcome = article_import_file(file_name="small.txt", data=after.encode())

    assert outcome.counts["claims_removed"] == 1
    second.refresh_from_db()
    assert second.ordinal == 3
    assert second.status == Claim.Status.CONTESTED
    assert outcome.warnings == []


def test_reimport_syncs_only_the_importers_own_evidence(seed_paths: dict[str, Path]) -> None:
    data = seed_paths["000"].read_bytes()
    article_import_file(file_name=FILE_NAME, data=data)
    editor = EditorFactory()
    the_hill = Source.objects.get(outlet__name="The Hill")
    guardian = Source.objects.get(outlet__name="The Guardian")
    claim = Claim.objects.filter(text__contains="[3]").order_by("ordinal").first()
    importer_cited = claim.evidence.get(stance=Evidence.Stance.CITED, source=the_hill)
    editor_cited = EvidenceFactory(
        claim=claim, source=guardian, stance=Evidence.Stance.CITED, added_by=editor
    )
    editor_contradicts = EvidenceFactory(
        claim=claim, source=the_hill, stance=Evidence.Stance.CONTRADICTS, added_by=editor
    )

    # Reference 3 now names another work: the sentence is the same, its cited source is not.
    changed = replace_once(
        data,
        "State Department ‘skeptical’ that U.S. weapons used in alleged Belgorod uprising",
        "State Department doubts that U.S. weapons were used in Belgorod",
    )
    outcome = article_import_file(file_name=FILE_NAME, data=changed)

    assert outcome.status == "updated", outcome.error
    assert outcome.counts["claims_unchanged"] == Claim.objects.count()
    assert outcome.counts["sources_created"] == 1
    new_source = Source.objects.get(
        title="State Department doubts that U.S. weapons were used in Belgorod"
    )
    claim.refresh_from_db()
    assert not Evidence.objects.filter(pk=importer_cited.pk).exists()
    assert set(claim.evidence.values_list("pk", "source", "stance", "added_by")) == {
        (editor_cited.pk, guardian.pk, Evidence.Stance.CITED, editor.pk),
        (editor_contradicts.pk, the_hill.pk, Evidence.Stance.CONTRADICTS, editor.pk),
        (claim.evidence.get(source=new_source).pk, new_source.pk, Evidence.Stance.CITED, None),
    }
    # Both sentences citing [3] moved to the new source.
    assert outcome.counts["evidence_removed"] == outcome.counts["evidence_created"] == 2
    assert Evidence.history.get(id=importer_cited.pk, history_type="-").history_change_reason == (
        f"import {FILE_NAME}"
    )
    # The old work stays in the catalogue: other articles or editors may rely on it.
    assert Source.objects.filter(pk=the_hill.pk).exists()
