"""The data migration that turns Claim.related_claims into ClaimLinks."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Transactional: the migrations run their own transactions. (The flush that follows empties
# every table; Django's post_migrate makes the permissions and claims.roles the groups again.)
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("claims", "0005_claim_links")]
AFTER = [("claims", "0006_related_claims_to_links")]


def migrate(targets) -> object:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_related_claims():
    apps = migrate(BEFORE)
    yield apps
    migrate(migrate_leaf())


def migrate_leaf():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def test_each_related_pair_becomes_one_same_link_with_history(at_related_claims) -> None:
    apps = at_related_claims
    article_model = apps.get_model("articles", "Article")
    claim_model = apps.get_model("claims", "Claim")
    articles = [
        article_model.objects.create(
            title=f"A{n}",
            slug=f"a{n}",
            body="x" * 40,
            source_file_name=f"a{n}.txt",
            content_hash=str(n),
            imported_at="2023-05-25T00:00Z",
            updated_at="2023-05-25T00:00Z",
        )
        for n in range(3)
    ]
    claims = [
        claim_model.objects.create(
            article=article, ordinal=0, text=f"Claim {n}.", start=0, end=8, paragraph=0
        )
        for n, article in enumerate(articles)
    ]
    # Symmetrical: adding b to a also stores a→b and b→a.
    claims[2].related_claims.add(claims[0])
    claims[1].related_claims.add(claims[2])

    apps = migrate(AFTER)

    link_model = apps.get_model("claims", "ClaimLink")
    links = sorted(link_model.objects.values_list("from_claim_id", "to_claim_id", "kind"))
    assert links == [
        (claims[0].pk, claims[2].pk, "same"),
        (claims[1].pk, claims[2].pk, "same"),
    ]
    history = apps.get_model("claims", "HistoricalClaimLink").objects.all()
    assert {record.history_type for record in history} == {"+"}
    assert len(history) == 2
    assert all("related claims" in record.history_change_reason for record in history)
