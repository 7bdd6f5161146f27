"""Admin pieces shared by the apps: counting, filtering and history that stay fast on big tables."""

from collections.abc import Iterable

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, Func, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject, HistoricalChanges, ModelChange, ModelChangeValue
from simple_history.template_utils import HistoricalRecordContextHelper

# Set here rather than in urls.py so every app's admin module, which imports this one, agrees.
admin.site.site_header = "Fact-check editors"
admin.site.site_title = "Fact-check admin"
admin.site.index_title = "Review claims, evidence and sources"


class EstimatedCountPaginator(Paginator):
    """Counts exactly, except for the unfiltered list of a big table, which it estimates.

    COUNT(*) over millions of rows reads the whole table on every page view. PostgreSQL keeps
    an estimate of each table's row count (pg_class.reltuples, refreshed by autovacuum and
    ANALYZE) that is close enough for "about N claims" and page links. Any filter or search
    makes the count exact again, because then the number is what the editor asked for.
    """

    # Below this many (estimated) rows an exact count is cheap and never surprises anyone.
    estimate_above = 100_000

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet) and queryset_is_unfiltered(self.object_list):
            estimate = table_row_estimate(self.object_list)
            if estimate >= self.estimate_above:
                return estimate
        return super().count


class CappedCountPaginator(EstimatedCountPaginator):
    """Estimates the unfiltered count, and counts a filtered list only up to `count_cap`.

    Counting the 100,000 claims a common word matches reads all of them (a quarter of a second
    at a million claims) to print one number; counting stops at the cap instead, the page says
    "more than …", and the pages up to the cap are linked.
    """

    count_cap = 1_000
    capped = False

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet) or queryset_is_unfiltered(self.object_list):
            return super().count
        counted = self.object_list.order_by()[: self.count_cap + 1].count()
        self.capped = counted > self.count_cap
        return min(counted, self.count_cap)


def queryset_is_unfiltered(queryset: QuerySet) -> bool:
    """True when the queryset would return one row per row of its table."""
    query = queryset.query
    return not (
        query.where
        or query.distinct
        or query.combinator
        or query.low_mark
        or query.high_mark is not None
    )


def table_row_estimate(queryset: QuerySet) -> int:
    """PostgreSQL's estimate of the table's row count; -1 if it was never analyzed."""
    connection = connections[queryset.db]
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [table]
        )
        row = cursor.fetchone()
    return -1 if row is None else int(row[0])


def subquery_count(queryset: QuerySet, *, distinct_field: str = "pk") -> Coalesce:
    """COUNT over a correlated subquery, for a list column.

    A JOIN + GROUP BY annotation aggregates the whole table before the page is cut; a
    subquery in the select list is evaluated only for the rows on the page.
    """
    count = Func(
        F(distinct_field),
        function="COUNT",
        template="%(function)s(DISTINCT %(expressions)s)",
        output_field=IntegerField(),
    )
    return Coalesce(
        Subquery(queryset.order_by().annotate(row_count=count).values("row_count")[:1]),
        Value(0),
    )


class BoundedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """Lists every related object while there are few, and only the chosen one past that.

    A sidebar of thousands of links is unusable and slow to build. Past the limit editors reach
    a filtered list through links in the lists themselves (a claim's article, an article's
    claim count), and the sidebar shows just the active choice with "All" to clear it.
    """

    choice_limit = 60
    # Columns needed for str(); None loads whole rows. Articles set this to skip their bodies.
    label_fields: Iterable[str] | None = None

    def field_choices(self, field, request, model_admin) -> list[tuple[object, str]]:
        related_model = field.remote_field.model
        ordering = self.field_admin_ordering(field, request, model_admin)
        queryset = related_model._default_manager.all()
        if ordering:
            queryset = queryset.order_by(*ordering)
        if self.label_fields is not None:
            queryset = queryset.only(*self.label_fields)
        first_rows = list(queryset[: self.choice_limit + 1])
        if len(first_rows) <= self.choice_limit:
            return [(row.pk, str(row)) for row in first_rows]
        chosen = [value for value in (self.lookup_val or []) if str(value).isdigit()]
        return [(row.pk, str(row)) for row in queryset.filter(pk__in=chosen)]

    def has_output(self) -> bool:
        # Shown even with no choice listed, so editors know the filter exists.
        return True


class LabelledHistoryContextHelper(HistoricalRecordContextHelper):
    """Shows choice fields in the history as editors read them: “Unreviewed → Contested”."""

    def prepare_delta_change_value(self, change: ModelChange, value: ModelChangeValue) -> object:
        field = self.model._meta.get_field(change.field)
        if field.choices and not field.many_to_many:
            return dict(field.flatchoices).get(value, value)
        # An empty foreign key comes back as a "deleted" object with no primary key.
        if isinstance(value, DeletedObject) and value.pk is None:
            return "(none)"
        if value is None:
            return "(none)"
        return super().prepare_delta_change_value(change, value)


class LabelledHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose History page names verdicts and stances by their labels."""

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: HistoricalChanges
    ) -> HistoricalRecordContextHelper:
        return LabelledHistoryContextHelper(self.model, historical_record)
