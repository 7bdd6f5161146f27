import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from claims.links import claim_link
from claims.models import ClaimLink, LinkSuggestion
from claims.similarity import claim_suggestions
from tests.admin_pages import queries_for
from tests.factories import ArticleFactory, ClaimFactory, EditorFactory, UserFactory

pytestmark = pytest.mark.django_db

MILITIAS_000 = "While both militias do indeed recruit disaffected Russian nationals"
CIVILIANS_000 = "Without providing any evidence, Russia alleged"


def test_the_top_suggestion_for_000s_militias_sentence_is_004s(seed_claims) -> None:
    claim = seed_claims("000", MILITIAS_000)

    suggestions = claim_suggestions(claim=claim)

    top = suggestions[0].claim
    assert top.article.source_file_name.startswith("004_")
    assert top.text in {
        "Both militias do indeed recruit disaffected Russian nationals.",
        "Both also co-ordinate their activities with hur, "
        "Ukraine\u2019s military-intelligence agency.",
    }
    # Both halves of the longer sentence come first and second.
    assert {suggestion.claim.pk for suggestion in suggestions[:2]} == {
        seed_claims("004", "Both militias do indeed").pk,
        seed_claims("004", "Both also co-ordinate").pk,
    }


def test_the_top_suggestion_for_000s_civilians_sentence_is_004s(seed_claims) -> None:
    claim = seed_claims("000", CIVILIANS_000)

    top = claim_suggestions(claim=claim)[0]

    assert top.claim.text == (
        "Russia claimed that two civilians were killed in that attack, but offered no proof."
    )
    assert {"Russia", "two", "killed"} <= set(top.overlap)
    assert 0 < top.score <= 1


def test_suggestions_come_from_other_articles_only(seed_claims) -> None:
    claim = seed_claims("000", MILITIAS_000)

    assert all(
        suggestion.claim.article_id != claim.article_id
        for suggestion in claim_suggestions(claim=claim, threshold=0, limit=50)
    )


def test_the_ranking_puts_the_paraphrase_above_the_same_topic() -> None:
    claim = ClaimFactory(text="The central bank raised interest rates by half a point on Tuesday.")
    paraphrase = ClaimFactory(
        text="On Tuesday the central bank raised its interest rates by half a point."
    )
    topic = ClaimFactory(text="The central bank's governor spoke about interest rates last year.")
    ClaimFactory(text="Football results from the weekend were surprising.")

    ranked = [s.claim for s in claim_suggestions(claim=claim, threshold=0, limit=10)]

    assert ranked[0] == paraphrase
    assert ranked.index(topic) > 0
    assert len(ranked) == 2


def test_a_suggestion_says_when_the_pair_is_already_linked(seed_claims) -> None:
    claim = seed_claims("000", CIVILIANS_000)
    other = seed_claims("004", "Russia claimed that two civilians")
    link = claim_link(claim=claim, other=other, kind="same", user=EditorFactory())

    top = claim_suggestions(claim=claim)[0]

    assert top.claim == other and top.link == link


def test_suggestions_take_five_queries_however_many_match(django_assert_num_queries):
    claim = ClaimFactory(text="Wages rose by three percent in June across the country.")
    for number in range(12):
        ClaimFactory(text=f"Wages rose by three percent in June across the region {number}.")

    # The claim's lexemes, their frequencies, the ranking, the claims, their links.
    with django_assert_num_queries(5):
        suggestions = claim_suggestions(claim=claim, limit=10, language="en")

    assert len(suggestions) == 10


# --- The admin panel --------------------------------------------------------------------------


def test_the_claim_page_shows_similar_claims_with_link_buttons(seed_claims, editor_client):
    claim = seed_claims("000", CIVILIANS_000)

    page = editor_client.get(reverse("admin:claims_claim_change", args=[claim.pk])).text

    panel = page[page.index('id="similar-claims-panel"') :]
    assert "Russia claimed that two civilians were killed" in panel
    assert panel.count('name="kind" value="same"') >= 1
    assert 'name="kind" value="contradicts"' in panel
    assert "csrfmiddlewaretoken" in panel
    # The panels sit after the change form, never inside it.
    form_end = page.index("</form>", page.index('id="claim_form"'))
    assert form_end < page.index('id="claim-links-panel"') < page.index('id="similar-claims-panel"')


