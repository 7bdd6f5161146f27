import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_the_editors_group_reviews_claims_and_manages_evidence_and_sources() -> None:
    group = Group.objects.get(name="Editors")
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("claims", "change_claim") in codenames
    assert ("claims", "add_evidence") in codenames
    assert ("claims", "delete_evidence") in codenames
    assert ("sources", "change_source") in codenames
    assert not any(app == "auth" for app, _ in codenames)
    assert ("claims", "delete_claim") not in codenames


@pytest.mark.django_db
def test_editors_cannot_touch_users_or_groups() -> None:
    group = Group.objects.get(name="Editors")
    forbidden = Permission.objects.filter(content_type__app_label="auth")
    assert not group.permissions.filter(pk__in=forbidden).exists()


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "factcheck.settings", "DEBUG": "0", "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_production_settings_pass_the_deploy_check() -> None:
    from django.db import connection

    database = connection.settings_dict
    # Only what a production host would set; the HTTPS settings keep their defaults.
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DEBUG": "0",
        "SECRET_KEY": "k7#Qz9!vR2@pL5$wX8^mN3&bT6*cY1(hJ4)gF0-dS" * 2,
        "ALLOWED_HOSTS": "factcheck.example.org",
        # The system checks read the server version, so point them at the test database.
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}"
            f"/{database['NAME']}"
        ),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_makemigrations_check_needs_no_database() -> None:
    # A new machine: the database DATABASE_URL names does not exist yet.
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DEBUG": "1",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/factcheck_never_created_for_this_test",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
