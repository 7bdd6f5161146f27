"""The claims page's filters: one FilterSet shared by the page, its exports and its counts."""

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet

from articles.models import Article
from claims.models import Claim, Evidence
from claims.search import SEARCH_TERM_MAX_LENGTH, search_query
from factcheck.filters import date_range_filters
from sources.models import Outlet, Source

SLUG_PATTERN = re.compile(r"^[-a-zA-Z0-9_]+$")
# Postgres bigint: a larger number cannot be anybody's id, and must not reach the database.
LARGEST_ID = 2**63 - 1

SORT_CHOICES = [
    ("newest", "Newest article first"),
    ("evidence", "Most evidence first"),
    ("reviewed", "Recently reviewed first"),
]
YES_NO_REVIEWED = [("yes", "Reviewed"), ("no", "Not reviewed yet")]
YES_NO_EVIDENCE = [("yes", "With evidence"), ("no", "Without evidence")]


class ArticleReferenceField(forms.CharField):
    """An article named by its slug (as in its address) or its number: a text box, not a select,
    because there are thousands of articles."""

    def clean(self, value: str) -> Article | None:
        value = super().clean(value)
        if not value:
            return None
        is_number = value.isdigit() and int(value) <= LARGEST_ID
        if not is_number and not SLUG_PATTERN.match(value):
            raise ValidationError(
                "Enter an article's address name (like “my-article”) or its number.",
                code="invalid",
            )
        lookup = Q(slug=value) | Q(pk=int(value)) if is_number else Q(slug=value)
        # A slug that happens to be all digits wins over the number: it is what the address says.
        matches = sorted(
            Article.objects.filter(lookup).only("pk", "slug", "title")[:2],
            key=lambda article: article.slug != value,
        )
        if not matches:
            raise ValidationError("There is no article “%(value)s”.", params={"value": value})
        return matches[0]


class OutletReferenceField(forms.CharField):
    def clean(self, value: str) -> Outlet | None:
        value = super().clean(value)
        if not value:
            return None
        if not SLUG_PATTERN.match(value):
            raise ValidationError(
                "Enter an outlet's address name, like “the-guardian”.", code="invalid"
            )
        outlet = Outlet.objects.filter(slug=value).only("pk", "slug", "name").first()
        if outlet is None:
            raise ValidationError("There is no outlet “%(value)s”.", params={"value": value})
        return outlet


class SourceReferenceField(forms.IntegerField):
    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=1, max_value=LARGEST_ID, **kwargs)

    def clean(self, value: str) -> Source | None:
        number = super().clean(value)
        if number is None:
            return None
        source = Source.objects.select_related("outlet").filter(pk=number).first()
        if source is None:
            raise ValidationError("There is no source number %(value)s.", params={"value": number})
        return source


class ArticleFilter(django_filters.Filter):
    field_class = ArticleReferenceField


class OutletFilter(django_filters.Filter):
    field_class = OutletReferenceField


class SourceFilter(django_filters.Filter):
    field_class = SourceReferenceField


class ClaimFilter(django_filters.FilterSet):
    """Invalid values are reported on the form; the filters that did validate still apply (that
    is django-filter's behaviour: `qs` filters on `cleaned_data`, which holds the valid ones)."""

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
    reviewed = django_filters.ChoiceFilter(
        method="filter_reviewed", label="Reviewed", choices=YES_NO_REVIEWED, empty_label="Any"
    )
    evidence = django_filters.ChoiceFilter(
        method="filter_evidence", label="Evidence", choices=YES_NO_EVIDENCE, empty_label="Any"
    )
    article = ArticleFilter(
        method="filter_article",
        label="Article",
        max_length=200,
        help_text="Its address name (the end of its address) or its number.",
    )
    outlet = OutletFilter(
        method="filter_outlet",
        label="Outlet",
        max_length=200,
        help_text="Its address name, as in /outlets/the-guardian/.",
    )
    source = SourceFilter(
        method="filter_source", label="Source number", help_text="Claims that use this source."
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
        empty_label="Article order, or best match",
    )

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(search_vector=search_query(value))

    def filter_verdict(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(status__in=value)

    def filter_contested(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.contested() if value else queryset

    def filter_reviewed(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.reviewed() if value == "yes" else queryset.needs_review()

    def filter_evidence(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # EXISTS rather than a join: a join would repeat claims and inflate the verdict counts.
        has_evidence = Exists(Evidence.objects.filter(claim=OuterRef("pk")))
        return queryset.filter(has_evidence if value == "yes" else ~has_evidence)

    def filter_article(self, queryset: QuerySet, name: str, value: Article) -> QuerySet:
        return queryset.filter(article=value)

    def filter_outlet(self, queryset: QuerySet, name: str, value: Outlet) -> QuerySet:
        return queryset.filter(article__outlet=value)

    def filter_source(self, queryset: QuerySet, name: str, value: Source) -> QuerySet:
        return queryset.filter(Exists(Evidence.objects.filter(claim=OuterRef("pk"), source=value)))

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Ordering belongs to the pagination (claims/pagination.py), which must know the keys.
        return queryset

    @property
    def search_term(self) -> str:
        return self.valid_value("q") or ""

    @property
    def sort_choice(self) -> str:
        return self.valid_value("sort") or ""

    def valid_value(self, name: str) -> object:
        self.errors  # noqa: B018 - cleaned_data exists only once the form has validated
        return self.form.cleaned_data.get(name)

    def applied_filters(self) -> dict[str, object]:
        """The filters that validated and are not empty, by name: for the page's summary."""
        self.errors  # noqa: B018
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "", [], False) and name != "sort"
        }
