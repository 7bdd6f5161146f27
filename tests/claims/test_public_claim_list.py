import datetime
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db.models import F
from django.utils import timezone

from claims.models import Claim
from claims.search import render_headline, search_configs_in_use
from tests.articles.factories_public import CitationFactory
from tests.claims.factories_public import ReviewedClaimFactory
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    SourceFactory,
)
from tests.pages import page_text

pytestmark = pytest.mark.django_db


def listed_sentences(page: str) -> list[str]:
    """The sentences of the result list, in order, without highlight tags."""
    found = re.findall(
        r'<p class="claim-sentence">.*?<a href="/claims/\d+/">(.*?)</a></p>', page, re.S
    )
    return [re.sub(r"</?mark>", "", sentence) for sentence in found]


def get_page(client, query: str = "", *, every_sentence: bool = True) -> str:
    """The claims page; unless told otherwise, with every sentence in scope (the page's own
    default is the reviewed claims only), since most tests are about other filters."""
    if every_sentence and "reviewed=" not in query:
        query = f"{query}&reviewed=all" if "?" in query else f"?reviewed=all{query}"
    return page_text(client, f"/claims/{query}")


def next_link(page: str) -> str | None:
    match = re.search(r'<a href="([^"]+)" rel="next">', page)
    return match.group(1).replace("&amp;", "&") if match else None


def previous_link(page: str) -> str | None:
    match = re.search(r'<a href="([^"]+)" rel="prev">', page)
    return match.group(1).replace("&amp;", "&") if match else None


def test_it_lists_the_reviewed_claims_newest_verdict_first_by_default(public_client):
    now = timezone.now()
    ReviewedClaimFactory(text="Checked last week.", reviewed_at=now - datetime.timedelta(days=7))
    ReviewedClaimFactory(text="Checked today.", reviewed_at=now)
    ClaimFactory(text="Never checked.")

    page = get_page(public_client, every_sentence=False)

    assert listed_sentences(page) == ["Checked today.", "Checked last week."]
    assert '<h2 id="results-heading">2 reviewed claims</h2>' in page
    assert "Newest verdict first." in page
    # Every sentence is one click away, and the default stays out of the canonical address.
    assert '<a href="?reviewed=all">Show all sentences, reviewed or not</a>' in page
    assert '<link rel="canonical" href="http://testserver/claims/">' in page


def test_all_sentences_are_one_click_away_and_back(public_client):
    ReviewedClaimFactory(text="Checked.")
    ClaimFactory(text="Never checked.")

    page = get_page(public_client, "?reviewed=all")

    assert sorted(listed_sentences(page)) == ["Checked.", "Never checked."]
    assert '<h2 id="results-heading">2 sentences</h2>' in page
    assert '<a href="?reviewed=yes">Show reviewed claims only</a>' in page
    assert '<link rel="canonical" href="http://testserver/claims/?reviewed=all">' in page


def test_asking_for_a_verdict_looks_among_every_sentence(public_client):
    ClaimFactory(text="Never checked.")
    ReviewedClaimFactory(text="Checked.")

    page = get_page(public_client, "?verdict=unreviewed", every_sentence=False)

    assert listed_sentences(page) == ["Never checked."]


def test_it_lists_claims_in_article_order_when_asked(public_client):
    first_article, second_article = ArticleFactory(), ArticleFactory()
    ClaimFactory(article=second_article, ordinal=0, text="Second article, first sentence.")
    ClaimFactory(article=first_article, ordinal=1, text="First article, second sentence.")
    ClaimFactory(article=first_article, ordinal=0, text="First article, first sentence.")

    assert listed_sentences(get_page(public_client, "?sort=article")) == [
        "First article, first sentence.",
        "First article, second sentence.",
        "Second article, first sentence.",
    ]


