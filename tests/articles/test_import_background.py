"""Imports as background tasks: queued by the command and the admin, run by the worker."""

import datetime
import io
import os
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import tasks
from articles.models import Article, ImportBatch, ImportFile
from claims.models import Claim
from tests.articles.reimport import give_verdict, replace_once
from tests.factories import EditorFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
UPLOAD_BATCH = "admin:articles_article_upload_batch"
BINARY = b"\x00\x01\x02\xff" * 64


def table_states() -> dict[str, int]:
    """Rows in every table of the three apps, history and many-to-many tables included."""
    return {
        model._meta.db_table: model._default_manager.count()
        for app_label in ("articles", "claims", "sources")
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
        if model not in (ImportBatch, ImportFile)
    }


@pytest.fixture
def restore_signals() -> Iterator[None]:
    # The worker installs its own SIGINT/SIGTERM handlers for a graceful stop; the test run
    # gets its own back afterwards.
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


def run_worker() -> None:
    """The backend's own worker, as `bin/serve` runs it, until the queue is empty."""
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0
    )


def upload_batch(client: Client, files: list[tuple[str, bytes]], **options) -> object:
    form = {"files": [SimpleUploadedFile(name, data) for name, data in files], **options}
    return client.post(reverse(UPLOAD_BATCH), form)


def a_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- the command ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_articles_background_queues_one_task_per_file_and_imports_nothing(
    tmp_path: Path, seed_paths: dict[str, Path]
) -> None:
    for path in seed_paths.values():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "broken.txt").write_bytes(BINARY)
    output = io.StringIO()

    call_command("import_articles", str(tmp_path), "--background", stdout=output)

    batch = ImportBatch.objects.get()
    assert batch.origin == "command" and str(tmp_path) in batch.description
    files = list(batch.files.order_by("file_name"))
    assert len(files) == len(seed_paths) + 1
    assert {row.state for row in files} == {"queued"}
    results = DBTaskResult.objects.filter(task_path="articles.tasks.import_article_file")
    assert sorted(str(result.id) for result in results) == sorted(row.task_id for row in files)
    assert {result.status for result in results} == {"READY"}
    assert not Article.objects.exists()
    assert f"Background import #{batch.pk}: 4 files queued" in output.getvalue()
    assert batch.get_absolute_url() in output.getvalue()


@pytest.mark.django_db
def test_a_dry_run_cannot_go_to_the_background(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nText.")

    with pytest.raises(CommandError, match="cannot run in the background"):
        call_command("import_articles", str(tmp_path), "--background", "--dry-run")

    assert not ImportBatch.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_a_file_too_big_is_refused_at_once_and_not_queued(tmp_path: Path, settings) -> None:
    settings.ARTICLE_UPLOAD_MAX_BYTES = 100
    (tmp_path / "big.txt").write_text("Title\n\n" + "A sentence. " * 50)

    call_command("import_articles", str(tmp_path), "--background", stdout=io.StringIO())

    row = ImportFile.objects.get()
    assert row.state == "failed" and "larger than 100 bytes" in row.error
    assert not DBTaskResult.objects.exists()


# --- the worker -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_imports_queued_files_and_records_each_outcome(
    tmp_path: Path, seed_paths: dict[str, Path], restore_signals: None
) -> None:
    for path in seed_paths.values():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "broken.txt").write_bytes(BINARY)
    call_command("import_articles", str(tmp_path), "--background", stdout=io.StringIO())

    run_worker()

    files = {row.file_name: row for row in ImportFile.objects.all()}
    broken = files.pop("broken.txt")
    assert broken.state == "failed" and broken.outcome == "failed"
    assert "binary file" in broken.error and broken.data  # kept, to be queued again
    assert broken.started_at and broken.finished_at
    for name, row in files.items():
        assert row.state == "done", row.error
        assert row.outcome == "created"
        assert row.article == Article.objects.get(source_file_name=name)
        assert row.summary.startswith("article created; ") and "claims created" in row.summary
        assert bytes(row.data) == b""  # the article holds the text now
    results = DBTaskResult.objects.all()
    assert {result.status for result in results} == {"SUCCESSFUL"}
    returned = {result.return_value["file"]: result.return_value for result in results}
    assert returned["broken.txt"]["status"] == "failed"
    assert "binary file" in returned["broken.txt"]["error"]


@pytest.mark.django_db(transaction=True)
def test_an_update_refused_in_the_background_leaves_the_database_as_it_was(
    seed_paths: dict[str, Path], restore_signals: None
) -> None:
    path = seed_paths["000"]
    data = path.read_bytes()
    tasks.import_batch_create(
        origin="command", description="first", files=[(path.name, data, None)]
    )
    run_worker()
    gone = Claim.objects.get(ordinal=8)
    give_verdict(gone, EditorFactory(), status=Claim.Status.FALSE)
    before = table_states()

    tasks.import_batch_create(
        origin="command",
        description="second",
        files=[(path.name, replace_once(data, gone.text, ""), None)],
    )
    run_worker()

    row = ImportFile.objects.get(batch__description="second")
    assert row.state == "failed" and row.outcome == "needs_force"
    assert "would withdraw 1 reviewed claim" in row.error
    assert "upload this file on its own" in row.error
    assert any(gone.text[:40] in warning for warning in row.warnings)
    assert table_states() == before
    gone.refresh_from_db()
    assert gone.withdrawn_at is None and gone.status == Claim.Status.FALSE


