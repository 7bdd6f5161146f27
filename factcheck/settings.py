"""Settings for factcheck, read from the environment (see .env.example)."""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    # Only for local development: DEBUG is on, nothing is served publicly.
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    # Login throttling: counts failed logins per username and address, locks after a few.
    "axes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.syndication",
    "django_filters",
    "simple_history",
    # The database backend of Django's tasks framework: background imports (articles/tasks.py).
    "django_tasks_db",
    "articles",
    "sources",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Readers' pages from the cache, keyed by the content version PostgreSQL moves on with every
    # change (factcheck/page_cache.py). Inside the CSP middleware, so each hit gets a fresh
    # nonce in its header; before the session, which a hit never loads.
    "factcheck.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: anonymous public reads may go to a read replica (factcheck.routers).
    "factcheck.routers.ReplicaForPublicReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the logged-in editor as the author of every history entry.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # {{ csp_nonce }} for the rare inline <script> that must exist.
                "django.template.context_processors.csp",
                "factcheck.context_processors.site",
            ],
        },
    },
]

REPLICA_DATABASE = "replica"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured(
        "factcheck runs on PostgreSQL only: DATABASE_URL must be postgres://"
    )
# Parallel checkouts (and parallel helpers) each get their own test database.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
# A read replica (streaming replication of the primary). When set, anonymous readers' page
# views read from it; writes, the admin and logged-in editors use the primary (see
# factcheck/routers.py). In tests it mirrors the test database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES[REPLICA_DATABASE] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    DATABASES[REPLICA_DATABASE]["TEST"] = {"MIRROR": "default"}
# Behind PgBouncer in transaction mode a connection may change between two statements, which
# server-side cursors (streamed exports, .iterator()) do not survive.
if env_bool("DATABASE_TRANSACTION_POOLER"):
    for database in DATABASES.values():
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
# Per session, for every database: no JIT compilation (a web app's queries are short, and
# compiling the plan of an export or an outlet's counts took 6-9 s of their 7-11 s at 1M
# claims on this machine), and server-side cursors planned for all their rows, since every one
# (an export, a command's .iterator()) is read to the end: the plan for the first 10 % walked an
# index and fetched the rows at random, twice as slow for a 100k-row export. A pooler such as
# PgBouncer refuses startup options: there, set both on the role (ALTER ROLE … SET jit = off).
if not env_bool("DATABASE_TRANSACTION_POOLER"):
    for database in DATABASES.values():
        database.setdefault("OPTIONS", {})["options"] = "-c jit=off -c cursor_tuple_fraction=1"
DATABASE_ROUTERS = ["factcheck.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Whole pages for anonymous readers (factcheck/page_cache.py); PAGE_CACHE=0 turns it off.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", default=True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", str(24 * 3600)))
PAGE_CACHE_MAX_ENTRIES = int(os.environ.get("PAGE_CACHE_MAX_ENTRIES", "20000"))
# Each worker keeps its most recent pages in memory too (exact: same versioned keys).
PAGE_CACHE_LOCAL_BYTES = int(os.environ.get("PAGE_CACHE_LOCAL_MB", "64")) * 2**20
# The release a cached page belongs to (say, the commit); else a digest of the code.
PAGE_CACHE_RELEASE = os.environ.get("PAGE_CACHE_RELEASE", "")


def cache_settings(redis_url: str) -> dict[str, dict]:
    """Redis when REDIS_URL is set (shared by every worker and every app server); otherwise a
    table in the site's own PostgreSQL, so `bin/serve` needs nothing else. Not the per-process
    local-memory cache: with several workers an entry cleared in one would live on in the
    others, and invalidating cached pages when an editor acts must reach them all.

    "pages" holds whole pages (factcheck/page_cache.py), apart from the rest: they are many and
    large, and a page is stale the moment the content version moves on, so entries of old
    versions only wait for expiry or the cull."""
    if redis_url:
        return {
            alias: {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": prefix,
                **extra,
            }
            for alias, prefix, extra in [
                ("default", "factcheck", {}),
                ("pages", "factcheck-pages", {"TIMEOUT": PAGE_CACHE_SECONDS}),
            ]
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            # Made by `manage.py createcachetable` (bin/serve runs it; so does the test runner).
            "LOCATION": "factcheck_cache",
            "KEY_PREFIX": "factcheck",
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "factcheck_page_cache",
            "KEY_PREFIX": "factcheck",
            "TIMEOUT": PAGE_CACHE_SECONDS,
            # The mix of URLs readers ask for; past it a third of the entries go, oldest first.
            "OPTIONS": {"MAX_ENTRIES": PAGE_CACHE_MAX_ENTRIES},
        },
    }


