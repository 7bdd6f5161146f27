"""The desk's queue: which claims, in what order, how far along; from the query string."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from articles.models import Article
from claims.forms import DeskQueueForm
from claims.models import Claim


@dataclass(frozen=True)
class Queue:
    """Which claims the desk walks through, in what order; built from the query string."""

    article: Article | None
    outlet_id: int | None
    needs_citation: bool
    unreviewed_only: bool
    withdrawn: bool

    def claims(self) -> QuerySet:
        claims = Claim.objects.withdrawn() if self.withdrawn else Claim.objects.current()
        if self.article is not None:
            claims = claims.filter(article=self.article)
        if self.outlet_id is not None:
            claims = claims.filter(article__outlet_id=self.outlet_id)
        if self.needs_citation:
            claims = claims.needs_citation()
        return claims

    def to_review(self) -> QuerySet:
        claims = self.claims()
        return claims.needs_review() if self.unreviewed_only else claims

    def query(self, **override) -> str:
        values = {
            "article": self.article.pk if self.article else "",
            "outlet": self.outlet_id or "",
            "needs_citation": "1" if self.needs_citation else "",
            "scope": "unreviewed" if self.unreviewed_only else "all",
            "withdrawn": "1" if self.withdrawn else "",
            **override,
        }
        return urlencode({name: value for name, value in values.items() if value})

    @property
    def description(self) -> str:
        parts = ["unreviewed claims" if self.unreviewed_only else "all claims"]
        if self.article is not None:
            parts.append(f"of “{self.article.title}”")
        if self.outlet_id is not None:
            parts.append("of one outlet's articles")
        if self.needs_citation:
            parts.append("that need a citation")
        if self.withdrawn:
            parts.append("withdrawn from their articles")
        return " ".join(parts)


def queue_from(data: QueryDict) -> tuple[Queue, DeskQueueForm]:
    form = DeskQueueForm(data)
    form.is_valid()
    cleaned = form.cleaned_data if form.is_valid() else {}
    article_id = cleaned.get("article")
    article = (
        Article.objects.defer("body", "metadata").filter(pk=article_id).first()
        if article_id
        else None
    )
    return (
        Queue(
            article=article,
            outlet_id=cleaned.get("outlet"),
            needs_citation=bool(cleaned.get("needs_citation")),
            unreviewed_only=cleaned.get("scope", "unreviewed") != "all",
            withdrawn=bool(cleaned.get("withdrawn")),
        ),
        form,
    )


# Reading order: newest imports first (as the claims list), sentences in order. Served by the
# (article, ordinal) unique index of current claims.
def in_order(claims: QuerySet) -> QuerySet:
    return claims.order_by("-article_id", "ordinal")


def _after(claim: Claim) -> Q:
    return Q(article_id=claim.article_id, ordinal__gt=claim.ordinal) | Q(
        article_id__lt=claim.article_id
    )


def _before(claim: Claim) -> Q:
    return Q(article_id=claim.article_id, ordinal__lt=claim.ordinal) | Q(
        article_id__gt=claim.article_id
    )


def next_claim_id(queue: Queue, claim: Claim) -> int | None:
    return in_order(queue.to_review().filter(_after(claim))).values_list("pk", flat=True).first()


def previous_claim_id(queue: Queue, claim: Claim) -> int | None:
    # Back through every claim of the queue, reviewed ones included: what you just did.
    return (
        queue.claims()
        .filter(_before(claim))
        .order_by("article_id", "-ordinal")
        .values_list("pk", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Progress:
    reviewed: int
    total: int
    estimated: bool = False

    @property
    def percent(self) -> int:
        return round(100 * self.reviewed / self.total) if self.total else 0


def progress_of(claims: QuerySet, *, estimate_unfiltered: bool = False) -> Progress:
    """Reviewed claims of `claims` and all of them; one query. For every claim at once
    (`estimate_unfiltered`), past ESTIMATE_ABOVE claims, PostgreSQL's statistics stand in for
    the count: "about" is honest there, and counting a million rows per page view is not."""
    if estimate_unfiltered:
        estimate = _reviewed_estimate()
        if estimate is not None:
            return estimate
    counts = claims.aggregate(
        total=Count("pk"), reviewed=Count("pk", filter=~Q(status=Claim.Status.UNREVIEWED))
    )
    return Progress(reviewed=counts["reviewed"], total=counts["total"])


# Below this many claims they are counted exactly.
ESTIMATE_ABOVE = 100_000


def _reviewed_estimate() -> Progress | None:
    """Claims and reviewed claims from pg_class and pg_stats (refreshed by ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_class.reltuples::bigint,
                   (SELECT stats.most_common_freqs[
                        array_position(stats.most_common_vals::text::text[], %s)]
                    FROM pg_stats AS stats
                    WHERE stats.schemaname = current_schema()
                      AND stats.tablename = 'claims_claim' AND stats.attname = 'status')
            FROM pg_class AS table_class WHERE table_class.oid = 'claims_claim'::regclass
            """,
            [Claim.Status.UNREVIEWED.value],
        )
        total, unreviewed_share = cursor.fetchone()
    if total is None or total < ESTIMATE_ABOVE or unreviewed_share is None:
        return None
    return Progress(
        reviewed=round(total * (1 - unreviewed_share)), total=int(total), estimated=True
    )
