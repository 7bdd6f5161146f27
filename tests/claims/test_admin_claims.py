import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.admin import ArticleListFilter
from claims.models import Claim, Evidence
from claims.services import claim_set_verdict
from factcheck.admin import EstimatedCountPaginator
from tests.admin_pages import autocomplete_texts, queries_for
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    EvidenceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:claims_claim_changelist"

VERDICT_ACTIONS = [
    ("mark_supported", Claim.Status.SUPPORTED),
    ("mark_contested", Claim.Status.CONTESTED),
    ("mark_false", Claim.Status.FALSE),
    ("mark_unverifiable", Claim.Status.UNVERIFIABLE),
    ("mark_not_a_claim", Claim.Status.NOT_A_CLAIM),
    ("reset_to_unreviewed", Claim.Status.UNREVIEWED),
]


def reviewed_claim(**fields) -> Claim:
    return ClaimFactory(
        status=Claim.Status.FALSE, reason="Wrong.", reviewed_at=timezone.now(), **fields
    )


def claims_for_action(status: str, count: int = 2) -> list[Claim]:
    # A reset needs claims that have a verdict; every other action starts from unreviewed ones.
    if status == Claim.Status.UNREVIEWED:
        return [reviewed_claim() for _ in range(count)]
    return ClaimFactory.create_batch(count)


def action_post(action: str, claims: list[Claim], **extra: str) -> dict:
    return {"action": action, "_selected_action": [str(claim.pk) for claim in claims], **extra}


def confirm_action(client: Client, url: str, data: dict, **kwargs):
    """A bulk action as an editor runs it: the confirmation page first (which records the
    selected claims' versions), then its submission with the reason."""
    first = {name: value for name, value in data.items() if name not in ("apply", "reason")}
    page = client.post(url, first)
    assert page.status_code == 200
    versions = page.context["form"]["versions"].value()
    return client.post(url, {**data, "apply": "1", "versions": versions}, **kwargs)


