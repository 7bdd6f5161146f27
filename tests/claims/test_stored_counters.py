"""The stored counters (claims 0011_stored_counters) stay exact under every write path.

Each test writes the way the application does — evidence added and removed, verdicts given
one by one and in bulk, imports and re-imports, publication changes, deletes, a stale save()
— and then compares every stored counter with a count of the rows themselves.
"""

from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.importer import article_import_file
from articles.models import Article
from articles.publication import articles_set_publication
from claims.counters import counted_verdicts
from claims.coverage import COVERAGE_COLUMNS
from claims.evidence import evidence_add, evidence_remove
from claims.models import (
    COUNTED_STATUSES,
    ArticleClaimCounts,
    ArticleCoverageCounts,
    Claim,
    Evidence,
    OutletCitationCounts,
)
from claims.services import claim_set_verdict, claims_set_verdict
from sources.models import Outlet, Source
from sources.views import outlet_verdict_record, outlet_with_counts
from tests.factories import (
    ArticleFactory,
    ChiefEditorFactory,
    ClaimFactory,
    EditorFactory,
    EvidenceFactory,
    OutletFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

SEED_FILE = "000_09d18a1f87d1f789.txt"
SEED = "000"


def expected_article_counts() -> dict[int, dict[str, int]]:
    """Every article's counters as counted from the claims themselves."""
    expected: dict[int, Counter] = {}
    for claim in Claim.objects.only("article_id", "status", "withdrawn_at", "evidence_count"):
        counts = expected.setdefault(claim.article_id, Counter())
        counts[f"claims_{claim.status}"] += 1
        if claim.evidence_count:
            counts[f"evidenced_{claim.status}"] += 1
        if claim.withdrawn_at is not None:
            counts["withdrawn"] += 1
            counts["withdrawn_contested"] += claim.status == Claim.Status.CONTESTED
    columns = counter_columns()
    return {
        article_id: {column: counts[column] for column in columns}
        for article_id, counts in expected.items()
    }


def counter_columns() -> list[str]:
    return [
        *(f"claims_{status}" for status in COUNTED_STATUSES),
        *(f"evidenced_{status}" for status in COUNTED_STATUSES),
        "withdrawn",
        "withdrawn_contested",
    ]


def assert_counters_exact() -> None:
    for claim in Claim.objects.all():
        assert claim.evidence_count == Evidence.objects.filter(claim=claim).count(), claim.pk
    stored = {
        row["article_id"]: {column: row[column] for column in counter_columns()}
        for row in ArticleClaimCounts.objects.values()
    }
    expected = expected_article_counts()
    # Articles whose claims are all gone may keep a row of zeros; no other difference.
    zeros = dict.fromkeys(counter_columns(), 0)
    for article_id in set(stored) | set(expected):
        assert stored.get(article_id, zeros) == expected.get(article_id, zeros), article_id
    assert set(stored) <= set(Article.objects.values_list("pk", flat=True))
    assert_outlet_counters_exact()


def expected_coverage() -> dict[int, dict[str, int]]:
    """Every article's coverage counters as counted from its current claims."""
    cited = set(Evidence.objects.filter(stance="cited").values_list("claim_id", flat=True))
    expected = {
        article_id: dict.fromkeys(COVERAGE_COLUMNS, 0)
        for article_id in Article.objects.values_list("pk", flat=True)
    }
    for claim in Claim.objects.current().only("article_id", "status", "checkworthy"):
        counts = expected[claim.article_id]
        counts["sentences"] += 1
        counts["reviewed"] += claim.status != Claim.Status.UNREVIEWED
        counts["checked"] += claim.checkworthy is not None
        counts["checkworthy"] += bool(claim.checkworthy)
        counts["checkworthy_cited"] += bool(claim.checkworthy) and claim.pk in cited
    return expected


def expected_citations() -> dict[tuple[int, int], dict[str, int]]:
    """Per (outlet, article), the claims citing the outlet's work per verdict, from the rows."""
    citing = set(
        Evidence.objects.filter(source__outlet__isnull=False).values_list(
            "source__outlet_id", "claim_id", "claim__article_id", "claim__status"
        )
    )
    expected: dict[tuple[int, int], Counter] = {}
    for outlet_id, _claim_id, article_id, status in citing:
        expected.setdefault((outlet_id, article_id), Counter())[f"claims_{status}"] += 1
    columns = [f"claims_{status}" for status in COUNTED_STATUSES]
    return {key: {column: counts[column] for column in columns} for key, counts in expected.items()}


def assert_outlet_counters_exact() -> None:
    """The outlet page's counters (claims 0015_outlet_counters) against the rows."""
    stored_coverage = {
        row["article_id"]: {column: row[column] for column in COVERAGE_COLUMNS}
        for row in ArticleCoverageCounts.objects.values()
    }
    assert stored_coverage == expected_coverage()
    columns = [f"claims_{status}" for status in COUNTED_STATUSES]
    stored_citations = {
        (row["outlet_id"], row["article_id"]): {column: row[column] for column in columns}
        for row in OutletCitationCounts.objects.values()
    }
    assert stored_citations == expected_citations()


@pytest.fixture
def editor_user() -> AbstractBaseUser:
    return EditorFactory()


def test_a_new_claim_is_counted_under_its_article() -> None:
    claim = ClaimFactory()
    ClaimFactory(article=claim.article, status=Claim.Status.UNREVIEWED)
    counts = ArticleClaimCounts.objects.get(article=claim.article)
    assert counts.claims_unreviewed == 2
    assert counts.current_claims == 2
    assert_counters_exact()


def test_evidence_added_and_removed_moves_the_count(editor_user: AbstractBaseUser) -> None:
    claim = ClaimFactory()
    first = evidence_add(
        claim=claim, source=SourceFactory(), stance="supports", quote="", user=editor_user
    )
    evidence_add(
        claim=claim, source=SourceFactory(), stance="contradicts", quote="", user=editor_user
    )
    claim.refresh_from_db()
    assert claim.evidence_count == 2
    assert ArticleClaimCounts.objects.get(article=claim.article).evidenced_unreviewed == 1
    evidence_remove(evidence=first, user=editor_user)
    claim.refresh_from_db()
    assert claim.evidence_count == 1
    assert_counters_exact()


def test_removing_the_last_evidence_leaves_the_claim_without() -> None:
    evidence = EvidenceFactory()
    evidence.delete()
    assert ArticleClaimCounts.objects.get(article=evidence.claim.article).evidenced_unreviewed == 0
    assert_counters_exact()


def test_a_stale_save_cannot_overwrite_the_evidence_count() -> None:
    claim = ClaimFactory()
    stale = Claim.objects.get(pk=claim.pk)
    EvidenceFactory(claim=claim)
    EvidenceFactory(claim=claim)
    # The stale object still holds 0 and saves every field.
    stale.reason = "Edited on a page loaded before the evidence."
    stale.save()
    claim.refresh_from_db()
    assert claim.evidence_count == 2
    assert claim.reason == "Edited on a page loaded before the evidence."
    # A direct UPDATE from outside the triggers is refused just the same.
    Claim.objects.filter(pk=claim.pk).update(evidence_count=40)
    claim.refresh_from_db()
    assert claim.evidence_count == 2
    assert_counters_exact()


def test_evidence_moved_to_another_claim_moves_its_count() -> None:
    evidence = EvidenceFactory()
    other = ClaimFactory()
    Evidence.objects.filter(pk=evidence.pk).update(claim=other)
    other.refresh_from_db()
    assert other.evidence_count == 1
    assert_counters_exact()


def test_verdicts_one_by_one_and_in_bulk_move_the_verdict_counts(
    editor_user: AbstractBaseUser,
) -> None:
    article = ArticleFactory()
    claims = [ClaimFactory(article=article) for _ in range(4)]
    EvidenceFactory(claim=claims[0])
    claim_set_verdict(claim=claims[0], status="false", reason="Wrong.", user=editor_user)
    counts = ArticleClaimCounts.objects.get(article=article)
    assert (counts.claims_false, counts.evidenced_false, counts.claims_unreviewed) == (1, 1, 3)
    claims_set_verdict(
        claims=Claim.objects.filter(pk__in=[claim.pk for claim in claims[1:]]),
        status="contested",
        reason="Disputed.",
        user=editor_user,
    )
    counts.refresh_from_db()
    assert (counts.claims_contested, counts.claims_unreviewed) == (3, 0)
    assert counts.current_contested == 3
    claim_set_verdict(claim=claims[1], status="unreviewed", reason="", user=editor_user)
    counts.refresh_from_db()
    assert (counts.claims_contested, counts.claims_unreviewed) == (2, 1)
    assert_counters_exact()


def test_import_and_re_import_keep_the_counters_exact(
    seed_paths: dict[str, Path], editor_user: AbstractBaseUser
) -> None:
    data = seed_paths[SEED].read_bytes()
    outcome = article_import_file(file_name=SEED_FILE, data=data)
    assert outcome.status in ("created", "updated"), outcome
    article = Article.objects.get()
    assert_counters_exact()
    counts = ArticleClaimCounts.objects.get(article=article)
    assert counts.current_claims == article.claims.count()
    assert counts.evidenced_unreviewed == article.claims.filter(evidence_count__gt=0).count() > 0

    # A verdict, then a re-import that drops the reviewed sentence: it is withdrawn, kept
    # with its verdict and counted as withdrawn.
    claim = article.claims.order_by("ordinal").last()
    claim_set_verdict(claim=claim, status="contested", reason="Disputed.", user=editor_user)
    changed = data.replace(claim.text.encode(), b"", 1)
    assert changed != data
    outcome = article_import_file(file_name=SEED_FILE, data=changed, force=True)
    assert outcome.status == "updated", outcome
    assert_counters_exact()
    claim.refresh_from_db()
    counts.refresh_from_db()
    if claim.withdrawn_at is not None:
        assert counts.withdrawn_contested == 1
    assert counts.current_claims == article.claims.current().count()


def test_a_claim_inserted_with_a_wrong_evidence_count_is_corrected_by_the_database() -> None:
    # Evidence may come first (foreign keys are checked at commit), and a client may send any
    # count: the INSERT statement's check (claims 0015) stores the true one either way.
    article = ArticleFactory()
    source = SourceFactory()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('claims_claim', 'id'))")
        cited_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO claims_evidence (claim_id, source_id, stance, quote, added_at) "
            "VALUES (%s, %s, 'cited', '', now())",
            [cited_id, source.pk],
        )
        cursor.execute(
            'INSERT INTO claims_claim (id, article_id, ordinal, text, start, "end", paragraph, '
            "status, reason, search_config, checkworthy_reasons, version, evidence_count) "
            "VALUES (%s, %s, 0, 'Cited.', 0, 6, 0, 'unreviewed', '', 'simple', '{}', 0, 0), "
            "(DEFAULT, %s, 1, 'Not cited.', 7, 17, 0, 'unreviewed', '', 'simple', '{}', 0, 3), "
            "(DEFAULT, %s, 2, 'Sent right.', 18, 29, 0, 'unreviewed', '', 'simple', '{}', 0, 0)",
            [cited_id, article.pk, article.pk, article.pk],
        )
    counts = dict(Claim.objects.values_list("text", "evidence_count"))
    assert counts == {"Cited.": 1, "Not cited.": 0, "Sent right.": 0}
    assert ArticleClaimCounts.objects.get(article=article).evidenced_unreviewed == 1
    assert_counters_exact()


