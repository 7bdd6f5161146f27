"""Articles in the admin: read-only records of what was imported, plus the upload page."""

import base64
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from articles.corrections import article_record_corrections, citation_resolve
from articles.forms import ArticleBatchUploadForm, ArticleUploadForm, batch_files
from articles.importer import ImportOutcome, article_import_file, file_content_hash
from articles.models import Article, Citation, Contributor, ImportBatch, ImportFile, Reference
from articles.publication import articles_set_publication
from claims.models import Claim
from factcheck.admin import BoundedRelatedFieldListFilter, EstimatedCountPaginator, subquery_count

IMPORTED_FIELDS = [
    "title",
    "kicker",
    "standfirst",
    "outlet",
    "published_on",
    "url",
    "source_file_name",
    "content_hash",
    "imported_at",
    "updated_at",
    "corrected_fields",
    "metadata",
]


# The file of an upload that waits for the editor's confirmation (it would withdraw reviewed
# claims), in the session: confirming it does not need the file again.
PENDING_UPLOAD_KEY = "articles_pending_upload"
# What the confirmation page says the update would do, from a rolled-back run of it.
PREVIEW_COUNTS = [
    ("claims_withdrawn", "claims withdrawn (kept with their verdicts and history)"),
    ("claims_carried", "claims carried to an edited sentence"),
    ("claims_updated", "claims moved or edited"),
    ("claims_created", "new claims"),
    ("claims_removed", "unreviewed claims removed"),
    ("claims_unchanged", "claims unchanged"),
    ("evidence_created", "cited evidence added"),
    ("evidence_removed", "cited evidence removed"),
]

# The correctable fields (see articles.corrections) that are columns of Article itself.
CORRECTABLE_MODEL_FIELDS = ["title", "outlet", "published_on", "url"]


