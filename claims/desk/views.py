"""The desk's pages: the queue picker and one claim's review, with its save."""

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from articles.models import Article
from claims.desk.queue import (
    Queue,
    in_order,
    next_claim_id,
    previous_claim_id,
    progress_of,
    queue_from,
)
from claims.evidence import (
    evidence_add,
    evidence_change,
    evidence_quote_checks,
    evidence_remove,
    source_bodies,
)
from claims.forms import DeskEvidenceForm, DeskForm
from claims.models import Claim, Evidence
from claims.services import claim_set_verdict
from claims.timeline import claim_timeline
from sources.services import source_for_url

# Paragraphs of the article shown on each side of the claim's own: enough to read it in
# context, bounded for articles of thousands of paragraphs (the admin has the whole text).
CONTEXT_PARAGRAPHS = 6
# The latest timeline entries on the desk; the History page has them all.
TIMELINE_SHOWN = 6
# Articles offered on the queue page, newest imports first.
ARTICLES_OFFERED = 15
# The shortcuts, as the page lists them and static/js/desk.js implements them.
VERDICT_KEYS = [
    ("1", Claim.Status.SUPPORTED),
    ("2", Claim.Status.CONTESTED),
    ("3", Claim.Status.FALSE),
    ("4", Claim.Status.UNVERIFIABLE),
    ("5", Claim.Status.NOT_A_CLAIM),
    ("0", Claim.Status.UNREVIEWED),
]
SHORTCUTS = [
    ("1 to 5, 0", "Choose a verdict (the list beside each one); the reason box takes the focus"),
    ("Ctrl + Enter", "Save and go to the next claim (from anywhere, the reason box included)"),
    ("Alt + Shift + S", "Save and stay on this claim"),
    ("j / k", "Next / previous claim without saving (skip)"),
    ("r", "Into the reason box"),
    ("e", "Into the evidence box (paste a web address, or type to search our sources)"),
    ("Esc", "Out of a text box, so the single-key shortcuts work again"),
]


def article_window(claim: Claim, *, queue_query: str) -> SafeString:
    """The article's paragraphs around the claim's, every claim marked by its verdict (text
    and colour), each a link to its desk page; the current one highlighted."""
    body = claim.article.body
    paragraph = claim.paragraph
    first, last = paragraph - CONTEXT_PARAGRAPHS, paragraph + CONTEXT_PARAGRAPHS
    spans = list(
        Claim.objects.current()
        .filter(article_id=claim.article_id, paragraph__range=(first, last))
        .order_by("start")
        .values_list("pk", "start", "end", "status", "paragraph")
    )
    labels = dict(Claim.Status.choices)
    paragraphs: dict[int, list[tuple]] = {}
    for span in spans:
        paragraphs.setdefault(span[4], []).append(span)
    blocks = []
    offset = 0
    for index, text in enumerate(body.split("\n\n")):
        start = offset
        offset += len(text) + 2
        if not (first <= index <= last) or not text.strip():
            continue
        pieces = []
        cursor = start
        for claim_id, span_start, span_end, status, _ in paragraphs.get(index, []):
            if span_start < cursor or span_end > start + len(text):
                continue
            pieces.append(format_html("{}", body[cursor:span_start]))
            current = " desk-current" if claim_id == claim.pk else ""
            pieces.append(
                format_html(
                    '<a class="desk-claim status-line-{}{}" href="{}?{}"{}>{}'
                    '<span class="visually-hidden"> ({})</span></a>',
                    status,
                    current,
                    reverse("admin:claims_desk_claim", args=[claim_id]),
                    queue_query,
                    SafeString(' aria-current="true"') if current else "",
                    body[span_start:span_end],
                    labels.get(status, status),
                )
            )
            cursor = span_end
        pieces.append(format_html("{}", body[cursor : start + len(text)]))
        blocks.append(format_html("<p>{}</p>", SafeString("".join(pieces))))
    return format_html_join("", "{}", ((block,) for block in blocks))


def _evidence_of(claim: Claim) -> list[Evidence]:
    """The claim's evidence with sources, outlets and editors, quotes checked; the texts of the
    articles the sources are, read once (one query) for the quote checks and the cited-source
    panel alike."""
    evidence = list(
        claim.evidence.select_related("source__outlet", "source__linked_article", "added_by")
        .defer(
            "source__fingerprint",
            "source__linked_article__body",
            "source__linked_article__metadata",
        )
        .order_by("stance", "id")
    )
    bodies = source_bodies([item.source for item in evidence])
    for item in evidence:
        article = item.source.linked_article
        if article is not None and article.pk in bodies:
            article.body = bodies[article.pk]
    evidence_quote_checks(evidence, bodies=bodies)
    return evidence


