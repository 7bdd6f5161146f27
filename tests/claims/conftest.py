import pytest
from django.test import Client


@pytest.fixture
def public_client(plain_static_files, client: Client) -> Client:
    """A reader: not logged in."""
    return client