def test_list_items_quote_the_sentence_without_its_citation_markers(public_client):
    article = ArticleFactory(body="Wages rose by 3% in June.[1] (BBC, 2023) Prices fell.")
    claim = ReviewedClaimFactory(
        article=article, text="Wages rose by 3% in June.[1] (BBC, 2023)", start=0, end=40
    )
    CitationFactory(article=article, label="[1]", start=25, end=28)
    CitationFactory(article=article, label="(BBC, 2023)", start=29, end=40)

    page = get_page(public_client)
    search = get_page(public_client, "?q=wages")

    assert listed_sentences(page) == ["Wages rose by 3% in June."]
    assert listed_sentences(search) == ["Wages rose by 3% in June."]
    assert "<mark>Wages</mark> rose" in search
    # The article itself keeps them, linked to its reference list.
    article_page = page_text(public_client, f"/articles/{article.slug}/")
    assert '">[1]</a>' in article_page
    assert '">(BBC, 2023)</a>' in article_page
    assert claim.pk


def test_it_filters_by_several_verdicts_at_once(public_client):
    ReviewedClaimFactory(text="Wrong.", status=Claim.Status.FALSE)
    ReviewedClaimFactory(text="Disputed.", status=Claim.Status.CONTESTED)
    ReviewedClaimFactory(text="Right.", status=Claim.Status.SUPPORTED)

    page = get_page(public_client, "?verdict=false&verdict=contested")

    assert sorted(listed_sentences(page)) == ["Disputed.", "Wrong."]


def test_it_shows_only_contested_claims_when_asked(public_client):
    ReviewedClaimFactory(text="Disputed.", status=Claim.Status.CONTESTED)
    ReviewedClaimFactory(text="Right.")

    assert listed_sentences(get_page(public_client, "?contested=on")) == ["Disputed."]


def test_it_filters_reviewed_and_unreviewed_claims(public_client):
    ReviewedClaimFactory(text="Checked.")
    ClaimFactory(text="Not checked.")

    assert listed_sentences(get_page(public_client, "?reviewed=yes")) == ["Checked."]
    assert listed_sentences(get_page(public_client, "?reviewed=no")) == ["Not checked."]


def test_it_filters_by_article_title_slug_or_number(public_client):
    article = ArticleFactory(slug="the-article", title="The Article")
    ClaimFactory(article=article, text="In the article.")
    ClaimFactory(text="Elsewhere.")

    by_title = get_page(public_client, "?article=the+article")
    by_slug = get_page(public_client, "?article=the-article")
    by_number = get_page(public_client, f"?article={article.pk}")

    for page in (by_title, by_slug, by_number):
        assert listed_sentences(page) == ["In the article."]
        assert 'Article: <a href="/articles/the-article/">The Article</a>' in page
        # The box shows the title, however the address named the article.
        assert 'name="article" value="The Article"' in page


@pytest.mark.parametrize("name", ["article", "outlet", "source"])
def test_the_entity_filters_are_type_ahead_boxes_not_selects(public_client, name):
    ArticleFactory.create_batch(3)

    page = get_page(public_client)

    box = re.search(rf'<input type="text" name="{name}"[^>]*>', page).group(0)
    assert f'list="id_{name}-choices"' in box
    assert f'data-suggest="/suggest/{name}s/"' in box
    assert f'<datalist id="id_{name}-choices"></datalist>' in page
    assert f'<select name="{name}"' not in page
    assert '<script src="/static/js/suggest.js" defer></script>' in page


def test_a_name_that_matches_nothing_gets_the_close_ones_offered(public_client):
    OutletFactory(name="BBC News")
    OutletFactory(name="BBC World Service")

    page = get_page(public_client, "?outlet=bbc")

    assert "There is no outlet “bbc”. Did you mean “BBC News” or “BBC World Service”?" in page


