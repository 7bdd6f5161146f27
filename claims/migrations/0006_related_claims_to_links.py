"""Carry every Claim.related_claims pair over to a ClaimLink of kind "same", then drop the field.

related_claims was a symmetrical many-to-many, so each pair is stored twice (a→b and b→a); it
becomes one link, smaller id first, with a history row saying where it came from. Nobody's name
was recorded for those pairs, so linked_by stays empty.
"""

from django.db import migrations
from django.utils import timezone

CHANGE_REASON = "Carried over from “related claims” (no type then)"


def related_claims_to_links(apps, schema_editor) -> None:
    claim_model = apps.get_model("claims", "Claim")
    link_model = apps.get_model("claims", "ClaimLink")
    history_model = apps.get_model("claims", "HistoricalClaimLink")
    through = claim_model.related_claims.through
    now = timezone.now()
    pairs = {
        (min(a, b), max(a, b))
        for a, b in through.objects.values_list("from_claim_id", "to_claim_id")
        if a != b
    }
    links = link_model.objects.bulk_create(
        [
            link_model(from_claim_id=a, to_claim_id=b, kind="same", linked_at=now)
            for a, b in sorted(pairs)
        ],
        batch_size=1000,
    )
    history_model.objects.bulk_create(
        [
            history_model(
                id=link.pk,
                from_claim_id=link.from_claim_id,
                to_claim_id=link.to_claim_id,
                kind=link.kind,
                note="",
                linked_at=now,
                history_date=now,
                history_type="+",
                history_change_reason=CHANGE_REASON,
            )
            for link in links
        ],
        batch_size=1000,
    )


def links_to_related_claims(apps, schema_editor) -> None:
    # Going back keeps the pairs, not their types: every link becomes a related claim.
    claim_model = apps.get_model("claims", "Claim")
    link_model = apps.get_model("claims", "ClaimLink")
    through = claim_model.related_claims.through
    rows = []
    for a, b in link_model.objects.values_list("from_claim_id", "to_claim_id"):
        rows += [through(from_claim_id=a, to_claim_id=b), through(from_claim_id=b, to_claim_id=a)]
    through.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("claims", "0005_claim_links"),
    ]

    operations = [
        migrations.RunPython(related_claims_to_links, links_to_related_claims),
        # Editors got the link permissions here; claims.roles gives them now, after every migrate.
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
        migrations.RemoveField(model_name="claim", name="related_claims"),
    ]