def change_form_data(claim: Claim, *, evidence_rows: list[dict] | None = None, **fields) -> dict:
    evidence_rows = evidence_rows or []
    data = {
        "status": claim.status,
        "reason": claim.reason,
        "evidence-TOTAL_FORMS": str(len(evidence_rows)),
        "evidence-INITIAL_FORMS": str(sum(1 for row in evidence_rows if row.get("id"))),
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, row in enumerate(evidence_rows):
        for name, value in row.items():
            data[f"evidence-{index}-{name}"] = value
        data[f"evidence-{index}-claim"] = str(claim.pk)
    return data


# --- Bulk verdict actions ---------------------------------------------------------------


@pytest.mark.parametrize(("action", "status"), VERDICT_ACTIONS)
def test_each_verdict_action_first_asks_for_a_reason(
    editor_client: Client, action: str, status: str
) -> None:
    claims = claims_for_action(status)
    ClaimFactory(text="A claim nobody selected.")

    response = editor_client.post(reverse(CHANGELIST), action_post(action, claims, index="0"))

    assert response.status_code == 200
    assert 'name="reason"' in response.text
    assert f'<input type="hidden" name="action" value="{action}">' in response.text
    for claim in claims:
        assert f'name="_selected_action" value="{claim.pk}"' in response.text
    assert "A claim nobody selected." not in response.text
    assert {claim.status for claim in Claim.objects.filter(pk__in=[c.pk for c in claims])} == {
        claims[0].status
    }


@pytest.mark.parametrize(("action", "status"), VERDICT_ACTIONS)
@pytest.mark.parametrize("reason", ["", "   "])
def test_each_verdict_action_without_a_reason_shows_the_form_again_and_changes_nothing(
    editor_client: Client, action: str, status: str, reason: str
) -> None:
    claims = claims_for_action(status)
    before = {claim.pk: (claim.status, claim.reason) for claim in claims}
    history_rows = Claim.history.count()

    response = confirm_action(
        editor_client, reverse(CHANGELIST), action_post(action, claims, reason=reason)
    )

    assert response.status_code == 200
    assert "Give a reason" in response.text
    assert 'class="errorlist' in response.text
    after = {claim.pk: (claim.status, claim.reason) for claim in Claim.objects.all()}
    assert after == before
    assert Claim.history.count() == history_rows


@pytest.mark.parametrize(("action", "status"), VERDICT_ACTIONS)
def test_each_verdict_action_records_the_editor_the_time_and_a_history_row(
    editor_client: Client, editor: AbstractBaseUser, action: str, status: str
) -> None:
    claims = claims_for_action(status)
    old_status = claims[0].status
    started = timezone.now()

    response = confirm_action(
        editor_client,
        reverse(CHANGELIST),
        action_post(action, claims, reason="Checked against the source."),
        follow=True,
    )

    assert response.status_code == 200
    assert any("2 claims" in str(message) for message in response.context["messages"])
    for claim in claims:
        claim.refresh_from_db()
        assert claim.status == status
        assert claim.reviewed_by == editor
        assert claim.reviewed_at >= started
        latest, previous = claim.history.all()[:2]
        assert latest.history_user == editor
        assert (previous.status, latest.status) == (old_status, status)
        assert "Checked against the source." in latest.history_change_reason


@pytest.mark.parametrize(("action", "status"), VERDICT_ACTIONS)
def test_the_history_page_shows_who_changed_the_verdict_from_what_to_what(
    editor_client: Client, editor: AbstractBaseUser, action: str, status: str
) -> None:
    (claim,) = claims_for_action(status, count=1)
    old_status = claim.status
    confirm_action(
        editor_client, reverse(CHANGELIST), action_post(action, [claim], reason="Seen the data.")
    )

    response = editor_client.get(reverse("admin:claims_claim_history", args=[claim.pk]))

    assert response.status_code == 200
    entry = response.context["timeline"][0]
    assert entry.user == editor
    assert (entry.old_status, entry.new_status) == (old_status, status)
    assert entry.reason == "Seen the data."
    page = " ".join(response.text.split())
    assert editor.username in page
    assert f'status-{status}">{Claim.Status(status).label}</span>' in page
    assert "Seen the data." in page


def test_a_verdict_action_on_all_matching_claims_keeps_to_the_filter(
    editor_client: Client,
) -> None:
    article = ArticleFactory()
    in_filter = ClaimFactory.create_batch(3, article=article)
    elsewhere = ClaimFactory()
    url = reverse(CHANGELIST) + f"?article__id__exact={article.pk}"

    confirm_action(
        editor_client,
        url,
        action_post("mark_contested", in_filter[:1], select_across="1", reason="Disputed."),
    )

    assert set(article.claims.values_list("status", flat=True)) == {Claim.Status.CONTESTED}
    elsewhere.refresh_from_db()
    assert elsewhere.status == Claim.Status.UNREVIEWED


# --- The change page ----------------------------------------------------------------------


def test_the_change_page_shows_the_sentence_highlighted_in_its_paragraph_escaped(
    editor_client: Client,
) -> None:
    body = "An opening paragraph.\n\nBefore <b>it</b>. The <script>claim</script> itself. After."
    article = ArticleFactory(body=body)
    start = body.index("The <script>")
    claim = ClaimFactory(
        article=article, text="The <script>claim</script> itself.", start=start, end=start + 34
    )

    response = editor_client.get(reverse("admin:claims_claim_change", args=[claim.pk]))

    assert response.status_code == 200
    assert (
        "Before &lt;b&gt;it&lt;/b&gt;. <mark>The &lt;script&gt;claim&lt;/script&gt; itself.</mark>"
        " After." in response.text
    )
    assert "<script>claim" not in response.text
    assert "An opening paragraph." not in response.text
    assert reverse("admin:articles_article_change", args=[article.pk]) in response.text


def test_the_change_form_records_who_gave_the_verdict_and_when(
    editor_client: Client, editor: AbstractBaseUser
) -> None:
    claim = ClaimFactory()

    response = editor_client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]),
        change_form_data(claim, status="contested", reason="Experts disagree."),
    )

    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.CONTESTED
    assert claim.reason == "Experts disagree."
    assert claim.reviewed_by == editor
    assert claim.reviewed_at is not None
    assert claim.history.first().history_user == editor