def test_it_filters_by_outlet_and_by_source_used_as_evidence(public_client):
    outlet = OutletFactory(name="Daily Record")
    source = SourceFactory(title="The budget report", outlet=OutletFactory(name="Treasury"))
    in_outlet = ClaimFactory(article=ArticleFactory(outlet=outlet), text="In the outlet.")
    EvidenceFactory(claim=in_outlet, source=source)
    # Two evidence rows on one claim must not list it twice.
    EvidenceFactory(claim=in_outlet, source=source, stance="cited")
    ClaimFactory(text="Elsewhere.")

    by_outlet = get_page(public_client, "?outlet=daily-record")
    by_outlet_name = get_page(public_client, "?outlet=the+Daily+Record")
    by_source = get_page(public_client, f"?source={source.pk}")
    by_source_label = get_page(public_client, "?source=The+budget+report+—+Treasury")

    assert listed_sentences(by_outlet) == ["In the outlet."]
    assert listed_sentences(by_outlet_name) == ["In the outlet."]
    assert listed_sentences(by_source) == ["In the outlet."]
    assert listed_sentences(by_source_label) == ["In the outlet."]
    assert '<h2 id="results-heading">1 sentence</h2>' in by_source
    assert 'name="source" value="The budget report — Treasury"' in by_source


@pytest.mark.parametrize("big_outlet", [False, True])
def test_the_outlet_filter_finds_the_claims_citing_its_work_and_its_articles_cited_as_its(
    public_client, monkeypatch, big_outlet
):
    # A big outlet's claims are tested claim by claim, a small one's gathered by id: both find
    # the same claims.
    if big_outlet:
        monkeypatch.setattr("claims.filters.BIG_OUTLET_ARTICLES", 0)
    bbc = OutletFactory(name="BBC")
    cites_bbc = ClaimFactory(text="Cites the BBC.")
    EvidenceFactory(claim=cites_bbc, source=SourceFactory(outlet=bbc), stance="cited")
    ClaimFactory(article=ArticleFactory(outlet=bbc), text="Published by the BBC.")
    # An article whose file names no publisher, which another article cites as the BBC's.
    held = ArticleFactory(outlet=None)
    SourceFactory(outlet=bbc, linked_article=held)
    ClaimFactory(article=held, text="In a BBC piece we hold.")
    ClaimFactory(text="Nothing to do with it.")

    page = get_page(public_client, "?outlet=BBC")

    assert sorted(listed_sentences(page)) == [
        "Cites the BBC.",
        "In a BBC piece we hold.",
        "Published by the BBC.",
    ]


def test_it_filters_claims_with_and_without_evidence(public_client):
    EvidenceFactory(claim=ClaimFactory(text="Backed."))
    ClaimFactory(text="Bare.")

    assert listed_sentences(get_page(public_client, "?evidence=yes")) == ["Backed."]
    assert listed_sentences(get_page(public_client, "?evidence=no")) == ["Bare."]


def test_it_filters_by_the_articles_publication_dates(public_client):
    for day in (1, 15, 28):
        ClaimFactory(
            article=ArticleFactory(published_on=datetime.date(2023, 2, day)), text=f"Day {day}."
        )

    page = get_page(public_client, "?published_from=2023-02-10&published_to=2023-02-28")

    assert sorted(listed_sentences(page)) == ["Day 15.", "Day 28."]


def test_an_impossible_date_is_reported_in_the_form_and_the_other_filters_still_apply(
    public_client,
):
    ReviewedClaimFactory(text="Wrong.", status=Claim.Status.FALSE)
    ReviewedClaimFactory(text="Right.")

    page = get_page(public_client, "?published_from=2023-13-45&verdict=false")

    assert '<ul class="errorlist" id="id_published_from_error"><li>Enter a valid date.</li>' in page
    assert 'aria-invalid="true"' in page
    assert '<a href="#id_published_from">Article published from</a>: Enter a valid date.' in page
    assert listed_sentences(page) == ["Wrong."]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?article=%27+OR+1%3D1+--", "article", "There is no article “&#x27; OR 1=1 --”."),
        ("?article=no-such-article", "article", "There is no article “no-such-article”."),
        ("?article=99999999999999999999999", "article", "There is no article"),
        ("?outlet=nowhere", "outlet", "There is no outlet “nowhere”."),
        ("?outlet=%3Cscript%3E", "outlet", "There is no outlet “&lt;script&gt;”."),
        ("?source=abc", "source", "There is no source “abc”."),
        ("?source=999999", "source", "There is no source “999999”."),
        ("?source=99999999999999999999999", "source", "There is no source"),
        ("?source=" + "a" * 801, "source", "at most 800 characters"),
        ("?verdict=bogus", "verdict", "Select a valid choice. bogus is not one of"),
        ("?reviewed=maybe", "reviewed", "Select a valid choice."),
        ("?sort=cheapest", "sort", "Select a valid choice."),
        ("?q=" + "a" * 201, "q", "Ensure this value has at most 200 characters (it has 201)."),
        ("?q=nul%00byte", "q", "Null characters are not allowed."),
    ],
)
def test_bad_filter_values_are_form_errors_on_a_normal_page(public_client, query, field, message):
    ReviewedClaimFactory(text="Still listed.")

    page = get_page(public_client, query)

    assert f'id="id_{field}_error"' in page
    assert message in page
    assert listed_sentences(page) == ["Still listed."]


