"""Public reads from a read replica, everything else from the primary.

With DATABASE_REPLICA_URL set, settings add a "replica" alias. A page view by an anonymous reader
(GET or HEAD outside the admin) reads from it: those are nearly all requests, and they can stand
a replica's lag of a second. Writes always go to the primary, and so does every read of the
admin, of a logged-in editor anywhere on the site (an editor who just gave a verdict sees it on
the public page at once), of management commands and of background work: the replica is chosen
only inside a request the middleware marked, never by default.
"""

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_public_read: ContextVar[bool] = ContextVar("factcheck_public_read", default=False)
SAFE_METHODS = frozenset({"GET", "HEAD"})


def replica_configured() -> bool:
    return settings.REPLICA_DATABASE in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if _public_read.get() and replica_configured():
            return settings.REPLICA_DATABASE
        return None

    def db_for_write(self, model, **hints) -> str | None:
        return "default"

    def allow_relation(self, first, second, **hints) -> bool:
        # The replica holds the primary's rows: objects from either may be related.
        return True

    def allow_migrate(self, database: str, app_label: str, **hints) -> bool | None:
        # A replica replays the primary's changes; migrations run on the primary only.
        return database != settings.REPLICA_DATABASE


class ReplicaForPublicReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not (replica_configured() and self.is_public_read(request)):
            return self.get_response(request)
        token = _public_read.set(True)
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)

    @staticmethod
    def is_public_read(request: HttpRequest) -> bool:
        if request.method not in SAFE_METHODS:
            return False
        if request.path.startswith("/admin/"):
            return False
        # Loads the session (from the primary) only when the request carries a session cookie.
        return not request.user.is_authenticated
