"""The whole-page cache (factcheck/page_cache.py): readers get stored pages, and every change that
alters a page is on the very next request of every page it alters, whoever made it and however
(a service function, the admin, an import, raw SQL)."""

import re
import threading
from pathlib import Path

import psycopg2
import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from lxml import html as lxml_html

from articles.importer import article_import_file
from articles.models import Article, ImportBatch, ImportFile
from articles.publication import articles_set_publication
from claims.evidence import evidence_add, evidence_remove
from claims.links import claim_link
from claims.models import Claim, Evidence, LinkSuggestion
from claims.services import claim_set_verdict
from factcheck import page_cache
from factcheck.page_cache import STATUS_HEADER, content_version
from sources.models import Source
from tests.factories import EditorFactory, SourceFactory

pytestmark = pytest.mark.django_db

# The models whose tables no public page reads: the review desk's suggestions, and the
# background imports' bookkeeping (the articles those imports write have their triggers).
NOT_ON_PAGES = {LinkSuggestion, ImportBatch, ImportFile}
NONCE = re.compile(r'nonce="([^"]*)"')


@pytest.fixture(autouse=True)
def page_cache_on(settings) -> None:
    settings.PAGE_CACHE_ENABLED = True
    # Each test's writes are rolled back, so the next test counts the same versions again with
    # other rows: pages a worker kept from an earlier test must go (outside tests a version
    # number is never counted twice).
    page_cache.local_pages.clear()


@pytest.fixture
def seeded(seed_paths: dict[str, Path]) -> None:
    call_command("import_articles", *map(str, seed_paths.values()), stdout=None)
    call_command("load_demo_reviews", stdout=None)


def reviewed_claim() -> Claim:
    return (
        Claim.objects.filter(reviewed_at__isnull=False, evidence__isnull=False)
        .select_related("article__outlet")
        .order_by("pk")
        .first()
    )


def pages_of(claim: Claim, *more: str) -> list[str]:
    """Every public page a change to `claim` (its verdict, evidence, links, article) shows on,
    and `more`."""
    article = claim.article
    sources = Source.objects.filter(evidence__claim__article=article).distinct().order_by("pk")[:3]
    urls = [
        "/",
        "/claims/",
        f"/claims/?article={article.slug}",
        "/claims/?reviewed=yes",
        claim.get_absolute_url(),
        article.get_absolute_url(),
        "/articles/",
        "/sources/",
        *(source.get_absolute_url() for source in sources),
        "/outlets/",
        "/feeds/reviewed/",
        "/feeds/contested/",
        "/corrections/",
        "/sitemap.xml",
    ]
    if article.outlet_id:
        urls.append(article.outlet.get_absolute_url())
    return list(dict.fromkeys([*urls, *more]))


def without_nonces(text: str) -> str:
    """The page without what differs between two renders of the same content: the nonce, and
    the time an empty feed was made (Django's feed says "now" when no entry has a date)."""
    if "<feed" in text and "<entry>" not in text:
        text = re.sub(r"<updated>[^<]*</updated>", "<updated/>", text)
    return NONCE.sub('nonce=""', text)


def uncached(url: str, settings) -> str:
    settings.PAGE_CACHE_ENABLED = False
    try:
        response = Client().get(url)
        assert response.status_code in (200, 404), url
        assert STATUS_HEADER not in response
        return without_nonces(response.text)
    finally:
        settings.PAGE_CACHE_ENABLED = True


def prime(client: Client, urls: list[str]) -> dict[str, str]:
    """Each page fetched twice: the second comes from the cache. The pages as they were."""
    pages = {}
    for url in urls:
        client.get(url)
        response = client.get(url)
        assert response.status_code == 200, url
        assert response[STATUS_HEADER] == "hit", url
        pages[url] = without_nonces(response.text)
    return pages


def assert_every_page_fresh(client: Client, urls: list[str], settings) -> None:
    """The next request of each page is made anew and is what the page is without a cache."""
    for url in urls:
        response = client.get(url)
        assert response.get(STATUS_HEADER) != "hit", f"{url} served from the cache after a change"
        assert without_nonces(response.text) == uncached(url, settings), url
        assert client.get(url)[STATUS_HEADER] == "hit", url


