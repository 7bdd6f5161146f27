import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, Evidence
from sources.views import OUTLET_CLAIMS_SHOWN, OUTLET_LIST_LIMIT, SOURCE_CLAIMS_PER_STANCE
from tests.articles.factories_public import ReferenceFactory, reviewed
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    SourceFactory,
)
from tests.pages import page_text, row_titles, url_with_query

pytestmark = pytest.mark.django_db

SOURCE_LIST_QUERIES = 2  # count, page of rows
# Source with outlet and linked article; the newest evidence of each stance with claims,
# articles and marker labels; each stance's total; the articles listing it.
SOURCE_DETAIL_QUERIES = 4
# Outlet with its verdict record and coverage (sums of the stored counters); the latest claims
# citing it; its articles; its works cited.
OUTLET_DETAIL_QUERIES = 4
OUTLET_LIST_QUERIES = 2  # count, page of outlets with their counts


def source_list_url(**params: str) -> str:
    return url_with_query("sources:source_list", **params)


# The list -------------------------------------------------------------------------------


def test_the_list_shows_each_source_with_outlet_date_and_stance_counts(client) -> None:
    outlet = OutletFactory(name="The Economist")
    source = SourceFactory(
        title="Who are the militias?", outlet=outlet, published_on=datetime.date(2023, 5, 25)
    )
    EvidenceFactory.create_batch(3, source=source, stance=Evidence.Stance.CITED)
    EvidenceFactory.create_batch(2, source=source, stance=Evidence.Stance.SUPPORTS)
    EvidenceFactory(source=source, stance=Evidence.Stance.CONTRADICTS)

    content = page_text(client, source_list_url())
    assert f'<a href="{source.get_absolute_url()}">Who are the militias?</a>' in content
    assert f'<a href="{outlet.get_absolute_url()}">The Economist</a>' in content
    assert '<time datetime="2023-05-25">25 May 2023</time>' in content
    counts = " ".join(content.split('<p class="row-counts">')[1].split("</p>")[0].split())
    assert counts == "Cited for 3 claims · supports 2 · contradicts 1"


def test_the_list_flags_unlisted_works_and_links_our_own_articles(client) -> None:
    ours = ArticleFactory(title="Our piece")
    SourceFactory(title="Ours", linked_article=ours)
    SourceFactory(title="Unlisted", in_bibliography=False)

    content = page_text(client, source_list_url())

    ours_row, unlisted_row = content.split('<h3 class="row-title">')[1:3]
    assert f'<a href="{ours.get_absolute_url()}">read it here' in ours_row
    assert "Not in a bibliography" not in ours_row
    assert "Not in a bibliography" in unlisted_row


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"in_bibliography": "no"}, ["Belgorod unlisted"]),
        ({"in_bibliography": "yes"}, ["Belgorod linked", "Belgorod plain", "Other"]),
        ({"linked": "yes"}, ["Belgorod linked"]),
        ({"linked": "no"}, ["Belgorod plain", "Belgorod unlisted", "Other"]),
        ({"q": "BELGOROD", "linked": "no"}, ["Belgorod plain", "Belgorod unlisted"]),
    ],
)
def test_the_list_filters_by_bibliography_link_and_title(
    client, params: dict, expected: list[str]
) -> None:
    SourceFactory(title="Belgorod linked", linked_article=ArticleFactory())
    SourceFactory(title="Belgorod plain")
    SourceFactory(title="Belgorod unlisted", in_bibliography=False)
    SourceFactory(title="Other")

    content = page_text(client, source_list_url(**params))

    assert row_titles(content) == expected


def test_the_list_filters_by_outlet(client) -> None:
    reuters = OutletFactory(name="Reuters")
    SourceFactory(title="From Reuters", outlet=reuters)
    SourceFactory(title="From elsewhere")

    content = page_text(client, source_list_url(outlet=reuters.slug))
    by_name = page_text(client, source_list_url(outlet="reuters"))

    assert row_titles(content) == ["From Reuters"]
    assert row_titles(by_name) == ["From Reuters"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"outlet": "no-such-outlet"}, "There is no outlet “no-such-outlet”."),
        ({"in_bibliography": "maybe"}, "Select a valid choice. maybe is not one of"),
        ({"linked": "<b>1</b>"}, "Select a valid choice. &lt;b&gt;1&lt;/b&gt; is not one of"),
        ({"q": "y" * 10_000}, "Ensure this value has at most 200 characters"),
        ({"q": "\x00"}, "Null characters are not allowed."),
    ],
)
def test_the_list_reports_a_bad_filter_in_the_form_and_still_lists(
    client, params: dict, message: str
) -> None:
    SourceFactory(title="Still listed")

    content = page_text(client, source_list_url(**params))
    assert message in content
    assert "Some filters could not be used" in content
    assert row_titles(content) == ["Still listed"]