def test_staff_who_may_not_link_see_no_link_buttons(seed_claims, client) -> None:
    from django.contrib.auth.models import Permission

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_claim"))
    client.force_login(viewer)
    claim = seed_claims("000", CIVILIANS_000)

    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).text

    assert "You may not link claims." in page
    assert 'name="kind" value="same"' not in page


@pytest.mark.parametrize("suggested", [2, 12])
def test_the_claim_page_query_count_does_not_grow_with_suggestions(editor_client, suggested):
    claim = ClaimFactory(text="Wages rose by three percent in June across the country.")
    for number in range(suggested):
        other = ClaimFactory(
            text=f"Wages rose by three percent in June across the region {number}."
        )
        if number % 2:
            claim_link(claim=claim, other=other, kind="same", user=EditorFactory())

    count = queries_for(editor_client, reverse("admin:claims_claim_change", args=[claim.pk]))

    assert count <= 26, count


# --- suggest_links and the review list ---------------------------------------------------------


def test_suggest_links_stores_cross_article_pairs_over_the_threshold(seed_claims) -> None:
    out = io.StringIO()

    call_command("suggest_links", "--threshold", "0.3", stdout=out, stderr=io.StringIO())

    pairs = {
        (s.first_claim.text, s.second_claim.text)
        for s in LinkSuggestion.objects.select_related("first_claim", "second_claim")
    }
    assert (
        seed_claims("000", MILITIAS_000).text,
        "Both militias do indeed recruit disaffected Russian nationals.",
    ) in pairs
    assert all(
        s.first_claim.article_id != s.second_claim.article_id and s.score >= 0.3
        for s in LinkSuggestion.objects.select_related("first_claim", "second_claim")
    )
    assert "78 claims" in out.getvalue()


def test_suggest_links_skips_linked_pairs_and_keeps_dismissals(seed_claims) -> None:
    claim = seed_claims("000", CIVILIANS_000)
    other = seed_claims("004", "Russia claimed that two civilians")
    claim_link(claim=claim, other=other, kind="same", user=EditorFactory())
    call_command("suggest_links", stdout=io.StringIO(), stderr=io.StringIO())
    suggestion = LinkSuggestion.objects.best_first().first()
    LinkSuggestion.objects.filter(pk=suggestion.pk).update(dismissed_at="2023-06-01T00:00Z")

    call_command("suggest_links", stdout=io.StringIO(), stderr=io.StringIO())

    assert not LinkSuggestion.objects.filter(
        first_claim__in=[claim, other], second_claim__in=[claim, other]
    ).exists()
    assert LinkSuggestion.objects.get(pk=suggestion.pk).dismissed_at is not None
    assert suggestion.pk not in LinkSuggestion.objects.open().values_list("pk", flat=True)


def test_suggest_links_dry_run_stores_nothing(seed_claims) -> None:
    out = io.StringIO()

    call_command("suggest_links", "--dry-run", stdout=out, stderr=io.StringIO())

    assert not LinkSuggestion.objects.exists()
    assert "While both militias" in out.getvalue()


def test_suggest_links_scores_a_pair_as_the_claim_panel_does(seed_claims) -> None:
    claim = seed_claims("000", CIVILIANS_000)
    call_command("suggest_links", stdout=io.StringIO(), stderr=io.StringIO())

    panel = claim_suggestions(claim=claim)[0]
    stored = LinkSuggestion.objects.get(
        first_claim_id=min(claim.pk, panel.claim.pk), second_claim_id=max(claim.pk, panel.claim.pk)
    )

    assert stored.score == pytest.approx(panel.score)


