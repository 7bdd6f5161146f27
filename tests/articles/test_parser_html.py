# ruff: noqa: RUF001 -- umlauts and dashes are the data being parsed.
"""The HTML stage on saved pages: XHTML with an XML declaration, charset claims, metadata."""

from pathlib import Path

import pytest

from articles.parser import ParseError, decode_article, parse_article

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def parse_corpus(name: str):
    return parse_article(decode_article((CORPUS / name).read_bytes()), file_name=name)


def test_an_xhtml_page_with_an_xml_declaration_is_read() -> None:
    # Docbook and Publican write `<?xml version="1.0" encoding="UTF-8"?>` first; lxml refuses
    # such a page when it is handed a str, which made the page look title-less.
    article = parse_corpus("debian-manifesto.de.html")
    assert article.title.endswith("Das Debian-Manifest")
    assert article.language == "de"
    assert len(article.sentences) > 20


def test_a_declared_encoding_other_than_utf8_does_not_garble_decoded_text() -> None:
    page = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><meta charset="windows-1252"/>'
        "<title>Für alle</title></head><body><h1>Für alle</h1>"
        "<p>Die Fähre ist am Montag ausgelaufen, sagte der Kapitän.</p></body></html>"
    )
    article = parse_article(page, file_name="page.xhtml")
    assert article.title == "Für alle"
    assert article.sentences[0].text == "Die Fähre ist am Montag ausgelaufen, sagte der Kapitän."


def test_control_characters_after_a_removed_element_do_not_crash_the_page() -> None:
    # Found by bench/fuzz_import.py: lxml refuses to store the control characters it read,
    # when the text after a removed comment or script is moved to its neighbour.
    page = (
        "<html><head><title>T</title></head><body><p>Hello there, this is fine.</p>"
        "<!-- c -->\x01\x02 tail text here.<script>x</script>\x0b\x1f more.<p>More text.</p>"
        "</body></html>"
    )
    article = parse_article(page, file_name="a.html")
    assert article.sentences[0].text == "Hello there, this is fine."
    assert not any("\x01" in sentence.text for sentence in article.sentences)


def test_a_saved_page_in_the_encoding_its_head_declares_is_read_in_that_encoding() -> None:
    # German and Polish news sites still serve ISO-8859-1 and Windows-1250 pages; a browser
    # reads them by the <meta charset>, and so do we (Latin-1 as Windows-1252, as browsers do).
    page = (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" '
        'content="text/html; charset=iso-8859-1"><title>Grüße aus Köln</title></head><body>'
        "<h1>Grüße aus Köln</h1><p>Die Fähre ist am Montag ausgelaufen, sagte der Kapitän – "
        "nicht früher.</p></body></html>"
    ).encode("cp1252")
    article = parse_article(decode_article(page), file_name="page.html")
    assert article.title == "Grüße aus Köln"
    assert article.sentences[0].text.endswith("sagte der Kapitän – nicht früher.")
    polish = (
        '<html><head><meta charset="windows-1250"><title>Sejm</title></head><body>'
        "<p>Sejm zagłosował za ustawą, powiedział rzecznik.</p></body></html>"
    ).encode("cp1250")
    assert "zagłosował" in decode_article(polish)


def test_a_plain_text_file_that_is_not_utf8_is_still_refused_with_the_line() -> None:
    # Only a page that names its encoding is decoded by it; plain text carries no such claim.
    with pytest.raises(ParseError, match="line 1: not UTF-8 text"):
        decode_article("Viele Grüße aus Köln, sagte er am Montag.\n".encode("latin-1"))


def test_an_article_body_in_a_block_named_like_page_furniture_is_kept() -> None:
    # Templates wrap the story in a "paywall" or "content-with-sidebar" div, or the whole
    # page in an ASP.NET <form>: a block that holds most of the page's prose is the content.
    story = "".join(
        f"<p>Paragraph {number} of the story says what the minister announced on Monday.</p>"
        for number in range(8)
    )
    for wrapper in (
        f'<div class="ArticlePage-content paywall">{story}</div>',
        f'<div class="l-sidebar-fixed l-article-body-segment">{story}</div>',
        f'<form id="aspnetForm"><div class="body">{story}</div></form>',
    ):
        page = (
            "<html><head><title>The minister's plan</title></head><body>"
            '<div class="newsletter"><p>Sign up for our newsletter to get the news.</p></div>'
            f"<main><h1>The minister's plan</h1>{wrapper}</main></body></html>"
        )
        article = parse_article(page, file_name="page.html")
        texts = [sentence.text for sentence in article.sentences]
        assert len(texts) == 8, wrapper
        assert "Sign up for our newsletter to get the news." not in texts