def test_the_list_searches_for_typed_sql_and_html_as_plain_text(client) -> None:
    SourceFactory(title="Robert'); DROP TABLE sources_source;-- <script>x</script>")
    SourceFactory(title="Unrelated")

    content = page_text(client, source_list_url(q="'); DROP TABLE sources_source;-- <script>"))

    assert len(row_titles(content)) == 1
    assert "<script>x" not in content


def test_the_list_has_title_description_and_canonical_link(client, settings) -> None:
    settings.FACTCHECK_SITE_URL = "https://facts.example.org"

    content = page_text(client, source_list_url(linked="yes", page="abc"))

    assert "<title>Sources · " in content
    assert '<meta name="description" content="Every work the articles we check cite' in content
    assert '<link rel="canonical" href="https://facts.example.org/sources/">' in content


@pytest.mark.parametrize("source_count", [3, 30])
def test_the_list_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, source_count: int
) -> None:
    outlet = OutletFactory()
    for source in SourceFactory.create_batch(
        source_count, outlet=outlet, linked_article=ArticleFactory()
    ):
        EvidenceFactory(source=source, stance=Evidence.Stance.CITED)
        EvidenceFactory(source=source, stance=Evidence.Stance.CONTRADICTS)

    with django_assert_num_queries(SOURCE_LIST_QUERIES):
        response = client.get(source_list_url())
    assert len(row_titles(response.content.decode())) == min(source_count, 25)
    # Filtering by outlet adds the one query that finds the outlet.
    with django_assert_num_queries(SOURCE_LIST_QUERIES + 1):
        client.get(source_list_url(outlet=outlet.slug))


# The source page ------------------------------------------------------------------------


def test_the_source_page_describes_the_work(client) -> None:
    outlet = OutletFactory(name="Evening Standard")
    source = SourceFactory(
        title="Paramilitary group vows more incursions",
        outlet=outlet,
        authors=["Watts M.", "Smith J."],
        published_on=datetime.date(2023, 5, 25),
        url="https://example.org/raid",
    )

    content = page_text(client, source.get_absolute_url())

    assert "<h1>Paramilitary group vows more incursions</h1>" in content
    assert f'<a href="{outlet.get_absolute_url()}">Evening Standard</a>' in content
    assert "<dd>Watts M., Smith J.</dd>" in content
    assert '<time datetime="2023-05-25">25 May 2023</time>' in content
    assert (
        '<a class="button" href="https://example.org/raid" rel="noopener noreferrer">'
        "Read the original at example.org</a>"
    ) in content
    assert '<a href="https://example.org/raid" rel="noopener noreferrer">' in content
    assert "Not in the bibliography" not in content


def test_the_source_page_says_when_no_link_to_the_original_is_known(client) -> None:
    source = SourceFactory(url="")

    content = page_text(client, source.get_absolute_url())

    assert "None on record: the articles that cite it give no address for it." in content
    assert "Not known" not in content


def test_the_source_page_links_its_filtered_claims_list(client) -> None:
    source = SourceFactory()
    EvidenceFactory(source=source)

    content = page_text(client, source.get_absolute_url())

    assert f'href="/claims/?source={source.pk}&amp;reviewed=all"' in content


def test_the_source_page_caps_each_stance_and_points_to_the_claims_list(client) -> None:
    source = SourceFactory()
    EvidenceFactory.create_batch(SOURCE_CLAIMS_PER_STANCE + 5, source=source, stance="cited")
    EvidenceFactory(source=source, stance="supports")

    content = page_text(client, source.get_absolute_url())

    assert content.count('class="claim-line"') == SOURCE_CLAIMS_PER_STANCE + 1
    assert f"Sentences that cite it ({SOURCE_CLAIMS_PER_STANCE + 5})" in content
    assert f"All {SOURCE_CLAIMS_PER_STANCE + 5} in the claims list" in content


