"""The public site in real headless Chromium, seeds imported and reviewed: a reader who comes
from a feed and follows a claim to its original source and its outlet; every public page
checked with axe-core and on a phone's width."""

import re
import xml.etree.ElementTree as ElementTree

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article
from claims.models import Claim
from claims.services import claim_set_verdict
from sources.models import Outlet, Source
from tests.browser import ARTIFACTS, axe_violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ATOM = "{http://www.w3.org/2005/Atom}"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Where an editor found The Economist's piece; the test serves a stand-in for it, as the
# machine has no internet.
ORIGINAL_URL = "https://www.economist.com/europe/2023/05/25/who-are-the-militias"


@pytest.fixture
def reviewed_seeds(seed_paths) -> None:
    call_command("import_articles", *map(str, seed_paths.values()), stdout=None)
    call_command("load_demo_reviews", stdout=None)
    # An editor adds the address of the cited work, as the admin lets them.
    economist = Source.objects.get(outlet__normalized_name="economist")
    economist.url = ORIGINAL_URL
    economist.save()


def new_page(chromium, viewport: dict):
    # bypass_csp: axe-core is injected as an inline script, which the site's CSP forbids.
    context = chromium.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_reader_follows_a_contested_claim_from_the_feed_to_the_original_and_its_outlet(
    live_server, reviewed_seeds, chromium
) -> None:
    context, page, errors = new_page(chromium, DESKTOP)
    # The stand-in for the original article on economist.com.
    context.route(
        "https://www.economist.com/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body="<!doctype html><title>The Economist</title><h1>Who are the militias?</h1>",
        ),
    )
    violations = {}

    # The contested feed, as a feed reader fetches it; the reader opens its entry.
    feed = page.request.get(live_server.url + reverse("claims:feed_contested"))
    assert feed.ok
    entries = ElementTree.fromstring(feed.body()).findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert all(title.startswith("Contested: ") for title in titles)
    assert not any(re.search(r"\[\d+\]|\(\w+, \d{4}\)", title) for title in titles)
    [entry] = [
        entry for entry in entries if "controlled by Ukrainian" in entry.findtext(f"{ATOM}title")
    ]
    page.goto(entry.find(f"{ATOM}link").get("href"))
    claim_url = page.url

    # The verdict, its reason and what was checked come first.
    assert page.locator("#verdict-heading").inner_text() == "Our verdict: Contested"
    verdict_box = page.locator(".verdict-box")
    assert "co-ordinate their activities with HUR" in verdict_box.inner_text()
    assert "Checked by Hannah Berger on" in verdict_box.inner_text()
    assert verdict_box.get_by_text("What we checked").is_visible()
    box = verdict_box.bounding_box()
    assert box["y"] < DESKTOP["height"], "the verdict is below the first screen"
    violations[page.url] = axe_violations(page)
    screenshot(page, "reader-01-claim-from-feed")

    # The evidence from The Economist leads to the original...
    evidence = page.locator("#evidence-heading ~ ul li").filter(has_text="The Economist").first
    assert "Both also co-ordinate their activities with hur" in evidence.inner_text()
    evidence.get_by_role("link", name=re.compile(r"^Read the original at economist\.com")).click()
    page.wait_for_url(ORIGINAL_URL)
    assert page.locator("h1").inner_text() == "Who are the militias?"

    # ...and back on the claim, its outlet leads to the outlet's page.
    page.go_back()
    page.wait_for_url(claim_url)
    evidence = page.locator("#evidence-heading ~ ul li").filter(has_text="The Economist").first
    evidence.get_by_role("link", name="The Economist", exact=True).click()
    page.wait_for_url("**/outlets/economist/")
    assert page.locator("h1").inner_text() == "The Economist"
    record = page.locator(".record-table")
    assert record.is_visible()
    contested_row = record.locator("tr").filter(has_text="Contested")
    assert int(contested_row.locator("td").first.inner_text()) >= 1
    latest = page.locator("#citing-heading ~ ul").first
    assert latest.locator(".claim-sentence a", has_text="controlled by Ukrainian").count() == 1
    # The outlet's own article is listed too: the held Economist piece.
    assert (
        page.locator("#articles-heading ~ ul")
        .first.get_by_text("Who are the militias raiding Russia\u2019s Belgorod region?")
        .is_visible()
    )
    violations[page.url] = axe_violations(page)
    screenshot(page, "reader-02-outlet")

    # The outlet's claims list: the filter finds the claims citing it.
    page.get_by_role("link", name=re.compile(r"^Every sentence from or citing")).click()
    page.wait_for_url("**/claims/?outlet=economist*")
    assert page.locator(".claim-item").count() >= 6
    assert page.get_by_label("Outlet").input_value() == "The Economist"
    violations[page.url] = axe_violations(page)

    context.close()
    assert errors == []
    assert {url: found for url, found in violations.items() if found} == {}