@pytest.mark.parametrize("reason", ["", "  "])
def test_the_change_form_rejects_a_verdict_without_a_reason(
    editor_client: Client, reason: str
) -> None:
    claim = ClaimFactory()
    history_rows = claim.history.count()

    response = editor_client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]),
        change_form_data(claim, status="false", reason=reason),
    )

    assert response.status_code == 200
    assert "Give a reason for “False”" in response.text
    # The model's own constraint message would repeat the error in database terms.
    assert "claim_reason_required_when_reviewed" not in response.text
    claim.refresh_from_db()
    assert claim.status == Claim.Status.UNREVIEWED
    assert claim.reviewed_by is None
    assert claim.history.count() == history_rows


def test_the_change_form_resets_a_verdict_and_keeps_who_did_it(
    editor_client: Client, editor: AbstractBaseUser
) -> None:
    claim = reviewed_claim()

    editor_client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]),
        change_form_data(claim, status="unreviewed", reason="Needs a second look."),
    )

    claim.refresh_from_db()
    assert (claim.status, claim.reason, claim.reviewed_by) == ("unreviewed", "", editor)
    assert claim.history.first().history_change_reason == "Unreviewed: Needs a second look."


def test_saving_the_change_form_without_changes_adds_no_history_row(
    editor_client: Client,
) -> None:
    claim = reviewed_claim()
    history_rows = claim.history.count()

    response = editor_client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]), change_form_data(claim)
    )

    assert response.status_code == 302
    assert claim.history.count() == history_rows


def test_reverting_to_an_earlier_verdict_from_the_history_goes_through_the_verdict_rules(
    editor_client: Client, editor: AbstractBaseUser
) -> None:
    claim = ClaimFactory()
    claim_set_verdict(claim=claim, status="false", reason="Wrong.", user=EditorFactory())
    earlier = claim.history.first()
    claim_set_verdict(claim=claim, status="supported", reason="Right.", user=EditorFactory())
    url = reverse("admin:claims_claim_simple_history", args=[claim.pk, earlier.history_id])

    page = editor_client.get(url)
    response = editor_client.post(url, {"status": "false", "reason": "Wrong."})

    assert page.status_code == 200
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.reason, claim.reviewed_by) == ("false", "Wrong.", editor)
    assert claim.history.first().history_user == editor


def test_evidence_added_inline_records_who_added_it_and_a_history_row(
    editor_client: Client, editor: AbstractBaseUser
) -> None:
    claim = ClaimFactory()
    source = SourceFactory()

    response = editor_client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]),
        change_form_data(
            claim,
            evidence_rows=[
                {"id": "", "source": str(source.pk), "stance": "contradicts", "quote": "No."}
            ],
        ),
    )

    assert response.status_code == 302
    evidence = Evidence.objects.get(claim=claim)
    assert (evidence.source, evidence.stance, evidence.added_by) == (source, "contradicts", editor)
    history = evidence.history.get()
    assert (history.history_type, history.history_user) == ("+", editor)


def test_evidence_removed_inline_leaves_a_deletion_in_its_history(
    editor_client: Client, editor: AbstractBaseUser
) -> None:
    evidence = EvidenceFactory()
    claim = evidence.claim

    editor_client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]),
        change_form_data(
            claim,
            evidence_rows=[
                {
                    "id": str(evidence.pk),
                    "source": str(evidence.source_id),
                    "stance": evidence.stance,
                    "quote": "",
                    "DELETE": "on",
                }
            ],
        ),
    )

    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    deletion = Evidence.history.filter(id=evidence.pk).first()
    assert (deletion.history_type, deletion.history_user) == ("-", editor)