def test_publication_changes_the_counts_readers_see_not_the_counters() -> None:
    claim = ClaimFactory(status="supported", reason="Backed.", reviewed_at="2024-01-01T00:00Z")
    ClaimFactory(article=claim.article)
    assert counted_verdicts().by_status["supported"] == 1
    chief = ChiefEditorFactory()
    articles_set_publication(
        articles=Article.objects.filter(pk=claim.article_id), publication="unpublished", user=chief
    )
    assert counted_verdicts().total == 0
    articles_set_publication(
        articles=Article.objects.filter(pk=claim.article_id), publication="published", user=chief
    )
    assert counted_verdicts().total == 2
    assert_counters_exact()


def test_deleting_claims_and_articles_removes_their_counts() -> None:
    evidence = EvidenceFactory()
    article = evidence.claim.article
    ClaimFactory(article=article)
    evidence.claim.delete()
    assert ArticleClaimCounts.objects.get(article=article).claims_unreviewed == 1
    assert_counters_exact()
    article.delete()
    assert not ArticleClaimCounts.objects.filter(article_id=article.pk).exists()
    assert_counters_exact()


def test_the_admin_bulk_verdict_and_delete_keep_them_exact(admin_client: Client) -> None:
    claims = [ClaimFactory() for _ in range(3)]
    EvidenceFactory(claim=claims[0])
    response = admin_client.post(
        reverse("admin:claims_claim_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [claims[0].pk],
            "post": "yes",
        },
    )
    assert response.status_code in (200, 302)
    assert_counters_exact()


