"""In real Chromium: no public or admin page trips its Content-Security-Policy.

Every violation, whether it breaks something visible or not, reaches the page as a
`securitypolicyviolation` event and the console as an error; both are collected."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from tests.site_crawl import admin_pages, crawl_public_site, public_objects

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Registered before any page script runs, so nothing the page does is missed.
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || ""}:${event.lineNumber || ""}`);
});
"""


def violations_on(context, base_url: str, paths: list[str]) -> dict[str, list[str]]:
    context.add_init_script(LISTEN_FOR_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: console.append(f"script error: {error}"))
    found = {}
    for path in paths:
        console.clear()
        page.goto(base_url + path, wait_until="load")
        found[path] = page.evaluate("window.__cspViolations") + list(console)
    return found


def test_no_public_or_admin_page_violates_its_policy_in_chromium(live_server, chromium) -> None:
    chief = get_user_model().objects.create_superuser("chief", password="a long passphrase 42")
    client = Client()
    public = [page.url for page in crawl_public_site(client, public_objects(chief)).html_pages()]
    client.force_login(chief)
    admin = [url for url in admin_pages() if client.get(url).status_code == 200]
    assert len(public) >= 8
    assert len(admin) >= 20

    anonymous = chromium.new_context()
    try:
        found = violations_on(anonymous, live_server.url, public)
    finally:
        anonymous.close()
    editor = chromium.new_context()
    editor.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    try:
        found |= violations_on(editor, live_server.url, admin)
    finally:
        editor.close()
    assert {path: lines for path, lines in found.items() if lines} == {}
