"""Login throttling with django-axes: the backend that refuses a locked-out login, and the page
an editor sees when locked out (the admin's own login page, with the reason and the time)."""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.forms.utils import ErrorDict, ErrorList
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' backend, except that it lets through an authenticate() call made without a
    request, which the login views never do: `Client.login()` in tests and management commands
    do, and there is no address to throttle by then. Every login form passes its request."""

    def authenticate(self, request: HttpRequest | None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def client_address(request: HttpRequest) -> str:
    """The reader's address. Each proxy appends the address it saw to X-Forwarded-For, so behind
    N proxies the reader's is the N-th from the right; anything left of it came from the
    reader and can be forged. With no proxy configured the header is ignored altogether."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        chain = [address.strip() for address in forwarded if address.strip()]
        if len(chain) >= count:
            return chain[-count]
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The admin login page, saying why the login was refused and until when (HTTP 429)."""
    username = get_client_username(request, credentials) or ""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    until = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    message = (
        f"Too many failed logins for “{username}” from your address: logins for this account "
        f"from here are paused for {minutes} minutes, until {until:%H:%M} ({until:%Z}). "
        "Try again then, or ask an administrator to unlock the account."
    )
    form = AdminAuthenticationForm(request, data={"username": username})
    # Set the errors directly: validating the form would try to log in again.
    form._errors = ErrorDict({"__all__": ErrorList([message])})
    context = {
        **admin.site.each_context(request),
        "title": "Log in",
        "app_path": request.get_full_path(),
        "form": form,
        "username": username,
    }
    request.current_app = admin.site.name
    # Rendered now: django-axes returns it from a middleware, past the template-response phase.
    return render(request, "admin/login.html", context, status=429)