def test_the_source_page_groups_claims_by_stance_with_article_and_verdict(client) -> None:
    source = SourceFactory()
    article = ArticleFactory(title="Raid on Belgorod")
    cited = ClaimFactory(article=article, text="Cited sentence.")
    supported = ClaimFactory(
        article=article, text="Supported sentence.", **reviewed(Claim.Status.SUPPORTED)
    )
    contradicted = ClaimFactory(
        article=article, text="Contradicted sentence.", **reviewed(Claim.Status.FALSE)
    )
    EvidenceFactory(source=source, claim=cited, stance=Evidence.Stance.CITED)
    EvidenceFactory(source=source, claim=supported, stance=Evidence.Stance.SUPPORTS)
    EvidenceFactory(
        source=source,
        claim=contradicted,
        stance=Evidence.Stance.CONTRADICTS,
        quote="No such thing happened.",
    )

    content = page_text(client, source.get_absolute_url())

    sections = dict(
        re.findall(r'<h2 id="stance-(\w+)">.*?</h2>(.*?)</section>', content, flags=re.DOTALL)
    )
    assert set(sections) == {"cited", "supports", "contradicts"}
    for stance, claim, badge in [
        ("cited", cited, '<span class="verdict verdict-unreviewed">Unreviewed</span>'),
        ("supports", supported, '<span class="verdict verdict-supported">Supported</span>'),
        ("contradicts", contradicted, '<span class="verdict verdict-false">False</span>'),
    ]:
        section = sections[stance]
        assert f'<a href="{claim.get_absolute_url()}">{claim.text}</a>' in section
        assert badge in section
        assert f'<a href="{article.get_absolute_url()}">Raid on Belgorod</a>' in section
    assert "No such thing happened." in sections["contradicts"]


def test_the_source_page_lists_the_articles_whose_references_include_it(client) -> None:
    source = SourceFactory()
    listing = ArticleFactory(title="Lists it")
    ReferenceFactory(article=listing, source=source)
    ReferenceFactory(article=listing, source=source)
    ArticleFactory(title="Does not")

    content = page_text(client, source.get_absolute_url())

    listed_by = content.split('id="listed-by-heading"')[1]
    assert listed_by.count(f'<a href="{listing.get_absolute_url()}">Lists it</a>') == 1
    assert "Does not" not in listed_by


def test_the_source_page_links_the_article_it_is(client) -> None:
    ours = ArticleFactory(title="Our own article")
    source = SourceFactory(linked_article=ours, in_bibliography=False)

    content = page_text(client, source.get_absolute_url())

    assert "We hold this work and check it too" in content
    assert f'<a href="{ours.get_absolute_url()}">Our own article</a>' in content
    assert "Not in the bibliography" in content


def test_the_source_page_renders_markup_as_text(client) -> None:
    hostile = "<script>alert(1)</script>"
    source = SourceFactory(title=hostile, authors=[hostile], url="javascript:alert(1)")
    EvidenceFactory(source=source, quote=hostile, claim=ClaimFactory(text=hostile))

    content = page_text(client, source.get_absolute_url())

    assert "<script>alert" not in content
    assert "javascript:" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_the_source_page_has_title_description_and_canonical_link(client, settings) -> None:
    settings.FACTCHECK_SITE_URL = "https://facts.example.org"
    source = SourceFactory(title="Belgorod raid", outlet=OutletFactory(name="BBC"))

    content = page_text(client, source.get_absolute_url())

    assert "<title>Belgorod raid (BBC) · " in content
    assert '<meta name="description" content="Which claims cite, support or contradict' in content
    assert (
        f'<link rel="canonical" href="https://facts.example.org{source.get_absolute_url()}">'
        in content
    )


@pytest.mark.parametrize(
    "path", ["/sources/999999/", "/sources/abc/", "/sources/99999999999999999999999/"]
)
def test_the_source_page_is_404_for_a_missing_or_malformed_id(client, path: str) -> None:
    SourceFactory()

    assert client.get(path).status_code == 404