def test_a_ten_thousand_character_query_string_gets_a_normal_page(public_client):
    ClaimFactory()

    page = get_page(public_client, "?q=" + "word " * 2000)

    assert "Ensure this value has at most 200 characters (it has 9999)." in page


def test_sql_and_html_in_the_search_box_are_searched_for_and_shown_as_text(public_client):
    ClaimFactory(text="A perfectly ordinary sentence.")

    sql = get_page(public_client, "?q=%27+OR+1%3D1+--")
    html = get_page(public_client, "?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")

    assert listed_sentences(sql) == []
    assert "matching “&#x27; OR 1=1 --”" in sql
    assert listed_sentences(html) == []
    assert "<script>alert(1)" not in html
    assert "matching “&lt;script&gt;alert(1)&lt;/script&gt;”" in html


def test_search_finds_all_the_words_or_an_exact_phrase_and_ranks_the_best_match_first(
    public_client,
):
    ClaimFactory(text="Inflation fell in March while wages rose.")
    ClaimFactory(text="Wages rose. Inflation rose. Inflation worried the inflation hawks.")
    ClaimFactory(text="Nothing relevant here.")

    several_words = listed_sentences(get_page(public_client, "?q=inflation+wages"))
    phrase = listed_sentences(get_page(public_client, "?q=%22inflation+fell%22"))

    assert several_words == [
        "Wages rose. Inflation rose. Inflation worried the inflation hawks.",
        "Inflation fell in March while wages rose.",
    ]
    assert phrase == ["Inflation fell in March while wages rose."]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        # Words next to each other, in this order; not the same words apart or reversed.
        ('"border militia"', ["The border militia fired first."]),
        ('"militia border"', ["The militia border post closed."]),
        # A stop word inside the phrase counts as a position, as PostgreSQL reads it.
        ('"rule of law"', ["They defended the rule of law."]),
        # A phrase with other words, an unclosed quote, an alternative.
        ('fired "border militia"', ["The border militia fired first."]),
        ('"border militia', ["The border militia fired first."]),
        (
            '"border militia" or "rule of law"',
            ["The border militia fired first.", "They defended the rule of law."],
        ),
        # A one-word phrase has no pairs: the words' index alone finds it.
        ('"law"', ["They defended the rule of law."]),
    ],
)
def test_a_quoted_phrase_finds_exactly_the_sentences_holding_it(
    public_client, term: str, expected: list[str]
):
    for text in (
        "The border militia fired first.",
        "A militia near the border fired.",
        "The militia border post closed.",
        "They defended the rule of law.",
    ):
        ClaimFactory(text=text)

    found = listed_sentences(get_page(public_client, "?" + urlencode({"q": term})))

    assert sorted(found) == sorted(expected)


def test_search_highlights_the_matched_words_and_escapes_the_rest(public_client):
    ClaimFactory(text="The <script>alert(1)</script> budget grew.")
    ClaimFactory(text="Budgets & <img src=x onerror=alert(1)> deficits.")

    page = get_page(public_client, "?q=budget")

    assert "The &lt;script&gt;alert(1)&lt;/script&gt; <mark>budget</mark> grew." in page
    assert "<mark>Budgets</mark> &amp; &lt;img src=x onerror=alert(1)&gt; deficits." in page
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page