def test_the_rebuild_function_recomputes_everything() -> None:
    claims = [ClaimFactory() for _ in range(3)]
    EvidenceFactory(claim=claims[0])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_articleclaimcounts SET claims_unreviewed = 99")
        cursor.execute("SELECT claims_counters_rebuild()")
    assert_counters_exact()


# The outlet page's counters (claims 0015_outlet_counters) ---------------------------------


def citing_counts(outlet: Outlet) -> dict[str, int]:
    totals: Counter = Counter()
    for row in OutletCitationCounts.objects.filter(outlet=outlet).values():
        for status in COUNTED_STATUSES:
            totals[status] += row[f"claims_{status}"]
    return {status: count for status, count in totals.items() if count}


def test_a_claim_citing_two_works_of_an_outlet_counts_once(editor_user: AbstractBaseUser) -> None:
    outlet = OutletFactory()
    claim = ClaimFactory()
    first = evidence_add(
        claim=claim, source=SourceFactory(outlet=outlet), stance="cited", quote="", user=editor_user
    )
    second = evidence_add(
        claim=claim,
        source=SourceFactory(outlet=outlet),
        stance="supports",
        quote="",
        user=editor_user,
    )
    assert citing_counts(outlet) == {"unreviewed": 1}
    assert_counters_exact()
    evidence_remove(evidence=first, user=editor_user)
    assert citing_counts(outlet) == {"unreviewed": 1}
    evidence_remove(evidence=second, user=editor_user)
    assert citing_counts(outlet) == {}
    assert_counters_exact()


