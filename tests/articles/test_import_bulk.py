"""Importing a folder of many files: parsed by workers, resumable, finished files skipped."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.management.commands import import_articles
from articles.models import Article
from articles.parser import decode_article, parse_article
from claims.models import Claim

pytestmark = pytest.mark.django_db


def folder_of_copies(folder: Path, seed_paths: dict[str, Path], count: int) -> Path:
    seeds = list(seed_paths.values())
    titles = [
        parse_article(decode_article(seed.read_bytes()), file_name=seed.name).title
        for seed in seeds
    ]
    for number in range(count):
        seed, title = seeds[number % 3], titles[number % 3]
        # A title of its own: the same title, outlet and date would be the same article.
        text = seed.read_text(encoding="utf-8").replace(title, f"{title} (copy {number})", 1)
        (folder / f"copy-{number:03d}-{seed.name}").write_text(text, encoding="utf-8")
    return folder


def run(folder: Path, *arguments: str) -> str:
    stdout = StringIO()
    call_command("import_articles", str(folder), *arguments, stdout=stdout, stderr=StringIO())
    return stdout.getvalue()


def test_worker_processes_import_exactly_what_one_process_does(
    tmp_path: Path, seed_paths: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_articles, "PARALLEL_MIN_FILES", 2)
    folder = folder_of_copies(tmp_path, seed_paths, 6)

    output = run(folder, "--jobs", "2")

    assert "Files: 6 created, 0 updated, 0 unchanged, 0 failed (6 in all)." in output
    parallel = sorted(Article.objects.values_list("title", "content_hash"))
    parallel_claims = Claim.objects.count()
    Claim.objects.all().delete()
    Article.objects.all().delete()
    run(folder, "--jobs", "1")
    assert sorted(Article.objects.values_list("title", "content_hash")) == parallel
    assert Claim.objects.count() == parallel_claims


def test_a_rerun_skips_finished_files_at_one_query_per_batch(
    tmp_path: Path, seed_paths: dict[str, Path]
) -> None:
    folder = folder_of_copies(tmp_path, seed_paths, 9)
    run(folder, "--jobs", "1")

    with CaptureQueriesContext(connection) as captured:
        output = run(folder, "--jobs", "1")

    assert "Files: 0 created, 0 updated, 9 unchanged, 0 failed (9 in all)." in output
    assert len(captured) == 1
    assert "Progress: 9/9 files (100 %)" in output and "files/s" in output


def test_an_interrupted_run_leaves_no_partial_article_and_a_rerun_finishes(
    tmp_path: Path, seed_paths: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = folder_of_copies(tmp_path, seed_paths, 5)
    real_write = import_articles.article_import_file.__globals__["_claims_sync"]
    calls = []

    def interrupted_in_the_third_write(**arguments):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl-C while the third file is half written
        return real_write(**arguments)

    monkeypatch.setitem(
        import_articles.article_import_file.__globals__,
        "_claims_sync",
        interrupted_in_the_third_write,
    )
    with pytest.raises(import_articles.CommandError, match="Interrupted after 2 of 5 files"):
        run(folder, "--jobs", "1")
    assert Article.objects.count() == 2
    # No article without its claims: the half-written one was rolled back whole.
    assert not Article.objects.filter(claims__isnull=True).exists()
    monkeypatch.undo()

    output = run(folder, "--jobs", "1")

    assert "Files: 3 created, 0 updated, 2 unchanged, 0 failed (5 in all)." in output
    assert Article.objects.count() == 5


def test_a_copy_of_a_file_in_the_same_run_is_reported_unchanged(
    tmp_path: Path, seed_paths: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_articles, "PARALLEL_MIN_FILES", 2)
    seed = seed_paths["000"]
    shutil.copy(seed, tmp_path / "a.txt")
    shutil.copy(seed, tmp_path / "b.txt")

    output = run(tmp_path, "--jobs", "2")

    assert "Files: 1 created, 0 updated, 1 unchanged, 0 failed (2 in all)." in output
    assert "the same text as a.txt" in output
