"""Backups restore: bench/backup_roundtrip.py dumps the test database, restores it into a new
one and compares every row, history included."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from claims.models import Claim, Evidence
from claims.services import claim_set_verdict
from tests.factories import ClaimFactory, EditorFactory, EvidenceFactory

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "backup_roundtrip.py"
pytestmark = pytest.mark.django_db(transaction=True)


def load_script():
    spec = importlib.util.spec_from_file_location("backup_roundtrip", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def database_url(name: str | None = None) -> str:
    config = connection.settings_dict
    return (
        f"postgres://{config['USER']}@{config['HOST']}:{config['PORT'] or 5432}"
        f"/{name or config['NAME']}"
    )


@pytest.fixture
def editorial_work() -> list[Claim]:
    editor = EditorFactory()
    claims = [ClaimFactory() for _ in range(3)]
    claim_set_verdict(claim=claims[0], status="supported", reason="Two reports agree.", user=editor)
    claim_set_verdict(claim=claims[0], status="contested", reason="A third differs.", user=editor)
    claim_set_verdict(claim=claims[1], status="false", reason="Not what was said.", user=editor)
    EvidenceFactory(claim=claims[0], stance=Evidence.Stance.CONTRADICTS, quote="No, “never”.")
    return claims


def run_script(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--database-url", database_url(), *arguments],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
    )


def test_a_dump_restores_every_verdict_evidence_row_and_history_row(editorial_work) -> None:
    # Let go of the test's own connection, so the dump sees a quiet database.
    connection.close()
    result = run_script()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the restored database is identical" in result.stdout
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if "rows" in line}
    # 3 claims; their history: 3 created + 3 verdicts; 1 evidence and its creation.
    assert lines["claims_claim"].split()[-2] == "3"
    assert lines["claims_historicalclaim"].split()[-2] == "6"
    assert lines["claims_evidence"].split()[-2] == "1"
    assert lines["claims_historicalevidence"].split()[-2] == "1"


def test_the_comparison_names_a_row_that_differs(editorial_work) -> None:
    connection.close()
    result = run_script("--keep")
    assert result.returncode == 0, result.stdout + result.stderr
    restored = f"{connection.settings_dict['NAME']}_restore_check"[:63]
    script = load_script()
    target = script.connect(database_url(restored))
    target.autocommit = True
    try:
        with target.cursor() as cursor:
            cursor.execute(
                "UPDATE claims_historicalclaim SET history_change_reason = 'edited' "
                "WHERE history_id = (SELECT MAX(history_id) FROM claims_historicalclaim)"
            )
            cursor.execute("DELETE FROM claims_evidence")
        _, differences = script.compare_databases(database_url(), database_url(restored))
    finally:
        target.close()
        subprocess.run(
            [
                "dropdb",
                "--if-exists",
                "--force",
                "-h",
                connection.settings_dict["HOST"],
                "-U",
                connection.settings_dict["USER"],
                restored,
            ],
            check=True,
        )
    assert any(
        line.startswith("claims_historicalclaim: row {'history_id':")
        and "history_change_reason is 'edited'" in line
        for line in differences
    ), differences
    assert "claims_evidence: the restored table has fewer rows" in "\n".join(differences)