CACHES = cache_settings(os.environ.get("REDIS_URL", ""))

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username + address is refused before its password is checked.
    "factcheck.auth.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one username from one address lock that pair out for 15 minutes.
# Per pair, not per username: a stranger guessing an editor's name must not lock the editor
# out everywhere; not per address alone: one newsroom's editors often share an address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "factcheck.auth.lockout_response"
# The address a lockout counts: the connection's, or behind TRUSTED_PROXY_COUNT proxies the one
# the outermost proxy appended to X-Forwarded-For (factcheck.auth.client_address).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "factcheck.auth.client_address"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# STATIC_HOST puts a CDN in front of the static files: it fetches them from this site's
# /static/ (WhiteNoise) once and keeps them, since their names change with their content.
STATIC_HOST = os.environ.get("STATIC_HOST", "").rstrip("/")
STATIC_URL = f"{STATIC_HOST}/static/" if STATIC_HOST else "static/"
# Where `manage.py collectstatic` writes the hashed files WhiteNoise serves.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names so static files can be cached forever; plain storage under DEBUG
        # so a developer needs no collectstatic.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

LOGIN_URL = "admin:login"

# Uploaded article files are read in memory and parsed; anything bigger is not an article.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ARTICLE_UPLOAD_MAX_BYTES = int(os.environ.get("ARTICLE_UPLOAD_MAX_BYTES", str(2 * 1024 * 1024)))

# Many files at once (several files or a .zip in the admin, `import_articles --background`):
# each file is still held to ARTICLE_UPLOAD_MAX_BYTES; these bound one batch.
ARTICLE_BATCH_MAX_FILES = int(os.environ.get("ARTICLE_BATCH_MAX_FILES", "20000"))
ARTICLE_BATCH_MAX_BYTES = int(os.environ.get("ARTICLE_BATCH_MAX_BYTES", str(500 * 1024 * 1024)))
# Files in one upload form post (Django's default is 100); more go in a .zip.
DATA_UPLOAD_MAX_NUMBER_FILES = int(os.environ.get("DATA_UPLOAD_MAX_NUMBER_FILES", "500"))

# Background work (imports of many files) through Django's tasks framework. "database" queues
# tasks in PostgreSQL for `manage.py db_worker` (bin/serve starts one); "immediate" runs each
# task inside the request that enqueues it, which is exactly what a 10,000-file import must
# not do to a web worker: allowed only with DEBUG on, never silently in production.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database").strip().lower()
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r}: use one of {', '.join(sorted(_TASK_BACKENDS))} "
        "(see .env.example)."
    )
if TASKS_BACKEND == "immediate" and not DEBUG:
    raise ImproperlyConfigured(
        "TASKS_BACKEND=immediate runs imports inside web requests; it is for development "
        "(DEBUG=1) only. Use TASKS_BACKEND=database and run `manage.py db_worker`."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}

# Who publishes the verdicts: ClaimReview's author, feed titles, page footers.
FACTCHECK_ORGANIZATION_NAME = os.environ.get("FACTCHECK_ORGANIZATION_NAME", "factcheck")
FACTCHECK_ORGANIZATION_URL = os.environ.get("FACTCHECK_ORGANIZATION_URL", "")
# Absolute base URL for canonical links, feeds and JSON-LD (else the request host).
FACTCHECK_SITE_URL = os.environ.get("FACTCHECK_SITE_URL", "").rstrip("/")

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
# The preload directive only consents to the browsers' preload list; joining it is a separate,
# manual submission, so it is on with the other HTTPS settings.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Only our own files: no inline script or style (a nonce where an inline <script> must
# exist), no plugins, no framing, forms post only here. JSON-LD blocks are data, not script,
# and browsers neither run nor block them.
STATIC_SOURCES = [CSP.SELF, STATIC_HOST] if STATIC_HOST else [CSP.SELF]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [*STATIC_SOURCES, CSP.NONCE],
    # Plus the one style attribute django-simple-history's history page has (border-top: 0),
    # allowed by its hash alone: 'unsafe-hashes' admits no other style attribute.
    "style-src": [
        *STATIC_SOURCES,
        CSP.UNSAFE_HASHES,
        "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
    ],
    "img-src": STATIC_SOURCES,
    "font-src": STATIC_SOURCES,
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
