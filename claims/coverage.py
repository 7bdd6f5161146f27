"""Coverage of a set of claims (an article's, an outlet's): how much is sourced and reviewed."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from claims.models import Claim

VERDICTS = [status for status in Claim.Status if status != Claim.Status.UNREVIEWED]
# The figures claims.models.ArticleCoverageCounts stores per article, by Coverage's names.
COVERAGE_COLUMNS = ["sentences", "reviewed", "checked", "checkworthy", "checkworthy_cited"]


@dataclass
class Coverage:
    sentences: int
    checked: int  # sentences the check-worthiness rules have looked at
    checkworthy: int
    checkworthy_cited: int
    reviewed: int
    # (status, label, count) in the chart's order, verdicts only.
    verdicts: list[tuple[str, str, int]]

    @property
    def cited_percent(self) -> float:
        return 100 * self.checkworthy_cited / self.checkworthy if self.checkworthy else 0.0

    @property
    def reviewed_percent(self) -> float:
        return 100 * self.reviewed / self.sentences if self.sentences else 0.0

    @property
    def needs_citation(self) -> int:
        return self.checkworthy - self.checkworthy_cited


def coverage_of_rows(rows: Iterable[tuple[str, bool | None, bool]]) -> Coverage:
    """The same figures from rows a page has loaded anyway, (status, checkworthy, cited) per
    claim, so the page needs no aggregate query of its own."""
    sentences = checked = checkworthy = checkworthy_cited = 0
    by_status: Counter = Counter()
    for status, worthy, cited in rows:
        sentences += 1
        by_status[status] += 1
        if worthy is not None:
            checked += 1
        if worthy:
            checkworthy += 1
            checkworthy_cited += bool(cited)
    return Coverage(
        sentences=sentences,
        checked=checked,
        checkworthy=checkworthy,
        checkworthy_cited=checkworthy_cited,
        reviewed=sentences - by_status[Claim.Status.UNREVIEWED],
        verdicts=[
            (status.value, status.label, by_status[status])
            for status in VERDICTS
            if by_status[status]
        ],
    )
