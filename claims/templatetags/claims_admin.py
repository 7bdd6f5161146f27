"""Template filters for the editors' pages (admin and desk)."""

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def editor_name_or(user, fallback: str = "") -> str:
    """An editor by full name and login, as plain text; `fallback` when there is none."""
    from claims.admin import editor_name

    return editor_name(user) if user is not None else fallback


@register.filter
def status_badge(status: str) -> SafeString:
    from claims.admin import verdict_badge

    return verdict_badge(status)


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key, "")


@register.filter
def safe_url(url: str) -> str:
    """An http(s) address to link to, or "" (a stored `javascript:` never becomes a link)."""
    from articles.rendering import safe_external_url

    return safe_external_url(url or "")
