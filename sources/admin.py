"""Sources and outlets: what articles cite and who published it."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from articles.models import Article, Citation
from factcheck.admin import (
    BoundedRelatedFieldListFilter,
    EstimatedCountPaginator,
    LabelledHistoryAdmin,
    subquery_count,
)
from sources.models import Outlet, Source, source_fingerprint
from sources.normalize import normalize_outlet_name

# The "cited by" list on a source's page stops here; the rest are counted.
CITED_BY_LIMIT = 100


class OutletAdminForm(forms.ModelForm):
    class Meta:
        model = Outlet
        fields = ["name", "url"]

    def clean_name(self) -> str:
        # normalized_name is not a form field, so the model's unique check would skip it and
        # the database would answer with an IntegrityError instead of this message.
        name = self.cleaned_data["name"]
        clashes = Outlet.objects.filter(normalized_name=normalize_outlet_name(name))
        if self.instance.pk is not None:
            clashes = clashes.exclude(pk=self.instance.pk)
        existing = clashes.first()
        if existing is not None:
            raise ValidationError(f"“{existing.name}” is already this outlet; use that one.")
        return name


class SourceAdminForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = [
            "title",
            "outlet",
            "authors",
            "published_on",
            "url",
            "in_bibliography",
            "linked_article",
        ]

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if "title" not in cleaned_data or "outlet" not in cleaned_data:
            return cleaned_data
        # One Source per cited work: the same check the fingerprint constraint makes, as a
        # message rather than an IntegrityError.
        outlet = cleaned_data["outlet"]
        fingerprint = source_fingerprint(
            title=cleaned_data["title"], outlet_name=outlet.name if outlet else ""
        )
        clashes = Source.objects.filter(fingerprint=fingerprint)
        if self.instance.pk is not None:
            clashes = clashes.exclude(pk=self.instance.pk)
        existing = clashes.first()
        if existing is not None:
            url = reverse("admin:sources_source_change", args=[existing.pk])
            raise ValidationError(
                format_html(
                    'This work is already a source: <a href="{}">{}</a>. Edit that one instead.',
                    url,
                    existing,
                )
            )
        return cleaned_data


class LinkedArticleFilter(admin.SimpleListFilter):
    title = "linked article"
    parameter_name = "has_linked_article"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", "In this database"), ("no", "Not linked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(linked_article__isnull=False)
        if self.value() == "no":
            return queryset.filter(linked_article__isnull=True)
        return queryset


@admin.register(Source)
class SourceAdmin(LabelledHistoryAdmin):
    form = SourceAdminForm
    list_display = [
        "title_or_untitled",
        "outlet",
        "published_on",
        "in_bibliography",
        "linked_article",
        "citing_article_count",
    ]
    list_filter = [
        "in_bibliography",
        LinkedArticleFilter,
        ("outlet", BoundedRelatedFieldListFilter),
    ]
    search_fields = ["title", "outlet__name"]
    list_select_related = ["outlet", "linked_article"]
    autocomplete_fields = ["outlet", "linked_article"]
    readonly_fields = ["cited_by", "linked_article_link", "created_at"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "outlet", "authors", "published_on", "url", "in_bibliography"]},
        ),
        (
            "In this database",
            {"fields": ["linked_article", "linked_article_link", "cited_by", "created_at"]},
        ),
    ]
    # Sorted by the primary key index; sorting by title would read the whole table.
    ordering = ["-id"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("outlet", "linked_article")
            # Lists and autocomplete need the linked article's title, not its body.
            .defer("linked_article__body", "linked_article__metadata")
            .annotate(
                citing_article_count=subquery_count(
                    Citation.objects.filter(source=OuterRef("pk")), distinct_field="article"
                )
            )
        )

    @admin.display(description="Title", ordering="title")
    def title_or_untitled(self, source: Source) -> str:
        return source.title or "(untitled)"

    @admin.display(description="Cited by", ordering="citing_article_count")
    def citing_article_count(self, source: Source) -> int:
        return source.citing_article_count

    @admin.display(description="Cited by")
    def cited_by(self, source: Source) -> SafeString:
        articles = list(
            Article.objects.filter(citations__source=source)
            .distinct()
            .only("pk", "title", "published_on")
            .order_by("-published_on", "title")[: CITED_BY_LIMIT + 1]
        )
        if not articles:
            return format_html("{}", "No article in this database cites it.")
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({})</li>',
            (
                (
                    reverse("admin:articles_article_change", args=[article.pk]),
                    article.title,
                    article.published_on or "no date",
                )
                for article in articles[:CITED_BY_LIMIT]
            ),
        )
        more = (
            format_html("<li>… and more ({} shown)</li>", CITED_BY_LIMIT)
            if len(articles) > CITED_BY_LIMIT
            else ""
        )
        return format_html("<ul>{}{}</ul>", items, more)

    @admin.display(description="Linked article")
    def linked_article_link(self, source: Source) -> SafeString:
        if source.linked_article_id is None:
            return format_html("{}", "Not in this database.")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[source.linked_article_id]),
            source.linked_article.title,
        )


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    form = OutletAdminForm
    list_display = ["name", "url", "article_count", "source_count"]
    search_fields = ["name"]
    ordering = ["name"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                article_count=subquery_count(Article.objects.filter(outlet=OuterRef("pk"))),
                source_count=subquery_count(Source.objects.filter(outlet=OuterRef("pk"))),
            )
        )

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, outlet: Outlet) -> int:
        return outlet.article_count

    @admin.display(description="Sources", ordering="source_count")
    def source_count(self, outlet: Outlet) -> int:
        return outlet.source_count
