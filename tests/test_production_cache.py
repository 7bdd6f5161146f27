"""The cache backend: a table in PostgreSQL by default, Redis when REDIS_URL is set."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.core.cache import cache

from factcheck.settings import cache_settings

ROOT = Path(__file__).resolve().parent.parent
# A database number of its own, so the test never touches keys a running site uses.
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def exercise(key: str) -> None:
    """What page caching will need: set, get, a miss, many at once, delete, a counter."""
    assert cache.get(key) is None
    cache.set(key, {"html": "<p>cached</p>", "count": 3}, timeout=60)
    assert cache.get(key) == {"html": "<p>cached</p>", "count": 3}
    cache.set_many({f"{key}:a": 1, f"{key}:b": 2})
    assert cache.get_many([f"{key}:a", f"{key}:b", f"{key}:c"]) == {f"{key}:a": 1, f"{key}:b": 2}
    assert cache.add(f"{key}:a", 99) is False
    cache.set(f"{key}:version", 1)
    assert cache.incr(f"{key}:version") == 2
    cache.delete(key)
    assert cache.get(key, "gone") == "gone"


@pytest.mark.django_db
def test_the_default_cache_is_a_table_in_the_sites_own_database() -> None:
    assert cache_settings("")["default"]["BACKEND"].endswith("DatabaseCache")
    key = f"test:{uuid.uuid4()}"
    exercise(key)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM factcheck_cache WHERE cache_key LIKE %s", [f"%{key}%"])
        assert cursor.fetchone()[0] == 3


def test_redis_holds_the_cache_when_redis_url_is_set(settings) -> None:
    settings.CACHES = cache_settings(REDIS_TEST_URL)
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    server = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        server.ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not answering at {REDIS_TEST_URL} (start redis-server)")
    key = f"test:{uuid.uuid4()}"
    try:
        exercise(key)
        # Really in Redis, under the site's prefix, not in some process-local stand-in.
        assert server.exists(f"factcheck:1:{key}:a") == 1
    finally:
        server.delete(*server.keys(f"factcheck:1:{key}*") or ["-"])


def test_settings_choose_redis_from_the_environment() -> None:
    def backend(redis_url: str) -> str:
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            "REDIS_URL": redis_url,
        }
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from django.conf import settings; "
                "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']"
                "['LOCATION'])",
            ],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    assert backend("") == "django.core.cache.backends.db.DatabaseCache factcheck_cache"
    assert backend("redis://127.0.0.1:6379/3") == (
        "django.core.cache.backends.redis.RedisCache redis://127.0.0.1:6379/3"
    )


@pytest.mark.django_db
def test_pages_are_shared_through_redis_when_redis_url_is_set(settings, client) -> None:
    from factcheck import page_cache

    settings.CACHES = cache_settings(REDIS_TEST_URL)
    settings.PAGE_CACHE_ENABLED = True
    # A release of the test's own, so no page a running site cached is found.
    settings.PAGE_CACHE_RELEASE = f"test-{uuid.uuid4()}"
    page_cache.code_release.cache_clear()
    page_cache.local_pages.clear()
    server = redis.Redis.from_url(REDIS_TEST_URL)
    before = set(server.keys("factcheck-pages:1:page:*"))
    added: set = set()
    try:
        assert client.get("/about/")["X-Page-Cache"] == "miss"
        added = set(server.keys("factcheck-pages:1:page:*")) - before
        assert len(added) == 1
        # Another worker (nothing in its own memory) finds the page in Redis.
        page_cache.local_pages.clear()
        assert client.get("/about/")["X-Page-Cache"] == "hit"
    finally:
        server.delete(*added or ["-"])
        page_cache.code_release.cache_clear()
        page_cache.local_pages.clear()
