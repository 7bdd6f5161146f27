# ruff: noqa: RUF001 -- curly quotes are the data.
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from articles.models import Article
from claims.models import Claim

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    """Rows in every table of the three apps, history and many-to-many tables included."""
    return {
        model._meta.db_table: model._default_manager.count()
        for app_label in ("articles", "claims", "sources")
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
    }


def run(*arguments: str) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("import_articles", *arguments, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def summary(stdout: str) -> list[str]:
    # The elapsed time and the progress line's rate are what differs from run to run.
    return [
        line
        for line in stdout.splitlines()
        if not line.startswith(("[", " ", "Elapsed", "Progress:"))
    ]


@pytest.fixture
def seed_folder(tmp_path: Path, seed_paths: dict[str, Path]) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for path in seed_paths.values():
        shutil.copy(path, folder / path.name)
    return folder


def test_it_imports_a_folder_with_a_line_per_file_and_a_summary(seed_folder: Path) -> None:
    stdout, stderr = run(str(seed_folder))

    assert stderr == ""
    lines = stdout.splitlines()
    progress = [line for line in lines if line.startswith("Progress:")]
    lines = [line for line in lines if not line.startswith("Progress:")]
    assert lines[:4] == [
        "[1/3] 000_09d18a1f87d1f789.txt: created — 27 claims, 11 sources, 18 citations",
        "[2/3] 002_c2c4f3a961daad98.txt: created — 23 claims, 5 sources, 10 citations, 1 warning",
        "    line 16: citation (Il Post) has no bibliography entry; kept as a source not in "
        "the bibliography",
        "[3/3] 004_3263043cf6c7fdd3.txt: created — 28 claims, 0 sources, 0 citations, "
        "1 cross-article link",
    ]
    assert summary(stdout) == [
        "Files: 3 created, 0 updated, 0 unchanged, 0 failed (3 in all).",
        "Claims: 78 created, 0 updated, 0 unchanged, 0 removed.",
        "Sources: 16 created, 0 updated, 0 reused unchanged.",
        "Citations: 28 created, 0 replaced.",
        "Cross-article links: 1. Warnings: 1 (1 citation without entry).",
    ]
    assert re.fullmatch(
        r"Progress: 3/3 files \(100 %\), \d+\.\d files/s, about 0 s left\.", progress[-1]
    )
    assert re.fullmatch(r"Elapsed: \d+\.\d\d s\.", lines[-1])
    assert Article.objects.count() == 3
    assert Claim.objects.count() == 78


def test_a_second_run_reports_every_file_unchanged(seed_folder: Path) -> None:
    run(str(seed_folder))
    before = row_counts()

    stdout, _ = run(str(seed_folder))

    assert "[1/3] 000_09d18a1f87d1f789.txt: unchanged — 27 claims, nothing to do" in stdout
    assert "Files: 0 created, 0 updated, 3 unchanged, 0 failed (3 in all)." in stdout
    assert "Claims: 0 created, 0 updated, 78 unchanged, 0 removed." in stdout
    assert row_counts() == before


def test_a_changed_file_is_reported_as_updated(seed_folder: Path) -> None:
    run(str(seed_folder))
    path = seed_folder / "004_3263043cf6c7fdd3.txt"
    path.write_text(path.read_text().replace("Who was responsible for the incursion?", ""))

    stdout, _ = run(str(path))

    assert (
        "[1/1] 004_3263043cf6c7fdd3.txt: updated — 27 claims (23 moved, 4 unchanged, 1 removed)"
        in (stdout)
    )


def test_a_file_with_only_warnings_succeeds(seed_paths: dict[str, Path]) -> None:
    stdout, stderr = run(str(seed_paths["002"]))

    assert stderr == ""
    assert "1 warning" in stdout
    assert "Warnings: 1 (1 citation without entry)." in stdout
    assert Article.objects.count() == 1


def test_a_dry_run_writes_nothing_and_reports_what_it_would_create(seed_folder: Path) -> None:
    before = row_counts()

    dry_stdout, _ = run(str(seed_folder), "--dry-run")

    assert row_counts() == before
    assert "Dry run: nothing was written." in dry_stdout
    real_stdout, _ = run(str(seed_folder))
    # The same files, progress lines and totals as the real import that follows.
    assert summary(dry_stdout) == [
        "Dry run: nothing was written. These are the changes an import would make.",
        *summary(real_stdout),
    ]
    assert [line for line in dry_stdout.splitlines() if line.startswith("[")] == [
        line for line in real_stdout.splitlines() if line.startswith("[")
    ]


def test_it_searches_folders_recursively_for_article_files_only(
    tmp_path: Path, seed_paths: dict[str, Path]
) -> None:
    (tmp_path / "2023" / "may").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    shutil.copy(seed_paths["004"], tmp_path / "2023" / "may" / "economist.markdown")
    shutil.copy(seed_paths["000"], tmp_path / "2023" / "first.TXT")
    shutil.copy(seed_paths["002"], tmp_path / ".git" / "hidden.txt")
    (tmp_path / "2023" / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0")

    stdout, _ = run(str(tmp_path))

    assert [line.split(":")[0] for line in stdout.splitlines() if line.startswith("[")] == [
        "[1/2] first.TXT",
        "[2/2] economist.markdown",
    ]
    assert set(Article.objects.values_list("source_file_name", flat=True)) == {
        "first.TXT",
        "economist.markdown",
    }


def test_two_different_files_with_the_same_name_are_two_articles(
    tmp_path: Path, seed_paths: dict[str, Path]
) -> None:
    # Articles are known by content and identity, not by file name (issue 7).
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    shutil.copy(seed_paths["000"], tmp_path / "a" / "article.txt")
    shutil.copy(seed_paths["004"], tmp_path / "b" / "article.txt")

    stdout, stderr = run(str(tmp_path))

    assert stderr == ""
    assert "Files: 2 created, 0 updated, 0 unchanged, 0 failed (2 in all)." in stdout
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Russian Volunteer Corps and Freedom of Russia Legion “Liberate” Russian Territory in "
        "Belgorod Region",
        "Who are the militias raiding Russia’s Belgorod region?",
    ]


def test_the_same_text_under_another_name_is_unchanged(seed_folder: Path, tmp_path: Path) -> None:
    run(str(seed_folder))
    copy = tmp_path / "renamed.txt"
    shutil.copy(seed_folder / "000_09d18a1f87d1f789.txt", copy)

    stdout, _ = run(str(copy))

    assert (
        "[1/1] renamed.txt: unchanged — 27 claims, nothing to do "
        "(the same text as 000_09d18a1f87d1f789.txt)"
    ) in stdout
    assert Article.objects.count() == 3


def test_it_imports_the_good_paths_when_one_is_missing(
    tmp_path: Path, seed_paths: dict[str, Path]
) -> None:
    stdout, stderr = StringIO(), StringIO()

    with pytest.raises(CommandError, match=r"^1 path could not be imported$"):
        call_command(
            "import_articles",
            str(tmp_path / "nope"),
            str(seed_paths["004"]),
            stdout=stdout,
            stderr=stderr,
        )

    assert stderr.getvalue() == f"{tmp_path / 'nope'}: no such file or folder\n"
    assert "[1/1] 004_3263043cf6c7fdd3.txt: created" in stdout.getvalue()
    assert Article.objects.count() == 1


def test_odd_front_matter_values_warn_and_the_run_goes_on(tmp_path: Path) -> None:
    for number, value in enumerate(['"a\\0b"', ".nan", ".inf", "-.inf"]):
        (tmp_path / f"odd-{number}.md").write_text(
            f"---\ntitle: Odd values {number}\nscore: {value}\n---\n\nA sentence here.\n"
        )
    stdout, stderr = StringIO(), StringIO()

    call_command("import_articles", str(tmp_path), stdout=stdout, stderr=stderr)

    output = stdout.getvalue()
    assert "Files: 4 created, 0 updated, 0 unchanged, 0 failed (4 in all)." in output
    assert "line 3: front matter score: nan is not a number JSON can hold" in output
    assert "a NUL character was removed" in output
    assert "Traceback" not in output + stderr.getvalue()
