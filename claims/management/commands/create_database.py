import psycopg2
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from psycopg2 import sql


class Command(BaseCommand):
    help = "Create the PostgreSQL database named by DATABASE_URL if it does not exist yet."
    # The checks query the database (its server version), which may not exist yet.
    requires_system_checks: list[str] = []

    def handle(self, *args, **options) -> None:
        settings_dict = connections["default"].settings_dict
        name = settings_dict["NAME"]
        # The target database may not exist, so connect to the maintenance database instead.
        try:
            connection = psycopg2.connect(
                dbname="postgres",
                user=settings_dict["USER"] or None,
                password=settings_dict["PASSWORD"] or None,
                host=settings_dict["HOST"] or None,
                port=settings_dict["PORT"] or None,
                connect_timeout=5,
            )
        except psycopg2.OperationalError as error:
            raise CommandError(f"cannot reach PostgreSQL: {error}".strip()) from error
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone():
                    self.stdout.write(f"database {name!r} exists")
                    return
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                self.stdout.write(self.style.SUCCESS(f"created database {name!r}"))
        finally:
            connection.close()