def changed_pages(before: dict[str, str], client: Client) -> set[str]:
    return {url for url, text in before.items() if without_nonces(client.get(url).text) != text}


# --- What is cached, and what is not --------------------------------------------------------


def test_a_readers_second_request_is_served_from_the_cache(seeded, client: Client) -> None:
    first = client.get("/claims/")
    second = client.get("/claims/")

    assert first[STATUS_HEADER] == "miss"
    assert second[STATUS_HEADER] == "hit"
    assert second.text == first.text
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Length"] == str(len(second.content))
    # The security headers come from the middleware outside the cache: on hits as on misses.
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert second[header] == first[header], header


def test_a_hit_takes_one_query_and_a_miss_five_more_than_the_page(
    seeded, client: Client, settings, django_assert_num_queries
) -> None:
    settings.PAGE_CACHE_ENABLED = False
    with CaptureQueriesContext(connection) as page_alone:
        client.get("/claims/")
    settings.PAGE_CACHE_ENABLED = True

    # A miss: the version, the cache lookup, the page's own queries, then storing the page
    # (the database cache counts its rows, looks the key up and inserts, in a transaction: here
    # a savepoint and its release, outside a test a BEGIN and COMMIT).
    with django_assert_num_queries(len(page_alone) + 2 + 3 + 2):
        assert client.get("/claims/")[STATUS_HEADER] == "miss"
    # A hit in this worker's memory: the version alone, nothing of the page.
    with django_assert_num_queries(1):
        assert client.get("/claims/")[STATUS_HEADER] == "hit"
    with django_assert_num_queries(1):
        assert client.head("/claims/")[STATUS_HEADER] == "hit"
    # In another worker (nothing in its memory): the version and the shared cache's lookup.
    page_cache.local_pages.clear()
    with django_assert_num_queries(2):
        assert client.get("/claims/")[STATUS_HEADER] == "hit"
    with django_assert_num_queries(1):
        assert client.get("/claims/")[STATUS_HEADER] == "hit"


def test_the_query_string_is_canonical_but_repeated_values_keep_their_order(
    seeded, client: Client
) -> None:
    assert client.get("/claims/?verdict=contested&sort=newest")[STATUS_HEADER] == "miss"
    assert client.get("/claims/?sort=newest&verdict=contested")[STATUS_HEADER] == "hit"
    assert client.get("/claims/?sort=newest&verdict=%63ontested")[STATUS_HEADER] == "hit"
    # A filter reads the last of repeated values: these are two different pages.
    client.get("/claims/?verdict=contested&verdict=false")
    assert client.get("/claims/?verdict=false&verdict=contested")[STATUS_HEADER] == "miss"


def test_a_logged_in_editor_bypasses_the_cache_both_ways(seeded, client: Client) -> None:
    editor_client = Client()
    editor_client.force_login(EditorFactory())

    for _ in range(2):
        response = editor_client.get("/claims/")
        assert response.status_code == 200
        assert STATUS_HEADER not in response
    # Nothing the editor saw was stored for readers.
    assert client.get("/claims/")[STATUS_HEADER] == "miss"
    # Nor does the editor get what readers' requests stored.
    assert STATUS_HEADER not in editor_client.get("/claims/")


def test_admin_posts_errors_exports_and_static_files_are_never_stored(
    seeded, client: Client
) -> None:
    for url, expected in [
        ("/admin/login/", None),
        ("/claims/999999999/", "not stored: status 404"),
        ("/no-such-page/", "not stored: status 404"),
        ("/claims/export.csv", "not stored: streaming"),
    ]:
        for _ in range(2):
            assert client.get(url).get(STATUS_HEADER) == expected, url
    assert STATUS_HEADER not in client.post("/claims/", {"q": "x"})
    assert STATUS_HEADER not in client.get(settings.STATIC_URL + "css/site.css")


