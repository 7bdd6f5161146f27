"""Public reads from a read replica, writes and editors on the primary (factcheck.routers).

The replica here is a real second database on the local server: a snapshot of the test
database taken before an editor's write, as a lagging replica would be. What a page shows then
proves which database it read."""

import copy
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.utils import load_backend
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from tests.factories import ClaimFactory

# Committed rows, so the snapshot has them.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Adding an alias is what this file tests; Django warns that it is unusual.
    pytest.mark.filterwarnings("ignore:Overriding setting DATABASES"),
]
REASON = "The ministry figures confirm it."


def server_connection():
    config = connections["default"].settings_dict
    connection = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    connection.autocommit = True
    return connection


@contextmanager
def lagging_replica(settings) -> Iterator[str]:
    """A "replica" alias on a snapshot of the primary as it is now: later writes to the
    primary are not on it, as on a replica that lags behind."""
    primary = connections["default"].settings_dict["NAME"]
    name = f"{primary}_replica"[:63]
    # CREATE DATABASE … TEMPLATE needs the template to have no open connection: close ours,
    # and end those other threads of this test run hold (the session-wide live server's).
    connections.close_all()
    server = server_connection()
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [primary],
        )
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{primary}"')
    config = copy.deepcopy(connections.settings["default"])
    config["NAME"] = name
    # The router looks for the alias in settings; the connection is made by hand, as a
    # connection Django's test case did not know of when it started (which it allows).
    settings.DATABASES = {**settings.DATABASES, "replica": config}
    connections["replica"] = load_backend(config["ENGINE"]).DatabaseWrapper(config, "replica")
    try:
        yield name
    finally:
        connections["replica"].close()
        del connections["replica"]
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()


def queries_per_database(client: Client, method: str, url: str, **kwargs):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = getattr(client, method)(url, **kwargs)
    return response, len(primary), len(replica)


@pytest.fixture
def editor_client() -> Client:
    client = Client()
    client.force_login(
        get_user_model().objects.create_superuser("chief", password="a long passphrase 42")
    )
    return client


def give_verdict(editor_client: Client, claim: Claim):
    return queries_per_database(
        editor_client,
        "post",
        "/admin/claims/claim/",
        data={
            "action": "mark_supported",
            "_selected_action": [claim.pk],
            "apply": "1",
            "reason": REASON,
            # The confirmation page's record of the claim's version (claims.forms).
            "versions": f"{claim.pk}.{claim.version}",
        },
    )


def test_a_readers_page_view_reads_only_from_the_replica(settings, client) -> None:
    claim = ClaimFactory()
    with lagging_replica(settings):
        response, on_primary, on_replica = queries_per_database(
            client, "get", f"/claims/{claim.pk}/"
        )
    assert response.status_code == 200
    assert on_replica >= 1
    assert on_primary == 0


def test_an_editors_write_goes_to_the_primary_and_readers_see_the_replica(
    settings, editor_client
) -> None:
    reader = Client()
    claim = ClaimFactory()
    with lagging_replica(settings):
        response, on_primary, on_replica = give_verdict(editor_client, claim)
        assert response.status_code == 302
        assert on_primary >= 1
        assert on_replica == 0
        assert Claim.objects.get(pk=claim.pk).status == "supported"

        # An anonymous reader reads the lagging replica: the claim is not reviewed there yet.
        response, on_primary, on_replica = queries_per_database(
            reader, "get", f"/claims/{claim.pk}/"
        )
        assert (on_primary, on_replica > 0) == (0, True)
        assert REASON not in response.content.decode()

        # The editor reads the primary everywhere on the site, and sees their own verdict.
        response, on_primary, on_replica = queries_per_database(
            editor_client, "get", f"/claims/{claim.pk}/"
        )
        assert response.status_code == 200
        assert (on_primary > 0, on_replica) == (True, 0)
        assert REASON in response.content.decode()


def test_the_admin_reads_from_the_primary(settings, editor_client) -> None:
    claim = ClaimFactory()
    with lagging_replica(settings):
        response, on_primary, on_replica = queries_per_database(
            editor_client, "get", f"/admin/claims/claim/{claim.pk}/change/"
        )
    assert response.status_code == 200
    assert (on_primary > 0, on_replica) == (True, 0)


def test_without_a_replica_everything_reads_from_the_primary(settings, client) -> None:
    claim = ClaimFactory()
    with CaptureQueriesContext(connections["default"]) as primary:
        assert client.get(f"/claims/{claim.pk}/").status_code == 200
    assert len(primary) > 0
    assert "replica" not in settings.DATABASES
