import pytest
from django.test import Client


@pytest.fixture
def public_client(plain_static_files, client: Client) -> Client:
    """A reader: not logged in."""
    return client


@pytest.fixture
def seed_claims(seed_paths) -> "SeedClaims":
    """The three seed articles imported; `seed_claims("000", "Without providing")` finds one."""
    from django.core.management import call_command

    call_command("import_articles", *map(str, seed_paths.values()), stdout=None)
    return SeedClaims()


class SeedClaims:
    def __call__(self, seed: str, start: str):
        from claims.models import Claim

        return Claim.objects.select_related("article").get(
            article__source_file_name__startswith=f"{seed}_", text__contains=start
        )