@pytest.mark.django_db(transaction=True)
def test_an_error_out_of_the_importer_marks_the_file_failed_and_the_task_failed(
    seed_paths: dict[str, Path], restore_signals: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = seed_paths["000"]

    def broken_import(**kwargs) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(tasks, "article_import_file", broken_import)
    tasks.import_batch_create(
        origin="command", description="crash", files=[(path.name, path.read_bytes(), None)]
    )

    run_worker()

    row = ImportFile.objects.get()
    assert row.state == "failed"
    assert "the import failed (RuntimeError)" in row.error and "nothing of this" in row.error
    result = DBTaskResult.objects.get()
    assert result.status == "FAILED"
    assert result.exception_class_path == "builtins.RuntimeError"
    assert "disk on fire" in result.traceback
    assert not Article.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_upload_imported_by_the_worker_is_on_record_under_the_uploading_editor(
    client: Client, seed_paths: dict[str, Path], restore_signals: None
) -> None:
    editor = EditorFactory()
    client.force_login(editor)
    files = [(path.name, path.read_bytes()) for path in seed_paths.values()]
    upload_batch(client, files)

    run_worker()

    assert ImportFile.objects.filter(state="done").count() == len(files)
    history = Claim.history.filter(history_type="+")
    assert history.exists()
    assert set(history.values_list("history_user_id", flat=True)) == {editor.pk}


@pytest.mark.django_db(transaction=True)
def test_a_failed_file_queued_again_is_imported_again(
    editor_client: Client, restore_signals: None
) -> None:
    tasks.import_batch_create(
        origin="command", description="bad", files=[("broken.txt", BINARY, None)]
    )
    run_worker()
    row = ImportFile.objects.get()
    assert row.state == "failed"

    response = editor_client.post(
        reverse("admin:articles_importfile_changelist"),
        {"action": "queue_again", "_selected_action": [row.pk]},
        follow=True,
    )

    assert "1 file(s) queued again." in response.text
    row.refresh_from_db()
    assert row.state == "queued" and row.error == ""
    run_worker()
    row.refresh_from_db()
    assert row.state == "failed" and "binary file" in row.error
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db
def test_a_file_stuck_running_after_its_worker_died_can_be_queued_again() -> None:
    batch = tasks.import_batch_create(
        origin="command",
        description="x",
        files=[("stuck.txt", b"Title\n\nText.", None), ("busy.txt", b"Other\n\nText.", None)],
    )
    stuck, busy = batch.files.order_by("file_name").reverse()
    long_ago = timezone.now() - tasks.STALE_RUNNING_AFTER - datetime.timedelta(minutes=1)
    ImportFile.objects.filter(pk=stuck.pk).update(state="running", started_at=long_ago)
    ImportFile.objects.filter(pk=busy.pk).update(state="running", started_at=timezone.now())

    assert tasks.import_file_requeue([stuck, busy]) == 1

    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.state == "queued" and stuck.started_at is None
    assert busy.state == "running"  # its worker may still be on it
    assert DBTaskResult.objects.filter(id=stuck.task_id).exists()


# --- the admin ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_uploading_several_files_queues_them_and_shows_their_progress(
    editor_client: Client, seed_paths: dict[str, Path]
) -> None:
    files = [(path.name, path.read_bytes()) for path in seed_paths.values()]

    response = upload_batch(editor_client, files, strict="on")

    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    assert batch.origin == "upload" and batch.strict and not batch.force
    assert batch.files.filter(state="queued").count() == len(files)
    assert DBTaskResult.objects.count() == len(files)
    assert not Article.objects.exists()  # nothing imported inside the request
    page = editor_client.get(batch.get_absolute_url())
    assert page.status_code == 200
    assert f"0 of {len(files)} files finished" in page.text
    assert f"{len(files)} queued" in page.text
    assert '<meta http-equiv="refresh" content="5">' in page.text


@pytest.mark.django_db
def test_uploading_a_zip_queues_its_article_files_only(
    editor_client: Client, seed_paths: dict[str, Path]
) -> None:
    path = seed_paths["000"]
    archive = a_zip(
        {
            f"folder/{path.name}": path.read_bytes(),
            "second.md": b"# Second\n\nA sentence here. Another one there.\n",
            "picture.png": b"\x89PNG",
            f"__MACOSX/folder/._{path.name}": b"junk",
            ".hidden.txt": b"not an article",
        }
    )

    upload_batch(editor_client, [("articles.zip", archive)])

    assert sorted(ImportFile.objects.values_list("file_name", flat=True)) == sorted(
        [path.name, "second.md"]
    )
    assert set(ImportFile.objects.values_list("state", flat=True)) == {"queued"}