def test_comments_that_outweigh_the_post_stay_out() -> None:
    post = "<p>The council voted on Tuesday to close the old bridge for repairs.</p>"
    comments = "".join(
        f"<p>Comment {number}: I have crossed that bridge every day for years now.</p>"
        for number in range(10)
    )
    page = (
        "<html><head><title>Bridge</title></head><body><h1>Bridge</h1>"
        f'<div class="entry">{post}</div><div class="comments">{comments}</div></body></html>'
    )
    texts = [sentence.text for sentence in parse_article(page, file_name="page.html").sentences]
    assert texts == ["The council voted on Tuesday to close the old bridge for repairs."]


def test_a_json_ld_author_given_by_id_is_the_person_node_it_points_at() -> None:
    # Yoast writes {"author": {"@id": ".../#/schema/person/1"}} and the Person node apart.
    page = (
        '<html><head><title>Fifteen years</title><script type="application/ld+json">'
        '{"@context": "https://schema.org", "@graph": ['
        '{"@type": "BlogPosting", "headline": "Fifteen years",'
        ' "author": {"@id": "https://blog.example/#/schema/person/1"}},'
        '{"@type": ["Person", "Organization"], "@id": "https://blog.example/#/schema/person/1",'
        ' "name": "Andreas Kalt"}]}</script></head><body><h1>Fifteen years</h1>'
        "<p>The blog turned fifteen this week, and it is still written by hand.</p></body></html>"
    )
    article = parse_article(page, file_name="page.html")
    assert [c.name for c in article.contributors if c.role == "author"] == ["Andreas Kalt"]


def test_a_byline_marked_up_in_the_page_is_read_without_its_labels() -> None:
    # WordPress themes: <span class="author vcard"><span class="screen-reader-text">Author
    # </span><a class="url fn n">Name</a></span>; comment authors further down are not it.
    page = (
        '<html><head><title>Reparaturcafé</title><meta property="og:site_name" '
        'content="Stadt Ahlen"></head><body><article><h1>Reparaturcafé</h1>'
        '<span class="byline"><span class="author vcard"><span class="screen-reader-text">'
        'Author</span> <a class="url fn n" href="/author/x/">Ute Berger</a></span></span>'
        "<p>Das Reparaturcafé öffnet am Samstag wieder im Bürgerzentrum, sagte die Stadt.</p>"
        '<div class="comments"><span class="comment-author fn">Max Muster</span>'
        "<p>Toll, da komme ich gerne vorbei mit meinem alten Toaster.</p></div>"
        "</article></body></html>"
    )
    article = parse_article(page, file_name="page.html")
    assert [c.name for c in article.contributors if c.role == "author"] == ["Ute Berger"]


def test_a_meta_author_that_is_the_site_itself_is_not_a_byline() -> None:
    page = (
        '<html><head><title>Alleinerziehende</title><meta name="author" content="katholisch.at">'
        '<meta property="og:site_name" content="katholisch.at"></head><body><article>'
        '<h1>Alleinerziehende</h1><p class="author">Von Maria Huber</p>'
        "<p>Die Zahl der Alleinerziehenden ist im letzten Jahr gestiegen, sagte sie.</p>"
        "</article></body></html>"
    )
    article = parse_article(page, file_name="page.html")
    assert [c.name for c in article.contributors if c.role == "author"] == ["Maria Huber"]


def _page(head: str, body: str) -> str:
    return (
        f"<html><head><title>Hechte im Bielersee</title>{head}</head><body><article>"
        f"<h1>Hechte im Bielersee</h1>{body}"
        "<p>Im Winter beissen die Hechte im Bielersee besonders gut, sagen die Fischer.</p>"
        "</article></body></html>"
    )