def csrf_page(request):
    template = engines["django"].from_string("<form method=post>{% csrf_token %}</form>")
    return HttpResponse(template.render({}, request))


urlpatterns = [path("form/", csrf_page), path("nonce/", lambda request: nonce_page(request))]


def nonce_page(request):
    template = engines["django"].from_string(
        '<script nonce="{{ csp_nonce }}">1</script><p nonce="{{ csp_nonce }}">x</p>'
    )
    return HttpResponse(template.render({}, request))


def test_a_page_with_a_csrf_token_is_never_stored(client: Client, settings) -> None:
    settings.ROOT_URLCONF = __name__
    tokens = set()
    for _ in range(2):
        response = client.get("/form/")
        assert response[STATUS_HEADER] == "not stored: sets a cookie"
        tokens.add(re.search(r'value="([^"]+)"', response.text).group(1))
    assert len(tokens) == 2
    # Even without the cookie (the reader already has one), the token is not stored.
    client.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    response = client.get("/form/")
    assert response[STATUS_HEADER].startswith("not stored")
    assert page_cache.refusal(
        type("Request", (), {"method": "GET", "META": {}})(),
        HttpResponse('<input name="csrfmiddlewaretoken" value="a">'),
    ) == ("holds a CSRF token")


def test_a_cached_page_never_replays_a_csp_nonce(client: Client, settings) -> None:
    settings.ROOT_URLCONF = __name__
    seen = []
    for _ in range(3):
        response = client.get("/nonce/")
        nonces = set(NONCE.findall(response.text))
        assert len(nonces) == 1
        (nonce,) = nonces
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        seen.append((response[STATUS_HEADER], nonce))
    assert [status for status, _ in seen] == ["miss", "hit", "hit"]
    assert len({nonce for _, nonce in seen}) == 3
    stored = caches[page_cache.CACHE_ALIAS].get(
        page_cache.page_key(client.get("/nonce/").wsgi_request, page_cache.content_version_key())
    )
    assert all(nonce.encode() not in b"".join(stored["chunks"]) for _, nonce in seen)


def test_a_claim_pages_json_ld_gets_a_fresh_nonce_on_every_hit(seeded, client: Client) -> None:
    url = reviewed_claim().get_absolute_url()
    first, second = client.get(url), client.get(url)
    assert second[STATUS_HEADER] == "hit"
    nonce = NONCE.search(second.text).group(1)
    assert nonce != NONCE.search(first.text).group(1)
    assert f"'nonce-{nonce}'" in second["Content-Security-Policy"]


# --- Every change is on the next request of every page it alters ----------------------------


def test_a_verdict_is_on_the_next_request_of_every_page(seeded, client: Client, settings) -> None:
    claim = Claim.objects.filter(status=Claim.Status.UNREVIEWED).order_by("pk").first()
    urls = pages_of(claim)
    before = prime(client, urls)

    claim_set_verdict(
        claim=claim, status=Claim.Status.FALSE, reason="Cache test reason.", user=EditorFactory()
    )

    assert_every_page_fresh(client, urls, settings)
    assert "Cache test reason." in client.get(claim.get_absolute_url()).text
    assert {claim.get_absolute_url(), "/claims/?reviewed=yes", "/feeds/reviewed/"} <= (
        changed_pages(before, client)
    )


def test_a_new_reason_is_on_the_next_request(seeded, client: Client, settings) -> None:
    claim = reviewed_claim()
    urls = pages_of(claim)
    prime(client, urls)

    claim_set_verdict(
        claim=claim, status=claim.status, reason="A reason rewritten.", user=EditorFactory()
    )

    assert_every_page_fresh(client, urls, settings)
    assert "A reason rewritten." in client.get(claim.get_absolute_url()).text