def test_a_verdict_moves_the_citing_count_and_the_coverage(editor_user: AbstractBaseUser) -> None:
    outlet = OutletFactory()
    article = ArticleFactory(outlet=outlet)
    claims = [ClaimFactory(article=article, checkworthy=True) for _ in range(3)]
    EvidenceFactory(claim=claims[0], source=SourceFactory(outlet=outlet), stance="cited")
    coverage = ArticleCoverageCounts.objects.get(article=article)
    assert (coverage.sentences, coverage.checkworthy, coverage.checkworthy_cited) == (3, 3, 1)
    claim_set_verdict(claim=claims[0], status="false", reason="Wrong.", user=editor_user)
    claims_set_verdict(
        claims=Claim.objects.filter(pk__in=[claims[1].pk, claims[2].pk]),
        status="supported",
        reason="Backed.",
        user=editor_user,
    )
    assert citing_counts(outlet) == {"false": 1}
    coverage.refresh_from_db()
    assert coverage.reviewed == 3
    assert_counters_exact()


def test_evidence_changing_stance_or_claim_moves_the_coverage() -> None:
    claim = ClaimFactory(checkworthy=True)
    evidence = EvidenceFactory(claim=claim, stance="supports")
    assert ArticleCoverageCounts.objects.get(article=claim.article).checkworthy_cited == 0
    Evidence.objects.filter(pk=evidence.pk).update(stance="cited")
    assert ArticleCoverageCounts.objects.get(article=claim.article).checkworthy_cited == 1
    other = ClaimFactory(checkworthy=True)
    Evidence.objects.filter(pk=evidence.pk).update(claim=other)
    assert ArticleCoverageCounts.objects.get(article=claim.article).checkworthy_cited == 0
    assert ArticleCoverageCounts.objects.get(article=other.article).checkworthy_cited == 1
    assert_counters_exact()


def test_a_source_given_another_outlet_moves_its_citing_claims() -> None:
    first, second = OutletFactory(), OutletFactory()
    source = SourceFactory(outlet=first)
    EvidenceFactory(source=source)
    EvidenceFactory(source=source)
    assert citing_counts(first) == {"unreviewed": 2}
    Source.objects.filter(pk=source.pk).update(outlet=second)
    assert (citing_counts(first), citing_counts(second)) == ({}, {"unreviewed": 2})
    Source.objects.filter(pk=source.pk).update(outlet=None)
    assert citing_counts(second) == {}
    assert_counters_exact()