def test_a_page_dates_itself_by_microdata_hatom_its_address_or_its_dateline() -> None:
    cases = {
        # Microdata beside the text, no JSON-LD article node.
        '<meta itemprop="datePublished" content="2022-01-21">': "2022-01-21",
        # Blogger's hAtom: <abbr class="published" title="…">.
        '<abbr class="published" title="2017-09-09T10:52:00+02:00">9. September</abbr>': (
            "2017-09-09"
        ),
        # The dateline opening the story, in the page's language.
        "<p>Erstellt am: 30.01.2022 18:36 / sk</p>": "2022-01-30",
        "<p>Pressemitteilung vom 25. Januar 2022 | Bern – Die Fischer melden viele Hechte.</p>": (
            "2022-01-25"
        ),
    }
    for markup, expected in cases.items():
        article = parse_article(_page("", markup), file_name="page.html")
        assert str(article.published) == expected, markup
    # Only the page's own address: /2019/11/18/slug.
    canonical = '<link rel="canonical" href="https://news.example/2019/11/18/hechte-im-see/">'
    article = parse_article(_page(canonical, ""), file_name="page.html")
    assert str(article.published) == "2019-11-18"
    # A date later in the story's first paragraph is the story's, not the page's.
    event = "<p>Das Turnier der besten Fischer findet vom 5. bis 11. Februar 2022 statt.</p>"
    assert parse_article(_page("", event), file_name="page.html").published is None


def test_a_modified_date_is_used_only_when_the_page_gives_no_other() -> None:
    head = '<meta property="og:updated_time" content="2017-04-05T19:05:44Z">'
    assert str(parse_article(_page(head, ""), file_name="p.html").published) == "2017-04-05"
    both = head + '<meta property="article:published_time" content="2017-03-01">'
    assert str(parse_article(_page(both, ""), file_name="p.html").published) == "2017-03-01"


def test_a_utc_stamp_is_dated_where_the_page_is_read() -> None:
    def date_of(head: str, body: str = "") -> str:
        return str(parse_article(_page(head, body), file_name="p.html").published)

    late = '<meta property="article:published_time" content="2022-05-04T00:25:56Z">'
    # The page's other stamps are written at -03:00: 00:25 UTC is 21:25 the day before.
    assert date_of(late, '<time datetime="2022-05-03T21:40:00-03:00">Ayer</time>') == "2022-05-03"
    # The page prints the day before for its readers.
    assert date_of(late, '<p class="date">3 de mayo de 2022</p>') == "2022-05-03"
    # Nothing else says where: the stamp's own date.
    assert date_of(late) == "2022-05-04"
    # A page that prints the next day at 14:17 UTC shows another date, not its time zone.
    noon = '<meta property="article:published_time" content="2020-02-10T14:17:52+00:00">'
    assert date_of(noon, '<p class="date">11. Februar 2020</p>') == "2020-02-10"
    # A stamp with its own offset is already local.
    local = '<meta property="article:published_time" content="2021-05-24T23:30:00-04:00">'
    assert date_of(local, '<time datetime="2021-05-25T08:00:00+02:00">x</time>') == "2021-05-24"


def test_the_headline_the_page_shows_wins_over_a_title_with_a_kicker_or_site_name() -> None:
    def title_of(head: str, heading: str) -> str:
        page = (
            f"<html><head>{head}</head><body><header><h2>Menu</h2></header><article>"
            f"<h1>{heading}</h1><p>Die Schauspielerin ist am Montag in Wien gestorben, "
            "teilte die Familie mit.</p></article></body></html>"
        )
        return parse_article(page, file_name="page.html").title

    # A kicker before the headline in <title>.
    assert (
        title_of("<title>Chronik: Lotte Tobisch ist tot</title>", "Lotte Tobisch ist tot")
        == "Lotte Tobisch ist tot"
    )
    # A <title> that is the site's name: the page's one <h1> is the headline.
    assert (
        title_of("<title>Four Years Remaining</title>", "Interning of Small Integers")
        == "Interning of Small Integers"
    )
    # A title its CMS escaped twice reads as written.
    assert (
        title_of(
            '<meta property="og:title" content="A Paris-8, beaucoup d&amp;#039;actions">',
            "A Paris-8, beaucoup d'actions",
        )
        == "A Paris-8, beaucoup d'actions"
    )