def test_evidence_added_and_removed_is_on_the_next_request(
    seeded, client: Client, settings
) -> None:
    claim = reviewed_claim()
    source = SourceFactory(title="A source only this test cites")
    urls = pages_of(claim, source.get_absolute_url())
    prime(client, urls)

    evidence = evidence_add(
        claim=claim, source=source, stance=Evidence.Stance.SUPPORTS, quote="", user=EditorFactory()
    )
    assert_every_page_fresh(client, urls, settings)
    assert "A source only this test cites" in client.get(claim.get_absolute_url()).text

    evidence_remove(evidence=evidence, user=EditorFactory())
    assert_every_page_fresh(client, urls, settings)
    # Gone from the evidence, kept in the claim's history.
    assert "removed: A source only this test cites" in client.get(claim.get_absolute_url()).text


def test_a_claim_link_is_on_the_next_request_of_both_claims(
    seeded, client: Client, settings
) -> None:
    claim = reviewed_claim()
    other = Claim.objects.exclude(article=claim.article).order_by("pk").first()
    urls = pages_of(claim, other.get_absolute_url())
    before = prime(client, urls)

    claim_link(claim=claim, other=other, kind="same", user=EditorFactory())

    assert_every_page_fresh(client, urls, settings)
    assert {claim.get_absolute_url(), other.get_absolute_url()} <= changed_pages(before, client)


def test_an_import_and_a_reimport_are_on_the_next_request(
    seed_paths: dict[str, Path], client: Client, settings
) -> None:
    first, *rest = seed_paths.values()
    article_import_file(file_name=first.name, data=first.read_bytes())
    claim = Claim.objects.order_by("pk").first()
    urls = pages_of(claim)
    before = prime(client, urls)

    for path_ in rest:
        article_import_file(file_name=path_.name, data=path_.read_bytes())
    assert_every_page_fresh(client, urls, settings)
    assert {"/", "/articles/"} <= changed_pages(before, client)

    # The same article again with one sentence changed.
    data = first.read_bytes()
    sentence = Claim.objects.filter(article=claim.article).order_by("ordinal")[4].text[:40]
    assert data.count(sentence.encode()) == 1
    before = prime(client, urls)
    outcome = article_import_file(
        file_name=first.name,
        data=data.replace(sentence.encode(), b"In an edited version, " + sentence.encode()),
    )
    assert outcome.status != "unchanged"
    assert_every_page_fresh(client, urls, settings)
    assert claim.article.get_absolute_url() in changed_pages(before, client)


def test_admin_edits_of_a_source_and_an_outlet_are_on_the_next_request(
    seeded, client: Client, settings
) -> None:
    claim = reviewed_claim()
    source = Source.objects.filter(evidence__claim=claim, outlet__isnull=False).first()
    outlet = source.outlet
    urls = pages_of(claim, source.get_absolute_url(), outlet.get_absolute_url())
    editor = Client()
    editor.force_login(EditorFactory())

    for model, obj, field, value in [
        ("source", source, "title", "A title fixed in the admin"),
        ("outlet", outlet, "name", "An outlet renamed in the admin"),
    ]:
        before = prime(client, urls)
        change_url = reverse(f"admin:sources_{model}_change", args=[obj.pk])
        response = editor.post(change_url, form_data(editor, change_url, model, **{field: value}))
        assert response.status_code == 302, response.text[:3000]

        assert_every_page_fresh(client, urls, settings)
        assert value in client.get(obj.get_absolute_url()).text
        assert {obj.get_absolute_url(), claim.get_absolute_url()} <= changed_pages(before, client)


def form_data(client: Client, url: str, model: str, **changes: str) -> dict[str, object]:
    """The admin change form at `url` as the browser would post it, with `changes` made."""
    form = lxml_html.fromstring(client.get(url).text).get_element_by_id(f"{model}_form")
    data: dict[str, object] = {}
    for name, value in form.fields.items():
        if name and value is not None:
            data[name] = list(value) if not isinstance(value, str) else value
    data.update(changes)
    data["_save"] = "Save"
    return data


def test_an_article_corrected_in_bulk_is_on_the_next_request(
    seeded, client: Client, settings
) -> None:
    claim = reviewed_claim()
    urls = pages_of(claim)
    before = prime(client, urls)

    Article.objects.filter(pk=claim.article_id).update(title="A headline corrected")

    assert_every_page_fresh(client, urls, settings)
    assert {claim.article.get_absolute_url(), "/articles/"} <= changed_pages(before, client)


