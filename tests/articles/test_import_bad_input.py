from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from articles import importer
from articles.importer import article_import_file
from articles.models import Citation, Reference

pytestmark = pytest.mark.django_db

LATIN_1_ARTICLE = "Un titolo\n\nIl caffè era buono, disse il giornalista.\n".encode("latin-1")
PNG_START = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def row_counts() -> dict[str, int]:
    """Rows in every table of the three apps, history and many-to-many tables included."""
    return {
        model._meta.db_table: model._default_manager.count()
        for app_label in ("articles", "claims", "sources")
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
    }


@pytest.fixture
def seeds_imported(seed_paths: dict[str, Path]) -> dict[str, int]:
    """The seeds already in the database, so a failure has something to leave alone."""
    for path in seed_paths.values():
        article_import_file(file_name=path.name, data=path.read_bytes())
    return row_counts()


def seed_000_with(seed_paths: dict[str, Path], old: bytes, new: bytes) -> bytes:
    data = seed_paths["000"].read_bytes()
    assert data.count(old) == 1
    return data.replace(old, new)


@pytest.mark.parametrize(
    ("file_name", "data", "error"),
    [
        ("empty.txt", b"", "empty.txt: the file is empty"),
        ("blank.txt", b"\n  \n\t\n", "blank.txt: the file is empty"),
        ("latin-1.txt", LATIN_1_ARTICLE, "latin-1.txt: line 3: not UTF-8 text"),
        ("image.txt", PNG_START, "image.txt: looks like a binary file, not text"),
        (
            "front-matter-only.md",
            b"---\nauthor: Someone\n---\n\n",
            "front-matter-only.md: no title found",
        ),
        (" ", b"A title\n\nA sentence.\n", "the file has no name"),
    ],
)
def test_it_refuses_a_file_that_is_not_an_article(
    seeds_imported: dict[str, int], file_name: str, data: bytes, error: str
) -> None:
    outcome = article_import_file(file_name=file_name, data=data)

    assert outcome.status == "failed"
    assert outcome.error.startswith(error)
    assert "\n" not in outcome.error
    assert outcome.article is None
    assert row_counts() == seeds_imported


def test_it_keeps_a_marker_without_a_reference_unresolved_naming_its_line(
    seed_paths: dict[str, Path], seeds_imported: dict[str, int]
) -> None:
    data = seed_000_with(seed_paths, b".[3] However", b".[12] However")

    outcome = article_import_file(file_name="000_09d18a1f87d1f789.txt", data=data)

    assert outcome.status == "updated", outcome.error
    assert outcome.warnings == [
        "000_09d18a1f87d1f789.txt: line 7: marker [12] has no entry in the reference list;"
        " kept as an unresolved citation"
    ]
    assert outcome.warning_kinds == {"unresolved marker": 1}
    unresolved = Citation.objects.get(label="[12]")
    assert unresolved.reference is None and unresolved.source is None
    assert outcome.counts["citations_unresolved"] == 1


def test_it_keeps_a_malformed_reference_line_with_its_entry_naming_the_line(
    seed_paths: dict[str, Path], seeds_imported: dict[str, int]
) -> None:
    entry = (
        "2. “Who are the militias raiding Russia's Belgorod region?” The Economist, 25 May. 2023,"
    )
    data = seed_000_with(
        seed_paths, entry.encode(), f"{entry}\nsee the Kremlin's statement, too".encode()
    )

    outcome = article_import_file(file_name="new.txt", data=data)

    # Another name and no URL, outlet or date to tell it by: a new article.
    assert outcome.status == "created", outcome.error
    (warning,) = outcome.warnings
    assert warning.startswith(
        "new.txt: line 24: line in the reference list is not a reference entry"
    )
    reference = Reference.objects.get(article=outcome.article, key="2")
    assert reference.raw_text.endswith("see the Kremlin's statement, too")
    assert reference.source.title == "Who are the militias raiding Russia's Belgorod region?"


def test_it_fails_a_file_with_warnings_when_strict(
    seed_paths: dict[str, Path], seeds_imported: dict[str, int]
) -> None:
    data = seed_000_with(seed_paths, b".[3] However", b".[12] However")

    outcome = article_import_file(file_name="strict.txt", data=data, strict=True)

    assert outcome.status == "failed"
    assert outcome.error == "strict.txt: 1 warning(s) and --strict: not imported"
    assert row_counts() == seeds_imported


def test_it_cuts_a_title_longer_than_the_column_with_a_warning(
    seed_paths: dict[str, Path], seeds_imported: dict[str, int]
) -> None:
    # One odd line never costs the article (issue 7): the title is cut to fit, and said so.
    title = b"Russian Volunteer Corps and Freedom of Russia Legion"
    data = seed_000_with(seed_paths, title, title + b" and more" * 60)

    outcome = article_import_file(file_name="long.txt", data=data)

    assert outcome.status == "created"
    assert "long.txt: the title is 640 characters long; cut to 500" in outcome.warnings
    article = outcome.article
    assert len(article.title) == 500
    assert article.title.startswith("Russian Volunteer Corps and Freedom of Russia Legion and more")


