"""The demo review of the seeds: the product's point, shown on the seed articles."""

import json
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q

from articles.models import Article
from claims.links import claim_links
from claims.models import Claim, Evidence
from claims.services import claim_set_verdict
from tests.factories import EditorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds_imported(seed_paths) -> None:
    call_command("import_articles", *map(str, seed_paths.values()), stdout=None)


def claim_containing(text: str) -> Claim:
    return Claim.objects.get(text__contains=text)


def test_the_seeds_disagreements_are_contested_with_contradicting_evidence(
    seeds_imported,
) -> None:
    call_command("load_demo_reviews", stdout=None)

    # Each sentence, and the article that disagrees with it: as a work another seed cites,
    # or as the article itself, which we hold.
    disagreements = {
        # attacker casualties
        "over 70 attackers were killed": "002_c2c4f3a961daad98.txt",
        "only two fighters had been injured": "000_09d18a1f87d1f789.txt",
        # the groups' ties to Ukraine's government
        "are controlled by Ukrainian intelligence": "000_09d18a1f87d1f789.txt",
        "not formally linked to the Ukrainian government": "002_c2c4f3a961daad98.txt",
        "no formal connection to the Ukrainian government": "002_c2c4f3a961daad98.txt",
    }
    for sentence, contradicting_article in disagreements.items():
        claim = claim_containing(sentence)
        assert claim.status == Claim.Status.CONTESTED, sentence
        assert len(claim.reason) > 40, sentence
        assert claim.reviewed_by.username == "demo-desk"
        assert claim.reviewed_at is not None
        contradicting = claim.evidence.filter(stance=Evidence.Stance.CONTRADICTS)
        assert contradicting.exists(), sentence
        assert contradicting.filter(
            Q(source__references__article__source_file_name=contradicting_article)
            | Q(source__linked_article__source_file_name=contradicting_article)
        ).exists(), sentence


def test_the_demo_reads_as_an_editor_wrote_it_with_no_file_codes(seeds_imported) -> None:
    call_command("load_demo_reviews", stdout=None)

    reviewer = get_user_model().objects.get(username="demo-desk")
    assert reviewer.get_full_name() == "Hannah Berger"
    for claim in Claim.objects.reviewed():
        assert not re.search(r"\b0\d\d\b", claim.reason), claim.reason
    for record in Claim.history.all():
        assert not re.search(r"\b0\d\d\b", record.reason), record.reason


def test_every_demo_quote_is_in_the_text_of_its_source(seeds_imported) -> None:
    call_command("load_demo_reviews", stdout=None)

    quoted = Evidence.objects.exclude(quote="").select_related("source__linked_article")
    assert quoted.count() >= 10
    for evidence in quoted:
        # Only a source whose text we hold can be quoted: the quote is then checkable.
        assert evidence.source.linked_article is not None, evidence.quote
        body = " ".join(evidence.source.linked_article.body.split())
        assert " ".join(evidence.quote.split()) in body, evidence.quote
        # And never the source's own title passed off as a quotation.
        assert evidence.quote != evidence.source.title


