"""Claims per verdict, read from the stored counters (claims.models.ArticleClaimCounts).

The counters are kept exact by triggers (migration claims 0011_stored_counters); reading them is
a SUM over one narrow row per article — 40,000 rows at a million claims, a few milliseconds —
where a GROUP BY over the claims themselves reads every claim. Publication is applied here, when
reading: the rows of unpublished articles are left out, so the counts follow a chief editor's
decision at once and no counter changes when an article is published or unpublished.

What the counters cannot answer (a search, a cited source, an outlet's claims, "needs a
citation") is counted by `bounded_verdict_counts`: the matching claims' verdicts up to a cap,
exact below it, "more than" above it.
"""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import Coalesce

from articles.models import Article
from claims.models import COUNTED_STATUSES, ArticleClaimCounts
from sources.models import Outlet

# Past this many matches a list says "more than 1,000" instead of counting them all: counting
# the 104,000 claims a common word matches reads each of them (1.2 s at a million claims);
# stopping at 1,001 reads a few thousand index entries and rows.
COUNT_CAP = 1000


@dataclass(frozen=True)
class VerdictCounts:
    by_status: dict[str, int]
    # False when the matches were counted only up to COUNT_CAP and there are more.
    exact: bool

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def counted_verdicts(
    *,
    statuses: Iterable[str] | None = None,
    evidence: str = "",
    article: Article | None = None,
    outlet: Outlet | None = None,
    published_from: datetime.date | None = None,
    published_to: datetime.date | None = None,
) -> VerdictCounts:
    """Claims of published articles per verdict, exactly, in one query on the counters.

    `statuses`: only these verdicts (the others count 0); `evidence`: "yes" (with evidence),
    "no" (without) or "" (either); `article`, `published_from`/`published_to`: the claims of
    that article, in articles the outlet published (as the article says), of articles
    published in that range."""
    wanted = list(COUNTED_STATUSES if statuses is None else statuses)
    rows: QuerySet = ArticleClaimCounts.objects.exclude(
        article_id__in=Article.objects.unpublished().values("pk")
    )
    if article is not None:
        rows = rows.filter(article=article)
    if outlet is not None:
        rows = rows.filter(article__outlet=outlet)
    if published_from is not None:
        rows = rows.filter(article__published_on__gte=published_from)
    if published_to is not None:
        rows = rows.filter(article__published_on__lte=published_to)

    def column(status: str) -> object:
        if evidence == "yes":
            return F(f"evidenced_{status}")
        if evidence == "no":
            return F(f"claims_{status}") - F(f"evidenced_{status}")
        return F(f"claims_{status}")

    sums = rows.aggregate(
        **{
            status: Coalesce(Sum(column(status)), 0)
            for status in wanted
            if status in COUNTED_STATUSES
        }
    )
    return VerdictCounts({status: sums.get(status, 0) for status in COUNTED_STATUSES}, exact=True)


def bounded_verdict_counts(claims: QuerySet, *, cap: int | None = None) -> VerdictCounts:
    """The verdicts of `claims`, counted up to `cap` (COUNT_CAP): one query that stops at
    cap + 1 rows."""
    cap = COUNT_CAP if cap is None else cap
    # In the index's order (claim_reviewed_at_idx), so Postgres can walk it and stop at the cap
    # for a filter that matches many claims, rather than read the table until it has enough.
    ordered = claims.order_by(F("reviewed_at").desc(nulls_last=True), F("id").desc())
    statuses = Counter(ordered.values_list("status", flat=True)[: cap + 1])
    exact = sum(statuses.values()) <= cap
    return VerdictCounts({status: statuses.get(status, 0) for status in COUNTED_STATUSES}, exact)
