import datetime
import re

import pytest
from django.urls import reverse

from articles.models import Citation
from claims.models import Claim
from sources.models import Source
from tests.articles.factories_public import (
    ContributorFactory,
    ReferenceFactory,
    make_cited_article,
    reviewed,
)
from tests.browser import axe_violations
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    SourceFactory,
)
from tests.pages import page_text, row_titles, url_with_query

pytestmark = pytest.mark.django_db

ARTICLE_LIST_QUERIES = 2  # count, page of rows (with the outlet they are cited as)
# Article with its outlet, the outlet, date and address it is cited as, its byline and its
# citation markers; claims (with whether each cites a source: the coverage is counted from
# them); references; citing articles (capped).
ARTICLE_DETAIL_QUERIES = 4


def article_list_url(**params: str) -> str:
    return url_with_query("articles:article_list", **params)


# The list -------------------------------------------------------------------------------


def test_the_list_shows_each_article_with_outlet_date_and_claim_counts(client) -> None:
    outlet = OutletFactory(name="The Daily Planet")
    article = ArticleFactory(
        title="Raid on Belgorod", outlet=outlet, published_on=datetime.date(2023, 5, 25)
    )
    ClaimFactory(article=article, **reviewed(Claim.Status.CONTESTED))
    ClaimFactory(article=article, **reviewed(Claim.Status.CONTESTED))
    ClaimFactory(article=article)

    content = page_text(client, article_list_url())
    assert f'<a href="{article.get_absolute_url()}">Raid on Belgorod</a>' in content
    assert f'<a href="{outlet.get_absolute_url()}">The Daily Planet</a>' in content
    assert '<time datetime="2023-05-25">25 May 2023</time>' in content
    assert "3 sentences" in content
    assert '<span class="verdict verdict-contested">2 contested</span>' in content


def test_the_list_gives_the_outlet_an_article_is_cited_as_when_its_file_names_none(
    client,
) -> None:
    article = ArticleFactory(title="Held", outlet=None)
    economist = OutletFactory(name="The Economist")
    SourceFactory(title="Held", outlet=economist, linked_article=article)

    content = page_text(client, article_list_url())

    assert (
        f'<a href="{economist.get_absolute_url()}">The Economist</a> '
        '<span class="muted">(as cited)</span>'
    ) in content
    assert row_titles(page_text(client, article_list_url(outlet="The Economist"))) == ["Held"]


def test_the_list_puts_newest_first_and_undated_last(client) -> None:
    ArticleFactory(title="Old", published_on=datetime.date(2020, 1, 1))
    ArticleFactory(title="Undated", published_on=None)
    ArticleFactory(title="New", published_on=datetime.date(2024, 1, 1))

    content = page_text(client, article_list_url())

    assert row_titles(content) == ["New", "Old", "Undated"]


def test_the_list_filters_by_outlet_date_range_and_title(client) -> None:
    planet = OutletFactory(name="Planet")
    ArticleFactory(title="Belgorod raid", outlet=planet, published_on=datetime.date(2023, 5, 25))
    ArticleFactory(title="Belgorod later", outlet=planet, published_on=datetime.date(2023, 7, 1))
    ArticleFactory(title="Belgorod elsewhere", published_on=datetime.date(2023, 5, 25))
    ArticleFactory(title="Bakhmut", outlet=planet, published_on=datetime.date(2023, 5, 25))

    content = page_text(
        client,
        article_list_url(
            outlet=planet.slug,
            published_from="2023-05-01",
            published_to="2023-05-31",
            q="belgorod",
        ),
    )

    assert row_titles(content) == ["Belgorod raid"]
    assert "1 article<" in content
    assert 'value="2023-05-01"' in content
    assert 'name="outlet" value="Planet"' in content


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"outlet": "no-such-outlet"}, "There is no outlet “no-such-outlet”."),
        ({"published_from": "2023-13-45"}, "Enter a valid date."),
        ({"published_to": "yesterday"}, "Enter a valid date."),
        ({"q": "x" * 10_000}, "Ensure this value has at most 200 characters"),
        ({"q": "a\x00b"}, "Null characters are not allowed."),
        ({"outlet": "a\x00b"}, "Null characters are not allowed."),
        (
            {"published_from": "2023-05-01", "published_to": "2023-04-01"},
            "This date is before the “Published from” date",
        ),
    ],
)
def test_the_list_reports_a_bad_filter_in_the_form_and_still_lists(
    client, params: dict, message: str
) -> None:
    ArticleFactory(title="Still listed", published_on=datetime.date(2023, 5, 25))

    content = page_text(client, article_list_url(**params))
    assert message in content
    assert "Some filters could not be used" in content
    assert row_titles(content) == ["Still listed"]