def test_other_stories_headlines_and_widget_lines_are_not_claims() -> None:
    teasers = "".join(
        f'<p><a href="https://news.example/{number}">Best gifts for co-workers, part {number}.'
        "</a></p>"
        for number in range(2)
    )
    page = (
        "<html><head><title>Budget</title></head><body><article><h1>Budget</h1>"
        "<p>The council passed the budget on Monday, said the mayor.</p>"
        '<p>It funds <a href="https://city.example/plan">the new plan</a> for three years.</p>'
        "<p>This slideshow requires JavaScript.</p><p>Click here for more information.</p>"
        f"{teasers}</article></body></html>"
    )
    texts = [sentence.text for sentence in parse_article(page, file_name="p.html").sentences]
    assert texts == [
        "The council passed the budget on Monday, said the mayor.",
        "It funds the new plan for three years.",
    ]


def test_a_story_written_inside_links_keeps_its_sentences() -> None:
    # Some templates wrap the whole teaser-style story in one <a>: when most sentences are link
    # text, the links are the page's own text.
    story = "".join(
        f'<p><a href="https://news.example/story">Sentence {number} of the story is here.</a></p>'
        for number in range(3)
    )
    page = f"<html><head><title>Story</title></head><body><h1>Story</h1>{story}</body></html>"
    assert len(parse_article(page, file_name="p.html").sentences) == 3


def test_a_byline_in_a_post_that_takes_comments_and_an_author_on_the_second_node() -> None:
    # WordPress marks such a post "comments-open": that is no comment block.
    page = (
        '<html><head><title>Laufen</title></head><body><article class="post comments-open">'
        '<h1>Laufen im Winter</h1><span class="byline"> von <span class="author vcard">'
        '<a class="url fn n" href="/author/heiko/">Heiko</a></span></span>'
        "<p>Im Winter zu laufen ist leichter, als man denkt, sagt der Trainer.</p>"
        "</article></body></html>"
    )
    article = parse_article(page, file_name="page.html")
    assert [c.name for c in article.contributors if c.role == "author"] == ["Heiko"]
    # Yoast: a WebPage node first, the Article node with the author after it.
    graph = (
        '<script type="application/ld+json">{"@graph": [{"@type": "WebPage", "name": "Laufen"},'
        '{"@type": "Article", "headline": "Laufen", "author": {"@id": "#p"}},'
        '{"@type": "Person", "@id": "#p", "name": "Helge Fahrnberger"}]}</script>'
    )
    page = page.replace("<title>Laufen</title>", f"<title>Laufen</title>{graph}")
    page = page.replace("von <span", "<span").replace(">Heiko<", "><")
    article = parse_article(page, file_name="page.html")
    assert [c.name for c in article.contributors if c.role == "author"] == ["Helge Fahrnberger"]


def test_template_byline_classes_and_labels_in_any_language_give_the_name() -> None:
    def byline_of(markup: str) -> list[str]:
        page = (
            "<html><head><title>Hope</title></head><body><article><h1>Hope</h1>"
            f"{markup}<p>Hope is a discipline, the author wrote in her new book.</p>"
            '<div class="comment"><span class="comment-author-name">Troll</span></div>'
            "</article></body></html>"
        )
        article = parse_article(page, file_name="page.html")
        return [c.name for c in article.contributors if c.role == "author"]

    assert byline_of('<p class="post-author-name">Andrea Middleton</p>') == ["Andrea Middleton"]
    assert byline_of(
        '<div class="ng-sharekit__contributors--author"><span>Michael Hingston</span></div>'
    ) == ["Michael Hingston"]
    assert byline_of('<meta name="author" content="Geschrieben von Elisa Marvena">') == [
        "Elisa Marvena"
    ]
    assert byline_of('<meta name="author" content="Redacci&oacute;n Pagina Siete">') == [
        "Redacción Pagina Siete"
    ]


