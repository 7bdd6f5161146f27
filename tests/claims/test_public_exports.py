import csv
import datetime
import io
import json

import pytest
from django.http import StreamingHttpResponse

from claims.models import Claim
from tests.claims.factories_public import ReviewedClaimFactory
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    EvidenceFactory,
    OutletFactory,
)

pytestmark = pytest.mark.django_db

PREFIX = "http://testserver/claims/"

COLUMNS = [
    "id",
    "url",
    "article",
    "outlet",
    "published",
    "sentence",
    "verdict",
    "reason",
    "reviewed_by",
    "reviewed_at",
    "evidence_count",
]


def download(client, path: str) -> tuple[StreamingHttpResponse, str]:
    response = client.get(path)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return response, b"".join(response.streaming_content).decode()


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_export_has_one_row_per_claim_with_every_column(public_client):
    reviewer = EditorFactory(first_name="Jane", last_name="Doe")
    claim = ReviewedClaimFactory(
        article=ArticleFactory(title="Pay", published_on=datetime.date(2023, 6, 30)),
        text="Wages rose.",
        status=Claim.Status.FALSE,
        reason="They fell.",
        reviewed_by=reviewer,
        reviewed_at=datetime.datetime(2024, 1, 2, 10, 0, tzinfo=datetime.UTC),
    )
    EvidenceFactory.create_batch(2, claim=claim)

    response, text = download(public_client, "/claims/export.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="claims.csv"'
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert csv_rows(text) == [
        {
            "id": str(claim.pk),
            "url": f"http://testserver/claims/{claim.pk}/",
            "article": "Pay",
            "outlet": claim.article.outlet.name,
            "published": "2023-06-30",
            "sentence": "Wages rose.",
            "verdict": "False",
            "reason": "They fell.",
            "reviewed_by": "Jane Doe",
            "reviewed_at": "2024-01-02T10:00:00+00:00",
            "evidence_count": "2",
        }
    ]


def test_the_exports_apply_the_same_filters_and_sort_as_the_claims_page(public_client):
    ReviewedClaimFactory(
        text="Wrong and old.",
        status="false",
        reviewed_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    )
    ReviewedClaimFactory(
        text="Wrong and new.",
        status="false",
        reviewed_at=datetime.datetime(2024, 2, 1, tzinfo=datetime.UTC),
    )
    ReviewedClaimFactory(text="Right.")

    _, text = download(public_client, "/claims/export.csv?verdict=false&sort=reviewed")
    _, json_text = download(public_client, "/claims/export.json?verdict=false&sort=reviewed")

    assert [row["sentence"] for row in csv_rows(text)] == ["Wrong and new.", "Wrong and old."]
    assert [row["sentence"] for row in json.loads(json_text)] == [
        "Wrong and new.",
        "Wrong and old.",
    ]


def test_the_json_export_is_a_list_of_objects_with_the_same_columns(public_client):
    claim = ClaimFactory(text='Quotes " and <tags> survive.')

    response, text = download(public_client, "/claims/export.json?reviewed=all")

    assert response["Content-Type"] == "application/json; charset=utf-8"
    [row] = json.loads(text)
    assert list(row) == COLUMNS
    assert row["id"] == claim.pk
    assert row["sentence"] == 'Quotes " and <tags> survive.'
    assert row["verdict"] == "Unreviewed"
    assert row["reviewed_at"] == ""
    assert row["evidence_count"] == 0


def test_an_empty_json_export_is_an_empty_list(public_client):
    _, text = download(public_client, "/claims/export.json")

    assert json.loads(text) == []


@pytest.mark.parametrize("formula", ['=HYPERLINK("x")', "+1+1", "-1+1", "@SUM(A1)"])
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(public_client, formula):
    ReviewedClaimFactory(text=formula, reason=formula, article=ArticleFactory(title=formula))

    _, text = download(public_client, "/claims/export.csv")

    [row] = csv_rows(text)
    assert row["sentence"] == row["reason"] == row["article"] == "'" + formula


@pytest.mark.parametrize("path", ["/claims/export.csv", "/claims/export.json"])
def test_an_export_with_an_invalid_filter_is_refused_with_a_message_naming_it(public_client, path):
    ClaimFactory()

    response = public_client.get(f"{path}?published_from=2023-13-45&source=abc")

    assert response.status_code == 400
    message = response.content.decode()
    assert "published_from: Enter a valid date." in message
    assert "source: There is no source “abc”." in message


def test_the_exports_hold_what_the_page_shows_by_default_the_reviewed_claims(public_client):
    ReviewedClaimFactory(text="Checked.")
    ClaimFactory(text="Never checked.")

    _, text = download(public_client, "/claims/export.csv")
    _, everything = download(public_client, "/claims/export.csv?reviewed=all")

    assert [row["sentence"] for row in csv_rows(text)] == ["Checked."]
    assert len(csv_rows(everything)) == 2


def test_the_exports_name_a_reviewer_by_full_name_never_by_username(public_client):
    ReviewedClaimFactory(reviewed_by=EditorFactory(username="login7"))

    _, text = download(public_client, "/claims/export.csv")

    assert "login7" not in text
    assert csv_rows(text)[0]["reviewed_by"] == ""


@pytest.mark.parametrize("claims", [3, 30])
def test_an_export_reads_the_claims_in_one_query(public_client, django_assert_num_queries, claims):
    reviewer = EditorFactory()
    for _ in range(claims):
        EvidenceFactory(claim=ReviewedClaimFactory(reviewed_by=reviewer))

    with django_assert_num_queries(1):
        _, text = download(public_client, "/claims/export.csv?sort=evidence")

    assert len(csv_rows(text)) == claims


# Text a database could write differently from Python's csv and json modules: quotes, commas,
# line breaks of each kind, formula starts, tabs and control characters, backslashes, non-ASCII
# and characters JSON may leave unescaped.
AWKWARD_TEXTS = [
    'He said "no", twice.',
    "Line one\nline two",
    "Carriage\r\nreturn",
    "=1+2",
    "-minus, with a comma",
    '@at "quoted"',
    "\tTab first",
    "Tab\tinside",
    "Back\\slash and \x07bell and \x1funit",
    "Ünïcödé — “curly” \u2028 separator 😀",
    " leading and trailing space ",
    "\rReturn first",
    "+plus",
    "plain",
]


def python_rows(claims: list[Claim], prefix: str) -> list[dict[str, object]]:
    """What the export wrote when Python made every value (csv.writer and json.JSONEncoder)."""
    rows = []
    for claim in claims:
        reviewer = claim.reviewed_by
        rows.append(
            {
                "id": claim.pk,
                "url": f"{prefix}{claim.pk}/",
                "article": claim.article.title,
                "outlet": claim.article.outlet.name if claim.article.outlet else "",
                "published": claim.article.published_on.isoformat()
                if claim.article.published_on
                else "",
                "sentence": claim.text,
                "verdict": claim.get_status_display(),
                "reason": claim.reason,
                "reviewed_by": f"{reviewer.first_name} {reviewer.last_name}".strip()
                if reviewer
                else "",
                "reviewed_at": claim.reviewed_at.astimezone(datetime.UTC).isoformat()
                if claim.reviewed_at
                else "",
                "evidence_count": claim.evidence.count(),
            }
        )
    return rows


def awkward_claims() -> list[Claim]:
    claims = []
    for index, awkward in enumerate(AWKWARD_TEXTS):
        claim = ReviewedClaimFactory(
            text=awkward,
            reason=AWKWARD_TEXTS[-1 - index],
            article=ArticleFactory(
                title=AWKWARD_TEXTS[index - 1],
                outlet=None if index % 3 == 0 else OutletFactory(name=awkward[:200]),
                published_on=None if index % 4 == 0 else datetime.date(2020 + index, 1, 9),
            ),
            reviewed_by=EditorFactory(first_name=awkward[:30], last_name="") if index % 2 else None,
            # With and without microseconds, which isoformat() writes only when not 0.
            reviewed_at=datetime.datetime(2024, 3, 1, 12, 0, index, index * 1000 % 7, datetime.UTC),
        )
        EvidenceFactory.create_batch(index % 3, claim=claim)
        claims.append(claim)
    return claims


def test_the_csv_export_is_byte_for_byte_what_pythons_csv_writer_writes(public_client):
    claims = awkward_claims()

    _, text = download(public_client, "/claims/export.csv?sort=article")

    expected = io.StringIO()
    writer = csv.writer(expected)
    writer.writerow(COLUMNS)
    for row in python_rows(sorted(claims, key=lambda claim: claim.article_id), PREFIX):
        writer.writerow(
            [
                "'" + value
                if name in {"article", "outlet", "sentence", "reason", "reviewed_by"}
                and isinstance(value, str)
                and value.startswith(("=", "+", "-", "@", "\t", "\r"))
                else value
                for name, value in row.items()
            ]
        )
    assert text == expected.getvalue()


def test_the_json_export_is_byte_for_byte_what_pythons_json_encoder_writes(public_client):
    claims = awkward_claims()

    _, text = download(public_client, "/claims/export.json?sort=article")

    encode = json.JSONEncoder(ensure_ascii=False).encode
    rows = python_rows(sorted(claims, key=lambda claim: claim.article_id), PREFIX)
    assert text == "[\n" + ",\n".join(encode(row) for row in rows) + "\n]\n"
    assert json.loads(text) == rows


@pytest.mark.parametrize("path", ["/claims/export.csv", "/claims/export.json"])
def test_an_export_keeps_the_pages_order_across_chunks(public_client, path, monkeypatch):
    from claims import exports

    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    claims = [ReviewedClaimFactory() for _ in range(5)]
    for claim in claims[:3]:
        EvidenceFactory(claim=claim)

    _, text = download(public_client, f"{path}?sort=evidence")

    ids = (
        [int(row["id"]) for row in csv_rows(text)]
        if path.endswith(".csv")
        else [row["id"] for row in json.loads(text)]
    )
    by_evidence = sorted(claims, key=lambda claim: (-claim.evidence.count(), claim.pk))
    assert ids == [claim.pk for claim in by_evidence]
