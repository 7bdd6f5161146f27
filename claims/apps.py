from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClaimsConfig(AppConfig):
    name = "claims"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from claims.roles import roles_refresh_after_migrate

        # After every migrate and every flush (a transactional test's), as Django does for the
        # permissions themselves: the editorial groups exist whenever the tables do.
        post_migrate.connect(
            roles_refresh_after_migrate,
            sender=self,
            dispatch_uid="claims.roles.roles_refresh_after_migrate",
        )
