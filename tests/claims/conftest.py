import pytest
from django.test import Client


@pytest.fixture
def plain_static_files(settings) -> None:
    """No collectstatic runs before the tests, so the manifest storage used when DEBUG is off
    would fail on {% static %}: serve the stylesheet under its plain name instead."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def public_client(plain_static_files, client: Client) -> Client:
    """A reader: not logged in."""
    return client
