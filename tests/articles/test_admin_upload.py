from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Citation, Contributor, Reference
from claims.models import Claim, Evidence
from sources.models import Outlet, Source
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UPLOAD = "admin:articles_article_upload"
STORED_MODELS = [Article, Contributor, Reference, Citation, Claim, Evidence, Source, Outlet]


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in STORED_MODELS}


def upload(client: Client, name: str, data: bytes, *, dry_run: bool = False, follow=False):
    form = {"file": SimpleUploadedFile(name, data, content_type="text/plain")}
    if dry_run:
        form["dry_run"] = "on"
    return client.post(reverse(UPLOAD), form, follow=follow)


def messages_of(response) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in response.context["messages"]]


def test_the_articles_list_links_to_the_upload_page_for_importers(editor_client: Client) -> None:
    response = editor_client.get(reverse("admin:articles_article_changelist"))

    assert reverse(UPLOAD) in response.text


def test_the_upload_page_shows_the_form(editor_client: Client) -> None:
    response = editor_client.get(reverse(UPLOAD))

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert 'name="dry_run"' in response.text


def test_uploading_a_seed_file_imports_it_and_links_to_the_article(
    editor_client: Client, seed_paths: dict[str, Path]
) -> None:
    path = seed_paths["000"]

    response = upload(editor_client, path.name, path.read_bytes(), follow=True)

    assert response.redirect_chain == [(reverse(UPLOAD), 302)]
    article = Article.objects.get(source_file_name=path.name)
    assert article.claims.exists()
    success = [text for level, text in messages_of(response) if level == "success"]
    assert len(success) == 1
    assert f"{path.name}: article created" in success[0]
    assert f"{article.claims.count()} claims created" in success[0]
    assert reverse("admin:articles_article_change", args=[article.pk]) in success[0]


def test_uploading_the_same_file_again_says_it_is_unchanged(
    editor_client: Client, seed_paths: dict[str, Path]
) -> None:
    path = seed_paths["002"]
    upload(editor_client, path.name, path.read_bytes())
    before = row_counts()

    response = upload(editor_client, path.name, path.read_bytes(), follow=True)

    assert any("unchanged" in text for _, text in messages_of(response))
    assert row_counts() == before


def test_a_dry_run_reports_the_counts_and_saves_nothing(
    editor_client: Client, seed_paths: dict[str, Path]
) -> None:
    path = seed_paths["004"]
    before = row_counts()

    response = upload(editor_client, path.name, path.read_bytes(), dry_run=True)

    assert response.status_code == 200
    info = [text for level, text in messages_of(response) if level == "info"]
    assert len(info) == 1
    assert "Dry run" in info[0]
    assert "claims created" in info[0]
    assert "Nothing was saved" in info[0]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Title\n\nOne paragraph.\n\xff\xfe broken bytes here.\n", "not UTF-8 text"),
        (b"   \n\n  \n", "the file is empty"),
    ],
)
def test_a_broken_file_gives_an_error_naming_the_file_and_changes_nothing(
    editor_client: Client, data: bytes, expected: str
) -> None:
    before = row_counts()

    response = upload(editor_client, "broken.txt", data)

    assert response.status_code == 200
    errors = [text for level, text in messages_of(response) if level == "error"]
    assert len(errors) == 1
    assert "broken.txt" in errors[0]
    assert expected in errors[0]
    assert 'name="file"' in response.text
    assert row_counts() == before


def test_an_error_names_the_line_of_a_bad_byte(editor_client: Client) -> None:
    response = upload(editor_client, "bad.txt", b"Title\n\nFine.\n\nNot \xff fine.\n")

    errors = [text for level, text in messages_of(response) if level == "error"]
    assert "line 5" in errors[0]


def test_an_empty_file_is_refused_by_name_before_import(editor_client: Client) -> None:
    before = row_counts()

    response = upload(editor_client, "nothing.md", b"")

    assert response.status_code == 200
    assert "“nothing.md” is empty." in response.text
    assert row_counts() == before


def test_a_file_that_is_not_an_article_file_is_refused(editor_client: Client) -> None:
    response = upload(editor_client, "picture.png", b"\x89PNG\r\n")

    assert response.status_code == 200
    assert "“picture.png” is not an article file" in response.text
    assert not Article.objects.exists()


