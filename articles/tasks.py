"""Imports in the background: one task per file, run by `manage.py db_worker`.

A batch of files (an admin upload of several files or a zip, `import_articles --background`)
is stored as ImportFile rows, their bytes in the database so a worker on any machine can read
them, and one task is queued per file in the same transaction. The task calls the same public
import function as the command and the upload (`article_import_file`: one transaction per
file, nothing written for a file that fails) and records the outcome on the ImportFile, which
is what editors watch in the admin ("Background imports").
"""

import contextlib
import datetime
import logging
from collections.abc import Iterable, Iterator

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.tasks import task
from django.utils import timezone
from simple_history.models import HistoricalRecords

from articles.importer import ImportOutcome, article_import_file, article_refusal
from articles.models import ImportBatch, ImportFile

logger = logging.getLogger(__name__)

# Files stored and queued per transaction: the worker starts on the first ones while the rest
# of a 10,000-file batch is still being queued, and no transaction holds hundreds of MB.
ENQUEUE_CHUNK = 200
# A file still "running" after this long lost its worker (killed outright): it may be queued
# again. One file takes seconds, the largest allowed well under a minute.
STALE_RUNNING_AFTER = datetime.timedelta(minutes=30)


def import_batch_create(
    *,
    origin: str,
    description: str,
    files: Iterable[tuple[str, bytes, str | None]],
    user: AbstractBaseUser | None = None,
    strict: bool = False,
    force: bool = False,
) -> ImportBatch:
    """Store the files of one batch and queue a task for each (see the module docstring).

    `files` holds (name, bytes, error): a file with an error (it could not be read), or one
    refused before parsing (too big, no name), is recorded as failed at once, with its
    message, and not queued.
    """
    batch = ImportBatch.objects.create(
        origin=origin,
        description=description.replace("\x00", "")[:500],
        created_by=user if user is not None and user.is_authenticated else None,
        strict=strict,
        force=force,
    )
    chunk: list[ImportFile] = []
    for file_name, data, error in files:
        chunk.append(_import_file_row(batch=batch, file_name=file_name, data=data, error=error))
        if len(chunk) >= ENQUEUE_CHUNK:
            _enqueue_chunk(chunk)
            chunk = []
    if chunk:
        _enqueue_chunk(chunk)
    return batch


def _import_file_row(
    *, batch: ImportBatch, file_name: str, data: bytes, error: str | None
) -> ImportFile:
    # PostgreSQL text cannot hold NUL; a crafted zip or upload can put one in a name.
    file_name = file_name.replace("\x00", "")
    row = ImportFile(batch=batch, file_name=file_name[:500], data=data, size=len(data))
    refusal = error or article_refusal(file_name=file_name, data=data)
    if refusal:
        now = timezone.now()
        row.data = b""
        row.state, row.outcome, row.error = ImportFile.State.FAILED, "failed", refusal
        row.started_at = row.finished_at = now
    return row


def _enqueue_chunk(rows: list[ImportFile]) -> None:
    with transaction.atomic():
        ImportFile.objects.bulk_create(rows)
        queued = [row for row in rows if row.state == ImportFile.State.QUEUED]
        for row in queued:
            # In the same transaction as the rows: the worker never sees a task whose file
            # is not stored yet, and a failed enqueue leaves no file that nothing will run.
            row.task_id = str(import_article_file.enqueue(row.pk).id)
        ImportFile.objects.bulk_update(queued, ["task_id"])


def _requeueable() -> Q:
    """Failed files, and files "running" for longer than any one file takes: their worker was
    killed outright (a 2 MB file takes seconds), so nothing will ever finish them."""
    stale = timezone.now() - STALE_RUNNING_AFTER
    return Q(state=ImportFile.State.FAILED) | Q(
        state=ImportFile.State.RUNNING, started_at__lt=stale
    )