def test_a_sentence_containing_the_highlight_sentinels_cannot_inject_markup(public_client):
    ClaimFactory(text="Budget \ue000<b>\ue001 text.")

    page = get_page(public_client, "?q=budget")

    assert "<b>" not in page
    assert "&lt;b&gt;" in page


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["Newest article.", "Middle article.", "Undated article."]),
        ("evidence", ["Middle article.", "Newest article.", "Undated article."]),
        ("reviewed", ["Undated article.", "Newest article.", "Middle article."]),
        ("", ["Undated article.", "Newest article.", "Middle article."]),
    ],
)
def test_it_sorts_by_article_date_evidence_or_review_date(public_client, sort, expected):
    now = timezone.now()
    newest = ReviewedClaimFactory(
        article=ArticleFactory(published_on=datetime.date(2024, 1, 1)),
        text="Newest article.",
        reviewed_at=now - datetime.timedelta(days=2),
    )
    middle = ClaimFactory(
        article=ArticleFactory(published_on=datetime.date(2023, 1, 1)), text="Middle article."
    )
    ReviewedClaimFactory(
        article=ArticleFactory(published_on=None),
        text="Undated article.",
        reviewed_at=now - datetime.timedelta(days=1),
    )
    EvidenceFactory.create_batch(2, claim=middle)
    EvidenceFactory(claim=newest)

    query = f"?sort={sort}" if sort else ""
    assert listed_sentences(get_page(public_client, query)) == expected


def test_the_counts_by_verdict_follow_the_filters(public_client):
    outlet = OutletFactory(name="Counted")
    ReviewedClaimFactory.create_batch(
        2, article=ArticleFactory(outlet=outlet), status=Claim.Status.FALSE
    )
    ReviewedClaimFactory(article=ArticleFactory(outlet=outlet))
    ReviewedClaimFactory.create_batch(5, status=Claim.Status.FALSE)

    page = get_page(public_client, "?outlet=counted", every_sentence=False)

    assert "The 3 claims matching, by verdict." in page
    assert "False</a>:\n        <strong>2</strong>" in page
    assert "Supported</a>:\n        <strong>1</strong>" in page
    # Following a verdict in the chart keeps the other filters.
    assert 'href="?outlet=counted&amp;verdict=false"' in page


def test_the_canonical_link_holds_only_the_valid_filters_in_a_stable_order(public_client):
    ClaimFactory()

    page = get_page(
        public_client,
        "?verdict=false&q=tax&published_from=2023-13-45&utm_source=x&verdict=contested",
        every_sentence=False,
    )

    assert (
        '<link rel="canonical" href="http://testserver/claims/?q=tax&amp;verdict=contested'
        '&amp;verdict=false">'
    ) in page


def test_the_canonical_link_uses_the_public_site_address_when_configured(public_client, settings):
    settings.FACTCHECK_SITE_URL = "https://facts.example.org"

    page = get_page(public_client, "?contested=on", every_sentence=False)

    assert '<link rel="canonical" href="https://facts.example.org/claims/?contested=on">' in page


def test_the_export_links_carry_the_current_filters_but_not_the_page(public_client):
    ClaimFactory()

    page = get_page(public_client, "?verdict=false&after=abc", every_sentence=False)

    assert 'href="/claims/export.csv?verdict=false"' in page
    assert 'href="/claims/export.json?verdict=false"' in page


def walk_pages(client, query: str) -> list[list[str]]:
    pages = []
    url = f"/claims/{query}"
    while url:
        page = get_page(client, url.removeprefix("/claims/"), every_sentence=False)
        pages.append(listed_sentences(page))
        link = next_link(page)
        url = f"/claims/{link}" if link else None
    return pages