def test_the_same_evidence_twice_is_a_form_error_not_a_crash(editor_client: Client) -> None:
    evidence = EvidenceFactory(stance="supports")
    claim = evidence.claim
    existing_row = {
        "id": str(evidence.pk),
        "source": str(evidence.source_id),
        "stance": "supports",
        "quote": "",
    }
    duplicate_row = {"id": "", "source": str(evidence.source_id), "stance": "supports"}

    response = editor_client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]),
        change_form_data(claim, evidence_rows=[existing_row, duplicate_row]),
    )

    assert response.status_code == 200
    assert 'class="errorlist' in response.text
    assert Evidence.objects.filter(claim=claim).count() == 1


def test_claims_to_link_are_found_by_autocomplete(editor_client: Client) -> None:
    ClaimFactory(text="Unemployment fell to four percent.")
    ClaimFactory(text="Something else entirely.")

    offered = autocomplete_texts(
        editor_client,
        "unemployment",
        app_label="claims",
        model_name="claimlink",
        field_name="to_claim",
    )

    assert offered == ["Unemployment fell to four percent."]


# --- The list ------------------------------------------------------------------------------


def test_the_claims_list_runs_as_many_queries_for_30_claims_as_for_3(
    editor_client: Client,
) -> None:
    def add_claims(count: int) -> None:
        for _ in range(count):
            claim = ClaimFactory(article=ArticleFactory())
            EvidenceFactory.create_batch(2, claim=claim)
        reviewed_claim(reviewed_by=EditorFactory())

    url = reverse(CHANGELIST)
    add_claims(3)
    queries_for_few = queries_for(editor_client, url)
    add_claims(27)
    queries_for_many = queries_for(editor_client, url)

    assert queries_for_many == queries_for_few
    response = editor_client.get(url)
    assert response.text.count('class="action-checkbox"') >= 30


def test_the_list_shows_each_claims_evidence_count(editor_client: Client) -> None:
    claim = ClaimFactory(text="A well sourced sentence.")
    EvidenceFactory.create_batch(3, claim=claim)

    response = editor_client.get(reverse(CHANGELIST))

    assert response.context["cl"].result_list.get(pk=claim.pk).evidence_count == 3
    assert '<td class="field-evidence_count">3</td>' in response.text


@pytest.mark.parametrize(
    ("query", "expected_texts"),
    [
        ("has_evidence=yes", {"Has evidence."}),
        ("has_evidence=no", {"No evidence, reviewed.", "No evidence, unreviewed."}),
        ("reviewed=yes", {"No evidence, reviewed."}),
        ("reviewed=no", {"Has evidence.", "No evidence, unreviewed."}),
        ("status__exact=false", {"No evidence, reviewed."}),
        ("q=%22evidence%2C+reviewed%22", {"No evidence, reviewed."}),
    ],
)
def test_the_list_filters_by_evidence_review_and_status(
    editor_client: Client, query: str, expected_texts: set[str]
) -> None:
    EvidenceFactory(claim=ClaimFactory(text="Has evidence."))
    reviewed_claim(text="No evidence, reviewed.")
    ClaimFactory(text="No evidence, unreviewed.")

    response = editor_client.get(reverse(CHANGELIST) + "?" + query)

    assert response.status_code == 200
    assert {claim.text for claim in response.context["cl"].result_list} == expected_texts


def test_the_list_finds_claims_by_their_articles_title(editor_client: Client) -> None:
    ClaimFactory(article=ArticleFactory(title="Drought in Catalonia"), text="It rained.")
    ClaimFactory(text="Unrelated.")

    response = editor_client.get(reverse(CHANGELIST) + "?q=catalonia")

    assert [claim.text for claim in response.context["cl"].result_list] == ["It rained."]