def import_file_requeue(rows: Iterable[ImportFile]) -> int:
    """Queue these files again if they failed or their worker died (see `_requeueable`)."""
    count = 0
    for row in rows:
        with transaction.atomic():
            updated = (
                ImportFile.objects.filter(_requeueable(), pk=row.pk)
                .exclude(data=b"")
                .update(
                    state=ImportFile.State.QUEUED,
                    outcome="",
                    summary="",
                    warnings=[],
                    error="",
                    started_at=None,
                    finished_at=None,
                )
            )
            if updated:
                task_id = str(import_article_file.enqueue(row.pk).id)
                ImportFile.objects.filter(pk=row.pk).update(task_id=task_id)
                count += 1
    return count


@contextlib.contextmanager
def _history_user(user: AbstractBaseUser | None) -> Iterator[None]:
    """Record this import's history under the editor who uploaded it, as an upload in a web
    request would (simple_history reads the user from the request its middleware stores)."""
    if user is None:
        yield
        return
    request = HttpRequest()
    request.user = user
    previous = getattr(HistoricalRecords.context, "request", None)
    HistoricalRecords.context.request = request
    try:
        yield
    finally:
        if previous is None:
            del HistoricalRecords.context.request
        else:
            HistoricalRecords.context.request = previous


def outcome_summary(outcome: ImportOutcome) -> str:
    counts = ", ".join(
        f"{count} {name.replace('_', ' ')}"
        for name, count in sorted(outcome.counts.items())
        if count
    )
    if outcome.status == "unchanged":
        text = "unchanged since its last import"
        return f"{text} ({outcome.note})" if outcome.note else text
    return f"article {outcome.status}; {counts or 'nothing to add'}"


@task()
def import_article_file(import_file_id: int) -> dict:
    """Import one queued file; its outcome goes on its ImportFile (and in the task result).

    A file that is rejected (bad input, a refused update) is a task that succeeded: the
    ImportFile says "failed" and why. Only an error out of the import function itself fails
    the task (its traceback is in the task result, for developers), after the ImportFile has
    been marked failed with a message, so editors never see a file stuck as running.
    """
    started = timezone.now()
    claimed = ImportFile.objects.filter(pk=import_file_id, state=ImportFile.State.QUEUED).update(
        state=ImportFile.State.RUNNING, started_at=started
    )
    if not claimed:
        # Already imported (a task queued twice, or the file was removed): nothing to do.
        return {"file": import_file_id, "skipped": "not queued"}
    row = ImportFile.objects.select_related("batch__created_by").get(pk=import_file_id)
    batch = row.batch
    try:
        with _history_user(batch.created_by):
            outcome = article_import_file(
                file_name=row.file_name,
                data=bytes(row.data),
                strict=batch.strict,
                force=batch.force,
            )
    except Exception as error:
        logger.exception("background import of %s failed", row.file_name)
        ImportFile.objects.filter(pk=row.pk).update(
            state=ImportFile.State.FAILED,
            outcome="failed",
            error=(
                f"{row.file_name}: the import failed ({type(error).__name__}); nothing of this "
                "file was stored. Please report it to the developers."
            ),
            finished_at=timezone.now(),
        )
        raise
    failed = outcome.failed
    warnings = [str(warning) for warning in outcome.warnings]
    warnings += [f"{row.file_name}: {change}" for change in outcome.changes]
    warnings += [
        f"{row.file_name}: would withdraw sentence {claim.ordinal + 1} "
        f"({claim.get_status_display()}): “{claim.text[:200]}”"
        for claim in outcome.withdrawn
    ]
    error = outcome.error or ""
    if outcome.status == "needs_force":
        error += (
            " From a background import: upload this file on its own to see the update and "
            "confirm it."
        )
    result = {
        "state": ImportFile.State.FAILED if failed else ImportFile.State.DONE,
        "outcome": outcome.status,
        "summary": "" if failed else outcome_summary(outcome),
        "warnings": warnings,
        "error": error,
        "article": outcome.article if outcome.article is not None and outcome.article.pk else None,
        "finished_at": timezone.now(),
    }
    if not failed:
        # The article holds the text now; a failed file keeps its bytes to be queued again.
        result["data"] = b""
    ImportFile.objects.filter(pk=row.pk).update(**result)
    return {
        "file": row.file_name,
        "status": outcome.status,
        "error": outcome.error,
        "article": outcome.article.pk if outcome.article is not None else None,
    }
