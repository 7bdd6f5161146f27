from django import template
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from claims.models import Claim
from claims.search import render_headline

register = template.Library()


@register.simple_tag
def verdict_badge(status: str) -> SafeString:
    """The verdict as a coloured badge whose text names it, so colour is never the only cue."""
    try:
        label = Claim.Status(status).label
    except ValueError:
        label = status
    return format_html('<span class="verdict verdict-{}">{}</span>', status, label)


@register.filter
def display_name(user: AbstractBaseUser | None) -> str:
    """What readers see for an editor: the full name when one is set, else the username."""
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()


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