@pytest.mark.parametrize(
    "search",
    [
        "'; DROP TABLE articles_article; --",
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "100%_done\\",
    ],
)
def test_the_list_searches_for_typed_sql_and_html_as_plain_text(client, search: str) -> None:
    ArticleFactory(title=f"About {search} and more")
    ArticleFactory(title="Unrelated")

    content = page_text(client, article_list_url(q=search))
    assert "<script>alert(1)" not in content
    assert "<img src=x" not in content
    assert len(row_titles(content)) == 1
    assert "Some filters could not be used" not in content


def test_the_list_turns_a_mistyped_page_number_into_a_real_page(client) -> None:
    ArticleFactory.create_batch(30)

    for page in ("abc", "-1", "0", "99999", "1e9", "9" * 5000):
        response = client.get(article_list_url(page=page))
        assert response.status_code == 200

    second_page = page_text(client, article_list_url(page="2"))
    assert len(row_titles(second_page)) == 5
    assert "Page 2 of 2" in second_page
    assert 'href="?page=1" rel="prev"' in second_page


def test_the_list_keeps_filters_in_its_page_links(client) -> None:
    outlet = OutletFactory()
    ArticleFactory.create_batch(30, outlet=outlet)

    content = page_text(client, article_list_url(outlet=outlet.slug))

    assert f'href="?outlet={outlet.slug}&amp;page=2" rel="next"' in content


def test_the_list_has_title_description_and_canonical_link(client, settings) -> None:
    settings.FACTCHECK_SITE_URL = "https://facts.example.org"
    ArticleFactory.create_batch(30)

    content = page_text(client, article_list_url(page="2", q="Article"))

    assert "<title>Articles, page 2 · " in content
    assert '<meta name="description" content="Every article we check' in content
    assert '<link rel="canonical" href="https://facts.example.org/articles/?page=2">' in content


@pytest.mark.parametrize("article_count", [3, 30])
def test_the_list_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, article_count: int
) -> None:
    outlet = OutletFactory()
    for article in ArticleFactory.create_batch(article_count, outlet=outlet):
        ClaimFactory.create_batch(2, article=article)

    with django_assert_num_queries(ARTICLE_LIST_QUERIES):
        client.get(article_list_url())
    # Filtering by outlet adds the one query that finds the outlet by its name.
    with django_assert_num_queries(ARTICLE_LIST_QUERIES + 1):
        content = page_text(client, article_list_url(outlet=outlet.name))
    assert len(row_titles(content)) == min(article_count, 25)


# The article page -----------------------------------------------------------------------


def test_the_article_page_shows_the_article_as_published(client) -> None:
    outlet = OutletFactory(name="Il Giornale")
    article = ArticleFactory(
        kicker="Raid on Belgorod",
        title="Who are the militias?",
        standfirst="They have links to military intelligence",
        outlet=outlet,
        published_on=datetime.date(2023, 5, 25),
        url="https://example.org/militias",
    )
    ContributorFactory(article=article, name="Valentina Ruaro", role_label="Written by")
    ContributorFactory(
        article=article, name="Michele Puggia", role="editor", role_label="Edited by"
    )
    ContributorFactory(
        article=article, name="Mariana Fagotti", role="other", role_label="Supervised by"
    )

    content = page_text(client, article.get_absolute_url())
    assert '<p class="kicker">Raid on Belgorod</p>' in content
    assert content.count("<h1") == 1
    assert "<h1>Who are the militias?</h1>" in content
    assert '<p class="standfirst">They have links to military intelligence</p>' in content
    assert (
        "Written by Valentina Ruaro · Edited by Michele Puggia · Supervised by Mariana Fagotti"
        in content
    )
    assert f'<a href="{outlet.get_absolute_url()}">Il Giornale</a>' in content
    assert '<time datetime="2023-05-25">25 May 2023</time>' in content
    assert (
        '<a href="https://example.org/militias" rel="noopener noreferrer">'
        "Read the original at example.org</a>"
    ) in content


def test_the_article_page_takes_outlet_date_and_link_from_those_citing_it_when_silent(
    client,
) -> None:
    article = ArticleFactory(outlet=None, published_on=None, url="")
    economist = OutletFactory(name="The Economist")
    SourceFactory(
        outlet=economist,
        linked_article=article,
        published_on=datetime.date(2023, 5, 25),
        url="https://www.economist.com/militias",
    )

    content = page_text(client, article.get_absolute_url())

    assert f'Published by <a href="{economist.get_absolute_url()}">The Economist</a>' in content
    assert '<time datetime="2023-05-25">25 May 2023</time>' in content
    assert "as the articles that cite it give it" in content
    assert 'href="https://www.economist.com/militias"' in content