def test_publishing_and_unpublishing_are_on_the_next_request(
    seeded, client: Client, settings
) -> None:
    claim = reviewed_claim()
    urls = pages_of(claim)
    prime(client, urls)
    articles = Article.objects.filter(pk=claim.article_id)

    articles_set_publication(articles=articles, publication="unpublished", user=EditorFactory())
    assert client.get(claim.get_absolute_url()).status_code == 404
    assert client.get(claim.article.get_absolute_url()).status_code == 404
    assert_every_page_fresh(client, [url for url in urls if url.count("/") <= 2], settings)

    articles_set_publication(articles=articles, publication="published", user=EditorFactory())
    assert_every_page_fresh(client, urls, settings)


def test_raw_sql_and_an_editors_new_name_are_on_the_next_request(
    seeded, client: Client, settings
) -> None:
    claim = reviewed_claim()
    urls = pages_of(claim)
    prime(client, urls)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_claim SET reason = 'Set in psql.' WHERE id = %s", [claim.pk])
    assert_every_page_fresh(client, urls, settings)
    assert "Set in psql." in client.get(claim.get_absolute_url()).text

    reviewer = claim.reviewed_by
    reviewer.first_name, reviewer.last_name = "Ida", "Tarbell"
    reviewer.save(update_fields=["first_name", "last_name"])
    assert_every_page_fresh(client, urls, settings)


# --- The content version ---------------------------------------------------------------------


def test_reads_change_nothing_and_logins_do_not_move_the_version(seeded, client: Client) -> None:
    version = content_version()
    claim = reviewed_claim()
    for url in pages_of(claim):
        client.get(url)
    assert content_version() == version
    editor = EditorFactory()
    version = content_version()
    assert Client().login(username=editor.username, password="correct horse battery staple")
    assert content_version() == version


def test_every_write_statement_moves_the_version_and_a_rolled_back_one_does_not(
    seeded,
) -> None:
    claim = reviewed_claim()
    # (A statement can move it more than once: the stored counters' triggers write too.)
    seen = [content_version()]
    with transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(reason="one")
        seen.append(content_version())
        Claim.objects.filter(pk=claim.pk).update(reason="two")
        seen.append(content_version())
        Evidence.objects.filter(claim=claim).update(quote="")
        seen.append(content_version())
    assert seen == sorted(set(seen))

    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            Claim.objects.filter(pk=claim.pk).update(reason="rolled back")
            assert content_version() > seen[-1]
            raise RuntimeError
        assert content_version() == seen[-1]
        Claim.objects.filter(pk=claim.pk).update(reason="three")
    assert content_version() > seen[-1]


def test_every_table_a_page_reads_moves_the_version() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name = 'factcheck_page_content_changed'"
        )
        triggered = {row[0] for row in cursor.fetchall()}
    tables = {
        model._meta.db_table
        for app_label in ("articles", "claims", "sources")
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
        if model not in NOT_ON_PAGES
    }
    unclassified = tables - triggered
    assert not unclassified, (
        f"{sorted(unclassified)}: add a trigger (claims migration 0014's PAGE_TABLES) or, if no "
        "public page reads the table, add its model to NOT_ON_PAGES"
    )
    assert "auth_user" in triggered