def test_a_quote_that_is_not_in_the_source_is_refused(seeds_imported, tmp_path) -> None:
    reviews = tmp_path / "reviews.json"
    reviews.write_text(
        json.dumps(
            {
                "reviews": [
                    {
                        "article": "000_09d18a1f87d1f789.txt",
                        "sentence": "over 70 attackers were killed",
                        "status": "contested",
                        "reason": "A reason.",
                        "evidence": [
                            {
                                "article": "000_09d18a1f87d1f789.txt",
                                "reference": "2",
                                "stance": "contradicts",
                                "quote": "Words The Economist never printed.",
                            }
                        ],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match=r"review 1: .*is not in Who are the militias"):
        call_command("load_demo_reviews", str(reviews), stdout=None)
    assert not Claim.objects.reviewed().exists()


def test_a_quote_from_a_source_whose_text_we_do_not_hold_is_refused(
    seeds_imported, tmp_path
) -> None:
    reviews = tmp_path / "reviews.json"
    reviews.write_text(
        json.dumps(
            {
                "reviews": [
                    {
                        "article": "002_c2c4f3a961daad98.txt",
                        "sentence": "only two fighters had been injured",
                        "status": "contested",
                        "reason": "A reason.",
                        "evidence": [
                            {
                                "article": "002_c2c4f3a961daad98.txt",
                                "reference": "reuters|2023",
                                "stance": "supports",
                                "quote": "only two fighters had been injured",
                            }
                        ],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match="we do not hold the text"):
        call_command("load_demo_reviews", str(reviews), stdout=None)


def test_the_demo_includes_a_correction_on_the_public_record(seeds_imported) -> None:
    call_command("load_demo_reviews", stdout=None)

    claim = claim_containing("no casualties among the civilian population")
    assert claim.status == Claim.Status.UNVERIFIABLE
    assert claim.reason.startswith("Corrected:")
    statuses = list(claim.history.order_by("history_id").values_list("status", flat=True))
    assert statuses == ["unreviewed", "contested", "unverifiable"]


def test_the_economist_evidence_points_at_the_imported_article(seeds_imported) -> None:
    call_command("load_demo_reviews", stdout=None)

    evidence = claim_containing("co-ordinate their activities with Ukraine").evidence.get(
        stance=Evidence.Stance.SUPPORTS
    )
    assert evidence.source.linked_article == Article.objects.get(
        source_file_name="004_3263043cf6c7fdd3.txt"
    )


def test_each_verdict_is_on_record_with_its_reviewer(seeds_imported) -> None:
    call_command("load_demo_reviews", stdout=None)

    claim = claim_containing("over 70 attackers were killed")
    latest = claim.history.first()
    assert latest.status == Claim.Status.CONTESTED
    assert latest.history_user.username == "demo-desk"
    links = {link.label_from(claim): link.other_end(claim) for link in claim_links(claim)}
    assert set(links) == {"Contradicts", "Elaborates on"}
    assert "only two fighters had been injured" in links["Contradicts"].text
    assert all(link.linked_by.username == "demo-desk" for link in claim_links(claim))


def test_loading_twice_changes_nothing(seeds_imported) -> None:
    call_command("load_demo_reviews", stdout=None)
    counts = (Claim.history.count(), Evidence.objects.count(), Evidence.history.count())

    call_command("load_demo_reviews", stdout=None)

    assert (Claim.history.count(), Evidence.objects.count(), Evidence.history.count()) == counts


def test_it_names_the_review_whose_sentence_is_missing(seed_paths, tmp_path) -> None:
    call_command("import_articles", str(seed_paths["000"]), stdout=None)
    reviews = tmp_path / "reviews.json"
    reviews.write_text(
        '{"reviews": [{"article": "000_09d18a1f87d1f789.txt", "sentence": "no such words",'
        ' "status": "contested", "reason": "A reason."}]}',
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match=r"review 1: no sentence .* contains 'no such words'"):
        call_command("load_demo_reviews", str(reviews), stdout=None)
    assert not Claim.objects.reviewed().exists()


def test_a_second_run_leaves_an_editors_later_work_alone(seeds_imported) -> None:
    call_command("load_demo_reviews", stdout=None)
    editor = EditorFactory()
    claim = claim_containing("over 70 attackers were killed")
    claim_set_verdict(claim=claim, status="supported", reason="New evidence.", user=editor)
    claim.evidence.filter(stance=Evidence.Stance.CONTRADICTS).delete()

    output = StringIO()
    call_command("load_demo_reviews", stdout=output)

    claim.refresh_from_db()
    assert (claim.status, claim.reason, claim.reviewed_by) == ("supported", "New evidence.", editor)
    assert not claim.evidence.filter(stance=Evidence.Stance.CONTRADICTS).exists()
    assert "0 applied, 13 applied before" in output.getvalue()


def test_it_never_overwrites_a_claim_an_editor_reviewed_first(seeds_imported) -> None:
    editor = EditorFactory()
    claim = claim_containing("over 70 attackers were killed")
    claim_set_verdict(claim=claim, status="supported", reason="Checked first.", user=editor)

    output = StringIO()
    call_command("load_demo_reviews", stdout=output)

    claim.refresh_from_db()
    assert (claim.status, claim.reviewed_by) == ("supported", editor)
    assert not claim.evidence.filter(added_by__username="demo-desk").exists()
    assert "12 applied" in output.getvalue()
    assert "1 left alone because an editor has reviewed the claim" in output.getvalue()