def test_the_article_filter_lists_only_the_chosen_article_when_there_are_many(
    editor_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ArticleListFilter, "choice_limit", 2)
    articles = [ArticleFactory(title=f"Headline {index}") for index in range(4)]
    for article in articles:
        ClaimFactory(article=article)
    chosen = articles[1]

    unfiltered = editor_client.get(reverse(CHANGELIST))
    filtered = editor_client.get(reverse(CHANGELIST) + f"?article__id__exact={chosen.pk}")

    article_filter = next(
        spec for spec in unfiltered.context["cl"].filter_specs if spec.title == "article"
    )
    assert article_filter.lookup_choices == []
    filtered_spec = next(
        spec for spec in filtered.context["cl"].filter_specs if spec.title == "article"
    )
    assert filtered_spec.lookup_choices == [(chosen.pk, "Headline 1")]
    assert [claim.article_id for claim in filtered.context["cl"].result_list] == [chosen.pk]


def test_the_article_filter_lists_every_article_while_there_are_few(
    editor_client: Client,
) -> None:
    ClaimFactory(article=ArticleFactory(title="Only headline"))

    response = editor_client.get(reverse(CHANGELIST))

    article_filter = next(
        spec for spec in response.context["cl"].filter_specs if spec.title == "article"
    )
    assert [label for _, label in article_filter.lookup_choices] == ["Only headline"]


def test_a_junk_article_filter_value_is_not_a_server_error(editor_client: Client) -> None:
    ClaimFactory()

    response = editor_client.get(reverse(CHANGELIST) + "?article__id__exact=junk")

    assert response.status_code in {200, 302}


# --- The estimated count -------------------------------------------------------------------


def test_the_paginator_estimates_the_unfiltered_count_without_counting(
    django_assert_num_queries,
) -> None:
    ClaimFactory.create_batch(5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'claims_claim'")
        (estimate,) = cursor.fetchone()
    paginator = EstimatedCountPaginator(Claim.objects.all(), per_page=2)
    paginator.estimate_above = 1

    with CaptureQueriesContext(connection) as captured:
        count = paginator.count

    assert count == estimate == 5
    assert len(captured) == 1
    assert "COUNT(" not in captured[0]["sql"].upper()


def test_the_paginator_counts_exactly_once_filtered() -> None:
    ClaimFactory.create_batch(3)
    reviewed_claim()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
    paginator = EstimatedCountPaginator(Claim.objects.needs_review(), per_page=2)
    paginator.estimate_above = 1

    assert paginator.count == 3


def test_the_paginator_counts_exactly_below_the_estimate_threshold() -> None:
    ClaimFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
    ClaimFactory.create_batch(2)

    assert EstimatedCountPaginator(Claim.objects.all(), per_page=2).count == 5


# --- Evidence in its own list -----------------------------------------------------------------


def test_evidence_added_on_its_own_page_records_who_added_it(
    editor_client: Client, editor: AbstractBaseUser
) -> None:
    claim = ClaimFactory()
    source = SourceFactory()

    response = editor_client.post(
        reverse("admin:claims_evidence_add"),
        {"claim": str(claim.pk), "source": str(source.pk), "stance": "supports", "quote": ""},
    )

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.added_by == editor
    assert evidence.history.get().history_user == editor


def test_the_evidence_history_page_shows_the_stance_change(
    editor_client: Client, editor: AbstractBaseUser
) -> None:
    evidence = EvidenceFactory(stance="supports")
    response = editor_client.post(
        reverse("admin:claims_evidence_change", args=[evidence.pk]),
        {
            "claim": str(evidence.claim_id),
            "source": str(evidence.source_id),
            "stance": "contradicts",
            "quote": "",
        },
    )
    assert response.status_code == 302

    history = editor_client.get(reverse("admin:claims_evidence_history", args=[evidence.pk]))

    assert history.status_code == 200
    assert "Supports &nbsp;&rarr;&nbsp;&nbsp;Contradicts" in " ".join(history.text.split())
    assert editor.username in history.text


def test_the_evidence_list_runs_as_many_queries_for_20_rows_as_for_2(
    editor_client: Client,
) -> None:
    url = reverse("admin:claims_evidence_changelist")
    EvidenceFactory.create_batch(2)
    queries_for_few = queries_for(editor_client, url)
    EvidenceFactory.create_batch(18, added_by=EditorFactory())

    assert queries_for(editor_client, url) == queries_for_few
