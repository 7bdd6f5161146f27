"""The claims page's filters: one FilterSet shared by the page, its exports and its counts."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict

from articles.models import Article
from claims.counters import COUNT_CAP, VerdictCounts, bounded_verdict_counts, counted_verdicts
from claims.models import COUNTED_STATUSES, Claim, Evidence
from claims.search import (
    SEARCH_TERM_MAX_LENGTH,
    phrase_filter,
    search_configs_in_use,
    search_query,
    unindexed_vector,
)
from factcheck.filters import EntityFilter, date_range_filters, outlet_filter
from sources.models import Outlet, Source

SORT_CHOICES = [
    ("reviewed", "Newest verdict first"),
    ("newest", "Newest article first"),
    ("article", "Article by article, in reading order"),
    ("evidence", "Most evidence first"),
]
# With a search, the best match comes first unless another order is chosen.
DEFAULT_SORT = "reviewed"
SEARCH_SORT = "rank"
REVIEWED_CHOICES = [
    ("yes", "Reviewed claims"),
    ("no", "Sentences not reviewed yet"),
    ("all", "All sentences"),
]
YES_NO_EVIDENCE = [("yes", "With evidence"), ("no", "Without evidence")]
# The filters the stored counters answer exactly (claims.counters.counted_verdicts); any other
# filter in use is counted up to claims.counters.COUNT_CAP.
COUNTED_FILTERS = {
    "verdict",
    "contested",
    "reviewed",
    "evidence",
    "article",
    "published_from",
    "published_to",
    "sort",
}


class ClaimFilter(django_filters.FilterSet):
    """Invalid values are reported on the form; the filters that did validate still apply (that
    is django-filter's behaviour: `qs` filters on `cleaned_data`, which holds the valid ones).

    A reader who opens the page without choosing sees the reviewed claims, newest verdict first:
    what the site has to say. "All sentences" is one choice away (`reviewed=all`)."""

    q = django_filters.CharFilter(
        method="filter_search",
        label="Search the sentences",
        max_length=SEARCH_TERM_MAX_LENGTH,
        help_text="Several words find sentences with all of them; “quotes” find a phrase; "
        "-word leaves a word out.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    verdict = django_filters.MultipleChoiceFilter(
        method="filter_verdict",
        label="Verdict",
        choices=Claim.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    contested = django_filters.BooleanFilter(
        method="filter_contested", label="Contested only", widget=forms.CheckboxInput
    )
    needs_citation = django_filters.BooleanFilter(
        method="filter_needs_citation",
        label="Needs a citation",
        help_text="Check-worthy sentences (numbers, attributed statements, superlatives, causes) "
        "that cite no source.",
        widget=forms.CheckboxInput,
    )
    reviewed = django_filters.ChoiceFilter(
        method="filter_reviewed", label="Show", choices=REVIEWED_CHOICES, empty_label=None
    )
    evidence = django_filters.ChoiceFilter(
        method="filter_evidence", label="Evidence", choices=YES_NO_EVIDENCE, empty_label="Any"
    )
    article = EntityFilter(
        "articles",
        method="filter_article",
        label="Article",
        help_text="Start typing its title.",
    )
    outlet = outlet_filter(
        method="filter_outlet",
        help_text="Claims in its articles, and claims that cite its work.",
    )
    source = EntityFilter(
        "sources",
        method="filter_source",
        label="Cited source",
        help_text="Start typing the title of the cited work.",
    )
    published_from, published_to = date_range_filters(
        "article__published_on",
        from_label="Article published from",
        to_label="Article published until",
        help_text="YYYY-MM-DD",
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        label="Sort by",
        choices=SORT_CHOICES,
        empty_label="Newest verdict first, or best match for a search",
    )

    class Meta:
        model = Claim
        fields: list[str] = []

    def __init__(
        self, data: QueryDict | None = None, *args, for_readers: bool = False, **kwargs
    ) -> None:
        """`for_readers`: the public page's default scope, the reviewed claims, when the data
        names none (the page and its exports). Other callers get every sentence by default.

        The default is written into the data, so the form shows it chosen and the filter
        applies it; it is remembered as a default so the canonical address leaves it out.
        Asking for a verdict (even "unreviewed") widens the default to every sentence."""
        asks_for_verdict = data is not None and bool(
            data.getlist("verdict") if hasattr(data, "getlist") else data.get("verdict")
        )
        self.default_scope = "yes" if for_readers and not asks_for_verdict else "all"
        self.for_readers = for_readers
        self.reviewed_by_default = data is not None and not data.get("reviewed")
        # Set by filter_outlet: whether the outlet chosen has many articles.
        self.big_outlet = False
        if self.reviewed_by_default:
            data = data.copy()
            data["reviewed"] = self.default_scope
        super().__init__(data, *args, **kwargs)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if self.for_readers:
            # Readers never see the claims of an article a chief editor has unpublished.
            queryset = queryset.of_published_articles()
        if "reviewed" in self.form.errors:
            # A scope nobody offers is reported on the form, and the default stands meanwhile.
            queryset = self.filter_reviewed(queryset, "reviewed", self.default_scope)
        return queryset

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Parsed in the configurations claims are stored in, not all thirty: a stem of another
        # language ("mil" for "militia") would match words no reader searched for, and make
        # Postgres test every row (militia at a million claims: 180 ms against 20).
        query = search_query(value, configs=self.search_configs)
        # A quoted phrase is looked up on the phrase index (claims.search.phrase_filter), and
        # the tsquery then checks the few claims found.
        phrases = phrase_filter(value, configs=self.search_configs)
        if phrases is None:
            return queryset.filter(search_vector=query)
        return (
            queryset.filter(phrases)
            .alias(checked_vector=unindexed_vector())
            .filter(checked_vector=query)
        )

    @property
    def search_configs(self) -> list[str] | None:
        return search_configs_in_use()

    def filter_verdict(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(status__in=value)

    def filter_contested(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.contested() if value else queryset

    def filter_needs_citation(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.needs_citation() if value else queryset

    def filter_reviewed(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "yes":
            return queryset.reviewed()
        if value == "no":
            # A range, not "= 'unreviewed'": with an equality Postgres treats the status as
            # settled and drops it from the order, and then prefers claim_reviewed_at_idx,
            # whose unreviewed claims all come after the reviewed ones (see pagination's
            # "unreviewed" order).
            unreviewed = Claim.Status.UNREVIEWED
            return queryset.filter(status__gte=unreviewed, status__lte=unreviewed)
        return queryset

    def filter_evidence(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The stored counter (kept by triggers), not an EXISTS per claim.
        if value == "yes":
            return queryset.filter(evidence_count__gt=0)
        return queryset.filter(evidence_count=0)

    def filter_article(self, queryset: QuerySet, name: str, value: Article) -> QuerySet:
        return queryset.filter(article=value)

    def filter_outlet(self, queryset: QuerySet, name: str, value: Outlet) -> QuerySet:
        # A big outlet is behind a large share of all claims (the largest in the benchmark
        # corpus: 8,589 of 40,000 articles): its union of ids is 200,000 claims to gather
        # before the first row (32 s). Then each claim is tested as the list's index walks
        # (a few probes per claim; a page needs a few hundred). A small outlet's union is a
        # few hundred ids, where walking the index would test most of the claims instead.
        self.big_outlet = Article.objects.filter(outlet=value).count() > BIG_OUTLET_ARTICLES
        if self.big_outlet:
            return queryset.filter(claim_of_outlet(value))
        return queryset.filter(pk__in=claims_of_outlet(value))

    def filter_source(self, queryset: QuerySet, name: str, value: Source) -> QuerySet:
        # IN over the source's evidence rows (its index), not EXISTS per claim: Postgres then
        # starts from the source's few thousand rows, not from every claim.
        return queryset.filter(pk__in=Evidence.objects.filter(source=value).values("claim_id"))

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Ordering belongs to the pagination (claims/pagination.py), which must know the keys.
        return queryset

    @property
    def search_term(self) -> str:
        return self.valid_value("q") or ""

    @property
    def sort_choice(self) -> str:
        return self.valid_value("sort") or ""

    @property
    def order(self) -> str:
        """The order the list is in: the one chosen, else best match for a search, else the
        newest verdict first."""
        return self.sort_choice or (SEARCH_SORT if self.search_term else DEFAULT_SORT)

    @property
    def scope(self) -> str:
        """ "yes" (reviewed claims), "no" or "all", as applied."""
        return self.valid_value("reviewed") or self.default_scope

    def valid_value(self, name: str) -> object:
        self.errors  # noqa: B018 - cleaned_data exists only once the form has validated
        return self.form.cleaned_data.get(name)

    @property
    def statuses(self) -> set[str]:
        """The verdicts the verdict, contested and scope filters leave."""
        self.errors  # noqa: B018
        data = self.form.cleaned_data
        statuses = set(COUNTED_STATUSES)
        if data.get("verdict"):
            statuses &= set(data["verdict"])
        if data.get("contested"):
            statuses &= {Claim.Status.CONTESTED}
        if self.scope == "yes":
            statuses.discard(Claim.Status.UNREVIEWED)
        elif self.scope == "no":
            statuses &= {Claim.Status.UNREVIEWED}
        return statuses

    def verdict_counts(self) -> VerdictCounts:
        """The matching claims per verdict: exact off the stored counters when every filter in
        use is one they answer (the readers' page only: they count published articles' claims),
        else counted up to the cap."""
        self.errors  # noqa: B018
        data = self.form.cleaned_data
        in_use = {name for name, value in data.items() if value not in (None, "", [], False)}
        qs = self.qs
        # Only a big outlet (filter_outlet) is worth trying the counters for: a small one's
        # claims are few and counted at once.
        uncounted = in_use - COUNTED_FILTERS - ({"outlet"} if self.big_outlet else set())
        if not self.for_readers or uncounted:
            return bounded_verdict_counts(qs)
        statuses = self.statuses
        counts = counted_verdicts(
            statuses=statuses,
            evidence=data.get("evidence") or "",
            article=data.get("article"),
            outlet=data.get("outlet"),
            published_from=data.get("published_from"),
            published_to=data.get("published_to"),
        )
        if "outlet" not in in_use:
            return counts
        # The counters hold the claims in the outlet's own articles, a part of what the filter
        # finds (claims citing its work and in articles cited as its are the rest): past the
        # cap already, the page says "more than" without a scan; else the claims are counted.
        if counts.total > COUNT_CAP:
            return VerdictCounts(counts.by_status, exact=False)
        return bounded_verdict_counts(qs)

    def applied_filters(self) -> dict[str, object]:
        """The filters that validated and are not empty, by name: for the page's summary."""
        self.errors  # noqa: B018
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "", [], False) and name not in ("sort", "reviewed")
        }


# Past this many articles (1 % of the benchmark corpus) an outlet's claims are found by testing
# each claim in the list's order rather than by gathering all their ids first.
BIG_OUTLET_ARTICLES = 400


def claim_of_outlet(outlet: Outlet) -> Q:
    """The test claims_of_outlet() makes, for one claim: in an article the outlet published (as
    the article says, or as the work another article cites), or citing its work."""
    return (
        Q(article__outlet=outlet)
        | Exists(Evidence.objects.filter(claim=OuterRef("pk"), source__outlet=outlet))
        | Exists(Source.objects.filter(linked_article=OuterRef("article_id"), outlet=outlet))
    )


def claims_of_outlet(outlet: Outlet) -> QuerySet:
    """Ids of the claims an outlet is behind: in articles it published (as the article says, or
    as the work another article cites), and citing its work as evidence. A UNION of three
    index-served lists, so Postgres looks the claims up by id instead of testing every claim."""
    return (
        Evidence.objects.filter(source__outlet=outlet)
        .order_by()
        .values("claim_id")
        .union(
            Claim.objects.filter(article__outlet=outlet).order_by().values("id"),
            Claim.objects.filter(article__cited_as__outlet=outlet).order_by().values("id"),
        )
    )