def _desk_url(claim_id: int, queue: Queue) -> str:
    query = queue.query()
    return reverse("admin:claims_desk_claim", args=[claim_id]) + (f"?{query}" if query else "")


def desk_start_view(request: HttpRequest, admin_site: AdminSite) -> HttpResponse:
    """Pick a queue: an article, an outlet, needs citation, unreviewed only; progress shown."""
    _require(request, "claims.change_claim")
    queue, form = queue_from(request.GET)
    if "start" in request.GET and form.is_valid():
        first = in_order(queue.to_review()).values_list("pk", flat=True).first()
        if first is not None:
            return HttpResponseRedirect(_desk_url(first, queue))
        messages.info(request, f"Nothing to review: no {queue.description}.")
    filtered = queue.article is not None or queue.outlet_id is not None or queue.needs_citation
    articles = list(
        Article.objects.defer("body", "metadata")
        .select_related("outlet")
        .order_by("-id")
        .annotate(
            claim_total=Count("claims", filter=Q(claims__withdrawn_at__isnull=True)),
            reviewed_total=Count(
                "claims",
                filter=Q(claims__withdrawn_at__isnull=True)
                & ~Q(claims__status=Claim.Status.UNREVIEWED),
            ),
        )[:ARTICLES_OFFERED]
    )
    context = {
        **admin_site.each_context(request),
        "title": "Review desk",
        "opts": Claim._meta,
        "form": form,
        "queue": queue,
        "progress": progress_of(
            queue.claims(), estimate_unfiltered=not filtered and not queue.withdrawn
        ),
        "articles": articles,
        "is_nav_sidebar_enabled": False,
    }
    request.current_app = admin_site.name
    return TemplateResponse(request, "admin/claims/desk/start.html", context)


def desk_claim_view(request: HttpRequest, claim_id: int, admin_site: AdminSite) -> HttpResponse:
    _require(request, "claims.change_claim")
    queue, _ = queue_from(request.GET)
    claim = get_object_or_404(
        Claim.objects.select_related("article__outlet", "reviewed_by").defer(
            "search_vector", "article__metadata"
        ),
        pk=claim_id,
    )
    evidence = _evidence_of(claim)
    if request.method == "POST":
        form = DeskForm(request.POST, claim=claim)
        evidence_forms = _evidence_forms(request, evidence)
        with transaction.atomic():
            saved = form.is_valid() and all(
                evidence_form.is_valid() for evidence_form in evidence_forms
            )
            saved = saved and form.check_version(claim.pk) is not None
            if saved:
                try:
                    notes = _save(request, claim, form, evidence_forms)
                except ValidationError as error:
                    transaction.set_rollback(True)
                    form.add_error(None, error)
                    saved = False
        if saved:
            claim.refresh_from_db(fields=["status", "reason", "version"])
            return _after_save(request, claim, queue, form, notes)
        # Shown again with what the editor typed, the errors and any conflict.
        evidence = _evidence_of(claim)
    else:
        form = DeskForm(claim=claim)
        evidence_forms = None
    return _render_desk(request, admin_site, claim, queue, form, evidence, evidence_forms)


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _evidence_forms(request: HttpRequest, evidence: list[Evidence]) -> list[DeskEvidenceForm]:
    """A form per evidence row; bound to the POST only for the rows the editor's page had (a
    row another editor added since is left as it is)."""
    forms = []
    for item in evidence:
        prefix = f"evidence-{item.pk}"
        sent = request.method == "POST" and f"{prefix}-stance" in request.POST
        forms.append(DeskEvidenceForm(request.POST if sent else None, instance=item, prefix=prefix))
    return forms