@pytest.mark.parametrize(
    "query",
    [
        "?reviewed=all",
        "?reviewed=all&sort=article",
        "?reviewed=all&sort=newest",
        "?reviewed=all&sort=evidence",
        "?reviewed=all&sort=reviewed",
        "?reviewed=all&q=claim",
    ],
)
def test_every_sort_order_pages_through_every_claim_exactly_once(public_client, query):
    now = timezone.now()
    articles = [
        ArticleFactory(published_on=None),
        ArticleFactory(published_on=datetime.date(2023, 1, 1)),
        ArticleFactory(published_on=datetime.date(2023, 1, 1)),
    ]
    for number in range(60):
        claim = ClaimFactory(
            article=articles[number % 3],
            text=f"Claim {number}" + " claim" * (number % 4),
            status=Claim.Status.SUPPORTED if number % 2 else Claim.Status.UNREVIEWED,
            reason="Checked." if number % 2 else "",
            # Ties on the review time too, so the id has to break them.
            reviewed_at=now - datetime.timedelta(hours=number % 5) if number % 2 else None,
        )
        if number % 3:
            EvidenceFactory(claim=claim)

    pages = walk_pages(public_client, query)

    assert [len(page) for page in pages] == [25, 25, 10]
    listed = [sentence for page in pages for sentence in page]
    assert sorted(listed) == sorted(Claim.objects.values_list("text", flat=True))


def test_the_previous_page_link_returns_to_the_rows_before(public_client):
    article = ArticleFactory()
    for number in range(60):
        ClaimFactory(article=article, ordinal=number, text=f"Sentence {number:02}.")

    first = get_page(public_client, "?sort=article")
    second = get_page(public_client, next_link(first))
    third = get_page(public_client, next_link(second))
    back_to_second = get_page(public_client, previous_link(third))
    back_to_first = get_page(public_client, previous_link(back_to_second))

    assert listed_sentences(back_to_second) == listed_sentences(second)
    assert listed_sentences(back_to_first) == listed_sentences(first)
    assert previous_link(back_to_first) is None
    assert listed_sentences(third) == [f"Sentence {number}." for number in range(50, 60)]
    assert next_link(third) is None


def test_the_page_links_keep_the_filters(public_client):
    ReviewedClaimFactory.create_batch(30, status=Claim.Status.FALSE)

    link = next_link(get_page(public_client, "?verdict=false&sort=reviewed"))

    query = parse_qs(urlsplit(link).query)
    assert query["verdict"] == ["false"]
    assert query["sort"] == ["reviewed"]
    assert "after" in query


@pytest.mark.parametrize(
    "cursor",
    ["garbage!!", "W10", "WyJhcnRpY2xlIiwgWzEsICJ4Il1d", "WyJuZXdlc3QiLCBbMSwgMl1d", "x" * 600],
)
def test_a_damaged_page_link_shows_the_first_page_with_a_message(public_client, cursor):
    ClaimFactory(text="First of all.")

    page = get_page(public_client, f"?after={cursor}")

    assert "That page link is damaged" in page
    assert listed_sentences(page) == ["First of all."]


@pytest.mark.parametrize(
    "query",
    [
        # ["article", [10**30, 0]]: a number no database id can have.
        "?after=WyJhcnRpY2xlIiwgWzEwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAsIDBdXQ",
        # ["rank", [NaN, 0]] on a search.
        "?q=first&before=WyJyYW5rIiwgW05hTiwgMF1d",
    ],
)
def test_a_tampered_page_link_with_impossible_values_is_refused(public_client, query):
    ClaimFactory(text="First of all.")

    page = get_page(public_client, query)

    assert "That page link is damaged" in page
    assert listed_sentences(page) == ["First of all."]


def test_a_page_link_made_for_another_sort_order_is_refused(public_client):
    ClaimFactory.create_batch(30)
    link = next_link(get_page(public_client, "?sort=newest"))
    link = link.replace("reviewed=all&", "")
    cursor = parse_qs(urlsplit(link).query)["after"][0]

    page = get_page(public_client, f"?sort=evidence&after={cursor}")

    assert "made for another sort order" in page


def make_claims(count: int) -> None:
    outlet = OutletFactory(name="Query Count")
    source = SourceFactory()
    for _ in range(count):
        claim = ReviewedClaimFactory(
            article=ArticleFactory(outlet=outlet), text="A claim about taxes."
        )
        EvidenceFactory(claim=claim, source=source)