@pytest.mark.django_db
def test_a_zip_member_over_the_size_limit_is_refused_with_its_name(
    editor_client: Client, settings
) -> None:
    settings.ARTICLE_UPLOAD_MAX_BYTES = 1000
    # A kilobyte of text that claims to be small nowhere: read to the limit and refused.
    upload_batch(editor_client, [("big.zip", a_zip({"big.txt": b"word " * 10_000}))])

    row = ImportFile.objects.get()
    assert row.state == "failed" and "big.txt" in row.error and "larger than 1,000" in row.error
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_a_nul_in_a_file_name_is_dropped_not_a_database_error() -> None:
    batch = tasks.import_batch_create(
        origin="upload", description="a\x00b", files=[("bad\x00name.txt", b"T\n\nText.", None)]
    )

    assert batch.description == "ab"
    assert batch.files.get().file_name == "badname.txt"


@pytest.mark.django_db
def test_a_broken_zip_or_a_wrong_file_is_refused_with_a_message_and_nothing_queued(
    editor_client: Client,
) -> None:
    response = upload_batch(
        editor_client, [("articles.zip", b"PK\x03\x04 not really"), ("photo.jpg", b"\xff\xd8")]
    )

    assert response.status_code == 200
    assert "“articles.zip” is not a readable .zip archive" in response.text
    assert "“photo.jpg” is not an article file or a .zip" in response.text
    assert not ImportBatch.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_the_upload_page_offers_many_files_at_once(editor_client: Client) -> None:
    response = editor_client.get(reverse("admin:articles_article_upload"))

    assert reverse(UPLOAD_BATCH) in response.text
    assert 'name="files" multiple' in response.text


@pytest.mark.django_db
def test_it_rejects_a_staff_user_without_the_import_permission(client: Client) -> None:
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    batch = tasks.import_batch_create(origin="command", description="x", files=[])

    assert upload_batch(client, [("a.txt", b"Title\n\nText.")]).status_code == 403
    for name in ("admin:articles_importbatch_changelist", "admin:articles_importfile_changelist"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(batch.get_absolute_url()).status_code in (302, 403)
    assert ImportBatch.objects.count() == 1 and not ImportFile.objects.exists()


@pytest.mark.django_db
def test_it_sends_an_anonymous_visitor_to_the_login_page(client: Client) -> None:
    response = upload_batch(client, [("a.txt", b"Title\n\nText.")])

    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_editors_cannot_add_change_or_delete_import_records(editor_client: Client) -> None:
    batch = tasks.import_batch_create(
        origin="command", description="x", files=[("a.txt", b"Title\n\nText.", None)]
    )
    row = batch.files.get()

    assert editor_client.get(reverse("admin:articles_importbatch_add")).status_code == 403
    assert editor_client.post(batch.get_absolute_url(), {}).status_code == 403
    delete = reverse("admin:articles_importfile_delete", args=[row.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert ImportFile.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_the_list_of_background_imports_takes_a_fixed_number_of_queries(
    editor_client: Client, django_assert_max_num_queries
) -> None:
    for number in range(5):
        tasks.import_batch_create(
            origin="command",
            description=f"batch {number}",
            files=[(f"{number}-{i}.txt", b"Title\n\nText.", None) for i in range(3)],
        )
    editor_client.get(reverse("admin:articles_importbatch_changelist"))  # warm the session

    with django_assert_max_num_queries(8):
        response = editor_client.get(reverse("admin:articles_importbatch_changelist"))

    assert response.status_code == 200
    assert response.text.count("0 of 3 files finished") == 5


@pytest.mark.django_db
def test_the_list_of_imported_files_takes_a_fixed_number_of_queries(
    editor_client: Client, django_assert_max_num_queries
) -> None:
    tasks.import_batch_create(
        origin="command",
        description="many",
        files=[(f"{i}.txt", b"Title\n\nText.", None) for i in range(20)],
    )
    editor_client.get(reverse("admin:articles_importfile_changelist"))

    with django_assert_max_num_queries(9):
        response = editor_client.get(reverse("admin:articles_importfile_changelist"))

    assert response.status_code == 200
    assert response.text.count("19.txt") >= 1


# --- settings -------------------------------------------------------------------------------


def test_the_immediate_backend_is_refused_when_debug_is_off() -> None:
    environment = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60,
        "TASKS_BACKEND": "immediate",
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
    }
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )

    assert run.returncode != 0
    assert "TASKS_BACKEND=immediate runs imports inside web requests" in run.stderr


def test_the_database_backend_is_the_default(settings) -> None:
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