def test_it_leaves_out_a_url_too_long_to_store_with_a_warning(
    seed_paths: dict[str, Path], seeds_imported: dict[str, int]
) -> None:
    address = "https://example.org/" + "a" * 1200
    data = (
        f"---\ntitle: A page with a long address\nurl: {address}\n---\n\n"
        "The council met on Monday in the town hall. It voted to close the bridge for repairs.\n"
    ).encode()

    outcome = article_import_file(file_name="long-url.md", data=data)

    assert outcome.status == "created", outcome.error
    assert any("the article's URL is 1,220 characters long" in w for w in outcome.warnings)
    assert outcome.article.url == ""


def test_it_refuses_a_file_name_longer_than_the_column(seeds_imported: dict[str, int]) -> None:
    name = "a" * 300 + ".txt"

    outcome = article_import_file(file_name=name, data=b"A title\n\nOne sentence here. Two.\n")

    assert outcome.status == "failed"
    assert "the file name is 304 characters long; at most" in outcome.error
    assert row_counts() == seeds_imported


def test_it_refuses_a_file_over_the_size_limit(seeds_imported: dict[str, int], settings) -> None:
    settings.ARTICLE_UPLOAD_MAX_BYTES = 100

    outcome = article_import_file(file_name="big.txt", data=b"A title\n\n" + b"Text. " * 20)

    assert outcome.status == "failed"
    assert "larger than 100 bytes" in outcome.error
    assert row_counts() == seeds_imported


def test_a_database_refusal_mid_write_leaves_nothing_behind(
    seed_paths: dict[str, Path], seeds_imported: dict[str, int]
) -> None:
    # A real refusal from PostgreSQL after the article row is written; the trigger goes away
    # with the test's transaction.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_claims() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'claims are closed for maintenance'; END $$;"
            "CREATE TRIGGER refuse_claims BEFORE INSERT ON claims_claim "
            "FOR EACH ROW EXECUTE FUNCTION refuse_claims();"
        )
    # Not the same text as the stored seed, so it is written (and refused) rather than skipped.
    data = seed_paths["004"].read_bytes().replace(b"> May 25th 2023", b"> May 26th 2023")

    outcome = article_import_file(file_name="another.md", data=data)

    assert outcome.status == "failed"
    assert outcome.error == ("another.md: could not be stored: claims are closed for maintenance")
    assert row_counts() == seeds_imported


def test_a_dry_run_of_a_bad_file_fails_the_same_way(seeds_imported: dict[str, int]) -> None:
    outcome = article_import_file(file_name="empty.txt", data=b"", dry_run=True)

    assert outcome.error == "empty.txt: the file is empty"
    assert row_counts() == seeds_imported


def test_the_command_reports_a_folder_without_articles_and_a_missing_path(
    tmp_path: Path, seeds_imported: dict[str, int]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.pdf").write_bytes(PNG_START)
    missing = tmp_path / "missing.txt"
    stdout, stderr = StringIO(), StringIO()

    with pytest.raises(CommandError, match=r"^2 paths could not be imported$"):
        call_command("import_articles", str(empty), str(missing), stdout=stdout, stderr=stderr)

    assert (
        f"{empty}: no article files (.txt, .md, .markdown, .html, .htm) in this folder"
        in stderr.getvalue()
    )
    assert f"{missing}: no such file or folder" in stderr.getvalue()
    assert "Traceback" not in stdout.getvalue() + stderr.getvalue()
    assert row_counts() == seeds_imported


def test_the_command_fails_for_a_bad_file_and_imports_the_good_ones(
    tmp_path: Path, seed_paths: dict[str, Path]
) -> None:
    (tmp_path / "a-empty.txt").write_bytes(b"")
    (tmp_path / "b-seed.txt").write_bytes(seed_paths["004"].read_bytes())
    (tmp_path / "c-latin-1.txt").write_bytes(LATIN_1_ARTICLE)
    stdout, stderr = StringIO(), StringIO()

    with pytest.raises(CommandError, match=r"^2 of 3 files failed$"):
        call_command("import_articles", str(tmp_path), stdout=stdout, stderr=stderr)

    assert stderr.getvalue().splitlines() == [
        "[1/3] a-empty.txt: FAILED — the file is empty",
        "[3/3] c-latin-1.txt: FAILED — line 3: not UTF-8 text: invalid byte 0xe8",
    ]
    assert "[2/3] b-seed.txt: created — " in stdout.getvalue()
    assert "Files: 1 created, 0 updated, 0 unchanged, 2 failed (3 in all)." in stdout.getvalue()
    assert row_counts()["articles_article"] == 1


def test_a_parser_failure_fails_only_that_file_with_a_clear_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_parser(text: str, *, file_name: str) -> None:
        raise ValueError("month must be in 1..12")

    monkeypatch.setattr(importer.prepare, "parse_article", broken_parser)
    before = row_counts()

    outcome = importer.article_import_file(file_name="bug.md", data=b"# Title\n\nA sentence.\n")

    assert outcome.failed
    assert outcome.error == (
        "bug.md: could not be read: the parser failed (ValueError); "
        "please report this file to the developers"
    )
    assert row_counts() == before
    assert "parser failed on bug.md" in caplog.text