@pytest.mark.parametrize("row_count", [3, 30])
def test_the_source_page_query_count_does_not_grow_with_claims_or_articles(
    client, django_assert_num_queries, row_count: int
) -> None:
    source = SourceFactory(linked_article=ArticleFactory())
    for stance in Evidence.Stance.values:
        EvidenceFactory.create_batch(row_count, source=source, stance=stance)
    for article in ArticleFactory.create_batch(row_count):
        ReferenceFactory(article=article, source=source)

    with django_assert_num_queries(SOURCE_DETAIL_QUERIES):
        response = client.get(source.get_absolute_url())

    shown = min(row_count, SOURCE_CLAIMS_PER_STANCE)
    assert response.content.decode().count('class="claim-line"') == 3 * shown


# The outlet page ------------------------------------------------------------------------


def test_the_outlet_page_lists_its_articles_and_sources(client) -> None:
    outlet = OutletFactory(name="Reuters", url="https://www.reuters.com")
    article = ArticleFactory(title="Reuters article", outlet=outlet)
    source = SourceFactory(title="Reuters report", outlet=outlet)
    ArticleFactory(title="Someone else's article")
    SourceFactory(title="Someone else's report")

    content = page_text(client, outlet.get_absolute_url())
    assert "<h1>Reuters</h1>" in content
    assert '<a href="https://www.reuters.com" rel="noopener noreferrer">' in content
    assert row_titles(content) == ["Reuters article", "Reuters report"]
    assert f'href="{article.get_absolute_url()}"' in content
    assert f'href="{source.get_absolute_url()}"' in content
    assert "All articles from Reuters" not in content


def test_the_outlet_page_points_to_the_full_lists_past_its_limit(client) -> None:
    outlet = OutletFactory(name="Busy")
    ArticleFactory.create_batch(OUTLET_LIST_LIMIT + 1, outlet=outlet)
    SourceFactory.create_batch(OUTLET_LIST_LIMIT + 1, outlet=outlet)

    content = page_text(client, outlet.get_absolute_url())

    assert len(row_titles(content)) == 2 * OUTLET_LIST_LIMIT
    assert f'<a href="/articles/?outlet={outlet.slug}">All articles from Busy</a>' in content
    assert f'<a href="/sources/?outlet={outlet.slug}">All sources from Busy</a>' in content


def test_the_outlet_page_has_title_and_canonical_link_and_escapes_the_name(
    client, settings
) -> None:
    settings.FACTCHECK_SITE_URL = "https://facts.example.org"
    outlet = OutletFactory(name="<b>Bold</b> News")

    content = page_text(client, outlet.get_absolute_url())

    assert "<title>&lt;b&gt;Bold&lt;/b&gt; News · " in content
    assert "<b>Bold</b>" not in content
    assert (
        f'<link rel="canonical" href="https://facts.example.org{outlet.get_absolute_url()}">'
        in content
    )


def test_the_outlet_page_is_404_for_a_missing_outlet(client) -> None:
    assert client.get("/outlets/no-such-outlet/").status_code == 404
    assert client.get("/outlets/%00/").status_code == 404


@pytest.mark.parametrize("row_count", [3, 30])
def test_the_outlet_page_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, row_count: int
) -> None:
    outlet = OutletFactory()
    ArticleFactory.create_batch(row_count, outlet=outlet)
    for source in SourceFactory.create_batch(row_count, outlet=outlet):
        EvidenceFactory(source=source)

    for claim in Claim.objects.all():
        claim.status, claim.reason, claim.reviewed_at = "contested", "Disputed.", timezone.now()
        claim.save()

    with django_assert_num_queries(OUTLET_DETAIL_QUERIES):
        response = client.get(outlet.get_absolute_url())

    content = response.content.decode()
    assert len(row_titles(content)) == 2 * min(row_count, OUTLET_LIST_LIMIT)
    assert content.count('class="claim-item"') == min(row_count, OUTLET_CLAIMS_SHOWN)


