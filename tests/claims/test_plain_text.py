"""Claims quoted without their citation markers."""

import pytest

from claims.plain_text import headline_without_markers, without_markers
from claims.search import MATCH_END, MATCH_START, render_headline


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ("Not formally linked.[2]", ["[2]"], "Not formally linked."),
        ("Registered (Il Post).", ["(Il Post)"], "Registered."),
        ("Aims (BBC, 2023). More (BBC, 2023).", ["(BBC, 2023)", "(BBC, 2023)"], "Aims. More."),
        ("[1] Opens with one.", ["[1]"], "Opens with one."),
        # A parenthesis that is no marker stays: only the stored labels go.
        ("The Legion (LSR) crossed.[4]", ["[4]"], "The Legion (LSR) crossed."),
        ("No markers.", [], "No markers."),
        ("No markers.", None, "No markers."),
        # A label that is no longer in the text (the sentence changed) is skipped.
        ("Changed since.", ["[9]"], "Changed since."),
    ],
)
def test_markers_go_by_their_stored_labels(text, labels, expected):
    assert without_markers(text, labels) == expected


def test_a_search_highlight_survives_and_one_inside_a_marker_goes_with_it():
    headline = f"{MATCH_START}Wages{MATCH_END} rose ({MATCH_START}BBC{MATCH_END}, 2023)."

    stripped = headline_without_markers(headline, ["(BBC, 2023)"])

    assert stripped == f"{MATCH_START}Wages{MATCH_END} rose."
    assert render_headline(stripped) == "<mark>Wages</mark> rose."
