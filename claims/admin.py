"""Where editors review claims: verdicts one at a time or in bulk, evidence inline, history."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from claims.forms import ClaimAdminForm, VerdictActionForm
from claims.links import claim_link, claim_unlink, linked_claims
from claims.models import Claim, ClaimLink, Evidence, LinkSuggestion
from claims.services import claim_set_verdict, claims_set_verdict
from claims.similarity import claim_suggestions
from claims.support import claim_cited_support
from claims.wording import shared_words
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
    readonly_fields = ["article_link", "sentence_in_paragraph", "reviewed_by", "reviewed_at"]
    fieldsets = [
        (None, {"fields": ["article_link", "sentence_in_paragraph"]}),
        ("Verdict", {"fields": ["status", "reason", "reviewed_by", "reviewed_at"]}),
    ]
    inlines = [EvidenceInline]
    change_form_template = "admin/claims/claim/change_form.html"
    object_history_template = "admin/claims/claim/object_history.html"
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

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("<int:claim_id>/link/", wrap(claim_link_view), name="claims_claim_link"),
            path(
                "<int:claim_id>/unlink/<int:link_id>/",
                wrap(claim_unlink_view),
                name="claims_claim_unlink",
            ),
            path(
                "link-suggestions/",
                wrap(self.link_suggestions_view),
                name="claims_claim_link_suggestions",
            ),
            path(
                "link-suggestions/<int:suggestion_id>/dismiss/",
                wrap(link_suggestion_dismiss_view),
                name="claims_claim_link_suggestion_dismiss",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        claim = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if claim is not None:
            extra_context.update(claim_panels_context(request, claim))
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        # A claim's links are part of its history: who linked or unlinked what, and when.
        extra_context = extra_context or {}
        if str(object_id).isdigit():
            claim_id = int(object_id)
            extra_context["link_history"] = (
                ClaimLink.history.filter(Q(from_claim_id=claim_id) | Q(to_claim_id=claim_id))
                .select_related("history_user")
                .order_by("-history_date", "-history_id")[:200]
            )
            extra_context["history_claim_id"] = claim_id
        return super().history_view(request, object_id, extra_context)

    def link_suggestions_view(self, request: HttpRequest) -> TemplateResponse:
        """The best open cross-article pairs that suggest_links stored, for one-click links."""
        if not request.user.has_perm("claims.view_claimlink"):
            raise PermissionDenied
        suggestions = list(
            LinkSuggestion.objects.open()
            .best_first()
            .select_related("first_claim__article__outlet", "second_claim__article__outlet")
            .defer(
                "first_claim__search_vector",
                "first_claim__article__body",
                "first_claim__article__metadata",
                "second_claim__search_vector",
                "second_claim__article__body",
                "second_claim__article__metadata",
            )[:LINK_SUGGESTIONS_SHOWN]
        )
        for suggestion in suggestions:
            suggestion.overlap = shared_words(
                suggestion.first_claim.text, suggestion.second_claim.text
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Link suggestions",
            "opts": self.opts,
            "suggestions": suggestions,
            "kinds": LINK_BUTTON_KINDS,
            "can_link": request.user.has_perm("claims.add_claimlink"),
            "return_url": request.get_full_path(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/claims/claim/link_suggestions.html", context)

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


# How many stored suggestions the review list shows: the best ones; the rest wait their turn.
LINK_SUGGESTIONS_SHOWN = 100
# The one-click buttons next to a suggestion; "elaborates" needs a direction, so it is made in
# the claim link form.
LINK_BUTTON_KINDS = [ClaimLink.Kind.SAME, ClaimLink.Kind.CONTRADICTS]


def claim_panels_context(request: HttpRequest, claim: Claim) -> dict:
    """What the "Linked claims" and "Similar claims" panels render; reusable by any page."""
    return {
        "panel_claim": claim,
        "claim_links": linked_claims(claim),
        "suggestions": claim_suggestions(claim=claim),
        "cited_support": claim_cited_support(claim),
        "kinds": LINK_BUTTON_KINDS,
        "all_kinds": ClaimLink.Kind,
        "can_link": request.user.has_perm("claims.add_claimlink"),
        "can_unlink": request.user.has_perm("claims.delete_claimlink"),
        "return_url": request.get_full_path(),
    }


def _back(request: HttpRequest, claim_id: int) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:claims_claim_change", args=[claim_id])
    return HttpResponseRedirect(target)


@require_POST
def claim_link_view(request: HttpRequest, claim_id: int) -> HttpResponseRedirect:
    """One-click link from a panel: POST other=<claim id>, kind, optional note and next."""
    if not request.user.has_perm("claims.add_claimlink"):
        raise PermissionDenied
    claim = get_object_or_404(Claim.objects.select_related("article"), pk=claim_id)
    other_id = request.POST.get("other", "")
    other = (
        Claim.objects.select_related("article").filter(pk=int(other_id)).first()
        if other_id.isdigit() and len(other_id) < 19
        else None
    )
    if other is None:
        messages.error(request, "There is no claim to link to: the link was not made.")
        return _back(request, claim_id)
    try:
        link = claim_link(
            claim=claim,
            other=other,
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
            user=request.user,
            replace=request.POST.get("replace") == "1",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Linked: “{Truncator(claim.text).chars(60)}” {link.label_from(claim).lower()} "
            f"“{Truncator(other.text).chars(60)}”.",
        )
    return _back(request, claim_id)


@require_POST
def claim_unlink_view(request: HttpRequest, claim_id: int, link_id: int) -> HttpResponseRedirect:
    if not request.user.has_perm("claims.delete_claimlink"):
        raise PermissionDenied
    link = ClaimLink.objects.touching(claim_id).filter(pk=link_id).first()
    if link is None:
        messages.warning(request, "That link no longer exists; someone may have removed it.")
    else:
        claim_unlink(link=link, user=request.user)
        messages.success(request, "Link removed; it stays in both claims' history.")
    return _back(request, claim_id)


@require_POST
def link_suggestion_dismiss_view(request: HttpRequest, suggestion_id: int) -> HttpResponseRedirect:
    if not request.user.has_perm("claims.add_claimlink"):
        raise PermissionDenied
    updated = LinkSuggestion.objects.filter(pk=suggestion_id, dismissed_at__isnull=True).update(
        dismissed_by=request.user, dismissed_at=timezone.now()
    )
    if updated:
        messages.success(request, "Suggestion dismissed; suggest_links will not offer it again.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:claims_claim_link_suggestions")
    return HttpResponseRedirect(target)


@admin.register(ClaimLink)
class ClaimLinkAdmin(LabelledHistoryAdmin):
    list_display = ["from_claim", "kind", "to_claim", "linked_by", "linked_at"]
    list_filter = ["kind"]
    list_select_related = ["from_claim", "to_claim", "linked_by"]
    search_fields = ["from_claim__text", "to_claim__text", "note"]
    autocomplete_fields = ["from_claim", "to_claim"]
    readonly_fields = ["linked_by", "linked_at"]
    fields = ["from_claim", "kind", "to_claim", "note", "linked_by", "linked_at"]
    ordering = ["-id"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator

    def get_readonly_fields(self, request: HttpRequest, obj: ClaimLink | None = None) -> list:
        # A link's ends are what it is; to link other claims, make another link.
        if obj is not None:
            return ["from_claim", "to_claim", *self.readonly_fields]
        return self.readonly_fields

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class ClaimLinkForm(form):
            def clean(self) -> dict:
                cleaned_data = super().clean()
                first = cleaned_data.get("from_claim") or self.instance.from_claim
                second = cleaned_data.get("to_claim") or self.instance.to_claim
                if first is not None and second is not None:
                    if first.pk == second.pk:
                        raise ValidationError("A claim cannot be linked to itself.")
                    if first.article_id == second.article_id:
                        raise ValidationError(
                            "Links join sentences of different articles; both are in "
                            f"“{first.article}”."
                        )
                return cleaned_data

            def _post_clean(self) -> None:
                # Order and uniqueness are claim_link()'s business (symmetric kinds are stored
                # smaller id first), so the model's constraint checks wait for it.
                pass

        return ClaimLinkForm

    def save_model(self, request: HttpRequest, obj: ClaimLink, form, change: bool) -> None:
        try:
            saved = claim_link(
                claim=form.cleaned_data.get("from_claim") or obj.from_claim,
                other=form.cleaned_data.get("to_claim") or obj.to_claim,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data.get("note", ""),
                user=request.user,
                replace=change,
            )
        except ValidationError as error:
            raise PermissionDenied(" ".join(error.messages)) from error
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: ClaimLink) -> None:
        claim_unlink(link=obj, user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for link in queryset:
            claim_unlink(link=link, user=request.user)


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