def test_the_check_worthiness_rules_and_withdrawals_move_the_coverage() -> None:
    article = ArticleFactory()
    claims = [ClaimFactory(article=article) for _ in range(2)]
    Claim.objects.filter(pk=claims[0].pk).update(checkworthy=True)
    Claim.objects.filter(pk=claims[1].pk).update(checkworthy=False)
    coverage = ArticleCoverageCounts.objects.get(article=article)
    assert (coverage.sentences, coverage.checked, coverage.checkworthy) == (2, 2, 1)
    Claim.objects.filter(pk=claims[0].pk).update(withdrawn_at=timezone.now())
    coverage.refresh_from_db()
    assert (coverage.sentences, coverage.checked, coverage.checkworthy) == (1, 1, 0)
    assert_counters_exact()


def test_rows_written_before_their_claim_and_source_are_counted_when_they_arrive() -> None:
    # Foreign keys are checked at commit: the corpus builder's COPY may write evidence before
    # the claim and the source it points at.
    article = ArticleFactory()
    outlet = OutletFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO claims_evidence (id, claim_id, source_id, stance, quote, added_at) "
            "VALUES (900001, 900002, 900003, 'cited', '', now())"
        )
        cursor.execute(
            'INSERT INTO claims_claim (id, article_id, ordinal, text, start, "end", paragraph, '
            "status, reason, search_config, checkworthy, checkworthy_reasons) VALUES "
            "(900002, %s, 0, 'A sentence.', 0, 11, 0, 'unreviewed', '', 'simple', true, '{}')",
            [article.pk],
        )
        cursor.execute(
            "INSERT INTO sources_source (id, title, outlet_id, authors, url, in_bibliography, "
            "fingerprint, created_at) VALUES (900003, 'A work', %s, '{}', '', true, 'a work|x', "
            "now())",
            [outlet.pk],
        )
    assert citing_counts(outlet) == {"unreviewed": 1}
    assert ArticleCoverageCounts.objects.get(article=article).checkworthy_cited == 1
    assert_counters_exact()


def test_publication_changes_what_the_outlet_page_counts_not_the_counters(client) -> None:
    outlet = OutletFactory()
    article = ArticleFactory(outlet=outlet)
    claim = ClaimFactory(
        article=article, status="supported", reason="Backed.", reviewed_at="2024-01-01T00:00Z"
    )
    EvidenceFactory(claim=claim, source=SourceFactory(outlet=outlet))
    before = dict(
        OutletCitationCounts.objects.filter(outlet=outlet).values_list(
            "article_id", "claims_supported"
        )
    )
    assert "Citing its work" in client.get(outlet.get_absolute_url()).content.decode()
    articles_set_publication(
        articles=Article.objects.filter(pk=article.pk),
        publication="unpublished",
        user=ChiefEditorFactory(),
    )
    record = outlet_verdict_record(outlet_with_counts(outlet.slug))
    assert all(row.citing == row.published == 0 for row in record)
    assert (
        dict(
            OutletCitationCounts.objects.filter(outlet=outlet).values_list(
                "article_id", "claims_supported"
            )
        )
        == before
    )
    assert_counters_exact()


def test_deleting_an_article_or_an_outlet_removes_their_rows() -> None:
    outlet = OutletFactory()
    article = ArticleFactory(outlet=outlet)
    EvidenceFactory(claim=ClaimFactory(article=article), source=SourceFactory(outlet=outlet))
    article.delete()
    assert not OutletCitationCounts.objects.filter(article_id=article.pk).exists()
    assert not ArticleCoverageCounts.objects.filter(article_id=article.pk).exists()
    assert_counters_exact()


def test_the_outlet_rebuild_function_recomputes_everything() -> None:
    outlet = OutletFactory()
    EvidenceFactory(claim=ClaimFactory(checkworthy=True), source=SourceFactory(outlet=outlet))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_outletcitationcounts SET claims_unreviewed = 99")
        cursor.execute("UPDATE claims_articlecoveragecounts SET sentences = 99")
        cursor.execute("SELECT claims_article_extras_rebuild()")
    assert_counters_exact()
