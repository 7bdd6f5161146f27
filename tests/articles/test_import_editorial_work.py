# ruff: noqa: RUF001 -- curly quotes are the data.
"""A re-import never loses editorial work silently, and makes every open review form stale."""

from pathlib import Path

import pytest
from django.utils import timezone

from articles.importer import article_import_file
from claims.models import Claim, ClaimLink, Evidence
from claims.services import ClaimChanged, claim_set_verdict
from tests.articles.reimport import give_verdict, replace_once
from tests.factories import EditorFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db

FILE_NAME = "000_09d18a1f87d1f789.txt"


def versions() -> dict[int, int]:
    return dict(Claim.objects.values_list("pk", "version"))


def test_every_claim_a_reimport_changes_gets_a_new_version_the_others_keep_theirs(
    seed_paths: dict[str, Path],
) -> None:
    data = seed_paths["000"].read_bytes()
    article_import_file(file_name=FILE_NAME, data=data)
    claims = list(Claim.objects.order_by("ordinal"))
    edited = claims[5]
    before = versions()

    changed = replace_once(data, edited.text[:40], "In an edited version, " + edited.text[:40])
    outcome = article_import_file(file_name=FILE_NAME, data=changed)

    assert outcome.status == "updated", outcome.error
    after = versions()
    # Before the edit nothing moved; the edited claim and every claim after it moved.
    assert [after[claim.pk] - before[claim.pk] for claim in claims] == [0] * 5 + [1] * (
        len(claims) - 5
    )


def test_a_review_form_opened_before_a_reimport_is_refused_as_stale(
    seed_paths: dict[str, Path],
) -> None:
    data = seed_paths["000"].read_bytes()
    article_import_file(file_name=FILE_NAME, data=data)
    editor = EditorFactory()
    edited = Claim.objects.get(ordinal=5)
    loaded_version = edited.version

    changed = replace_once(data, edited.text[:40], "In an edited version, " + edited.text[:40])
    article_import_file(file_name=FILE_NAME, data=changed)

    with pytest.raises(ClaimChanged):
        claim_set_verdict(
            claim=edited,
            status=Claim.Status.SUPPORTED,
            reason="Checked against the ministry's figures.",
            user=editor,
            expected_version=loaded_version,
        )
    edited.refresh_from_db()
    assert edited.status == Claim.Status.UNREVIEWED


def test_a_claim_whose_cited_source_changes_gets_a_new_version(
    seed_paths: dict[str, Path],
) -> None:
    data = seed_paths["000"].read_bytes()
    article_import_file(file_name=FILE_NAME, data=data)
    citing = set(
        Claim.objects.filter(text__contains="[3]").values_list("pk", flat=True)
    )  # the sentences citing reference 3
    before = versions()

    changed = replace_once(
        data,
        "State Department ‘skeptical’ that U.S. weapons used in alleged Belgorod uprising",
        "State Department doubts that U.S. weapons were used in Belgorod",
    )
    outcome = article_import_file(file_name=FILE_NAME, data=changed)

    assert outcome.status == "updated", outcome.error
    after = versions()
    assert citing
    assert {pk for pk in after if after[pk] != before[pk]} == citing


def test_a_carried_verdict_is_reported_and_a_withdrawal_keeps_evidence_links_and_history(
    seed_paths: dict[str, Path],
) -> None:
    data = seed_paths["000"].read_bytes()
    article_import_file(file_name=FILE_NAME, data=data)
    editor = EditorFactory()
    edited, gone, other = (Claim.objects.get(ordinal=ordinal) for ordinal in (5, 8, 2))
    give_verdict(edited, editor, status=Claim.Status.SUPPORTED)
    give_verdict(gone, editor, status=Claim.Status.FALSE)
    evidence = EvidenceFactory(claim=gone, source=SourceFactory(), added_by=editor)
    link = ClaimLink.objects.create(
        from_claim=other,
        to_claim=gone,
        kind=ClaimLink.Kind.values[0],
        linked_by=editor,
        linked_at=timezone.now(),
    )
    gone_version = Claim.objects.get(pk=gone.pk).version
    history_before = Claim.history.filter(id=gone.pk).count()

    changed = replace_once(data, edited.text[:40], "In an edited version, " + edited.text[:40])
    changed = replace_once(changed, gone.text, "")
    outcome = article_import_file(file_name=FILE_NAME, data=changed, force=True)

    assert outcome.status == "updated", outcome.error
    assert outcome.changes == [
        f"sentence 6 was edited (now sentence 6); its claim keeps its verdict “Supported”: "
        f"“{edited.text[:79]}…” → “In an edited version, {edited.text[:57]}…”"
    ]
    withdrawn_lines = [line for line in outcome.warnings if "withdrawn" in line]
    assert len(withdrawn_lines) == 1
    assert "“False”" in withdrawn_lines[0] and "1 piece of evidence" in withdrawn_lines[0]
    assert "its links to other claims" in withdrawn_lines[0]
    gone.refresh_from_db()
    assert gone.withdrawn_at is not None and gone.status == Claim.Status.FALSE
    assert gone.version == gone_version + 1
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert ClaimLink.objects.filter(pk=link.pk).exists()
    assert Claim.history.filter(id=gone.pk).count() == history_before + 1
