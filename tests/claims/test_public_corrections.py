"""The corrections log: every change to a published verdict, newest first, with its reason."""

import re

import pytest

from claims.models import Claim
from claims.services import claim_set_verdict
from claims.views import CORRECTIONS_PAGE_SIZE
from tests.factories import ClaimFactory, EditorFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return EditorFactory(username="login9", first_name="Ada", last_name="Lovelace")


def entries(page: str) -> list[str]:
    log = page.split('<ol class="card-list corrections-list">')[1].split("</ol>")[0]
    return re.findall(r"<li>(.*?)</li>", log, re.S)


def test_a_first_verdict_is_publication_not_a_correction(public_client, editor):
    claim_set_verdict(claim=ClaimFactory(), status="supported", reason="Fine.", user=editor)

    page = page_text(public_client, "/corrections/")

    assert "No published verdict has been changed yet." in page


def test_every_kind_of_change_after_publication_is_listed_newest_first_with_its_reason(
    public_client, editor
):
    claim = ClaimFactory(text="Wages rose by 3%.")
    claim_set_verdict(claim=claim, status="contested", reason="Sources disagree.", user=editor)
    claim_set_verdict(claim=claim, status="false", reason="The final figure is 1%.", user=editor)
    claim_set_verdict(claim=claim, status="false", reason="The final figure is 1.1%.", user=editor)
    claim_set_verdict(claim=claim, status="unreviewed", reason="A new report is due.", user=editor)
    claim_set_verdict(claim=claim, status="supported", reason="The report says 3%.", user=editor)
    # Saving without a change of verdict or reason is no correction.
    claim.save()

    page = page_text(public_client, "/corrections/")

    found = entries(page)
    assert len(found) == 4
    expected = [
        ("Verdict given again", "unreviewed", "supported", "The report says 3%."),
        ("Verdict withdrawn", "false", "unreviewed", "A new report is due."),
        ("Reason rewritten", "false", "false", "The final figure is 1.1%."),
        ("Verdict changed", "contested", "false", "The final figure is 1%."),
    ]
    for entry, (kind, old, new, reason) in zip(found, expected, strict=True):
        assert f"{kind}:" in entry
        assert re.search(rf'verdict-{old}">.*?</span> → <span class="verdict verdict-{new}"', entry)
        assert f"<strong>Why:</strong> {reason}" in entry
        assert f'<a href="/claims/{claim.pk}/">“Wages rose by 3%.”</a>' in entry
        assert "by Ada Lovelace" in entry
    assert "login9" not in page


def test_a_long_withdrawal_reason_is_shown_whole(public_client, editor):
    claim = ClaimFactory()
    claim_set_verdict(claim=claim, status="false", reason="Wrong.", user=editor)
    claim_set_verdict(claim=claim, status="unreviewed", reason="why " * 300, user=editor)

    [entry] = entries(page_text(public_client, "/corrections/"))

    assert ("why " * 300).strip() in " ".join(entry.split())
    assert "(shortened in our records)" not in entry


def test_a_withdrawal_reason_cut_short_before_reasons_were_kept_whole_says_so(
    public_client, editor
):
    claim = ClaimFactory()
    claim_set_verdict(claim=claim, status="false", reason="Wrong.", user=editor)
    claim_set_verdict(claim=claim, status="unreviewed", reason="x" * 300, user=editor)
    # As the history stored it while its change reason was a 100-character column.
    claim.history.filter(status="unreviewed").update(
        history_change_reason="Unreviewed: " + "x" * 87 + "…"
    )

    [entry] = entries(page_text(public_client, "/corrections/"))

    assert "(shortened in our records)" in entry


def test_a_correction_to_a_claim_since_removed_is_still_listed_without_a_link(
    public_client, editor
):
    claim = ClaimFactory(text="Gone since.")
    claim_set_verdict(claim=claim, status="false", reason="Wrong.", user=editor)
    claim_set_verdict(claim=claim, status="supported", reason="Right after all.", user=editor)
    claim_id = claim.pk
    Claim.objects.filter(pk=claim_id).delete()

    [entry] = entries(page_text(public_client, "/corrections/"))

    assert "“Gone since.”" in entry
    assert f"/claims/{claim_id}/" not in entry
    assert "no longer in our records" in entry


def corrected_claims(count: int, editor) -> None:
    for number in range(count):
        claim = ClaimFactory(text=f"Claim {number}.")
        claim_set_verdict(claim=claim, status="false", reason="Wrong.", user=editor)
        claim_set_verdict(claim=claim, status="contested", reason="Disputed.", user=editor)


def test_the_log_pages_through_older_corrections(public_client, editor):
    corrected_claims(CORRECTIONS_PAGE_SIZE + 5, editor)

    first = page_text(public_client, "/corrections/")
    link = re.search(r'<a href="(\?older_than=\d+)" rel="next">', first).group(1)
    second = page_text(public_client, f"/corrections/{link}")

    assert len(entries(first)) == CORRECTIONS_PAGE_SIZE
    assert len(entries(second)) == 5
    assert 'rel="next"' not in second
    listed = re.findall(r"“(Claim \d+\.)”", first + second)
    assert sorted(listed) == sorted(f"Claim {n}." for n in range(CORRECTIONS_PAGE_SIZE + 5))


@pytest.mark.parametrize("cursor", ["abc", "-1", "9" * 30])
def test_a_damaged_page_link_shows_the_newest_corrections(public_client, editor, cursor):
    corrected_claims(1, editor)

    page = page_text(public_client, f"/corrections/?older_than={cursor}")

    assert "That page link is damaged" in page
    assert len(entries(page)) == 1


@pytest.mark.parametrize("rows", [3, 30])
def test_the_log_takes_one_query_however_many_corrections(
    public_client, django_assert_num_queries, editor, rows
):
    corrected_claims(rows, editor)

    # The corrections with their previous verdicts, editors, articles and marker labels.
    with django_assert_num_queries(1):
        page = page_text(public_client, "/corrections/")

    assert len(entries(page)) == min(rows, CORRECTIONS_PAGE_SIZE)
