"""A reader's journey through the public site in real headless Chromium, seeds imported."""

import json

import pytest
from django.core.management import call_command

from claims.models import Claim
from tests.browser import ARTIFACTS, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reviewed_seeds(seed_paths) -> None:
    call_command("import_articles", *map(str, seed_paths.values()), stdout=None)
    call_command("load_demo_reviews")


@pytest.fixture
def page(chromium, request):
    # bypass_csp: axe-core is injected as an inline script, which the site's CSP forbids.
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], "the page raised script errors"


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def assert_accessible(page, checked: dict[str, list[str]]) -> None:
    checked[page.url] = axe_violations(page)


def test_a_reader_filters_searches_and_follows_a_claim_to_its_sources(
    live_server, reviewed_seeds, page
) -> None:
    violations: dict[str, list[str]] = {}

    page.goto(live_server.url + "/")
    assert page.locator("h1").count() == 1
    assert_accessible(page, violations)
    screenshot(page, "01-front")

    page.get_by_role("link", name="Claims", exact=True).first.click()
    page.wait_for_url("**/claims/")
    page.get_by_text("More filters and sorting").click()
    page.get_by_label("Contested only").check()
    page.get_by_role("button", name="Show claims").first.click()
    page.wait_for_url("**/claims/?*contested=*")
    shown = page.locator("main .verdict").all_inner_texts()
    assert shown, "no claims listed for the contested filter"
    contested_count = Claim.objects.contested().count()
    assert contested_count >= 5
    assert page.locator("#results-heading").inner_text() == f"{contested_count} reviewed claims"
    assert_accessible(page, violations)
    screenshot(page, "02-claims-contested")

    page.get_by_label("Search the sentences").fill("casualties")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**q=casualties*")
    assert page.locator("main mark").count() >= 1
    assert "casualties" in page.locator("main mark").first.inner_text().lower()
    assert_accessible(page, violations)
    screenshot(page, "03-claims-search")

    page.locator("main article a, main li a").filter(has_text="casualties").first.click()
    page.wait_for_url("**/claims/*/")
    blocks = page.locator('script[type="application/ld+json"]')
    assert blocks.count() == 1
    review = json.loads(blocks.first.text_content())
    assert review["@type"] == "ClaimReview"
    for field in ("claimReviewed", "reviewRating", "url", "author", "datePublished"):
        assert review[field], field
    assert review["reviewRating"]["alternateName"] == "Contested"
    assert review["itemReviewed"]["@type"] == "Claim"
    assert review["itemReviewed"]["appearance"]["url"]
    assert page.get_by_text("Contradicts").count() >= 1
    assert_accessible(page, violations)
    screenshot(page, "04-claim")
    claim_url = page.url

    page.locator("#evidence-heading ~ * .source-title a").first.click()
    page.wait_for_url("**/sources/*/")
    assert page.locator("h1").count() == 1
    assert_accessible(page, violations)
    screenshot(page, "05-source")

    page.goto(claim_url)
    page.locator("main .kicker a").first.click()
    page.wait_for_url("**/articles/*/")
    marker = page.locator("a.citation").first
    target = marker.get_attribute("href")
    assert target.startswith("#ref-")
    marker.click()
    page.wait_for_url(f"**{target}")
    assert page.locator(target).is_visible()
    assert page.locator(f"{target} a[href^='/sources/']").count() >= 1
    assert_accessible(page, violations)
    screenshot(page, "06-article")

    assert {url: found for url, found in violations.items() if found} == {}
    assert len(violations) == 6
