"""The parsing side of a bulk import, run in worker processes.

Kept free of model imports at module level: a spawned worker unpickles these functions before
Django is set up, and sets it up in `worker_setup`.
"""

import signal


def worker_setup() -> None:
    """Each worker: Django ready, and deaf to Ctrl-C (the command itself stops the run, so an
    interrupted file is rolled back by the one process that writes)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import django

    django.setup()


def prepare(*, file_name: str, data: bytes, content_hash: str):
    """`articles.importer.article_prepare` in a worker: parse, no database."""
    from articles.importer import article_prepare

    return article_prepare(file_name=file_name, data=data, content_hash=content_hash)
