"""gunicorn settings for production: `gunicorn -c factcheck/gunicorn.py factcheck.wsgi`.

Every value can be changed through the environment (see .env.example). Workers come from the
core count: one gthread worker per core (more processes than cores only fight over them), each
with 8 threads, because a page view spends much of its time waiting on PostgreSQL and threads
wait cheaply. bench/load.sh measured this against sync workers, 2 workers per core and granian;
docs/DEPLOY.md has the numbers.
"""

import multiprocessing
import os
import sys
from pathlib import Path

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count())
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A request slower than this is killed and logged rather than holding a worker for ever.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "warning").lower()
# Load the app once in the master, so a broken setting fails at start and workers share memory.
preload_app = True
# The address of the client as the proxy saw it (X-Forwarded-For) is trusted from these only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server) -> None:
    """Refuse to start with DEBUG off and no collectstatic: every page would be a 500."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from factcheck.checks import missing_static_manifest

    problem = missing_static_manifest()
    if problem:
        raise SystemExit(f"error: {problem}")
