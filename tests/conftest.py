import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from tests.browser import AXE_SCRIPT, ROOT
from tests.factories import EditorFactory

FIXTURES = ROOT / "fixtures"
# The flags this machine's Chromium needs: no sandbox as root, and no calls home that the closed
# network would refuse.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def seed_paths() -> dict[str, Path]:
    """The three seed articles, by their number."""
    return {path.name[:3]: path for path in sorted(FIXTURES.glob("0*.txt"))}


def browser_unavailable(reason: str) -> None:
    # In CI a missing browser is a broken install, not a reason to pass quietly.
    if os.environ.get("CI"):
        pytest.fail(f"browser test cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Debian's headless Chromium, driven by Playwright (no browser download)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        browser_unavailable("chromium is not installed (apt-get install chromium)")
    if not AXE_SCRIPT.exists():
        browser_unavailable("axe-core is not installed (npm install)")
    # Playwright's sync API runs an event loop in this thread; the test's own database work
    # is ordinary synchronous code that Django would otherwise refuse to run beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def plain_static_files(settings) -> None:
    # Tests run with DEBUG off, where {% static %} needs the manifest that collectstatic writes;
    # no test is about static files, so plain storage stands in for it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def no_page_cache(settings) -> None:
    # A page's own queries are what the query-count tests pin; the whole-page cache in front
    # of them (factcheck/page_cache.py) has its own tests, which turn it on.
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def editor() -> AbstractBaseUser:
    """A member of the Editors group, with the admin permissions that group grants."""
    return EditorFactory()


@pytest.fixture
def editor_client(client: Client, editor: AbstractBaseUser) -> Client:
    client.force_login(editor)
    return client