def _save(
    request: HttpRequest, claim: Claim, form: DeskForm, evidence_forms
) -> list[tuple[int, str]]:
    """Everything the form asks for, in the caller's transaction (claim locked); notes for the
    editor (quote checks, a source created)."""
    user = request.user
    notes: list[tuple[int, str]] = []
    data = form.cleaned_data
    if any(evidence_form.has_changed() for evidence_form in evidence_forms) or data.get(
        "add_source"
    ):
        _require(request, "claims.change_evidence")
    claim_set_verdict(claim=claim, status=data["status"], reason=data["reason"], user=user)
    for evidence_form in evidence_forms:
        if not evidence_form.has_changed():
            continue
        item = evidence_form.instance
        if evidence_form.cleaned_data.get("remove"):
            _require(request, "claims.delete_evidence")
            evidence_remove(evidence=item, user=user)
            notes.append(
                (messages.INFO, f"Removed the evidence “{item.source}” (the source stays).")
            )
        else:
            evidence_change(
                evidence=item,
                stance=evidence_form.cleaned_data["stance"],
                quote=evidence_form.cleaned_data["quote"],
                user=user,
            )
    source = data.get("add_source")
    if source is not None or data.get("add_url"):
        _require(request, "claims.add_evidence")
        if source is None:
            _require(request, "sources.add_source")
            source, created = source_for_url(data["add_url"], user=user)
            if created:
                notes.append((messages.INFO, f"New source on record: {source.url}."))
        added = evidence_add(
            claim=claim,
            source=source,
            stance=data["add_stance"],
            quote=data.get("add_quote", ""),
            user=user,
        )
        evidence_quote_checks([added])
        if added.quote_result.is_problem:
            notes.append(
                (messages.WARNING, f"Quote check for “{source}”: {added.quote_result.message}")
            )
    return notes


def _after_save(
    request: HttpRequest,
    claim: Claim,
    queue: Queue,
    form: DeskForm,
    notes: list[tuple[int, str]],
) -> HttpResponseRedirect:
    article_progress = progress_of(claim.article.claims.current())
    messages.success(
        request,
        f"Saved #{claim.pk}: {claim.get_status_display()}. "
        f"{article_progress.reviewed} of {article_progress.total} reviewed in this article.",
    )
    for level, note in notes:
        messages.add_message(request, level, note)
    if form.cleaned_data.get("action") == "save":
        return HttpResponseRedirect(_desk_url(claim.pk, queue))
    following = next_claim_id(queue, claim)
    if following is None:
        messages.info(request, f"That was the last of the {queue.description}.")
        return HttpResponseRedirect(
            reverse("admin:claims_desk") + (f"?{queue.query()}" if queue.query() else "")
        )
    return HttpResponseRedirect(_desk_url(following, queue))


def _render_desk(
    request: HttpRequest,
    admin_site: AdminSite,
    claim: Claim,
    queue: Queue,
    form: DeskForm,
    evidence: list[Evidence],
    evidence_forms: list[DeskEvidenceForm] | None,
) -> TemplateResponse:
    from claims.admin import claim_panels_context

    by_id = {form.instance.pk: form for form in evidence_forms or []}
    # After a refused save the rows are reloaded; a row that is gone shows as it is now.
    evidence_forms = [
        by_id.get(item.pk) or DeskEvidenceForm(instance=item, prefix=f"evidence-{item.pk}")
        for item in evidence
    ]
    forms_by_id = {evidence_form.instance.pk: evidence_form for evidence_form in evidence_forms}
    queue_query = queue.query()
    following = next_claim_id(queue, claim)
    preceding = previous_claim_id(queue, claim)
    filtered = queue.outlet_id is not None or queue.needs_citation or queue.withdrawn
    context = {
        **admin_site.each_context(request),
        **claim_panels_context(request, claim, evidence=evidence),
        "title": f"Review claim #{claim.pk}",
        "opts": Claim._meta,
        "claim": claim,
        "form": form,
        "evidence_rows": [(item, forms_by_id.get(item.pk)) for item in evidence],
        "queue": queue,
        "queue_query": queue_query,
        "next_url": _desk_url(following, queue) if following else None,
        "previous_url": _desk_url(preceding, queue) if preceding else None,
        "article_window": article_window(claim, queue_query=queue_query),
        "article_progress": progress_of(claim.article.claims.current()),
        # The queue's own progress, unless the queue is this article (then it is the same).
        "queue_progress": None
        if queue.article is not None
        else progress_of(queue.claims(), estimate_unfiltered=not filtered),
        "timeline": claim_timeline(claim, limit=40)[:TIMELINE_SHOWN],
        "conflict": form.conflict,
        "verdict_keys": {status.value: key for key, status in VERDICT_KEYS},
        "shortcuts": SHORTCUTS,
        "can_add_source": request.user.has_perm("sources.add_source"),
        "autocomplete_url": reverse("admin:autocomplete"),
        "is_nav_sidebar_enabled": False,
        "return_url": request.get_full_path(),
    }
    request.current_app = admin_site.name
    return TemplateResponse(request, "admin/claims/desk/claim.html", context)