def test_the_type_ahead_offers_outlets_as_the_reader_types(live_server, reviewed_seeds, chromium):
    context, page, errors = new_page(chromium, DESKTOP)
    page.goto(live_server.url + "/claims/")
    page.get_by_text("More filters and sorting").click()

    page.get_by_label("Outlet").press_sequentially("econ", delay=30)
    page.wait_for_function(
        "() => document.querySelectorAll('#id_outlet-choices option').length > 0"
    )
    options = page.locator("#id_outlet-choices option")
    assert options.first.get_attribute("value") == "The Economist"

    page.get_by_label("Outlet").fill("The Economist")
    page.get_by_role("button", name="Show claims").click()
    page.wait_for_url("**outlet=The+Economist*")
    assert page.locator(".applied-filters").inner_text() == "Outlet: The Economist"
    context.close()
    assert errors == []


def public_pages() -> dict[str, str]:
    """Every kind of public page, by a name for its screenshot."""
    contested = Claim.objects.contested().order_by("pk").first()
    unreviewed = Claim.objects.needs_review().order_by("pk").first()
    # A withdrawn verdict, with its reason, as an editor would leave it.
    withdrawn = Claim.objects.needs_review().order_by("-pk").first()
    editor = UserFactory(first_name="Omar", last_name="Haddad")
    claim_set_verdict(claim=withdrawn, status="false", reason="Wrong date.", user=editor)
    claim_set_verdict(
        claim=withdrawn, status="unreviewed", reason="The article was corrected.", user=editor
    )
    corrected = Claim.objects.get(text__contains="no casualties among the civilian")
    pages = {
        "home": reverse("claims:home"),
        "claims": reverse("claims:claim_list"),
        "claims-all-sentences": reverse("claims:claim_list") + "?reviewed=all",
        "claims-search": reverse("claims:claim_list") + "?q=casualties&reviewed=all",
        "claims-filter-errors": reverse("claims:claim_list")
        + "?outlet=nowhere&published_from=2023-13-45&sort=evidence",
        "claim-contested": contested.get_absolute_url(),
        "claim-corrected": corrected.get_absolute_url(),
        "claim-unreviewed": unreviewed.get_absolute_url(),
        "claim-withdrawn": withdrawn.get_absolute_url(),
        "articles": reverse("articles:article_list"),
        "articles-filtered": reverse("articles:article_list") + "?outlet=nowhere",
        "sources": reverse("sources:source_list"),
        "source": Source.objects.get(outlet__normalized_name="economist").get_absolute_url(),
        "outlets": reverse("sources:outlet_list"),
        "outlet": Outlet.objects.get(normalized_name="economist").get_absolute_url(),
        "outlet-cited-only": Outlet.objects.get(normalized_name="reuters").get_absolute_url(),
        "corrections": reverse("claims:corrections"),
        "how-we-rate": reverse("how_we_rate"),
        "methodology": reverse("methodology"),
        "corrections-policy": reverse("corrections_policy"),
        "about": reverse("about"),
        "not-found": "/no/such/page/",
    }
    for number, article in enumerate(Article.objects.order_by("source_file_name")):
        pages[f"article-{number}"] = article.get_absolute_url()
    return pages


def test_every_public_page_passes_axe_and_fits_a_phone(
    live_server, reviewed_seeds, chromium
) -> None:
    pages = public_pages()
    violations: dict[str, list[str]] = {}
    overflowing: dict[str, int] = {}
    small_targets: dict[str, list] = {}
    errors_by_width = []
    for viewport, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        context, page, errors = new_page(chromium, viewport)
        for name, path in pages.items():
            response = page.goto(live_server.url + path)
            assert response.status == (404 if name == "not-found" else 200), path
            found = axe_violations(page)
            if found:
                violations[f"{label} {path}"] = found
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                overflowing[f"{label} {path}"] = width
            if name.startswith("article-"):
                # Every sentence's link is a target of at least 24 x 24 px.
                sizes = page.evaluate(
                    "() => [...document.querySelectorAll('.claim-mark .verdict-label')]"
                    ".map(a => a.getBoundingClientRect()).map(r => [r.width, r.height])"
                )
                assert sizes, path
                too_small = [size for size in sizes if size[0] < 24 or size[1] < 24]
                if too_small:
                    small_targets[f"{label} {path}"] = too_small
            screenshot(page, f"{label}-{name}")
        context.close()
        errors_by_width.extend(errors)

    assert violations == {}
    assert overflowing == {}
    assert small_targets == {}
    assert errors_by_width == []


def test_on_a_phone_the_first_claim_is_on_the_first_screen(
    live_server, reviewed_seeds, chromium
) -> None:
    context, page, _ = new_page(chromium, PHONE)
    page.goto(live_server.url + reverse("claims:claim_list"))

    first = page.locator(".claim-item").first.bounding_box()

    assert first["y"] + 40 < PHONE["height"], first
    # The first one is the newest verdict.
    newest = Claim.objects.recently_reviewed().first()
    assert page.locator(".claim-item a").first.get_attribute("href") == newest.get_absolute_url()
    screenshot(page, "phone-claims-first-screen")
    context.close()
