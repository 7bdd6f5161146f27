"""The article page stays bounded: capped lists with links to the full, filtered lists."""

import pytest

from articles.views import CITING_ARTICLES_SHOWN, DISPUTED_SHOWN
from claims.models import Claim
from tests.articles.factories_public import ReferenceFactory, reviewed
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_the_article_page_lists_the_first_disputed_sentences_and_links_to_all(client) -> None:
    article = ArticleFactory()
    total = DISPUTED_SHOWN + 5
    ClaimFactory.create_batch(total - 2, article=article, **reviewed(Claim.Status.CONTESTED))
    ClaimFactory.create_batch(2, article=article, **reviewed(Claim.Status.FALSE))
    ClaimFactory(article=article, **reviewed(Claim.Status.SUPPORTED))

    content = client.get(article.get_absolute_url()).content.decode()

    assert f"Contested or false ({total})" in content
    disputed_list = content.split('class="card-list disputed-list"')[1].split("</ul>")[0]
    assert disputed_list.count("<li>") == DISPUTED_SHOWN
    assert (
        f'href="/claims/?article={article.slug}&amp;verdict=contested&amp;verdict=false'
        f'&amp;sort=article">all {total} contested or false sentences</a>' in content
    )


def test_the_article_page_with_few_disputed_sentences_lists_them_all(client) -> None:
    article = ArticleFactory()
    ClaimFactory.create_batch(3, article=article, **reviewed(Claim.Status.FALSE))

    content = client.get(article.get_absolute_url()).content.decode()

    assert "Contested or false (3)" in content
    assert "contested or false sentences</a> are in the claims list" not in content


def test_the_article_page_lists_only_the_newest_articles_citing_it(client) -> None:
    article = ArticleFactory()
    source = SourceFactory(linked_article=article)
    for _ in range(CITING_ARTICLES_SHOWN + 2):
        ReferenceFactory(article=ArticleFactory(), source=source)

    content = client.get(article.get_absolute_url()).content.decode()

    cited_by = content.split('id="cited-by-heading"')[1].split("</section>")[0]
    assert cited_by.count("<li>") == CITING_ARTICLES_SHOWN
    assert f"These are the {CITING_ARTICLES_SHOWN} newest of the articles that cite it." in (
        cited_by
    )
