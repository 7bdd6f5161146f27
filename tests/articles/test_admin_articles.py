import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Citation, Contributor, Reference
from claims.models import Claim
from tests.admin_pages import queries_for
from tests.articles.factories_public import cite
from tests.factories import ArticleFactory, ClaimFactory, EditorFactory, SourceFactory

pytestmark = pytest.mark.django_db


def article_with_everything(**fields) -> Article:
    article = ArticleFactory(
        body="First <em>paragraph</em> here.[1]\n\nSecond paragraph & more.", **fields
    )
    Contributor.objects.create(
        article=article, name="Ada Writer", role_label="Written by", position=0
    )
    source = SourceFactory(title="The cited report")
    reference = Reference.objects.create(
        article=article, source=source, position=0, key="1", label="1.", raw_text="Report, 2023"
    )
    Citation.objects.create(
        article=article,
        reference=reference,
        source=source,
        label="[1]",
        position=0,
        start=30,
        end=33,
    )
    ClaimFactory(article=article, text="First paragraph here.", start=0, end=30, ordinal=0)
    ClaimFactory(
        article=article,
        text="Second paragraph & more.",
        start=35,
        end=59,
        ordinal=1,
        status=Claim.Status.FALSE,
        reason="No.",
        reviewed_at=timezone.now(),
    )
    return article


def test_the_articles_list_runs_as_many_queries_for_20_articles_as_for_2(
    editor_client: Client,
) -> None:
    url = reverse("admin:articles_article_changelist")
    for _ in range(2):
        ClaimFactory(article=ArticleFactory())
    queries_for_few = queries_for(editor_client, url)
    for _ in range(18):
        ClaimFactory(article=ArticleFactory())

    assert queries_for(editor_client, url) == queries_for_few


def test_the_articles_list_links_each_claim_count_to_the_articles_claims(
    editor_client: Client,
) -> None:
    article = ArticleFactory()
    ClaimFactory.create_batch(3, article=article)

    response = editor_client.get(reverse("admin:articles_article_changelist"))

    claims_url = reverse("admin:claims_claim_changelist") + f"?article__id__exact={article.pk}"
    assert f'<a href="{claims_url}">3</a>' in response.text


def test_the_articles_list_finds_articles_by_title_and_file_name(editor_client: Client) -> None:
    ArticleFactory(title="Floods in the north", source_file_name="floods.md")
    ArticleFactory(title="Something else", source_file_name="other.txt")

    by_title = editor_client.get(reverse("admin:articles_article_changelist") + "?q=floods")
    by_file = editor_client.get(reverse("admin:articles_article_changelist") + "?q=floods.md")

    assert [a.title for a in by_title.context["cl"].result_list] == ["Floods in the north"]
    assert [a.title for a in by_file.context["cl"].result_list] == ["Floods in the north"]


def test_the_article_page_shows_the_body_escaped_in_paragraphs(editor_client: Client) -> None:
    article = article_with_everything()

    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    assert response.status_code == 200
    assert "<p>First &lt;em&gt;paragraph&lt;/em&gt; here.[1]</p>" in response.text
    assert "<p>Second paragraph &amp; more.</p>" in response.text


def test_the_article_page_lists_its_byline_references_citations_and_claims(
    editor_client: Client,
) -> None:
    article = article_with_everything()
    claims = list(article.claims.order_by("ordinal"))

    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    assert "Ada Writer" in response.text
    assert "Report, 2023" in response.text
    assert "The cited report" in response.text
    for claim in claims:
        assert reverse("admin:claims_claim_change", args=[claim.pk]) in response.text
    page = " ".join(response.text.split())
    assert '<td class="field-status"> <p>False</p> </td>' in page
    assert '<td class="field-status"> <p>Unreviewed</p> </td>' in page


def test_the_article_page_is_read_only_for_editors(editor_client: Client) -> None:
    article = article_with_everything(title="As imported")

    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    post = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]), {"title": "Rewritten"}
    )

    assert 'name="_save"' not in page.text
    assert 'name="title"' not in page.text
    assert post.status_code == 403
    article.refresh_from_db()
    assert article.title == "As imported"


def test_articles_cannot_be_added_by_hand_even_by_a_superuser(client: Client) -> None:
    client.force_login(EditorFactory(is_superuser=True))

    response = client.get(reverse("admin:articles_article_add"))

    assert response.status_code == 403


def test_the_article_page_runs_as_many_queries_for_many_rows_as_for_few(
    editor_client: Client,
) -> None:
    article = article_with_everything()
    url = reverse("admin:articles_article_change", args=[article.pk])
    queries_for_few = queries_for(editor_client, url)
    for position in range(1, 11):
        # Keys from 2: the article already has reference "1".
        cite(SourceFactory(), article, position, key=str(position + 1))
        ClaimFactory(article=article, ordinal=position + 1)

    assert queries_for(editor_client, url) == queries_for_few
