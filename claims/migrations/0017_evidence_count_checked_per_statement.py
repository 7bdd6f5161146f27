"""A new claim's evidence count is checked once per INSERT statement, not once per row.

0011 gave claims_claim a BEFORE INSERT row trigger that counted each new claim's evidence (a
plpgsql call and a query per row: a quarter of the time a 2 MB article's 20,000 claims took
to insert). Now an AFTER INSERT statement trigger compares the counts the rows were inserted
with against the evidence there is, in one join over the statement's new rows, and corrects
the ones that differ. The counter stays exact whatever a client sends; a client that knows
the count (the importer writes a new claim's evidence first, foreign keys being checked at
commit) sends it and nothing is updated. A corrected row goes through the UPDATE triggers, so
the per-article counters follow.
"""

from django.db import migrations

FORWARD = """
DROP TRIGGER claims_evidence_count_on_insert ON claims_claim;
DROP FUNCTION claims_evidence_count_on_insert();
CREATE FUNCTION claims_evidence_count_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Evidence may already be there: foreign keys are checked at commit.
    UPDATE claims_claim AS claim SET evidence_count = counted.total
    FROM (
        SELECT inserted.id, COUNT(evidence.id) AS total
        FROM new_rows AS inserted
        LEFT JOIN claims_evidence AS evidence ON evidence.claim_id = inserted.id
        GROUP BY inserted.id, inserted.evidence_count
        HAVING COUNT(evidence.id) <> inserted.evidence_count
    ) AS counted
    WHERE claim.id = counted.id;
    RETURN NULL;
END $$;
CREATE TRIGGER claims_evidence_count_on_insert AFTER INSERT ON claims_claim
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION claims_evidence_count_on_insert();
"""

BACKWARD = """
DROP TRIGGER claims_evidence_count_on_insert ON claims_claim;
DROP FUNCTION claims_evidence_count_on_insert();
CREATE FUNCTION claims_evidence_count_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Evidence may already be there: foreign keys are checked at commit.
    NEW.evidence_count := (SELECT COUNT(*) FROM claims_evidence WHERE claim_id = NEW.id);
    RETURN NEW;
END $$;
CREATE TRIGGER claims_evidence_count_on_insert BEFORE INSERT ON claims_claim
    FOR EACH ROW EXECUTE FUNCTION claims_evidence_count_on_insert();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0016_phrase_pairs_index"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