def test_the_article_page_says_plainly_when_its_file_names_no_publisher(client) -> None:
    article = ArticleFactory(outlet=None, published_on=None)

    content = page_text(client, article.get_absolute_url())

    assert "The file we imported names no publisher and no date." in content


def test_the_article_page_splits_the_body_into_paragraphs(client) -> None:
    article = make_cited_article(sentence_count=7)

    content = page_text(client, article.get_absolute_url())

    body = content.split('id="body-heading"')[1].split('id="references-heading"')[0]
    assert body.count("<p>") == 3


def test_the_article_page_marks_each_claim_by_verdict_and_links_its_page(client) -> None:
    article = make_cited_article(
        sentence_count=3,
        statuses=[Claim.Status.CONTESTED, Claim.Status.UNREVIEWED, Claim.Status.SUPPORTED],
    )
    contested, unreviewed, supported = article.claims.order_by("ordinal")

    content = page_text(client, article.get_absolute_url())

    assert f'<span class="claim-mark verdict-contested" id="claim-{contested.pk}">' in content
    assert f'<span class="claim-mark verdict-supported" id="claim-{supported.pk}">' in content
    assert f'<span class="claim-mark claim-unreviewed" id="claim-{unreviewed.pk}">' in content
    for claim in (contested, unreviewed, supported):
        assert f'href="{claim.get_absolute_url()}"' in content
    assert '<span class="visually-hidden">(verdict: </span>Contested' in content
    assert '<span class="visually-hidden">(verdict: </span>Supported' in content


def test_the_article_page_links_citation_markers_to_reference_entries(client) -> None:
    article = make_cited_article(sentence_count=2)
    first_reference = article.references.get(position=0)

    content = page_text(client, article.get_absolute_url())

    assert re.search(r'<a class="citation" href="#ref-0" title="[^"]*">\[0\]</a>', content)
    assert re.search(r'<a class="citation" href="#ref-1" title="[^"]*">\[1\]</a>', content)
    entry = content.split('<li id="ref-0">')[1].split("</li>")[0]
    assert first_reference.raw_text in entry
    assert f'href="{first_reference.source.get_absolute_url()}"' in entry
    assert "Not in the bibliography" not in entry
    assert "Read it here" not in entry


def test_a_reference_entry_flags_a_work_missing_from_the_bibliography_and_links_ours(
    client,
) -> None:
    article = ArticleFactory()
    our_article = ArticleFactory(title="Our own piece")
    source = SourceFactory(linked_article=our_article, url="javascript:alert(1)")
    ReferenceFactory(
        article=article, source=source, position=0, raw_text="(Il Post)", in_bibliography=False
    )

    content = page_text(client, article.get_absolute_url())

    entry = content.split('<li id="ref-0">')[1].split("</li>")[0]
    assert "(Il Post)" in entry
    assert "Not in the bibliography" in entry
    assert f'<a href="{our_article.get_absolute_url()}">Read our copy' in entry
    assert "javascript:" not in content


def test_the_article_page_gives_the_share_of_sentences_that_cite_a_source(client) -> None:
    article = make_cited_article(sentence_count=3, cited=[True, False, True])

    content = page_text(client, article.get_absolute_url())

    assert "2 of 3 (67%) cite a source." in content


def test_the_article_page_opens_with_a_summary_of_its_verdicts_and_disputes(client) -> None:
    article = make_cited_article(
        sentence_count=4,
        statuses=[
            Claim.Status.CONTESTED,
            Claim.Status.SUPPORTED,
            Claim.Status.UNREVIEWED,
            Claim.Status.FALSE,
        ],
    )
    contested, _, _, false = article.claims.order_by("ordinal")

    content = page_text(client, article.get_absolute_url())

    summary = content.split('id="summary-heading"')[1].split('id="body-heading"')[0]
    assert "We checked 3 of its 4 sentences." in summary
    assert '<span class="verdict verdict-contested">Contested</span> 1' in summary
    assert '<span class="verdict verdict-unreviewed">Unreviewed</span> 1' in summary
    for claim in (contested, false):
        assert f'<a href="{claim.get_absolute_url()}">' in summary
        assert claim.reason in summary
        assert f'href="#claim-{claim.pk}"' in summary
    assert f'href="/claims/?article={article.slug}&amp;reviewed=all&amp;sort=article"' in summary


def test_every_sentence_of_the_article_ends_in_a_tappable_link(client) -> None:
    article = make_cited_article(sentence_count=3)

    content = page_text(client, article.get_absolute_url())

    assert content.count('class="verdict-label') == 3


