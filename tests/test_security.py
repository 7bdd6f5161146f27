"""Hardening: security headers and a Content-Security-Policy that every page keeps to, and admin
logins throttled."""

import base64
import datetime
import hashlib
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils.csp import CSP

from claims.models import Claim
from tests.factories import UserFactory
from tests.site_crawl import admin_pages, crawl_public_site, public_objects

PASSWORD = "correct horse battery staple"
JAVASCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}


class InlineMarkup(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' refuses: style attributes, <style> elements,
    event-handler attributes, javascript: links and inline <script>s without the nonce."""

    def __init__(self, nonce: str | None) -> None:
        super().__init__()
        self.nonce = nonce
        self.style_attributes: list[str] = []
        self.refused: list[str] = []
        self._open_script: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if "style" in attributes:
            self.style_attributes.append(attributes["style"])
        self.refused += [f"<{tag} {name}=…>" for name in attributes if name.startswith("on")]
        if attributes.get("href", "").strip().lower().startswith("javascript:"):
            self.refused.append(f"<{tag} href=javascript:…>")
        if tag == "style":
            self.refused.append("<style> element")
        if tag == "script":
            self._open_script = attributes

    def handle_data(self, data: str) -> None:
        script = self._open_script
        if script is None or "src" in script or not data.strip():
            return
        is_javascript = script.get("type", "").lower() in JAVASCRIPT_TYPES
        if is_javascript and (self.nonce is None or script.get("nonce") != self.nonce):
            self.refused.append(f"inline <script> without the nonce: {data.strip()[:60]}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open_script = None


def allowed_style_hashes(policy: str) -> set[str]:
    for directive in policy.split(";"):
        name, *values = directive.split()
        if name == "style-src":
            return {value.strip("'")[len("sha256-") :] for value in values if "sha256-" in value}
    return set()


def csp_refusals(response, text: str) -> list[str]:
    """What on the page its own Content-Security-Policy header would refuse."""
    policy = response["Content-Security-Policy"]
    nonce = None
    if "'nonce-" in policy:
        nonce = policy.split("'nonce-")[1].split("'")[0]
    parser = InlineMarkup(nonce)
    parser.feed(text)
    allowed = allowed_style_hashes(policy)
    refused = list(parser.refused)
    for style in parser.style_attributes:
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        if digest not in allowed or "'unsafe-hashes'" not in policy:
            refused.append(f'style="{style}"')
    return refused


def assert_security_headers(response, url: str) -> None:
    policy = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in policy, (url, directive)
    assert "script-src 'self'" in policy, url
    assert CSP.UNSAFE_INLINE not in policy, url
    assert CSP.UNSAFE_EVAL not in policy, url
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    ), url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
    assert response["X-Frame-Options"] == "DENY", url


@pytest.fixture
def secure_client() -> Client:
    # As behind the TLS proxy: HSTS is only ever sent over HTTPS.
    return Client(raise_request_exception=True, headers={"X-Forwarded-Proto": "https"})


@pytest.mark.django_db
def test_every_public_page_sends_the_security_headers_and_keeps_to_its_policy(
    editor, settings
) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client(raise_request_exception=True, headers={"X-Forwarded-Proto": "https"})
    crawl = crawl_public_site(client, public_objects(editor))
    assert crawl.uncovered == set()
    refusals = {}
    for page in crawl.pages.values():
        assert_security_headers(page.response, page.url)
        if page.response["Content-Type"].startswith("text/html"):
            refusals[page.url] = csp_refusals(page.response, page.text)
    assert {url: found for url, found in refusals.items() if found} == {}


@pytest.mark.django_db
def test_every_admin_page_sends_the_security_headers_and_keeps_to_its_policy(
    editor, settings
) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    public_objects(editor)
    client = Client(headers={"X-Forwarded-Proto": "https"})
    client.force_login(get_user_model().objects.create_superuser("chief", password=PASSWORD))
    checked, refusals = 0, {}
    for url in admin_pages():
        response = client.get(url)
        if response.status_code != 200:
            continue
        checked += 1
        assert_security_headers(response, url)
        refusals[url] = csp_refusals(response, response.content.decode())
    # The bulk-verdict page, which only a POST of the action shows.
    response = client.post(
        "/admin/claims/claim/",
        {"action": "mark_supported", "_selected_action": [Claim.objects.first().pk]},
    )
    assert "verdict-action" in response.content.decode()
    assert_security_headers(response, "verdict action")
    refusals["verdict action"] = csp_refusals(response, response.content.decode())
    assert checked >= 20
    assert {url: found for url, found in refusals.items() if found} == {}


@pytest.mark.django_db
def test_the_admin_login_page_sends_the_security_headers(secure_client, settings) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = secure_client.get("/admin/login/")
    assert response.status_code == 200
    assert_security_headers(response, "/admin/login/")
    assert csp_refusals(response, response.content.decode()) == []


def test_the_policy_refuses_what_it_should() -> None:
    # The checker itself: each of these is refused under the site's policy.
    class Response(dict):
        pass

    response = Response({"Content-Security-Policy": "default-src 'self'; style-src 'self'"})
    page = (
        '<p style="color:red">x</p><a href="javascript:alert(1)">y</a><b onclick="f()">z</b>'
        "<script>alert(1)</script><style>p{}</style>"
        '<script type="application/ld+json">{"a": 1}</script><script src="/s.js"></script>'
    )
    assert len(csp_refusals(response, page)) == 5


def log_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def staff_user():
    return UserFactory(username="ada", is_staff=True)


@pytest.mark.django_db
def test_five_wrong_passwords_lock_that_username_from_that_address(client, staff_user) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, "ada", "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()

    response = log_in(client, "ada", "wrong")
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many failed logins for “ada” from your address" in text
    assert "paused for 15 minutes" in text
    # Locked even with the right password, and the page is the admin's own login form.
    response = log_in(client, "ada", PASSWORD)
    assert response.status_code == 429
    assert 'name="password"' in response.content.decode()


@pytest.mark.django_db
def test_a_lockout_holds_only_for_that_username_and_address(client, staff_user) -> None:
    UserFactory(username="grace", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "ada", "wrong")
    assert log_in(client, "ada", PASSWORD).status_code == 429

    # The same editor from another address, and another editor from the same address.
    assert log_in(Client(), "ada", PASSWORD, address="10.0.0.2").status_code == 302
    assert log_in(Client(), "grace", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lockout_ends_after_the_cool_off(client, staff_user) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "ada", "wrong")
    assert log_in(client, "ada", PASSWORD).status_code == 429

    later = settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= later
        attempt.save()
    assert log_in(client, "ada", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_successful_login_clears_the_count(client, staff_user) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "ada", "wrong")
    assert log_in(client, "ada", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "ada", "wrong").status_code == 200
    assert log_in(client, "ada", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_test_clients_login_still_works(client, staff_user) -> None:
    assert client.login(username="ada", password=PASSWORD)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(client, staff_user) -> None:
    # With no proxy configured, the address is the connection's, whatever the headers claim.
    for attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(
            "/admin/login/?next=/admin/",
            {"username": "ada", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
    assert response.status_code == 429


@pytest.mark.django_db
def test_behind_a_proxy_the_lockout_counts_the_address_the_proxy_saw(
    client, staff_user, settings
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1

    def through_proxy(client_address: str, forged: str, password: str = "wrong"):
        return client.post(
            "/admin/login/?next=/admin/",
            {"username": "ada", "password": password},
            REMOTE_ADDR="10.9.9.9",  # the proxy
            HTTP_X_FORWARDED_FOR=f"{forged}, {client_address}",
        )

    for attempt in range(settings.AXES_FAILURE_LIMIT):
        through_proxy("203.0.113.7", forged=f"198.51.100.{attempt}")
    assert through_proxy("203.0.113.7", "198.51.100.99", PASSWORD).status_code == 429
    # Another reader behind the same proxy is not locked out.
    assert through_proxy("203.0.113.8", "198.51.100.1", PASSWORD).status_code == 302
