"""Sources editors name by hand: a pasted web address becomes a Source (and its outlet)."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from articles.models import Article
from sources.models import Outlet, Source, source_fingerprint
from sources.normalize import normalize_outlet_name, normalize_url, outlet_name_from_url

URL_MAX_LENGTH = Source._meta.get_field("url").max_length
_validate_url = URLValidator(schemes=["http", "https"])


def url_validate(url: str) -> str:
    """The address stripped, or a ValidationError that says what is wrong with it."""
    url = (url or "").strip()
    if len(url) > URL_MAX_LENGTH:
        raise ValidationError(f"That address is longer than {URL_MAX_LENGTH} characters.")
    try:
        _validate_url(url)
    except ValidationError:
        raise ValidationError(
            f"“{url[:80]}” is not a web address: paste one that starts with https:// or http://."
        ) from None
    return url


def outlet_for_url(url: str) -> Outlet | None:
    """The outlet named by the address's domain ("bbc.co.uk"), created the first time."""
    name = outlet_name_from_url(url)
    if not name:
        return None
    normalized = normalize_outlet_name(name)
    outlet = Outlet.objects.filter(normalized_name=normalized).first()
    if outlet is not None:
        return outlet
    try:
        with transaction.atomic():
            outlet = Outlet(name=name)
            outlet.save()
            return outlet
    except IntegrityError:
        # Created by someone else meanwhile (or a slug taken by a differently named outlet).
        outlet = Outlet.objects.filter(normalized_name=normalized).first()
        if outlet is None:
            raise
        return outlet


def held_article_at(url: str) -> Article | None:
    """The article we hold that was published at this address, if any."""
    variants = {url, url.rstrip("/"), url.rstrip("/") + "/"}
    return Article.objects.defer("body", "metadata").filter(url__in=variants).first()


def source_for_url(url: str, *, user=None) -> tuple[Source, bool]:
    """The Source for a web address, and whether it was created just now.

    The same page however linked (tracking parameters, "www.", a trailing slash) is one
    Source. When we hold the article published there, the Source is linked to it (so quotes
    are checked against its text) and takes its title, outlet and date.
    """
    url = url_validate(url)
    normalized = normalize_url(url)
    article = held_article_at(url)
    if article is not None:
        existing = Source.objects.filter(linked_article=article).order_by("pk").first()
        if existing is not None:
            return existing, False
    existing = (
        Source.objects.filter(fingerprint=f"url|{normalized}"[:800]).first()
        or Source.objects.filter(url=url).order_by("pk").first()
    )
    if existing is not None:
        return existing, False
    if article is not None:
        source = Source(
            title=article.title,
            outlet=article.outlet,
            published_on=article.published_on,
            url=url,
            linked_article=article,
        )
    else:
        source = Source(title="", outlet=outlet_for_url(url), url=url)
    source._history_user = user
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:
        # Another editor pasted the same address at the same moment; theirs is the one.
        fingerprint = source_fingerprint(
            title=source.title,
            outlet_name=source.outlet.name if source.outlet_id else "",
            url=url,
        )
        existing = Source.objects.filter(fingerprint=fingerprint).first()
        if existing is None:
            raise
        return existing, False
    return source, True
