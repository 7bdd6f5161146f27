"""Where editors review claims: verdicts one at a time or in bulk, evidence inline, history."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from claims.forms import ClaimAdminForm, VerdictActionForm
from claims.models import Claim, Evidence
from claims.services import claim_set_verdict, claims_set_verdict
from factcheck.admin import (
    BoundedRelatedFieldListFilter,
    EstimatedCountPaginator,
    LabelledHistoryAdmin,
    subquery_count,
)
from sources.models import Source

# The intermediate page of a bulk verdict lists this many of the selected claims.
VERDICT_PAGE_SAMPLE = 50


class ArticleListFilter(BoundedRelatedFieldListFilter):
    # Titles only: an article row carries its whole body.
    label_fields = ("title",)


class HasEvidenceFilter(admin.SimpleListFilter):
    title = "evidence"
    parameter_name = "has_evidence"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", "Has evidence"), ("no", "No evidence")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        has_evidence = Exists(Evidence.objects.filter(claim=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(has_evidence)
        if self.value() == "no":
            return queryset.filter(~has_evidence)
        return queryset


class ReviewedFilter(admin.SimpleListFilter):
    title = "reviewed"
    parameter_name = "reviewed"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", "Has a verdict"), ("no", "Needs review")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.reviewed()
        if self.value() == "no":
            return queryset.needs_review()
        return queryset


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = ["source", "stance", "quote", "added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]
    autocomplete_fields = ["source"]
    extra = 1

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("source__outlet", "added_by")

    def formfield_for_foreignkey(
        self, db_field, request: HttpRequest, **kwargs
    ) -> ModelChoiceField:
        if db_field.name == "source":
            # The autocomplete widget renders each row's chosen source by its outlet too.
            kwargs["queryset"] = Source.objects.select_related("outlet")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Claim)
class ClaimAdmin(LabelledHistoryAdmin):
    form = ClaimAdminForm
    list_display = [
        "short_text",
        "status_badge",
        "article_column",
        "evidence_count",
        "reviewed_by",
        "reviewed_at",
    ]
    list_display_links = ["short_text"]
    # Articles and outlets can run to thousands: those filters list all choices only while
    # there are few, and otherwise just the active one (reached from a row's article link).
    list_filter = [
        "status",
        ReviewedFilter,
        HasEvidenceFilter,
        ("article", ArticleListFilter),
        ("article__outlet", BoundedRelatedFieldListFilter),
    ]
    search_fields = ["text", "article__title"]
    list_select_related = ["article", "article__outlet", "reviewed_by"]
    # Newest imports first, sentences in reading order; served by the (article, ordinal) index
    # where ordering by "article" would sort the whole table by the article's date.
    ordering = ["-article_id", "ordinal"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    list_per_page = 50
    autocomplete_fields = ["related_claims"]
    readonly_fields = ["article_link", "sentence_in_paragraph", "reviewed_by", "reviewed_at"]
    fieldsets = [
        (None, {"fields": ["article_link", "sentence_in_paragraph"]}),
        ("Verdict", {"fields": ["status", "reason", "reviewed_by", "reviewed_at"]}),
        ("The same fact elsewhere", {"fields": ["related_claims"]}),
    ]
    inlines = [EvidenceInline]
    actions = [
        "mark_supported",
        "mark_contested",
        "mark_false",
        "mark_unverifiable",
        "mark_not_a_claim",
        "reset_to_unreviewed",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("article", "article__outlet", "reviewed_by")
            # A list row needs the article's title, not its body.
            .defer("search_vector", "article__body", "article__metadata")
            .annotate(evidence_count=subquery_count(Evidence.objects.filter(claim=OuterRef("pk"))))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Claims are the sentences of imported articles; only an import creates them.
        return False

    @admin.display(description="Sentence", ordering="ordinal")
    def short_text(self, claim: Claim) -> str:
        return Truncator(claim.text).chars(110)

    @admin.display(description="Status", ordering="status")
    def status_badge(self, claim: Claim) -> SafeString:
        # Colours in static/css/admin.css: the Content-Security-Policy refuses style="".
        return format_html(
            '<span class="status-badge status-{}">{}</span>',
            claim.status,
            claim.get_status_display(),
        )

    @admin.display(description="Article", ordering="article_id")
    def article_column(self, claim: Claim) -> SafeString:
        return format_html(
            '<a href="?article__id__exact={}" title="Show only the claims of this article">{}</a>',
            claim.article_id,
            Truncator(claim.article.title).chars(60),
        )

    @admin.display(description="Evidence", ordering="evidence_count")
    def evidence_count(self, claim: Claim) -> int:
        return claim.evidence_count

    @admin.display(description="Article")
    def article_link(self, claim: Claim) -> SafeString:
        article = claim.article
        return format_html(
            '<a href="{}">{}</a> — {} {}',
            reverse("admin:articles_article_change", args=[article.pk]),
            article.title,
            article.outlet or "no outlet",
            article.published_on or "",
        )

    @admin.display(description="Sentence in its paragraph")
    def sentence_in_paragraph(self, claim: Claim) -> SafeString:
        body = claim.article.body
        if not (0 <= claim.start < claim.end <= len(body)):
            # Offsets outside the body (a broken import) must not hide the sentence itself.
            return format_html("<mark>{}</mark>", claim.text)
        paragraph_start = body.rfind("\n\n", 0, claim.start)
        paragraph_start = 0 if paragraph_start == -1 else paragraph_start + 2
        paragraph_end = body.find("\n\n", claim.end)
        paragraph_end = len(body) if paragraph_end == -1 else paragraph_end
        return format_html(
            '<div class="body-text">{}<mark>{}</mark>{}</div>',
            body[paragraph_start : claim.start],
            body[claim.start : claim.end],
            body[claim.end : paragraph_end],
        )

    def save_model(
        self, request: HttpRequest, obj: Claim, form: ClaimAdminForm, change: bool
    ) -> None:
        # Compared with the stored row rather than form.changed_data: the history page's
        # "revert" form starts from the old values, so there the form sees no change.
        stored = Claim.objects.filter(pk=obj.pk).values("status", "reason").first()
        if stored != {"status": obj.status, "reason": obj.reason}:
            claim_set_verdict(
                claim=obj,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        # Otherwise nothing to save: related claims are saved with the form's many-to-many
        # data, and saving an unchanged claim would add an empty history row.

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is not Evidence:
            super().save_formset(request, form, formset, change)
            return
        evidence_rows = formset.save(commit=False)
        for evidence in formset.deleted_objects:
            evidence._history_user = request.user
            evidence.delete()
        for evidence in evidence_rows:
            if evidence.pk is None:
                evidence.added_by = request.user
            evidence._history_user = request.user
            evidence.save()
        formset.save_m2m()

    @admin.action(description="Mark supported", permissions=["change"])
    def mark_supported(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        return self._verdict_action(request, queryset, Claim.Status.SUPPORTED)

    @admin.action(description="Mark contested", permissions=["change"])
    def mark_contested(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        return self._verdict_action(request, queryset, Claim.Status.CONTESTED)

    @admin.action(description="Mark false", permissions=["change"])
    def mark_false(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        return self._verdict_action(request, queryset, Claim.Status.FALSE)

    @admin.action(description="Mark unverifiable", permissions=["change"])
    def mark_unverifiable(
        self, request: HttpRequest, queryset: QuerySet
    ) -> TemplateResponse | None:
        return self._verdict_action(request, queryset, Claim.Status.UNVERIFIABLE)

    @admin.action(description="Mark not a claim", permissions=["change"])
    def mark_not_a_claim(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        return self._verdict_action(request, queryset, Claim.Status.NOT_A_CLAIM)

    @admin.action(description="Reset to unreviewed", permissions=["change"])
    def reset_to_unreviewed(
        self, request: HttpRequest, queryset: QuerySet
    ) -> TemplateResponse | None:
        return self._verdict_action(request, queryset, Claim.Status.UNREVIEWED)

    def _verdict_action(
        self, request: HttpRequest, queryset: QuerySet, status: str
    ) -> TemplateResponse | None:
        """First call shows the reason form; its submission (with "apply") gives the verdict."""
        form = VerdictActionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                changed = claims_set_verdict(
                    claims=queryset,
                    status=status,
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error("reason", error.messages)
            else:
                noun = "claim" if changed == 1 else "claims"
                if status == Claim.Status.UNREVIEWED:
                    message = f"Reset {changed} {noun} to unreviewed."
                else:
                    message = f"Marked {changed} {noun} “{Claim.Status(status).label}”."
                self.message_user(request, message, messages.SUCCESS)
                # None sends the editor back to the list, filters kept.
                return None
        total = queryset.count()
        context = {
            **self.admin_site.each_context(request),
            "title": (
                "Reset claims to unreviewed"
                if status == Claim.Status.UNREVIEWED
                else f"Mark claims “{Claim.Status(status).label}”"
            ),
            "opts": self.opts,
            "form": form,
            "status": Claim.Status(status),
            "claims": list(queryset[:VERDICT_PAGE_SAMPLE]),
            "total": total,
            "not_listed": max(0, total - VERDICT_PAGE_SAMPLE),
            "action": request.POST.get("action", ""),
            "selected_ids": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/claims/claim/verdict_action.html", context)


@admin.register(Evidence)
class EvidenceAdmin(LabelledHistoryAdmin):
    list_display = ["claim", "source", "stance", "added_by", "added_at"]
    list_filter = ["stance"]
    list_select_related = ["claim", "source", "source__outlet", "added_by"]
    search_fields = ["claim__text", "source__title"]
    autocomplete_fields = ["claim", "source"]
    readonly_fields = ["added_by", "added_at"]
    # Newest first by primary key, an index scan; the model's ordering sorts through claims.
    ordering = ["-id"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator

    def save_model(self, request: HttpRequest, obj: Evidence, form, change: bool) -> None:
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)
