import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse

from sources.models import Outlet, Source
from tests.admin_pages import autocomplete_texts, queries_for
from tests.articles.factories_public import cite
from tests.factories import ArticleFactory, OutletFactory, SourceFactory

pytestmark = pytest.mark.django_db


def source_form_data(source: Source | None = None, **fields: str) -> dict:
    data = {
        "title": "",
        "outlet": "",
        "authors": "",
        "published_on": "",
        "url": "",
        "in_bibliography": "on",
        "linked_article": "",
    }
    if source is not None:
        data.update(
            title=source.title,
            outlet=str(source.outlet_id or ""),
            published_on=str(source.published_on or ""),
        )
    data.update(fields)
    return data


def test_the_sources_list_counts_the_articles_citing_each_source(editor_client: Client) -> None:
    source = SourceFactory(title="Annual report")
    first_article, second_article = ArticleFactory(), ArticleFactory()
    cite(source, first_article, 0)
    cite(source, first_article, 1)
    cite(source, second_article, 0)

    response = editor_client.get(reverse("admin:sources_source_changelist"))

    listed = response.context["cl"].result_list.get(pk=source.pk)
    assert listed.citing_article_count == 2


def test_the_sources_list_runs_as_many_queries_for_20_sources_as_for_2(
    editor_client: Client,
) -> None:
    def add_sources(count: int) -> None:
        for _ in range(count):
            source = SourceFactory(linked_article=ArticleFactory())
            cite(source, ArticleFactory())

    url = reverse("admin:sources_source_changelist")
    add_sources(2)
    queries_for_few = queries_for(editor_client, url)
    add_sources(18)

    assert queries_for(editor_client, url) == queries_for_few


@pytest.mark.parametrize(
    ("query", "expected_titles"),
    [
        ("in_bibliography__exact=0", {"Cited in the text only"}),
        ("has_linked_article=yes", {"An article we have"}),
        ("has_linked_article=no", {"Cited in the text only", "Plain source"}),
        ("q=plain", {"Plain source"}),
    ],
)
def test_the_sources_list_filters(
    editor_client: Client, query: str, expected_titles: set[str]
) -> None:
    SourceFactory(title="Cited in the text only", in_bibliography=False)
    SourceFactory(title="An article we have", linked_article=ArticleFactory())
    SourceFactory(title="Plain source")

    response = editor_client.get(reverse("admin:sources_source_changelist") + "?" + query)

    assert {source.title for source in response.context["cl"].result_list} == expected_titles


def test_the_source_page_lists_the_articles_citing_it_with_links(editor_client: Client) -> None:
    source = SourceFactory()
    citing = ArticleFactory(title="Citing <article>")
    ArticleFactory(title="Not citing")
    cite(source, citing)
    linked = ArticleFactory(title="The work itself")
    source.linked_article = linked
    source.save()

    response = editor_client.get(reverse("admin:sources_source_change", args=[source.pk]))

    assert response.status_code == 200
    assert reverse("admin:articles_article_change", args=[citing.pk]) in response.text
    assert "Citing &lt;article&gt;" in response.text
    assert "Not citing" not in response.text
    assert f'<a href="/admin/articles/article/{linked.pk}/change/">The work itself</a>' in (
        response.text
    )


def test_editors_add_a_source_with_an_outlet_and_its_history_names_them(
    editor_client: Client, editor: AbstractBaseUser
) -> None:
    outlet = OutletFactory(name="Reuters")

    response = editor_client.post(
        reverse("admin:sources_source_add"),
        source_form_data(title="Grain exports", outlet=str(outlet.pk), authors="Watts M."),
    )

    assert response.status_code == 302
    source = Source.objects.get(title="Grain exports")
    assert (source.outlet, source.authors) == (outlet, ["Watts M."])
    assert source.history.get().history_user == editor


def test_the_same_work_twice_is_a_form_error_not_a_crash(editor_client: Client) -> None:
    existing = SourceFactory(title="Grain exports")

    response = editor_client.post(
        reverse("admin:sources_source_add"),
        source_form_data(title="“grain exports”", outlet=str(existing.outlet_id)),
    )

    assert response.status_code == 200
    assert "This work is already a source" in response.text
    assert reverse("admin:sources_source_change", args=[existing.pk]) in response.text
    assert Source.objects.count() == 1


def test_a_source_cited_by_an_article_cannot_be_deleted_and_says_why(
    editor_client: Client,
) -> None:
    source = SourceFactory()
    cite(source, ArticleFactory())

    response = editor_client.post(
        reverse("admin:sources_source_delete", args=[source.pk]), {"post": "yes"}
    )

    assert response.status_code == 200
    assert "protected" in response.text.lower()
    assert Source.objects.filter(pk=source.pk).exists()


def test_sources_are_found_by_autocomplete_by_title_or_outlet(editor_client: Client) -> None:
    SourceFactory(title="Harvest figures", outlet=OutletFactory(name="Agrarian Weekly"))
    SourceFactory(title="Something else")

    offered = autocomplete_texts(
        editor_client, "agrarian", app_label="claims", model_name="evidence", field_name="source"
    )

    assert offered == ["Harvest figures — Agrarian Weekly"]


def test_the_outlets_list_counts_articles_and_sources(editor_client: Client) -> None:
    outlet = OutletFactory(name="The Daily")
    ArticleFactory.create_batch(2, outlet=outlet)
    SourceFactory.create_batch(3, outlet=outlet)

    response = editor_client.get(reverse("admin:sources_outlet_changelist"))

    listed = response.context["cl"].result_list.get(pk=outlet.pk)
    assert (listed.article_count, listed.source_count) == (2, 3)


def test_the_outlets_list_runs_as_many_queries_for_20_outlets_as_for_2(
    editor_client: Client,
) -> None:
    url = reverse("admin:sources_outlet_changelist")
    OutletFactory.create_batch(2)
    queries_for_few = queries_for(editor_client, url)
    OutletFactory.create_batch(18)

    assert queries_for(editor_client, url) == queries_for_few


def test_an_outlet_that_already_exists_under_another_spelling_is_a_form_error(
    editor_client: Client,
) -> None:
    OutletFactory(name="The Guardian")

    response = editor_client.post(
        reverse("admin:sources_outlet_add"), {"name": "guardian", "url": ""}
    )

    assert response.status_code == 200
    assert "“The Guardian” is already this outlet" in response.text
    assert Outlet.objects.count() == 1
