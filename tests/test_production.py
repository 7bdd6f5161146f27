"""Production serving: every public page with DEBUG off and the hashed static files that
collectstatic writes, and gunicorn starting from the repository's config."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from factcheck.checks import missing_static_manifest
from tests.site_crawl import crawl_public_site, public_objects

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def production_static(settings, tmp_path: Path) -> Path:
    """DEBUG off and the manifest storage, after a real collectstatic into a fresh STATIC_ROOT."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


@pytest.mark.django_db
def test_every_public_page_renders_with_debug_off_and_hashed_static_files(
    production_static: Path, editor
) -> None:
    client = Client(raise_request_exception=True)
    crawl = crawl_public_site(client, public_objects(editor))

    assert crawl.uncovered == set(), (
        f"no page answered 200 for {sorted(crawl.uncovered)}: link it from a public page or "
        "give tests/site_crawl.py an object for it"
    )
    assert [url for url, status in crawl.statuses.items() if status >= 500] == []
    stylesheets = set()
    for page in crawl.html_pages():
        # Hashed names only: a plain /static/css/site.css would be served without far-future
        # caching, or not at all behind a CDN.
        assert "/static/css/site.css" not in page.text, page.url
        stylesheets.update(part.split('"')[0] for part in page.text.split('href="/static/')[1:])
    assert stylesheets, "no page links a static file"
    for name in stylesheets:
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
        assert "immutable" in response["Cache-Control"], name


def test_it_says_what_to_run_when_collectstatic_was_not_run(settings, tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path / "empty"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    assert "run `manage.py collectstatic --no-input`" in missing_static_manifest()


def test_it_finds_nothing_missing_after_collectstatic(production_static: Path) -> None:
    assert missing_static_manifest() == ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_environment(static_root: Path, port: int) -> dict[str, str]:
    database = connection.settings_dict
    return {
        "PATH": os.environ.get("PATH", ""),
        "DEBUG": "0",
        "SECRET_KEY": "gunicorn-test-only-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(static_root),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}"
            f"/{database['NAME']}"
        ),
    }


def start_gunicorn(environment: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "factcheck/gunicorn.py",
            "factcheck.wsgi",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def fetch(url: str, attempts: int = 100) -> tuple[int, dict[str, str], str]:
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, dict(response.headers), response.read().decode()
        except ConnectionError:
            time.sleep(0.1)
        except urllib.error.URLError as error:
            if not isinstance(error.reason, ConnectionError):
                raise
            time.sleep(0.1)
    raise AssertionError(f"nothing answered at {url}")


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_the_site_with_the_repository_config(production_static: Path) -> None:
    port = free_port()
    server = start_gunicorn(gunicorn_environment(production_static, port))
    try:
        status, headers, body = fetch(f"http://127.0.0.1:{port}/claims/")
        assert status == 200
        assert headers["Server"] == "gunicorn"
        assert "Content-Security-Policy" in headers
        stylesheet = body.split('href="/static/')[1].split('"')[0]
        status, headers, _ = fetch(f"http://127.0.0.1:{port}/static/{stylesheet}")
        assert status == 200
        assert "immutable" in headers["Cache-Control"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_gunicorn_refuses_to_start_before_collectstatic(tmp_path: Path) -> None:
    environment = gunicorn_environment(tmp_path / "never-collected", free_port())
    server = start_gunicorn(environment)
    try:
        output, _ = server.communicate(timeout=60)
    finally:
        server.kill()
    assert server.returncode != 0
    assert "run `manage.py collectstatic --no-input`" in output


def test_gunicorn_workers_follow_the_core_count() -> None:
    environment = {"PATH": os.environ.get("PATH", "")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import runpy; c = runpy.run_path('factcheck/gunicorn.py'); "
            "print(c['workers'], c['threads'], c['worker_class'])",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    workers, threads, worker_class = result.stdout.split()
    assert int(workers) == os.cpu_count()
    assert (int(threads), worker_class) == (8, "gthread")
    assert django_settings.ROOT_URLCONF == "factcheck.urls"


def settings_under(environment: dict[str, str], expression: str) -> str:
    """What `expression` (over django.conf.settings) is when settings load in `environment`."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; print({expression})",
        ],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            **environment,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_a_cdn_host_serves_the_static_files_and_the_policy_allows_it() -> None:
    cdn = "https://static.example.org"
    assert settings_under({"STATIC_HOST": cdn}, "settings.STATIC_URL") == f"{cdn}/static/"
    policy = settings_under(
        {"STATIC_HOST": cdn},
        "__import__('django.utils.csp').utils.csp.build_policy(settings.SECURE_CSP)",
    )
    for directive in ("script-src", "style-src", "img-src", "font-src"):
        assert f"{directive} 'self' {cdn}" in policy
    assert "default-src 'self';" in policy


def test_behind_a_transaction_pooler_server_side_cursors_are_off() -> None:
    expression = "settings.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS', False)"
    assert settings_under({}, expression) == "False"
    assert settings_under({"DATABASE_TRANSACTION_POOLER": "1"}, expression) == "True"