class ReadOnlyInline(admin.TabularInline):
    """What the importer stored: shown, never edited here (a re-import replaces it)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return False


class ContributorInline(admin.TabularInline):
    """The byline: chief editors correct it here (contributor permissions), and a re-import
    then keeps their version."""

    model = Contributor
    fields = ["position", "role_label", "name", "role"]
    extra = 0


class ReferenceInline(ReadOnlyInline):
    model = Reference
    fields = ["label", "key", "raw_text", "source", "in_bibliography"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("source__outlet")


class CitationInline(ReadOnlyInline):
    model = Citation
    fields = ["position", "label", "reference", "source", "resolved_by", "start", "end"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("reference", "source__outlet", "resolved_by")
        )


class UnresolvedCitationForm(forms.ModelForm):
    class Meta:
        model = Citation
        fields = ["reference"]


class UnresolvedCitationFormSet(forms.BaseInlineFormSet):
    def _construct_form(self, i: int, **kwargs) -> forms.ModelForm:
        form = super()._construct_form(i, **kwargs)
        # The page's own article, whose body is loaded once: each row shows its context.
        form.instance.article = self.instance
        return form


class UnresolvedCitationInline(admin.TabularInline):
    """Markers the import could not resolve: pick the entry each one means.

    Only the unresolved ones are editable (there are few), so the page does not render a list
    of every reference for each of an article's thousand markers.
    """

    model = Citation
    form = UnresolvedCitationForm
    formset = UnresolvedCitationFormSet
    fields = ["position", "label", "context", "reference"]
    readonly_fields = ["position", "label", "context"]
    extra = 0
    can_delete = False
    verbose_name = "unresolved marker"
    verbose_name_plural = "unresolved markers (pick the reference each one points at)"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(reference__isnull=True)

    def has_add_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return request.user.has_perm("articles.change_article")

    def get_formset(self, request: HttpRequest, obj: Article | None = None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("reference")
        if field is not None and obj is not None:
            # The article's own entries, loaded once for every row's choice list.
            references = list(Reference.objects.filter(article=obj).order_by("position"))
            field.queryset = Reference.objects.filter(article=obj)
            field.choices = [("", "— not resolved —")] + [
                (reference.pk, str(reference)[:120]) for reference in references
            ]
            field.required = False
            field.widget.can_add_related = field.widget.can_change_related = False
            field.widget.can_delete_related = field.widget.can_view_related = False
        return formset

    @admin.display(description="In the text")
    def context(self, citation: Citation) -> str:
        body = citation.article.body
        before = body[max(0, citation.start - 80) : citation.start]
        return f"…{before}{body[citation.start : citation.end]}"


class ClaimInline(ReadOnlyInline):
    """The article's sentences with their verdicts; each links to its review page."""

    model = Claim
    # The sentence is each row's title, linked to its page where the full text is.
    fields = ["status", "reviewed_at"]
    show_change_link = True
    verbose_name_plural = "claims (open one to review it)"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "outlet",
        "published_on",
        "claim_count",
        "publication",
        "source_file_name",
        "updated_at",
    ]
    search_fields = ["title", "source_file_name"]
    list_filter = [("outlet", BoundedRelatedFieldListFilter), "publication", "published_on"]
    # Chief editors only (articles.publish_article): readers see published articles.
    actions = ["publish", "unpublish"]
    list_select_related = ["outlet"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    readonly_fields = [*IMPORTED_FIELDS, "body_paragraphs", "publication_state"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "kicker",
                    "standfirst",
                    "outlet",
                    "published_on",
                    "url",
                    "publication_state",
                ]
            },
        ),
        ("Text", {"fields": ["body_paragraphs"]}),
        (
            "Import",
            {
                "fields": [
                    "source_file_name",
                    "content_hash",
                    "imported_at",
                    "updated_at",
                    "corrected_fields",
                    "metadata",
                ],
                "classes": ["collapse"],
            },
        ),
    ]
    inlines = [
        ContributorInline,
        UnresolvedCitationInline,
        ClaimInline,
        ReferenceInline,
        CitationInline,
    ]
    autocomplete_fields = ["outlet"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            # The list and autocomplete need no bodies; the change page loads its one body.
            .defer("body", "metadata")
            .annotate(claim_count=subquery_count(Claim.objects.filter(article=OuterRef("pk"))))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Articles come from files: the upload page (or the import command) creates them.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        # Chief editors correct the metadata (title, outlet, date, URL, byline) and resolve
        # markers; everything else is what the file said, changed by a re-import.
        return request.user.has_perm("articles.change_article")

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        # Deleting an article would cascade to its reviewed claims: nobody does it here.
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Article | None = None) -> list[str]:
        readonly = super().get_readonly_fields(request, obj)
        if not self.has_change_permission(request, obj):
            return readonly
        return [field for field in readonly if field not in CORRECTABLE_MODEL_FIELDS]

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        corrected = [field for field in CORRECTABLE_MODEL_FIELDS if field in form.changed_data]
        if not corrected:
            return
        # Only the corrected columns: a stale page never writes back the body or anything an
        # import changed since it was loaded.
        obj.save(update_fields=corrected)
        article_record_corrections(article=obj, fields=corrected)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is Citation:
            for inline_form in formset.forms:
                if "reference" in inline_form.changed_data:
                    citation_resolve(
                        citation=inline_form.instance,
                        reference=inline_form.cleaned_data["reference"],
                        user=request.user,
                    )
            formset.new_objects, formset.deleted_objects = [], []
            formset.changed_objects = [
                (inline_form.instance, ["reference"])
                for inline_form in formset.forms
                if "reference" in inline_form.changed_data
            ]
            return
        super().save_formset(request, form, formset, change)
        if formset.model is Contributor and (
            formset.new_objects or formset.changed_objects or formset.deleted_objects
        ):
            article_record_corrections(article=form.instance, fields=["byline"])

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("articles.publish_article")

    @admin.action(description="Publish: readers see them", permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        changed = articles_set_publication(
            articles=queryset, publication=Article.Publication.PUBLISHED, user=request.user
        )
        self.message_user(request, f"Published {changed} article(s).", messages.SUCCESS)

    @admin.action(
        description="Unpublish: hide them and their claims from readers", permissions=["publish"]
    )
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
        changed = articles_set_publication(
            articles=queryset, publication=Article.Publication.UNPUBLISHED, user=request.user
        )
        self.message_user(
            request,
            f"Unpublished {changed} article(s): their pages, claims, feeds and exports are "
            "hidden from readers; every review is kept.",
            messages.SUCCESS,
        )

    @admin.display(description="Readers")
    def publication_state(self, article: Article) -> str:
        state = article.get_publication_display()
        if article.publication_changed_at is None:
            return state
        who = article.publication_changed_by or "someone"
        return f"{state} (by {who}, {article.publication_changed_at:%-d %b %Y %H:%M})"

    @admin.display(description="Claims", ordering="claim_count")
    def claim_count(self, article: Article) -> SafeString:
        return format_html(
            '<a href="{}?article__id__exact={}">{}</a>',
            reverse("admin:claims_claim_changelist"),
            article.pk,
            article.claim_count,
        )

    @admin.display(description="Body")
    def body_paragraphs(self, article: Article) -> SafeString:
        paragraphs = [paragraph for paragraph in article.body.split("\n\n") if paragraph.strip()]
        return format_html(
            '<div class="body-text">{}</div>',
            format_html_join("", "<p>{}</p>", ((paragraph,) for paragraph in paragraphs)),
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "can_import_articles": request.user.has_perm("articles.import_article"),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def get_urls(self) -> list[URLPattern]:
        upload = path(
            "upload/",
            self.admin_site.admin_view(self.upload_view),
            name="articles_article_upload",
        )
        upload_batch = path(
            "upload/batch/",
            self.admin_site.admin_view(self.upload_batch_view),
            name="articles_article_upload_batch",
        )
        return [upload, upload_batch, *super().get_urls()]

    def upload_batch_view(self, request: HttpRequest) -> HttpResponse:
        """Several files or zips: stored and queued for the task worker, never imported in
        this request; the editor is sent to the batch's progress page."""
        if not request.user.has_perm("articles.import_article"):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:articles_article_upload")
        batch_form = ArticleBatchUploadForm(request.POST, request.FILES)
        if not batch_form.is_valid():
            return self._upload_page(request, form=ArticleUploadForm(), batch_form=batch_form)
        entries = batch_form.cleaned_data["files"]
        # Imported here: the tasks module is only needed by this view and the worker.
        from articles.tasks import import_batch_create

        names = ", ".join(sorted({name for name, _source, _info in entries})[:3])
        batch = import_batch_create(
            origin=ImportBatch.Origin.UPLOAD,
            description=f"{len(entries)} file(s): {names}" + ("…" if len(entries) > 3 else ""),
            files=batch_files(entries),
            user=request.user,
            strict=batch_form.cleaned_data["strict"],
            force=batch_form.cleaned_data["force"],
        )
        self.message_user(
            request,
            f"{len(entries)} file(s) queued for import in the background. This page shows "
            "their progress; you can leave it and come back.",
            messages.SUCCESS,
        )
        return redirect(batch.get_absolute_url())

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("articles.import_article"):
            raise PermissionDenied
        preview = None
        if request.method == "POST" and "confirm" in request.POST:
            return self._upload_confirmed(request)
        if request.method == "POST":
            form = ArticleUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                dry_run = form.cleaned_data["dry_run"]
                file_name, data = PurePath(upload.name).name, upload.read()
                outcome = article_import_file(
                    file_name=file_name,
                    data=data,
                    dry_run=dry_run,
                    force=form.cleaned_data["force"],
                )
                self._report_import(request, outcome, dry_run=dry_run)
                if outcome.status == "needs_force" and not dry_run:
                    preview = self._upload_preview(request, file_name=file_name, data=data)
                    preview["withdrawn"] = outcome.withdrawn
                if not outcome.failed and not dry_run:
                    # Back to an empty form, so a reload does not import the file again.
                    return redirect(request.path)
        else:
            form = ArticleUploadForm()
        return self._upload_page(request, form=form, preview=preview)

    def _upload_page(
        self,
        request: HttpRequest,
        *,
        form: ArticleUploadForm,
        batch_form: ArticleBatchUploadForm | None = None,
        preview: dict | None = None,
    ) -> HttpResponse:
        batch_form = batch_form or ArticleBatchUploadForm()
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": "Upload an article file",
            "opts": self.opts,
            "form": form,
            "batch_form": batch_form,
            "preview": preview,
            "max_bytes": settings.ARTICLE_UPLOAD_MAX_BYTES,
            "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            "media": self.media + form.media + batch_form.media,
        }
        return TemplateResponse(request, "admin/articles/article/upload.html", context)

    def _upload_preview(self, request: HttpRequest, *, file_name: str, data: bytes) -> dict:
        """What the refused update would change (a rolled-back run of it), and the file kept
        in the editor's session so that one click confirms it without uploading it again."""
        rehearsal = article_import_file(file_name=file_name, data=data, dry_run=True, force=True)
        content_hash = file_content_hash(data)
        request.session[PENDING_UPLOAD_KEY] = {
            "file_name": file_name,
            "content_hash": content_hash,
            "data": base64.b64encode(data).decode("ascii"),
        }
        counts = rehearsal.counts
        return {
            "file_name": file_name,
            "content_hash": content_hash,
            "changes": [
                (label, counts[key])
                for key, label in PREVIEW_COUNTS
                if counts[key] and not rehearsal.failed
            ],
            "carried": rehearsal.changes,
            "error": rehearsal.error if rehearsal.failed else "",
        }

    def _upload_confirmed(self, request: HttpRequest) -> HttpResponse:
        pending = request.session.get(PENDING_UPLOAD_KEY)
        if not pending or pending.get("content_hash") != request.POST.get("confirm"):
            self.message_user(
                request,
                "Nothing to confirm: that preview has expired or another one replaced it. "
                "Upload the file again.",
                messages.ERROR,
            )
            return redirect(request.path)
        del request.session[PENDING_UPLOAD_KEY]
        outcome = article_import_file(
            file_name=pending["file_name"], data=base64.b64decode(pending["data"]), force=True
        )
        self._report_import(request, outcome, dry_run=False)
        return redirect(request.path)

    def _report_import(
        self, request: HttpRequest, outcome: ImportOutcome, *, dry_run: bool
    ) -> None:
        for warning in outcome.warnings:
            self.message_user(request, warning, messages.WARNING)
        if outcome.status == "needs_force":
            # The preview: what the update would withdraw; nothing was changed.
            self.message_user(request, f"Not imported. {outcome.error}", messages.ERROR)
            for claim in outcome.withdrawn:
                self.message_user(
                    request,
                    f"Would withdraw sentence {claim.ordinal + 1} "
                    f"({claim.get_status_display()}): “{claim.text[:200]}”",
                    messages.WARNING,
                )
            return
        if outcome.failed:
            self.message_user(request, f"Not imported. {outcome.error}", messages.ERROR)
            return
        for change in outcome.changes:
            self.message_user(request, f"{outcome.file_name}: {change}", messages.INFO)
        counts = (
            ", ".join(
                f"{count} {name.replace('_', ' ')}"
                for name, count in sorted(outcome.counts.items())
                if count
            )
            or "nothing to add"
        )
        if dry_run:
            self.message_user(
                request,
                f"Dry run of {outcome.file_name}: the article would be {outcome.status}; "
                f"{counts}. Nothing was saved.",
                messages.INFO,
            )
            return
        if outcome.status == "unchanged":
            summary = f"{outcome.file_name} is unchanged since its last import; nothing to do."
            level = messages.INFO
        else:
            summary = f"{outcome.file_name}: article {outcome.status}; {counts}."
            level = messages.SUCCESS
        if outcome.article is None:
            self.message_user(request, summary, level)
            return
        self.message_user(
            request,
            format_html(
                '{} <a href="{}">Open “{}”</a>.',
                summary,
                reverse("admin:articles_article_change", args=[outcome.article.pk]),
                outcome.article.title,
            ),
            level,
        )


class ImportPermissionMixin:
    """Background imports are seen by whoever may import (articles.import_article), nobody
    else; nobody adds, edits or deletes them here: the importer writes them."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.has_perm("articles.import_article")

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _files_link(batch: ImportBatch, state: str | None, text: str) -> SafeString:
    address = reverse("admin:articles_importfile_changelist") + f"?batch__id__exact={batch.pk}"
    if state:
        address += f"&state__exact={state}"
    return format_html('<a href="{}">{}</a>', address, text)


@admin.register(ImportBatch)
class ImportBatchAdmin(ImportPermissionMixin, admin.ModelAdmin):
    list_display = ["__str__", "origin", "created_by", "created_at", "progress"]
    list_filter = ["origin"]
    search_fields = ["description"]
    list_select_related = ["created_by"]
    readonly_fields = ["description", "origin", "created_by", "created_at", "strict", "force"]
    fields = ["progress", "failures", *readonly_fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_progress()

    def get_readonly_fields(self, request: HttpRequest, obj: ImportBatch | None = None):
        return ["progress", "failures", *self.readonly_fields]

    @admin.display(description="progress")
    def progress(self, batch: ImportBatch) -> SafeString:
        total, finished = batch.files_total, batch.files_done + batch.files_failed
        parts = [
            _files_link(batch, state, f"{count:,} {label}")
            for state, label, count in [
                ("done", "done", batch.files_done),
                ("failed", "failed", batch.files_failed),
                ("running", "running", batch.files_running),
                ("queued", "queued", batch.files_queued),
            ]
            if count
        ]
        return format_html(
            '<progress max="{}" value="{}">{} of {}</progress> {} of {} files finished: {}',
            total or 1,
            finished,
            finished,
            total,
            f"{finished:,}",
            f"{total:,}",
            format_html_join(", ", "{}", ((part,) for part in parts)) or "no files",
        )

    @admin.display(description="failed files")
    def failures(self, batch: ImportBatch) -> SafeString:
        failed = list(
            batch.files.filter(state=ImportFile.State.FAILED)
            .only("file_name", "error", "batch_id")
            .order_by("id")[:FAILURES_SHOWN]
        )
        if not failed:
            return format_html("{}", "none")
        more = (
            _files_link(batch, "failed", f"all {batch.files_failed:,} failed files")
            if batch.files_failed > len(failed)
            else ""
        )
        return format_html(
            "<ul>{}</ul>{}",
            format_html_join(
                "", "<li><strong>{}</strong>: {}</li>", ((f.file_name, f.error) for f in failed)
            ),
            more,
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ):
        batch = self.get_object(request, object_id)
        unfinished = batch is not None and (batch.files_queued or batch.files_running)
        extra_context = {**(extra_context or {}), "refresh_seconds": 5 if unfinished else 0}
        return super().change_view(request, object_id, form_url, extra_context=extra_context)


# The batch page lists this many failed files with their messages; the rest are a link away.
FAILURES_SHOWN = 100


@admin.register(ImportFile)
class ImportFileAdmin(ImportPermissionMixin, admin.ModelAdmin):
    list_display = ["file_name", "batch", "state", "outcome", "result", "article", "finished_at"]
    list_filter = ["state", "outcome", "batch__origin"]
    search_fields = ["file_name"]
    list_select_related = ["batch", "article"]
    actions = ["queue_again"]
    readonly_fields = [
        "file_name",
        "batch",
        "size",
        "state",
        "outcome",
        "summary",
        "error",
        "warning_list",
        "article",
        "task_id",
        "queued_at",
        "started_at",
        "finished_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The bytes are for the worker; no page shows them.
        return super().get_queryset(request).defer("data", "article__body", "article__metadata")

    @admin.display(description="summary or error")
    def result(self, row: ImportFile) -> str:
        return row.error or row.summary

    @admin.display(description="warnings")
    def warning_list(self, row: ImportFile) -> SafeString:
        if not row.warnings:
            return format_html("{}", "none")
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((w,) for w in row.warnings))
        )

    @admin.action(
        description="Queue the selected failed (or stuck running) files again",
        permissions=["import"],
    )
    def queue_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        from articles.tasks import import_file_requeue

        count = import_file_requeue(queryset.select_related(None).only("id"))
        self.message_user(
            request,
            f"{count} file(s) queued again."
            if count
            else "None of the selected files failed or is stuck running: nothing queued.",
            messages.SUCCESS if count else messages.WARNING,
        )