def test_the_outlet_page_gives_the_verdict_record_of_the_claims_citing_it(client) -> None:
    bbc = OutletFactory(name="BBC")
    report = SourceFactory(outlet=bbc)
    for status in ("supported", "contested", "contested"):
        EvidenceFactory(source=report, claim=ClaimFactory(**reviewed(status)), stance="cited")
    # Cited twice by one claim: still one claim.
    twice = ClaimFactory(**reviewed("false"))
    EvidenceFactory(source=report, claim=twice, stance="cited")
    EvidenceFactory(source=SourceFactory(outlet=bbc), claim=twice, stance="contradicts")
    ClaimFactory(article=ArticleFactory(outlet=bbc), **reviewed("supported"))
    ClaimFactory(**reviewed("false"))

    content = page_text(client, bbc.get_absolute_url())

    record = content.split('id="record-heading"')[1].split("</table>")[0]
    rows = {
        status: re.findall(r'<td class="number">(\d+)</td>', row)
        for status, row in re.findall(r'verdict-(\w+)">.*?</th>(.*?)</tr>', record, re.S)
    }
    assert rows["supported"] == ["1", "1"]
    assert rows["contested"] == ["2", "0"]
    assert rows["false"] == ["1", "0"]
    assert "Every sentence from or citing BBC, in the claims list" in content
    assert f'href="/claims/?outlet={bbc.slug}&amp;reviewed=all"' in content
    claims = content.split('id="citing-heading"')[1].split('id="articles-heading"')[0]
    assert claims.count('class="claim-item"') == 4


@pytest.fixture(params=["small", "big"])
def outlet_size(request, monkeypatch) -> str:
    """The outlet page finds a big outlet's claims and articles by walking the lists' indexes
    (sources.views.MANY_CITING_CLAIMS, MANY_PUBLISHED_CLAIMS): both ways show the same."""
    if request.param == "big":
        monkeypatch.setattr("sources.views.MANY_CITING_CLAIMS", 0)
        monkeypatch.setattr("sources.views.MANY_PUBLISHED_CLAIMS", 0)
    return request.param


def test_the_outlet_page_shows_the_same_for_a_big_outlet(client, outlet_size: str) -> None:
    bbc = OutletFactory(name="BBC")
    own = ArticleFactory(title="By the BBC", outlet=bbc)
    held = ArticleFactory(title="Cited as by the BBC", outlet=None)
    SourceFactory(title="Cited as by the BBC", outlet=bbc, linked_article=held)
    ArticleFactory(title="Someone else's article")
    citing = ClaimFactory(**reviewed("supported"))
    EvidenceFactory(source=SourceFactory(outlet=bbc), claim=citing)
    ClaimFactory(article=own, **reviewed("false"))

    content = page_text(client, bbc.get_absolute_url())

    articles = content.split('id="articles-heading"')[1].split('id="sources-heading"')[0]
    assert sorted(row_titles(articles)) == ["By the BBC", "Cited as by the BBC"]
    claims = content.split('id="citing-heading"')[1].split('id="articles-heading"')[0]
    assert claims.count('class="claim-item"') == 1


def test_the_outlet_page_lists_the_articles_it_is_cited_as_publishing(client) -> None:
    economist = OutletFactory(name="The Economist")
    held = ArticleFactory(title="Who are the militias?", outlet=None)
    SourceFactory(title="Who are the militias?", outlet=economist, linked_article=held)

    content = page_text(client, economist.get_absolute_url())

    articles = content.split('id="articles-heading"')[1].split('id="sources-heading"')[0]
    assert f'<a href="{held.get_absolute_url()}">Who are the militias?</a>' in articles
    assert "We hold no article" not in articles


# The outlets index ----------------------------------------------------------------------


def test_the_outlets_index_lists_outlets_by_name_with_their_counts(client) -> None:
    economist = OutletFactory(name="The Economist", url="https://www.economist.com")
    bbc = OutletFactory(name="BBC")
    ArticleFactory.create_batch(2, outlet=bbc)
    SourceFactory(outlet=economist)

    content = page_text(client, reverse("sources:outlet_list"))

    assert row_titles(content) == ["BBC", "The Economist"]
    assert "2 articles we check · 0 works cited as sources" in content
    assert "0 articles we check · 1 work cited as sources" in content
    assert '<a href="https://www.economist.com" rel="noopener noreferrer">economist.com</a>' in (
        content
    )
    assert row_titles(page_text(client, reverse("sources:outlet_list") + "?q=econ")) == [
        "The Economist"
    ]


@pytest.mark.parametrize("row_count", [3, 30])
def test_the_outlets_index_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, row_count: int
) -> None:
    for outlet in OutletFactory.create_batch(row_count):
        ArticleFactory(outlet=outlet)
        SourceFactory(outlet=outlet)

    with django_assert_num_queries(OUTLET_LIST_QUERIES):
        content = page_text(client, reverse("sources:outlet_list"))

    assert len(row_titles(content)) == min(row_count, 25)
