"""Roles: editors review; chief editors also publish and unpublish articles (readers see only
published ones) and may correct article metadata."""

import contextlib
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.models import Article
from claims import roles
from claims.services import claim_set_verdict
from tests.factories import (
    ArticleFactory,
    ChiefEditorFactory,
    ClaimFactory,
    EditorFactory,
    EvidenceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

ARTICLES = "admin:articles_article_changelist"


def codenames(name: str) -> set[tuple[str, str]]:
    group = Group.objects.get(name=name)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_chief_editors_can_do_all_editors_can_and_publish_and_correct_articles() -> None:
    editors, chiefs = codenames("Editors"), codenames("Chief editors")

    assert editors < chiefs
    assert chiefs - editors >= {("articles", "publish_article"), ("articles", "change_article")}
    assert ("articles", "publish_article") not in editors
    assert ("articles", "change_article") not in editors
    assert not any(app == "auth" for app, _ in chiefs)


def test_the_groups_have_exactly_the_permissions_claims_roles_names() -> None:
    assert codenames("Editors") == set(roles.EDITOR_PERMISSIONS)
    assert codenames("Chief editors") == set(roles.CHIEF_EDITOR_PERMISSIONS)


def test_migrate_sets_a_groups_permissions_back_and_makes_a_deleted_group_again() -> None:
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="delete_claim"))
    editors.permissions.remove(Permission.objects.get(codename="change_claim"))
    Group.objects.filter(name="Chief editors").delete()
    output = io.StringIO()

    with contextlib.redirect_stdout(output):
        call_command("migrate", verbosity=1, stdout=io.StringIO())

    assert codenames("Editors") == set(roles.EDITOR_PERMISSIONS)
    assert codenames("Chief editors") == set(roles.CHIEF_EDITOR_PERMISSIONS)
    assert "Set the Editors group's permissions back (1 added, 1 taken away)" in output.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_groups_are_there_after_a_transactional_tests_flush() -> None:
    # A transactional test ends with a flush that empties auth_group; the next test, on this
    # worker of a parallel run, must still find the roles.
    call_command("flush", verbosity=0, interactive=False)

    assert codenames("Editors") == set(roles.EDITOR_PERMISSIONS)
    assert codenames("Chief editors") == set(roles.CHIEF_EDITOR_PERMISSIONS)


def actions_offered(client: Client) -> list[str]:
    response = client.get(reverse(ARTICLES))
    assert response.status_code == 200
    form = response.context["action_form"]
    if form is None:
        return []
    return [value for value, _label in form.fields["action"].choices if value]


def test_only_chief_editors_are_offered_publish_and_unpublish(client: Client) -> None:
    ArticleFactory()
    client.force_login(EditorFactory())
    editor_actions = actions_offered(client)
    client.force_login(ChiefEditorFactory())
    chief_actions = actions_offered(client)

    assert "unpublish" not in editor_actions and "publish" not in editor_actions
    assert {"publish", "unpublish"} <= set(chief_actions)


def test_an_editor_cannot_unpublish_by_posting_the_action(client: Client) -> None:
    article = ArticleFactory()
    client.force_login(EditorFactory())

    client.post(reverse(ARTICLES), {"action": "unpublish", "_selected_action": [article.pk]})

    article.refresh_from_db()
    assert article.publication == "published"


def test_a_chief_editor_unpublishes_and_publishes_with_who_and_when(client: Client) -> None:
    article = ArticleFactory()
    chief = ChiefEditorFactory(first_name="Nellie", last_name="Bly")
    client.force_login(chief)

    response = client.post(
        reverse(ARTICLES), {"action": "unpublish", "_selected_action": [article.pk]}, follow=True
    )

    article.refresh_from_db()
    assert article.publication == "unpublished"
    assert article.publication_changed_by == chief and article.publication_changed_at
    assert "Unpublished 1 article" in response.text
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).text
    assert "Unpublished (by" in page

    client.post(reverse(ARTICLES), {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.publication == "published"


# --- What readers see ------------------------------------------------------------------------


@pytest.fixture
def hidden_and_shown():
    """Two reviewed claims, one in an unpublished article, both citing the same source."""
    editor = EditorFactory()
    source = SourceFactory(title="Shared report")
    shown = ClaimFactory(text="Shown sentence about wheat.")
    hidden = ClaimFactory(text="Hidden sentence about wheat.")
    for claim in (shown, hidden):
        EvidenceFactory(claim=claim, source=source, stance="supports")
        claim_set_verdict(claim=claim, status="contested", reason="Disputed.", user=editor)
        claim_set_verdict(claim=claim, status="false", reason="Wrong after all.", user=editor)
    Article.objects.filter(pk=hidden.article_id).update(publication="unpublished")
    return shown, hidden, source


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/claims/",
        "/claims/?q=wheat",
        "/claims/export.csv",
        "/claims/export.json",
        "/corrections/",
        "/feeds/reviewed/",
        "/feeds/contested/",
        "/articles/",
        "/sitemap.xml",
    ],
)
def test_readers_never_see_an_unpublished_articles_claims(
    client: Client, hidden_and_shown, path: str
) -> None:
    _, hidden, _ = hidden_and_shown

    response = client.get(path)
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()

    assert response.status_code == 200
    assert "Hidden sentence" not in body
    assert hidden.article.title not in body
    if path not in ("/articles/", "/sitemap.xml", "/feeds/contested/"):
        assert "Shown sentence" in body


def test_an_unpublished_articles_pages_are_not_found(client: Client, hidden_and_shown) -> None:
    shown, hidden, source = hidden_and_shown

    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(hidden.article.get_absolute_url()).status_code == 404
    assert client.get(shown.get_absolute_url()).status_code == 200
    source_page = client.get(source.get_absolute_url()).text
    assert "Shown sentence" in source_page and "Hidden sentence" not in source_page
    outlet_page = client.get(hidden.article.outlet.get_absolute_url()).text
    assert "Hidden sentence" not in outlet_page
    suggestions = client.get("/suggest/articles/", {"q": "Article number"}).json()
    assert hidden.article.title not in str(suggestions)


def test_editors_still_review_an_unpublished_articles_claims(
    editor_client: Client, hidden_and_shown
) -> None:
    _, hidden, _ = hidden_and_shown

    assert (
        editor_client.get(reverse("admin:claims_desk_claim", args=[hidden.pk])).status_code == 200
    )
    changelist = editor_client.get(reverse("admin:claims_claim_changelist")).text
    assert "Hidden sentence" in changelist


def test_a_published_claim_page_names_nothing_of_an_unpublished_article(
    client: Client, hidden_and_shown
) -> None:
    from claims.links import claim_link

    shown, hidden, _ = hidden_and_shown
    claim_link(claim=shown, other=hidden, kind="same", user=EditorFactory())
    held = SourceFactory(title="Held but hidden", linked_article=hidden.article)
    EvidenceFactory(claim=shown, source=held, stance="cited")

    page = client.get(shown.get_absolute_url()).text

    assert "Hidden sentence" not in page
    assert "a claim that is not published" in page