@pytest.mark.parametrize("claims", [3, 30])
@pytest.mark.parametrize(
    ("query", "queries"),
    [
        # Verdict counts (one GROUP BY) and the page of claims with article, outlet and the
        # labels of their citation markers.
        ("", 2),
        ("?verdict=supported&reviewed=yes&evidence=yes&published_from=2023-01-01", 2),
        ("?sort=evidence", 2),
        ("?reviewed=all&sort=article", 2),
        # + the highlights of the visible rows.
        ("?q=taxes", 3),
        # + parsing the quoted phrase for the phrase index (claims.search.phrase_filter).
        ('?q="about+taxes"', 4),
        ('?q="about+taxes"&published_to=2030-01-01', 4),
        # + looking up the outlet named by the filter, and how many articles it has (a big
        # outlet's claims are found another way: claims.filters.BIG_OUTLET_ARTICLES).
        ("?outlet=query-count", 4),
        # + looking up the source too.
        ("?outlet=query-count&source={source}&q=taxes&sort=newest", 6),
        # By name and title (as the type-ahead fills them in): the same look-ups.
        ("?outlet=Query+Count&article={article}&q=taxes", 6),
    ],
)
def test_the_claims_page_takes_a_fixed_number_of_queries(
    public_client, django_assert_num_queries, claims, query, queries
):
    make_claims(claims)
    query = query.format(
        source=SourceFactory._meta.model.objects.get().pk,
        article=ArticleFactory._meta.model.objects.order_by("pk").first().title.replace(" ", "+"),
    )

    # The text-search configurations in use are looked up once per process every few minutes
    # (claims.search.search_configs_in_use), not per request: warmed here, not counted.
    search_configs_in_use()
    with django_assert_num_queries(queries):
        page = get_page(public_client, query, every_sentence=False)

    assert "errorlist" not in page
    assert len(listed_sentences(page)) == (1 if "article=" in query else min(claims, 25))


def test_the_next_page_takes_as_many_queries_as_the_first(public_client, django_assert_num_queries):
    make_claims(60)
    link = next_link(get_page(public_client, "?q=taxes", every_sentence=False))

    with django_assert_num_queries(3):
        page = get_page(public_client, link, every_sentence=False)

    assert len(listed_sentences(page)) == 25


@pytest.mark.parametrize(
    ("query", "is_open"),
    [
        ("", False),
        ("?q=tax", False),
        ("?contested=on", False),
        ("?outlet=x", True),
        ("?sort=newest", True),
        ("?verdict=no", True),
    ],
)
def test_the_folded_filters_open_only_for_an_error_or_a_sort(public_client, query, is_open):
    page = get_page(public_client, query)

    assert ('<details class="more-filters" open>' in page) is is_open


def test_filters_in_use_are_listed_above_the_results_while_folded(public_client):
    page = get_page(public_client, "?contested=on", every_sentence=False)

    assert '<details class="more-filters">' in page
    # In the results section, under its heading, where a phone shows it without scrolling.
    assert page.index('id="results-heading"') < page.index("<li>Contested only</li>")


def test_an_unbalanced_highlight_sentinel_from_the_data_is_dropped_not_turned_into_a_tag():
    assert render_headline("a \ue000<b> \ue000budget\ue001") == "a &lt;b&gt; budget"


def test_the_sentences_not_reviewed_yet_page_through_in_review_order(public_client):
    now = timezone.now()
    for number in range(40):
        ClaimFactory(
            text=f"Sentence {number}",
            status=Claim.Status.UNREVIEWED if number % 4 else Claim.Status.SUPPORTED,
            reason="" if number % 4 else "Checked.",
            # A reset verdict keeps its reviewer's time; most were never reviewed.
            reviewed_at=now - datetime.timedelta(hours=number % 3)
            if number % 4 == 0 or number % 5 == 0
            else None,
        )
    expected = list(
        Claim.objects.needs_review()
        .order_by(F("reviewed_at").desc(nulls_last=True), F("id").desc())
        .values_list("text", flat=True)
    )

    pages = walk_pages(public_client, "?reviewed=no")

    assert [len(page) for page in pages] == [25, 5]
    assert [sentence for page in pages for sentence in page] == expected