def _byline_of(head: str, body: str) -> list[str]:
    page = (
        f"<html><head><title>Hope</title>{head}</head><body><article><h1>Hope</h1>"
        f"{body}<p>Hope is a discipline, the author wrote in her new book last year.</p>"
        '<div class="comments"><p>Von Troll Trollmann am 3. Mai</p></div>'
        "</article></body></html>"
    )
    article = parse_article(page, file_name="page.html")
    return [c.name for c in article.contributors if c.role == "author"]


def test_a_byline_only_written_in_the_text_gives_the_name() -> None:
    assert _byline_of("", '<p class="x">Par <a href="/a">Matthieu Hy</a></p>') == ["Matthieu Hy"]
    assert _byline_of("", "<div>Written by: Julie Mollins<p>The forest is older.</p></div>") == [
        "Julie Mollins"
    ]
    assert _byline_of("", "<p><strong>Ein Artikel von Pamela Sladky | 27.01.2022</strong></p>") == [
        "Pamela Sladky"
    ]
    assert _byline_of("", "<p><span>Autor: </span><span>Jacopo Cascioli</span></p>") == [
        "Jacopo Cascioli"
    ]
    # A labelled handle may be one lower-case word; a bare "Von" must lead a capitalized name.
    assert _byline_of("", "<p>Verfasst von: mitundvoneinander | 31. Dezember 2008</p>") == [
        "mitundvoneinander"
    ]
    lead = "<p>The book came out in May and sold well in the first week.</p>"
    assert _byline_of("", lead + "<p>Von Anfang an war klar, dass es schwer wird.</p>") == []
    assert _byline_of("", lead + "<p>By the time it ended, nobody was left.</p>") == []


def test_an_author_in_analytics_and_card_meta_tags_gives_the_name() -> None:
    assert _byline_of('<meta name="byl" content="By Evan Halper">', "") == ["Evan Halper"]
    assert _byline_of('<meta name="sailthru.author" content="Ann Lee">', "") == ["Ann Lee"]
    card = '<meta name="twitter:label1" content="Written by">'
    assert _byline_of(card + '<meta name="twitter:data1" content="Ann Lee">', "") == ["Ann Lee"]
    # data1 under another label is the reading time, not a byline.
    other = '<meta name="twitter:label1" content="Est. reading time">'
    assert _byline_of(other + '<meta name="twitter:data1" content="Four Minutes">', "") == []


def test_a_byline_keeps_a_surname_particle_and_loses_any_lead_in() -> None:
    # "Le", "On" are a name's when no date follows them, a tail's when one does.
    assert _byline_of('<meta name="author" content="Loïc Le Clerc">', "") == ["Loïc Le Clerc"]
    assert _byline_of('<meta name="author" content="Ela on 31. October">', "") == ["Ela"]
    assert _byline_of('<meta name="author" content="Erstellt von Andri Bryner">', "") == [
        "Andri Bryner"
    ]
    assert _byline_of('<meta name="author" content="Rezept von jesusfreak">', "") == ["jesusfreak"]


def test_a_story_in_a_layout_table_an_aside_or_a_noscript_copy_imports() -> None:
    story = "".join(
        f"<p>Paragraph {number} says the park counted nine bears with cubs this year.</p>"
        for number in range(5)
    )
    for wrapped in (
        f"<table><tr><td>Menu</td><td>{story}</td></tr></table>",
        f'<aside class="direct-content">{story}</aside>',
        f"<noscript>{story}</noscript>",
        f'<section class="non-paywall">{story}</section>',
    ):
        page = (
            "<html><head><title>Bears</title></head><body><main><h1>Bears</h1>"
            f"{wrapped}</main></body></html>"
        )
        assert len(parse_article(page, file_name="p.html").sentences) == 5, wrapped
    # A data table is still not prose.
    rows = "<tr><td>Lindvik</td><td>243.8</td></tr><tr><td>Geiger</td><td>238.7</td></tr>"
    body = f"<h1>Results</h1><table>{rows}</table><p>Geiger won again on Sunday.</p>"
    page = f"<html><body>{body}</body></html>"
    assert [s.text for s in parse_article(page, file_name="p.html").sentences] == [
        "Geiger won again on Sunday."
    ]
