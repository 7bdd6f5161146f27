from urllib.parse import urlsplit

from django import template
from django.contrib.auth.base_user import AbstractBaseUser
from django.forms import Form
from django.forms.renderers import Jinja2
from django.template.defaultfilters import truncatewords
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from claims.models import Claim
from claims.plain_text import claim_plain_text
from claims.search import render_headline

register = template.Library()
# The readers' filter forms through Jinja2 (the same widget templates, which Django ships for
# both engines): through Django's template engine, a template per field and per option, they
# were a third of the claims page's Python time. Only those forms: the admin's widgets exist
# for Django's engine alone.
FILTER_FORM_RENDERER = Jinja2()


@register.filter
def through_jinja2(form: Form) -> Form:
    """The form, its fields to be rendered by FILTER_FORM_RENDERER (for the list pages' shared
    filter form, whatever view made it)."""
    form.renderer = FILTER_FORM_RENDERER
    return form


@register.simple_tag
def verdict_badge(status: str) -> SafeString:
    """The verdict as a coloured badge whose text names it, so colour is never the only cue."""
    try:
        label = Claim.Status(status).label
    except ValueError:
        label = status
    return format_html('<span class="verdict verdict-{}">{}</span>', status, label)


@register.filter
def public_name(user: AbstractBaseUser | None) -> str:
    """What readers see for an editor: the full name, or nothing. Never the username: a login
    name is a credential's half, and not how a publication signs its work."""
    if user is None:
        return ""
    return user.get_full_name().strip()


# The earlier name, kept so templates written against it (claim links) show full names too.
register.filter("display_name", public_name)


@register.filter
def plain_text(claim: Claim) -> str:
    """The claim's sentence without its citation markers (see claims/plain_text.py)."""
    return claim_plain_text(claim)


@register.filter
def verdict_meaning(status: str) -> str:
    try:
        return Claim.Status(status).meaning
    except ValueError:
        return ""


@register.filter
def highlighted(headline: str) -> SafeString:
    """A search headline with the matched words in <mark>, everything else escaped."""
    return render_headline(headline)


@register.filter
def external_url(url: str) -> str:
    """The URL when it is a web address; empty otherwise, so a stored `javascript:` or `data:`
    value can never become a live link."""
    return url if url.lower().startswith(("https://", "http://")) else ""


@register.simple_tag
def nav_current(path: str, section_url: str) -> SafeString:
    """aria-current for a main-menu link: "page" on the section's own page, "true" below it."""
    if path == section_url:
        return mark_safe(' aria-current="page"')
    if path.startswith(section_url):
        return mark_safe(' aria-current="true"')
    return mark_safe("")


CHANGE_KIND_LABELS = {
    "first": "Verdict published",
    "verdict": "Verdict changed",
    "reason": "Reason rewritten",
    "withdrawal": "Verdict withdrawn",
    "republished": "Verdict given again",
}


@register.filter
def change_kind_label(kind: str) -> str:
    """How the record of changes names a change (see claims.views.VerdictChange.kind)."""
    return CHANGE_KIND_LABELS.get(kind, "Changed")


@register.filter
def url_domain(url: str) -> str:
    """The host a link leads to, as readers recognise it: "www.bbc.co.uk" → "bbc.co.uk"."""
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.")


# Opening mark → closing mark: curly double, straight double, curly single, guillemets.
QUOTE_PAIRS = {"\u201c": "\u201d", '"': '"', "\u2018": "\u2019", "\u00ab": "\u00bb"}


@register.filter
def quoted(text: str) -> str:
    """The text in quotation marks, unless it already is one whole quotation."""
    text = text or ""
    if len(text) > 1 and QUOTE_PAIRS.get(text[0]) == text[-1]:
        return text
    return f"“{text}”"


def local_date(value: object, format_string: str) -> str:
    """As the template filter `date` writes it: an aware time in the current time zone."""
    if getattr(value, "tzinfo", None) is not None:
        value = timezone.localtime(value)
    return date_format(value, format_string)


@register.simple_tag
def claim_item(
    claim: Claim,
    *,
    show_evidence: bool = False,
    show_reviewed: bool = False,
    show_reason: bool = False,
) -> SafeString:
    """One claim of a list (the claims page, the front page, an outlet's page): its verdict,
    its sentence linking to it, its reason, its article and outlet and dates.

    Written here rather than in an included template: a list's fifty rows through {% include %}
    and its filters were most of the claims page's Python time. Links come from `list_url`
    when the view set them (claims.views.ListUrls), and from get_absolute_url otherwise."""
    article = claim.article
    outlet = article.outlet
    headline = getattr(claim, "headline", "")
    if headline:
        sentence = render_headline(headline)
    else:
        sentence = conditional_escape(claim_plain_text(claim))
    parts = [
        '<li class="claim-item">\n  <p class="claim-sentence">',
        verdict_badge(claim.status),
        '\n    <a href="',
        conditional_escape(getattr(claim, "list_url", "") or claim.get_absolute_url()),
        '">',
        sentence,
        "</a></p>\n  ",
    ]
    if claim.withdrawn_at:
        parts.append('<p class="muted left-article">No longer in the article as it now reads.</p>')
    parts.append("\n  ")
    if show_reason and claim.reason:
        parts += ['<p class="claim-reason">', conditional_escape(truncatewords(claim.reason, 45))]
        parts.append("</p>")
    parts += [
        '\n  <p class="claim-meta muted">\n    From <a href="',
        conditional_escape(getattr(article, "list_url", "") or article.get_absolute_url()),
        '">',
        conditional_escape(article.title),
        "</a>",
    ]
    if outlet:
        parts += [
            ',\n    <a href="',
            conditional_escape(getattr(outlet, "list_url", "") or outlet.get_absolute_url()),
            '">',
            conditional_escape(outlet.name),
            "</a>",
        ]
    if article.published_on:
        parts += [
            ',\n    <time datetime="',
            local_date(article.published_on, "Y-m-d"),
            '">',
            local_date(article.published_on, "j F Y"),
            "</time>",
        ]
    if show_evidence:
        count = claim.evidence_total
        parts += ["\n    · ", conditional_escape(localize(count)), " source"]
        parts.append("" if count == 1 else "s")
    if show_reviewed and claim.reviewed_at and claim.status != Claim.Status.UNREVIEWED:
        parts += [
            '\n    · checked <time datetime="',
            local_date(claim.reviewed_at, "c"),
            '">',
            local_date(claim.reviewed_at, "j F Y"),
            "</time>",
        ]
    parts.append("\n  </p>\n</li>\n")
    # Every value above is escaped or already safe HTML.
    return mark_safe("".join(parts))