def test_suggest_links_since_id_pairs_new_claims_with_old_ones(seed_claims) -> None:
    old = seed_claims("004", "Russia claimed that two civilians")
    newest = ClaimFactory(
        text="Russia claimed that two civilians were killed in the attack but gave no proof."
    )

    call_command(
        "suggest_links",
        "--since-id",
        str(newest.pk - 1),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    pairs = set(LinkSuggestion.objects.values_list("first_claim_id", "second_claim_id"))
    assert (old.pk, newest.pk) in pairs
    assert all(newest.pk in pair for pair in pairs)


def test_suggest_links_pairs_claims_made_only_of_common_words() -> None:
    # Each word of these two claims is in more claims than a token may be shared by, so no
    # word alone narrows the candidates; a pair of words ("bridge station") does.
    for number in range(25):
        ClaimFactory(text=f"Rockets hit the bridge near the market, report {number} says.")
        ClaimFactory(text=f"The railway station was closed after the storm, report {number} says.")
    claim = ClaimFactory(text="Rockets hit the bridge and the railway station.")
    paraphrase = ClaimFactory(text="The railway station and the bridge were hit by rockets.")

    call_command("suggest_links", stdout=io.StringIO(), stderr=io.StringIO())

    assert LinkSuggestion.objects.filter(
        first_claim_id=claim.pk, second_claim_id=paraphrase.pk
    ).exists()


def test_suggest_links_refuses_a_threshold_out_of_range() -> None:
    with pytest.raises(CommandError, match="between 0 and 1"):
        call_command("suggest_links", "--threshold", "2")


def test_the_review_list_links_a_pair_with_one_click(seed_claims, editor_client, editor) -> None:
    call_command("suggest_links", stdout=io.StringIO(), stderr=io.StringIO())
    url = reverse("admin:claims_claim_link_suggestions")
    best = LinkSuggestion.objects.best_first().first()

    page = editor_client.get(url).text
    response = editor_client.post(
        reverse("admin:claims_claim_link", args=[best.first_claim_id]),
        {"other": best.second_claim_id, "kind": "same", "next": url},
    )

    assert best.first_claim.text[:40] in page
    assert response.status_code == 302 and response.url == url
    link = ClaimLink.objects.get()
    assert link.linked_by == editor and link.kind == "same"
    assert not LinkSuggestion.objects.filter(pk=best.pk).exists()


def test_an_editor_dismisses_a_suggestion(seed_claims, editor_client, editor) -> None:
    call_command("suggest_links", stdout=io.StringIO(), stderr=io.StringIO())
    best = LinkSuggestion.objects.best_first().first()

    editor_client.post(reverse("admin:claims_claim_link_suggestion_dismiss", args=[best.pk]))

    best.refresh_from_db()
    assert best.dismissed_by == editor and best.dismissed_at is not None


def test_the_review_list_refuses_anonymous_and_unpermitted_users(client) -> None:
    url = reverse("admin:claims_claim_link_suggestions")
    anonymous = client.get(url)
    client.force_login(UserFactory(is_staff=True))
    unpermitted = client.get(url)
    dismiss = client.post(reverse("admin:claims_claim_link_suggestion_dismiss", args=[1]))

    assert anonymous.status_code == 302 and "/login/" in anonymous.url
    assert unpermitted.status_code == 403
    assert dismiss.status_code == 403


@pytest.mark.parametrize("pairs", [3, 30])
def test_the_review_list_takes_the_same_queries_for_3_or_30_pairs(editor_client, pairs) -> None:
    from django.utils import timezone

    for _ in range(pairs):
        first, second = ClaimFactory(), ClaimFactory(article=ArticleFactory())
        LinkSuggestion.objects.create(
            first_claim=first, second_claim=second, score=0.5, found_at=timezone.now()
        )

    count = queries_for(editor_client, reverse("admin:claims_claim_link_suggestions"))

    assert count == 5, count


def test_the_labelled_pairs_are_enough_and_have_negatives() -> None:
    import json
    from pathlib import Path

    data = json.loads((Path(__file__).parent / "data" / "claim_pairs.json").read_text())
    labels = [pair["label"] for pair in data["pairs"]]
    assert len(labels) >= 100
    assert labels.count("not_same") >= 10
    for pair in data["pairs"]:
        for end in ("query", "match"):
            sentences = data["articles"][pair[end]["article"]]["sentences"]
            assert 0 <= pair[end]["position"] < len(sentences)
        assert pair["query"]["article"] != pair["match"]["article"]
