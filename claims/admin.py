"""Where editors review claims: verdicts one at a time or in bulk, evidence inline, history.

Every save of a claim's page is checked against the version of the claim it was loaded with
(claims.forms.LoadedVersionMixin): a stale page is refused with the other editor's changes
shown, never saved over them. The review desk (claims/desk/) is the fast path through a queue.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.forms import BaseInlineFormSet, ModelChoiceField
from django.forms.utils import ErrorDict
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

from claims.evidence import evidence_add, evidence_change, evidence_quote_checks, evidence_remove
from claims.forms import ClaimAdminForm, EvidenceInlineForm, VerdictActionForm, versions_encode
from claims.links import claim_link, claim_unlink, linked_claims
from claims.models import Claim, ClaimLink, Evidence, LinkSuggestion
from claims.search import search_configs_in_use, search_query
from claims.services import (
    BULK_MAX_CLAIMS,
    ClaimChanged,
    claim_lock,
    claim_set_verdict,
    claim_touch,
    claims_set_verdict,
)
from claims.similarity import claim_suggestions
from claims.support import claim_cited_support
from claims.timeline import claim_timeline
from claims.wording import shared_words
from factcheck.admin import (
    BoundedRelatedFieldListFilter,
    CappedCountPaginator,
    EstimatedCountPaginator,
    LabelledHistoryAdmin,
)
from sources.models import Source

# A search also finds the claims of the articles whose title contains the term: the newest
# this many of them (a word in thousands of titles is a search of the sentences anyway).
ARTICLES_MATCHED_BY_TITLE = 200
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


class InArticleFilter(admin.SimpleListFilter):
    """Claims whose sentence a re-import removed are kept, withdrawn, with their work."""

    title = "in the article"
    parameter_name = "in_article"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", "In the article now"), ("withdrawn", "Withdrawn (sentence gone)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.current()
        if self.value() == "withdrawn":
            return queryset.withdrawn()
        return queryset


class NeedsCitationFilter(admin.SimpleListFilter):
    title = "citation"
    parameter_name = "needs_citation"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", "Needs a citation")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.needs_citation()
        return queryset


class KnownSourceSelect(AutocompleteSelect):
    """The autocomplete widget, labelling a row's chosen source from the row itself.

    Django's widget looks each row's choice up again (one query per evidence row); the inline
    loads the rows with their sources and outlets, so the labels are already at hand.
    """

    known: dict[str, str] = {}

    def optgroups(self, name: str, value: list, attr=None) -> list:
        selected = {str(item) for item in value if item not in (None, "")}
        if not selected or not selected <= self.known.keys():
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for item in sorted(selected):
            options.append(self.create_option(name, item, self.known[item], selected, len(options)))
        return [(None, options, 0)]


class EvidenceFormSet(BaseInlineFormSet):
    """Evidence rows with their sources' labels and quote checks worked out once for all.

    A row of the editor's page that another editor has removed since is named as such, once,
    instead of the field errors of a row that no longer exists.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        rows = [form.instance for form in self.initial_forms if form.instance.pk is not None]
        evidence_quote_checks(rows)
        for form in self.initial_forms:
            if form.instance.pk is None:
                continue
            widget = form.fields["source"].widget
            widget = getattr(widget, "widget", widget)
            widget.known = {str(form.instance.source_id): str(form.instance.source)}

    def _construct_form(self, i: int, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.is_bound and i < self.initial_form_count() and form.instance.pk is None:
            form.full_clean = lambda: _vanished(form)
        return form


def _vanished(form) -> None:
    form._errors = ErrorDict()
    form.cleaned_data = {}
    form.add_error(
        None,
        "Another editor removed this evidence after you opened the page; it is not saved "
        "again. Add it anew if it should stay.",
    )


class EvidenceInline(admin.TabularInline):
    """The claim's evidence, one compact row each. "Remove" deletes the link, never the source
    (the related-object buttons, whose ✕ deleted the source record, are off)."""

    model = Evidence
    form = EvidenceInlineForm
    formset = EvidenceFormSet
    fields = ["source", "stance", "quote", "quote_status", "added"]
    readonly_fields = ["quote_status", "added"]
    autocomplete_fields = ["source"]
    extra = 1
    classes = ["evidence-inline"]
    template = "admin/claims/claim/evidence_inline.html"
    verbose_name = "evidence"
    verbose_name_plural = "evidence (remove deletes the link, never the source)"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("source__outlet", "added_by")
            .defer("source__fingerprint")
        )

    def formfield_for_foreignkey(
        self, db_field, request: HttpRequest, **kwargs
    ) -> ModelChoiceField:
        if db_field.name == "source":
            # The autocomplete widget renders each row's chosen source by its outlet too.
            kwargs["queryset"] = Source.objects.select_related("outlet")
            kwargs["widget"] = KnownSourceSelect(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "source" and hasattr(field.widget, "can_delete_related"):
            # No add / change / delete / view buttons beside the box: they act on the source
            # record itself, and the delete one looked like "remove this evidence".
            field.widget.can_add_related = False
            field.widget.can_change_related = False
            field.widget.can_delete_related = False
            field.widget.can_view_related = False
        return field

    @admin.display(description="Quote check")
    def quote_status(self, evidence: Evidence) -> SafeString | str:
        result = getattr(evidence, "quote_result", None)
        if result is None or not result.status:
            return "—"
        return format_html(
            '<span class="quote-check quote-{}">{}</span>', result.status, result.message
        )

    @admin.display(description="Added")
    def added(self, evidence: Evidence) -> SafeString | str:
        if evidence.pk is None:
            return ""
        who = editor_name(evidence.added_by) if evidence.added_by_id else "the import"
        return format_html(
            "{}<br>{}", who, timezone.localtime(evidence.added_at).strftime("%-d %b %Y %H:%M")
        )


def editor_name(user) -> str:
    """An editor as other editors know them: full name and login, as plain text (the user
    pages are not theirs to open)."""
    if user is None:
        return "(not recorded)"
    full_name = user.get_full_name().strip()
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


@admin.register(Claim)
class ClaimAdmin(LabelledHistoryAdmin):
    form = ClaimAdminForm
    list_display = [
        "short_text",
        "status_badge",
        "article_column",
        "evidence_count",
        "reviewer",
        "reviewed_when",
    ]
    list_display_links = ["short_text"]
    # Articles and outlets can run to thousands: those filters list all choices only while
    # there are few, and otherwise just the active one (reached from a row's article link).
    list_filter = [
        "status",
        ReviewedFilter,
        HasEvidenceFilter,
        NeedsCitationFilter,
        InArticleFilter,
        ("article", ArticleListFilter),
        ("article__outlet", BoundedRelatedFieldListFilter),
    ]
    # Searched by get_search_results: the sentence through its full-text index, the article
    # title through its trigram index, a number as the claim's id. Never ILIKE over claims.
    search_fields = ["text"]
    search_help_text = (
        'Words of the sentence (several words, "a phrase", -word), an article title, or a '
        "claim number."
    )
    list_select_related = ["article", "article__outlet", "reviewed_by"]
    # Newest imports first, sentences in reading order; served by the (article, ordinal) index
    # where ordering by "article" would sort the whole table by the article's date.
    ordering = ["-article_id", "ordinal"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator
    list_per_page = 50
    readonly_fields = [
        "article_link",
        "sentence_in_paragraph",
        "reviewer",
        "reviewed_when",
        "withdrawn_note",
    ]
    fieldsets = [
        (None, {"fields": ["article_link", "withdrawn_note", "sentence_in_paragraph"]}),
        (
            "Verdict",
            {
                "fields": [
                    "status",
                    "reason",
                    "reviewer",
                    "reviewed_when",
                    "loaded_version",
                    "loaded_at",
                ]
            },
        ),
    ]
    inlines = [EvidenceInline]
    change_form_template = "admin/claims/claim/change_form.html"
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
            # evidence_count is a stored counter (kept by triggers): no count per row.
        )

    def get_object(self, request: HttpRequest, object_id: str, from_field=None) -> Claim | None:
        # The change page shows the sentence in its paragraph: its one article body is needed.
        if not str(object_id).isdigit() or len(str(object_id)) > 18:
            return None
        # change_view reads it for the panels before Django's view reads it for the form: once
        # per request is enough (a POST still locks and re-reads the row in the form's clean).
        cached = getattr(request, "_claim_for_page", None)
        if cached is not None and cached.pk == int(object_id):
            return cached
        claim = (
            Claim.objects.select_related("article__outlet", "reviewed_by")
            .defer("search_vector", "article__metadata")
            .filter(pk=int(object_id))
            .first()
        )
        request._claim_for_page = claim
        return claim

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """The sentence's words by its full-text index (`websearch` syntax, every language's
        stemming), an article's title by its trigram index, or a claim by its number."""
        from articles.models import Article

        term = search_term.strip()[:200]
        if not term:
            return queryset, False
        number = term.removeprefix("#")
        if number.isdigit() and len(number) < 19:
            return queryset.filter(pk=int(number)), False
        # The index finds the claims matching the term in any configuration in use; each is
        # then held to the term as its own language parses it (else "militia -spokesman" would
        # match where some other language stems "spokesman" differently).
        condition = Q(search_vector=search_query(term, configs=search_configs_in_use())) & Q(
            search_vector=SearchQuery(term, search_type="websearch", config=F("search_config"))
        )
        # Ids, not a subquery: `article_id = ANY(…)` joins the full-text match in one bitmap
        # OR of the two indexes, where `IN (SELECT …)` would send the planner through every
        # claim. The titles are matched off the articles' trigram index.
        article_ids = list(
            Article.objects.filter(title__icontains=term)
            .order_by("-pk")
            .values_list("pk", flat=True)[:ARTICLES_MATCHED_BY_TITLE]
        )
        if article_ids:
            condition |= Q(article_id__in=article_ids)
        return queryset.filter(condition), False

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if not request.GET.get("q", "").strip():
            return super().changelist_view(request, extra_context)
        # A search: PostgreSQL misjudges how many claims an OR of tsqueries (or a phrase)
        # matches, and reads the whole table for the count where the full-text index answers in
        # a fraction of the time. For this page's transaction only, it is told to use indexes.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()
            return response

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Claims are the sentences of imported articles; only an import creates them.
        return False

    def get_urls(self) -> list:
        from claims import desk

        wrap = self.admin_site.admin_view
        return [
            *desk.urls(self.admin_site),
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
            extra_context["desk_url"] = reverse("admin:claims_desk_claim", args=[claim.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(
        self, request: HttpRequest, context: dict, add=False, change=False, form_url="", obj=None
    ) -> HttpResponse:
        form = context["adminform"].form
        context["conflict"] = getattr(form, "conflict", None)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        """One timeline: verdicts, reasons, evidence and links, who, when, old → new."""
        claim = self.get_object(request, object_id)
        if claim is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, claim):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {claim}",
            "subtitle": None,
            "opts": self.opts,
            "original": claim,
            "object": claim,
            "timeline": claim_timeline(claim),
            "can_revert": self.has_change_permission(request, claim),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/claims/claim/timeline.html", context)

    def history_form_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        # simple-history's revert page runs outside a transaction; the form locks the claim.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

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
        text = Truncator(claim.text).chars(160)
        return f"[withdrawn] {text}" if claim.withdrawn_at else text

    @admin.display(description="Status", ordering="status")
    def status_badge(self, claim: Claim) -> SafeString:
        return verdict_badge(claim.status)

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

    @admin.display(description="Reviewed by", ordering="reviewed_by")
    def reviewer(self, claim: Claim) -> str:
        return editor_name(claim.reviewed_by) if claim.reviewed_by_id else "—"

    @admin.display(description="Reviewed", ordering="reviewed_at")
    def reviewed_when(self, claim: Claim) -> str:
        if claim.reviewed_at is None:
            return "—"
        return timezone.localtime(claim.reviewed_at).strftime("%-d %b %Y %H:%M")

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

    @admin.display(description="In the article")
    def withdrawn_note(self, claim: Claim) -> str:
        if claim.withdrawn_at is None:
            return "Yes"
        when = timezone.localtime(claim.withdrawn_at).strftime("%-d %b %Y %H:%M")
        return (
            f"No: a re-import on {when} found this sentence gone from the article. The claim "
            "keeps its verdict, evidence and history."
        )

    @admin.display(description="Sentence in its paragraph")
    def sentence_in_paragraph(self, claim: Claim) -> SafeString:
        body = claim.article.body
        if claim.withdrawn_at or not (0 <= claim.start < claim.end <= len(body)):
            # Offsets outside the body (a broken import, a withdrawn sentence) must not hide
            # the sentence itself.
            return format_html('<div class="body-text"><mark>{}</mark></div>', claim.text)
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
        # claim_set_verdict compares with the stored row (not form.changed_data: the history
        # page's "revert" form starts from the old values, so there the form sees no change)
        # and writes nothing when nothing changed. The form's clean() holds the claim's lock.
        claim_set_verdict(
            claim=obj,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            user=request.user,
        )

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is not Evidence:
            super().save_formset(request, form, formset, change)
            return
        # Through claims.evidence, which records the editor and counts each change as one of
        # the claim's; the admin's change message reads these three lists.
        claim = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.initial_forms:
            evidence = inline_form.instance
            if inline_form in formset.deleted_forms:
                evidence_remove(evidence=evidence, user=request.user)
                formset.deleted_objects.append(evidence)
            elif "source" in inline_form.changed_data:
                # Another source is another piece of evidence: the old link goes, a new one
                # is made, and both show in the timeline.
                evidence_remove(evidence=Evidence.objects.get(pk=evidence.pk), user=request.user)
                formset.new_objects.append(_add_from_form(claim, inline_form, request.user))
            elif inline_form.has_changed():
                evidence_change(
                    evidence=evidence,
                    stance=inline_form.cleaned_data["stance"],
                    quote=inline_form.cleaned_data.get("quote", ""),
                    user=request.user,
                )
                formset.changed_objects.append((evidence, inline_form.changed_data))
        for inline_form in formset.extra_forms:
            if not inline_form.has_changed() or inline_form in formset.deleted_forms:
                continue
            formset.new_objects.append(_add_from_form(claim, inline_form, request.user))

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
        """First call shows the reason form with every selected claim's version; its
        submission ("apply") gives the verdict, unless a claim changed in between."""
        form = VerdictActionForm(request.POST if "apply" in request.POST else None)
        changed_claims: list[Claim] = []
        if form.is_valid():
            try:
                changed = claims_set_verdict(
                    claims=queryset,
                    status=status,
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                    expected_versions=form.cleaned_data["versions"],
                )
            except ValidationError as error:
                form.add_error("reason", error.messages)
            except ClaimChanged as conflict:
                changed_claims = conflict.claims
                form.add_error(None, str(conflict))
            else:
                noun = "claim" if changed == 1 else "claims"
                if status == Claim.Status.UNREVIEWED:
                    message = f"Reset {changed} {noun} to unreviewed."
                else:
                    message = f"Marked {changed} {noun} “{Claim.Status(status).label}”."
                self.message_user(request, message, messages.SUCCESS)
                # None sends the editor back to the list, filters kept.
                return None
        versions = dict(queryset.order_by().values_list("pk", "version")[: BULK_MAX_CLAIMS + 1])
        if len(versions) > BULK_MAX_CLAIMS:
            self.message_user(
                request,
                f"A bulk verdict covers at most {BULK_MAX_CLAIMS:,} claims at once, each with "
                "the same reason: narrow the filter, or review them on the desk.",
                messages.ERROR,
            )
            return None
        # The next confirmation is made against the claims as they are now.
        form.data = form.data.copy() if form.is_bound else form.data
        if form.is_bound:
            form.data["versions"] = versions_encode(versions)
        else:
            form.initial["versions"] = versions_encode(versions)
        total = len(versions)
        changed_ids = {claim.pk for claim in changed_claims}
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
            "claims": _sample_with_changed_first(queryset, changed_ids),
            "changed_ids": changed_ids,
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


def _add_from_form(claim: Claim, inline_form, user) -> Evidence:
    return evidence_add(
        claim=claim,
        source=inline_form.cleaned_data["source"],
        stance=inline_form.cleaned_data["stance"],
        quote=inline_form.cleaned_data.get("quote", ""),
        user=user,
    )


def _sample_with_changed_first(queryset: QuerySet, changed_ids: set[int]) -> list[Claim]:
    """The claims the confirmation page lists: those that changed meanwhile first."""
    base = queryset.select_related("reviewed_by")
    changed = list(base.filter(pk__in=changed_ids)[:VERDICT_PAGE_SAMPLE])
    rest = list(base.exclude(pk__in=changed_ids)[: VERDICT_PAGE_SAMPLE - len(changed)])
    return changed + rest


def verdict_badge(status: str) -> SafeString:
    # Colours in static/css/admin.css, the public site's, readable in light and dark mode: the
    # Content-Security-Policy refuses style="".
    try:
        label = Claim.Status(status).label
    except ValueError:
        label = status
    return format_html('<span class="status-badge status-{}">{}</span>', status, label)


# How many stored suggestions the review list shows: the best ones; the rest wait their turn.
LINK_SUGGESTIONS_SHOWN = 100
# The one-click buttons next to a suggestion; "elaborates" needs a direction, so it is made in
# the claim link form.
LINK_BUTTON_KINDS = [ClaimLink.Kind.SAME, ClaimLink.Kind.CONTRADICTS]


def claim_panels_context(
    request: HttpRequest, claim: Claim, *, evidence: list[Evidence] | None = None
) -> dict:
    """What the "Linked claims", "Similar claims" and "What the cited source says" panels
    render; reusable by any page. `evidence`: the claim's, loaded with sources and their
    articles, when the page has it (one query fewer)."""
    return {
        "panel_claim": claim,
        "claim_links": linked_claims(claim),
        "suggestions": claim_suggestions(claim=claim),
        "cited_support": claim_cited_support(claim, evidence=evidence),
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

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class EvidenceForm(form):
            def clean(self) -> dict:
                cleaned_data = super().clean()
                claim = cleaned_data.get("claim") or getattr(self.instance, "claim", None)
                if claim is not None:
                    # Saves of one claim's evidence take turns, so the uniqueness check below
                    # sees a row another editor has just added (a form error, not a crash).
                    claim_lock(claim.pk)
                return cleaned_data

        return EvidenceForm

    def changeform_view(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with transaction.atomic():
            return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request: HttpRequest, obj: Evidence, form, change: bool) -> None:
        if not change:
            obj.added_by = request.user
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
        previous_claim = form.initial.get("claim") if "claim" in form.changed_data else None
        claim_touch([obj.claim_id, *([previous_claim] if previous_claim else [])])

    def delete_model(self, request: HttpRequest, obj: Evidence) -> None:
        evidence_remove(evidence=obj, user=request.user)