@pytest.mark.django_db(transaction=True)
def test_the_version_moves_when_the_writer_commits_and_writers_never_wait() -> None:
    database = connection.settings_dict
    dsn = {
        "dbname": database["NAME"],
        "user": database["USER"],
        "host": database["HOST"],
        "port": database["PORT"] or 5432,
    }
    reader = psycopg2.connect(**dsn)
    reader.autocommit = True
    writers = [psycopg2.connect(**dsn) for _ in range(2)]

    def version() -> int:
        with reader.cursor() as cursor:
            cursor.execute("SELECT factcheck_page_content_version()")
            return cursor.fetchone()[0]

    try:
        start = version()
        # Two writers inside open transactions: neither waits for the other.
        for number, writer in enumerate(writers):
            with writer.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
                cursor.execute(
                    "INSERT INTO sources_outlet (name, normalized_name, slug, url) "
                    "VALUES (%s, %s, %s, '')",
                    [f"Outlet {number}", f"outlet {number}", f"outlet-{number}"],
                )
        assert version() == start
        writers[1].commit()
        assert version() == start + 1
        writers[0].commit()
        assert version() == start + 2
        with writers[0].cursor() as cursor:
            cursor.execute("TRUNCATE articles_contributor")
        writers[0].commit()
        assert version() == start + 3

        # Hundreds of writing transactions, folded into the base now and then: one step each.
        def write(connection_, count: int) -> None:
            with connection_.cursor() as cursor:
                for index in range(count):
                    cursor.execute("UPDATE sources_outlet SET name = %s", [f"Name {index}"])
                    connection_.commit()

        threads = [threading.Thread(target=write, args=(writer, 400)) for writer in writers]
        for thread in threads:
            thread.start()
        seen = [version()]
        while any(thread.is_alive() for thread in threads):
            seen.append(version())
        for thread in threads:
            thread.join()
        assert version() == start + 3 + 800
        assert seen == sorted(seen)
        with reader.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM factcheck_page_content_change")
            assert cursor.fetchone()[0] <= 560
    finally:
        for connection_ in [reader, *writers]:
            connection_.close()


def hit_after_a_pause(client: Client) -> HttpResponse:
    """A request on a kept connection, as it arrives in a worker: Django has marked the
    connection for a health check before its first query (close_old_connections at
    request_started, which the test client leaves out)."""
    connection.health_check_done = False
    return client.get("/claims/")


@pytest.mark.django_db(transaction=True)
def test_a_hit_is_one_round_trip_the_version_query_checks_the_connection(
    seeded, client: Client, monkeypatch
) -> None:
    assert client.get("/claims/")[STATUS_HEADER] == "miss"
    checks = []
    monkeypatch.setattr(
        type(connections["default"]), "is_usable", lambda self: checks.append(self) or True
    )

    with CaptureQueriesContext(connection) as queries:
        assert hit_after_a_pause(client)[STATUS_HEADER] == "hit"

    assert [query["sql"] for query in queries] == [f"EXECUTE {page_cache.VERSION_STATEMENT}"]
    assert checks == []


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_broke_while_it_waited_is_replaced_on_the_next_request(
    seeded, client: Client
) -> None:
    assert client.get("/claims/")[STATUS_HEADER] == "miss"
    broken_pid = connection.connection.info.backend_pid
    with (
        psycopg2.connect(
            dbname=connection.settings_dict["NAME"],
            user=connection.settings_dict["USER"],
            host=connection.settings_dict["HOST"],
            port=connection.settings_dict["PORT"] or 5432,
        ) as other,
        other.cursor() as cursor,
    ):
        # As a database restart or an idle timeout would.
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [broken_pid])

    response = hit_after_a_pause(client)

    assert response.status_code == 200
    assert response[STATUS_HEADER] == "hit"
    assert connection.connection.info.backend_pid != broken_pid
    # Once the replacement is checked, the rest of the request uses it as it is.
    assert client.get("/claims/?verdict=false")[STATUS_HEADER] == "miss"


def test_the_version_query_is_prepared_once_per_database_session(seeded, client: Client) -> None:
    client.get("/claims/")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE name = %s",
            [page_cache.VERSION_STATEMENT],
        )
        assert cursor.fetchone()[0] == 1
    for _ in range(3):
        client.get("/claims/")
    assert page_cache.read_version_key(connection) == page_cache.content_version_key()
    assert page_cache.content_version_key().endswith(f".{content_version()}")


def test_behind_a_transaction_pooler_the_version_query_is_sent_whole(
    seeded, client: Client, monkeypatch
) -> None:
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    with CaptureQueriesContext(connection) as queries:
        version = page_cache.content_version_key()

    assert [query["sql"] for query in queries] == [page_cache.VERSION_KEY_SQL]
    assert version.endswith(f".{content_version()}")
