import subprocess
import sys

import pytest
from django.contrib.auth.models import Group, Permission


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