def test_a_file_over_the_size_limit_is_refused(editor_client: Client, settings) -> None:
    settings.ARTICLE_UPLOAD_MAX_BYTES = 100

    response = upload(editor_client, "long.txt", b"Title\n\n" + b"Words words. " * 20)

    assert response.status_code == 200
    assert "an article file may be at most 100" in response.text
    assert not Article.objects.exists()


def test_a_staff_user_without_the_import_permission_is_forbidden(
    client: Client, seed_paths: dict[str, Path]
) -> None:
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(staff)
    path = seed_paths["000"]

    page = client.get(reverse(UPLOAD))
    post = upload(client, path.name, path.read_bytes())
    changelist = client.get(reverse("admin:articles_article_changelist"))

    assert page.status_code == 403
    assert post.status_code == 403
    assert not Article.objects.exists()
    assert reverse(UPLOAD) not in changelist.text


def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Client) -> None:
    response = client.get(reverse(UPLOAD))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_upload_that_would_withdraw_a_reviewed_claim_previews_it_then_needs_the_box(
    editor_client: Client, seed_paths: dict[str, Path]
) -> None:
    path = seed_paths["000"]
    upload(editor_client, path.name, path.read_bytes())
    claim = Claim.objects.get(ordinal=8)
    claim.status, claim.reason, claim.reviewed_at = "false", "Wrong figure.", timezone.now()
    claim.save()
    changed = path.read_bytes().replace(claim.text.encode(), b"")
    before = row_counts()

    preview = upload(editor_client, path.name, changed)

    assert preview.status_code == 200
    texts = [text for _, text in messages_of(preview)]
    assert any("would withdraw 1 reviewed claim" in text for text in texts)
    assert any(f"Would withdraw sentence 9 (False): “{claim.text[:40]}" in text for text in texts)
    assert row_counts() == before

    form = {"file": SimpleUploadedFile(path.name, changed), "force": "on"}
    editor_client.post(reverse(UPLOAD), form)

    claim.refresh_from_db()
    assert claim.withdrawn_at is not None and claim.status == "false"


def test_the_preview_of_a_withdrawing_update_lists_what_changes_and_one_click_confirms_it(
    editor_client: Client, seed_paths: dict[str, Path]
) -> None:
    path = seed_paths["000"]
    upload(editor_client, path.name, path.read_bytes())
    gone = Claim.objects.get(ordinal=8)
    gone.status, gone.reason, gone.reviewed_at = "false", "Wrong figure.", timezone.now()
    gone.save()
    changed = path.read_bytes().replace(gone.text.encode(), b"")
    before = row_counts()

    preview = upload(editor_client, path.name, changed)

    assert preview.status_code == 200
    page = " ".join(preview.text.split())
    assert "Confirm: this update of 000_09d18a1f87d1f789.txt withdraws reviewed claims" in page
    assert "Sentence 9 (False)" in page
    assert "1 claims withdrawn (kept with their verdicts and history)" in page
    assert row_counts() == before
    content_hash = preview.context["preview"]["content_hash"]

    confirmed = editor_client.post(reverse(UPLOAD), {"confirm": content_hash}, follow=True)

    gone.refresh_from_db()
    assert gone.withdrawn_at is not None and gone.status == "false"
    assert any("article updated" in text for _, text in messages_of(confirmed))
    # A second click finds nothing left to confirm and changes nothing.
    again = editor_client.post(reverse(UPLOAD), {"confirm": content_hash}, follow=True)
    assert any("Nothing to confirm" in text for _, text in messages_of(again))


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('"a\\0b"', "a NUL character was removed"),
        (".nan", "nan is not a number JSON can hold; kept as text"),
        (".inf", "inf is not a number JSON can hold; kept as text"),
    ],
)
def test_odd_front_matter_values_import_with_a_warning_not_a_500(
    editor_client: Client, value: str, problem: str
) -> None:
    data = f"---\ntitle: Odd values\nscore: {value}\n---\n\nA sentence here.\n".encode()

    response = upload(editor_client, "odd.md", data, follow=True)

    assert response.status_code == 200
    assert ("warning", f"odd.md: line 3: front matter score: {problem}") in messages_of(response)
    assert Article.objects.get().title == "Odd values"
