"""Coverage of a set of claims (an article's, an outlet's): how much is sourced and reviewed."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from claims.models import Claim, Evidence

VERDICTS = [status for status in Claim.Status if status != Claim.Status.UNREVIEWED]


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


def claims_coverage(claims: QuerySet) -> Coverage:
    """One query whatever the number of claims."""
    cited = Exists(Evidence.objects.filter(claim=OuterRef("pk"), stance=Evidence.Stance.CITED))
    counts = (
        claims.order_by()
        .annotate(cited=cited)
        .aggregate(
            sentence_total=Count("pk"),
            checked_total=Count("pk", filter=Q(checkworthy__isnull=False)),
            worthy_total=Count("pk", filter=Q(checkworthy=True)),
            worthy_cited_total=Count("pk", filter=Q(checkworthy=True, cited=True)),
            reviewed_total=Count("pk", filter=~Q(status=Claim.Status.UNREVIEWED)),
            **{
                f"status_{status.value}": Count("pk", filter=Q(status=status))
                for status in VERDICTS
            },
        )
    )
    by_status = {status: counts[f"status_{status.value}"] for status in VERDICTS}
    verdicts = [
        (status.value, status.label, by_status[status]) for status in VERDICTS if by_status[status]
    ]
    return Coverage(
        sentences=counts["sentence_total"],
        checked=counts["checked_total"],
        checkworthy=counts["worthy_total"],
        checkworthy_cited=counts["worthy_cited_total"],
        reviewed=counts["reviewed_total"],
        verdicts=verdicts,
    )


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