def test_the_article_page_lists_the_articles_that_cite_it(client) -> None:
    article = ArticleFactory(title="The cited one")
    citing = ArticleFactory(title="The citing one")
    ReferenceFactory(article=citing, source=SourceFactory(linked_article=article))
    ArticleFactory(title="Unrelated one")

    content = page_text(client, article.get_absolute_url())

    cited_by = content.split('id="cited-by-heading"')[1]
    assert f'<a href="{citing.get_absolute_url()}">The citing one</a>' in cited_by
    assert "Unrelated one" not in cited_by


def test_the_article_page_renders_markup_in_the_article_as_text(client) -> None:
    hostile = "<script>alert(1)</script><img src=x onerror=alert(1)>"
    article = ArticleFactory(
        title=hostile,
        kicker=hostile,
        standfirst=hostile,
        body=f"Intro {hostile} middle.\n\n{hostile}",
        url="javascript:alert(1)",
    )
    ClaimFactory(article=article, start=0, end=20, text="x", **reviewed(Claim.Status.FALSE))
    ContributorFactory(article=article, name=hostile, role_label=hostile)
    reference = ReferenceFactory(article=article, raw_text=hostile, label=hostile)
    Citation.objects.create(
        article=article,
        reference=reference,
        source=reference.source,
        label=hostile,
        position=0,
        start=10,
        end=30,
    )

    content = page_text(client, article.get_absolute_url())
    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert "javascript:" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_the_article_page_has_title_description_and_canonical_link(client, settings) -> None:
    settings.FACTCHECK_SITE_URL = "https://facts.example.org"
    article = ArticleFactory(title="Raid & ruin", standfirst="What happened in Belgorod")

    content = page_text(client, article.get_absolute_url() + "?utm_source=x")

    assert "<title>Raid &amp; ruin · " in content
    assert '<meta name="description" content="What happened in Belgorod">' in content
    assert (
        f'<link rel="canonical" href="https://facts.example.org{article.get_absolute_url()}">'
        in content
    )


def test_the_article_page_is_404_for_a_missing_article(client) -> None:
    assert (
        client.get(reverse("articles:article_detail", args=["no-such-article"])).status_code == 404
    )
    assert client.get("/articles/%00/").status_code == 404
    assert client.get("/articles/a%20b/").status_code == 404


@pytest.mark.parametrize("sentence_count", [3, 30])
def test_the_article_page_query_count_does_not_grow_with_claims_or_references(
    client, django_assert_num_queries, sentence_count: int
) -> None:
    article = make_cited_article(
        sentence_count=sentence_count, statuses=[Claim.Status.CONTESTED] * sentence_count
    )
    for index in range(sentence_count):
        ContributorFactory(article=article, position=index)
        citing = ArticleFactory()
        ReferenceFactory(article=citing, source=SourceFactory(linked_article=article))
    Source.objects.filter(references__article=article).update(linked_article=ArticleFactory())

    with django_assert_num_queries(ARTICLE_DETAIL_QUERIES):
        response = client.get(article.get_absolute_url())

    content = response.content.decode()
    assert content.count('class="claim-mark') == sentence_count
    assert content.count("Read our copy") == sentence_count


# Accessibility --------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_article_source_and_outlet_pages_have_no_axe_violations(live_server, chromium) -> None:
    article = make_cited_article(
        sentence_count=len(Claim.Status.values),
        statuses=Claim.Status.values,
        kicker="Raid",
        standfirst="What happened",
        url="https://example.org/raid",
    )
    ContributorFactory(article=article)
    reference = article.references.first()
    reference.in_bibliography = False
    reference.save()
    reference.source.linked_article = ArticleFactory(outlet=article.outlet)
    reference.source.save()
    ReferenceFactory(source=SourceFactory(linked_article=article))
    for stance in ("cited", "supports", "contradicts"):
        EvidenceFactory(source=reference.source, stance=stance, quote="The passage.")
    ArticleFactory.create_batch(26, outlet=article.outlet)
    paths = [
        article.get_absolute_url(),
        reverse("articles:article_list"),
        article_list_url(outlet="nope", published_from="2023-13-45", page="2"),
        reference.source.get_absolute_url(),
        reverse("sources:source_list") + "?in_bibliography=maybe&linked=yes",
        article.outlet.get_absolute_url(),
    ]

    violations = {}
    page = chromium.new_page(bypass_csp=True)
    for path in paths:
        page.goto(live_server.url + path)
        found = axe_violations(page)
        if found:
            violations[path] = found
    page.close()

    assert violations == {}
