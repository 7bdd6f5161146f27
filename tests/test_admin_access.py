import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from claims.models import Claim
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_sends_an_anonymous_visitor_to_the_login_page(client: Client) -> None:
    url = reverse("admin:claims_claim_changelist")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "next=/admin/claims/claim/" in response["Location"]


def test_it_sends_a_logged_in_non_staff_user_to_the_login_page(client: Client) -> None:
    client.force_login(UserFactory())

    response = client.get(reverse("admin:claims_claim_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "url_name",
    ["admin:auth_user_changelist", "admin:auth_group_changelist", "admin:auth_user_add"],
)
def test_it_forbids_editors_the_users_and_groups(editor_client: Client, url_name: str) -> None:
    response = editor_client.get(reverse(url_name))

    assert response.status_code == 403


def test_it_forbids_editors_to_change_a_group(editor_client: Client) -> None:
    group = Group.objects.get(name="Editors")

    response = editor_client.get(reverse("admin:auth_group_change", args=[group.pk]))

    assert response.status_code == 403


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:claims_claim_changelist",
        "admin:claims_evidence_changelist",
        "admin:claims_evidence_add",
        "admin:sources_source_changelist",
        "admin:sources_source_add",
        "admin:sources_outlet_changelist",
        "admin:articles_article_changelist",
    ],
)
def test_it_lets_editors_reach_claims_evidence_sources_and_articles(
    editor_client: Client, url_name: str
) -> None:
    response = editor_client.get(reverse(url_name))

    assert response.status_code == 200


def test_it_hides_users_and_groups_from_the_editors_index(editor_client: Client) -> None:
    response = editor_client.get(reverse("admin:index"))

    assert reverse("admin:auth_user_changelist") not in response.text
    assert reverse("admin:claims_claim_changelist") in response.text


def test_it_refuses_editors_deleting_a_claim(editor_client: Client) -> None:
    claim = ClaimFactory()

    page = editor_client.get(reverse("admin:claims_claim_delete", args=[claim.pk]))
    post = editor_client.post(
        reverse("admin:claims_claim_delete", args=[claim.pk]), {"post": "yes"}
    )

    assert page.status_code == 403
    assert post.status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_it_offers_editors_no_bulk_delete_of_claims(editor_client: Client) -> None:
    ClaimFactory()

    response = editor_client.get(reverse("admin:claims_claim_changelist"))

    assert 'value="mark_contested"' in response.text
    assert 'value="delete_selected"' not in response.text


def test_it_refuses_adding_claims_even_to_a_superuser(client: Client) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:claims_claim_add"))

    assert response.status_code == 403
