from typing import Any

from django.core.management.commands.makemigrations import Command as DjangoMakemigrations


class Command(DjangoMakemigrations):
    """Django's makemigrations, with its system checks run against no database.

    By default the checks visit every database alias, and GeneratedField's check asks PostgreSQL
    for its server version, so `makemigrations --check` failed on a new machine whose database
    does not exist yet, although writing or checking migrations needs no database at all (its
    own history check already tolerates a missing one with a warning). `check`, `migrate` and
    the test run still run the database checks.
    """

    def get_check_kwargs(self, options: dict[str, Any]) -> dict[str, Any]:
        return {**super().get_check_kwargs(options), "databases": []}
