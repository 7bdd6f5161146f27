import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.importer import article_import_file
from articles.models import Article, Citation, Contributor, Reference
from claims.models import Claim, Evidence
from tests.admin_pages import change_form_data, queries_for
from tests.articles.factories_public import cite
from tests.factories import (
    ArticleFactory,
    ChiefEditorFactory,
    ClaimFactory,
    EditorFactory,
    OutletFactory,
    SourceFactory,
)

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


ARTICLE_WITH_A_DANGLING_MARKER = (
    "---\ntitle: Harbour reopens after the storm\noutlet: Coast Gazette\ndate: 2024-05-22\n"
    "url: https://gazette.example/harbour\n---\n\n"
    "By Ada Writer\n\n"
    "The harbour reopened on Monday.[1] Ships came back on Tuesday.[2]\n\n"
    "Fishermen said the damage was light.\n\n"
    "## References\n\n"
    "1. “Harbour reopens” Coast Gazette, 22 May 2024\n"
    "2. “Ships return” Port Weekly, 23 May 2024\n"
    "3. “Storm damage light” Fishing News, 24 May 2024\n"
)


def chief_client(client: Client) -> Client:
    client.force_login(ChiefEditorFactory())
    return client


def import_article(text: str, name: str = "harbour.md") -> Article:
    outcome = article_import_file(file_name=name, data=text.encode())
    assert outcome.status in ("created", "updated"), outcome.error
    return Article.objects.get(pk=outcome.article.pk)


def test_a_chief_editor_corrects_the_metadata_and_a_reimport_keeps_it(client: Client) -> None:
    article = import_article(ARTICLE_WITH_A_DANGLING_MARKER)
    other_outlet = OutletFactory(name="The Coast Gazette Online")
    url = reverse("admin:articles_article_change", args=[article.pk])
    client = chief_client(client)
    data = change_form_data(client.get(url))
    data.update(
        title="Harbour reopens",
        outlet=str(other_outlet.pk),
        published_on="2024-05-21",
        url="https://gazette.example/news/harbour",
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.title, article.outlet, str(article.published_on), article.url) == (
        "Harbour reopens",
        other_outlet,
        "2024-05-21",
        "https://gazette.example/news/harbour",
    )
    assert article.corrected_fields == ["outlet", "published_on", "title", "url"]

    # The same file again is unchanged; an edited file updates the text, not the corrections.
    assert article_import_file(
        file_name="harbour.md", data=ARTICLE_WITH_A_DANGLING_MARKER.encode()
    ).status == ("unchanged")
    edited = ARTICLE_WITH_A_DANGLING_MARKER.replace("was light", "was very light")
    outcome = article_import_file(file_name="harbour.md", data=edited.encode())
    assert outcome.status == "updated", outcome.error
    assert outcome.article.pk == article.pk
    article.refresh_from_db()
    assert article.title == "Harbour reopens" and article.outlet == other_outlet
    assert str(article.published_on) == "2024-05-21"
    assert article.url == "https://gazette.example/news/harbour"
    assert "very light" in article.body


def test_a_chief_editor_corrects_the_byline_and_a_reimport_keeps_it(client: Client) -> None:
    article = import_article(ARTICLE_WITH_A_DANGLING_MARKER)
    assert list(article.contributors.values_list("name", flat=True)) == ["Ada Writer"]
    url = reverse("admin:articles_article_change", args=[article.pk])
    client = chief_client(client)
    data = change_form_data(client.get(url))
    data["contributors-0-name"] = "Ada L. Writer"

    response = client.post(url, data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.corrected_fields == ["byline"]
    edited = ARTICLE_WITH_A_DANGLING_MARKER.replace("was light", "was very light")
    assert article_import_file(file_name="harbour.md", data=edited.encode()).status == "updated"
    assert list(article.contributors.values_list("name", flat=True)) == ["Ada L. Writer"]


def test_an_editor_resolves_a_dangling_marker_and_a_reimport_keeps_the_resolution(
    client: Client,
) -> None:
    text = ARTICLE_WITH_A_DANGLING_MARKER.replace("came back on Tuesday.[2]", "came back.[4]")
    article = import_article(text)
    dangling = article.citations.get(label="[4]")
    assert dangling.reference is None
    claim = Claim.objects.get(article=article, text__startswith="Ships came back")
    version = claim.version
    wanted = article.references.get(key="2")
    url = reverse("admin:articles_article_change", args=[article.pk])
    client = chief_client(client)
    page = client.get(url)
    assert "unresolved markers" in page.text.lower()
    data = change_form_data(page)
    data["citations-0-reference"] = str(wanted.pk)

    response = client.post(url, data)

    assert response.status_code == 302
    dangling.refresh_from_db()
    assert dangling.reference == wanted and dangling.source == wanted.source
    assert dangling.resolved_by is not None
    claim.refresh_from_db()
    assert claim.version == version + 1
    assert claim.evidence.filter(source=wanted.source, stance=Evidence.Stance.CITED).exists()

    for attempt in range(2):  # a resolution made once is kept by every later import
        edited = text.replace("was light", "was light" + " indeed" * (attempt + 1))
        assert article_import_file(file_name="harbour.md", data=edited.encode()).status == (
            "updated"
        )
        carried = article.citations.get(label="[4]")
        assert carried.reference.key == "2" and carried.resolved_by == dangling.resolved_by
    assert claim.evidence.filter(source=wanted.source).exists()


def test_editors_without_the_chief_role_cannot_resolve_or_correct(editor_client: Client) -> None:
    text = ARTICLE_WITH_A_DANGLING_MARKER.replace("came back on Tuesday.[2]", "came back.[4]")
    article = import_article(text)
    url = reverse("admin:articles_article_change", args=[article.pk])

    page = editor_client.get(url)

    assert page.status_code == 200
    assert 'name="citations-0-reference"' not in page.text
    assert editor_client.post(url, {"title": "x"}).status_code == 403


def test_the_article_page_for_a_chief_editor_runs_as_many_queries_for_many_markers_as_few(
    client: Client,
) -> None:
    article = article_with_everything()
    client = chief_client(client)
    url = reverse("admin:articles_article_change", args=[article.pk])
    Citation.objects.create(article=article, label="[9]", position=100, start=1, end=2)
    queries_for_few = queries_for(client, url)
    for position in range(1, 11):
        Citation.objects.create(
            article=article, label=f"[{position}]", position=100 + position, start=1, end=2
        )
        cite(SourceFactory(), article, position, key=str(position + 1))

    assert queries_for(client, url) == queries_for_few
