"""Articles, outlets and sources named the way a reader names them: by title or name.

The public filters take what a reader types (or picks from the type-ahead list) and resolve it
here; the suggestion endpoint offers matches as they type. Exact lookups go through indexes
(an outlet's normalized name, a source's fingerprint, an article's slug); only the fall-backs
and the type-ahead scan titles.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Model, Q, QuerySet, Value, When
from django.utils.text import slugify

from articles.models import Article
from sources.models import Outlet, Source, source_fingerprint
from sources.normalize import normalize_outlet_name

SLUG_PATTERN = re.compile(r"^[-a-zA-Z0-9_]+$")
# Postgres bigint: a larger number cannot be anybody's id, and must not reach the database.
LARGEST_ID = 2**63 - 1
SUGGESTIONS_SHOWN = 10
# How a source reads in a choice list and in its filter box: "Title — Outlet".
SOURCE_SEPARATOR = " — "
UNTITLED = "Untitled"
UNTITLED_LABEL = re.compile(rf"^{UNTITLED} \(source (\d+)\)(?:{SOURCE_SEPARATOR}.*)?$")


@dataclass(frozen=True)
class Suggestion:
    # What goes into the text box, and what the filter resolves.
    value: str
    # A second line that tells apart two entries with the same value: outlet, date.
    detail: str = ""


def _prefix_first(queryset: QuerySet, field: str, term: str) -> QuerySet:
    return queryset.annotate(
        starts_with_term=Case(
            When(**{f"{field}__istartswith": term}, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )


def _as_id(value: str) -> int | None:
    return int(value) if value.isdigit() and int(value) <= LARGEST_ID else None


def _date(value) -> str:
    return value.strftime("%-d %B %Y") if value else ""


# Outlets ----------------------------------------------------------------------------------------


def outlet_label(outlet: Outlet) -> str:
    return outlet.name


def outlet_resolve(value: str) -> Outlet | None:
    """By name in any of its spellings ("BBC", "the bbc") or by the slug of its address."""
    normalized = normalize_outlet_name(value)
    condition = Q(normalized_name=normalized)
    if SLUG_PATTERN.match(value):
        condition |= Q(slug=value)
    matches = list(
        Outlet.objects.filter(condition).only("pk", "slug", "name", "normalized_name")[:2]
    )
    # A name that is also another outlet's slug: the name is what a reader types.
    matches.sort(key=lambda outlet: outlet.normalized_name != normalized)
    return matches[0] if matches else None


def outlet_suggestions(term: str, limit: int = SUGGESTIONS_SHOWN) -> list[Suggestion]:
    outlets = _prefix_first(Outlet.objects.filter(name__icontains=term), "name", term).order_by(
        "starts_with_term", "name"
    )
    return [Suggestion(outlet.name) for outlet in outlets.only("name")[:limit]]


# Articles ---------------------------------------------------------------------------------------


def article_label(article: Article) -> str:
    return article.title


def article_resolve(value: str) -> Article | None:
    """By its number, the slug of its address, or its title (exactly, any case)."""
    articles = Article.objects.published().only("pk", "slug", "title")
    condition = Q(slug=slugify(value)[:200])
    if SLUG_PATTERN.match(value):
        condition |= Q(slug=value)
    if (number := _as_id(value)) is not None:
        condition |= Q(pk=number)
    # A slug that happens to be all digits wins over the number: it is what the address says.
    matches = sorted(articles.filter(condition)[:3], key=lambda article: article.slug != value)
    if matches:
        return matches[0]
    # Slugs of articles with the same title carry a suffix; the title itself still matches.
    return articles.filter(title__iexact=value).order_by("-published_on", "pk").first()


def _titled(model: type[Model], term: str, *then_by: str) -> QuerySet:
    """Rows whose title contains `term`, those that start with it first, with their outlet."""
    return (
        _prefix_first(model.objects.filter(title__icontains=term), "title", term)
        .select_related("outlet")
        .only("title", "published_on", "outlet__name")
        .order_by("starts_with_term", *then_by)
    )


def article_suggestions(term: str, limit: int = SUGGESTIONS_SHOWN) -> list[Suggestion]:
    suggestions = []
    titled = _titled(Article, term, "-published_on", "title").filter(publication="published")
    for article in titled[:limit]:
        details = (article.outlet.name if article.outlet else "", _date(article.published_on))
        suggestions.append(Suggestion(article.title, ", ".join(part for part in details if part)))
    return suggestions


# Sources ----------------------------------------------------------------------------------------


def source_label(source: Source) -> str:
    """ "Title — Outlet"; an untitled work (a bare link, "(Il Post)") carries its number,
    since nothing else tells two of them apart."""
    title = source.title or f"{UNTITLED} (source {source.pk})"
    return f"{title}{SOURCE_SEPARATOR}{source.outlet.name}" if source.outlet_id else title


def source_resolve(value: str) -> Source | None:
    """By its number, "Title — Outlet" as the choice list writes it, or its title alone."""
    sources = Source.objects.select_related("outlet").defer("fingerprint")
    untitled = UNTITLED_LABEL.match(value)
    number = _as_id(untitled.group(1)) if untitled else _as_id(value)
    if number is not None:
        found = sources.filter(pk=number).first()
        if found is not None:
            return found
    fingerprints = []
    if SOURCE_SEPARATOR in value:
        title, outlet_name = value.rsplit(SOURCE_SEPARATOR, 1)
        fingerprints.append(source_fingerprint(title=title, outlet_name=outlet_name))
    fingerprints.append(source_fingerprint(title=value, outlet_name=""))
    found = sources.filter(fingerprint__in=fingerprints).first()
    if found is not None:
        return found
    return sources.filter(title__iexact=value).order_by("pk").first()


def source_suggestions(term: str, limit: int = SUGGESTIONS_SHOWN) -> list[Suggestion]:
    sources = _titled(Source, term, "title", "pk")[:limit]
    return [Suggestion(source_label(source), _date(source.published_on)) for source in sources]


@dataclass(frozen=True)
class Kind:
    # The noun in messages: "There is no outlet …".
    noun: str
    label: Callable[[Model], str]
    resolve: Callable[[str], Model | None]
    suggestions: Callable[..., list[Suggestion]]


KINDS: dict[str, Kind] = {
    "articles": Kind("article", article_label, article_resolve, article_suggestions),
    "outlets": Kind("outlet", outlet_label, outlet_resolve, outlet_suggestions),
    "sources": Kind("source", source_label, source_resolve, source_suggestions),
}


def label_of(kind: str, instance: Model) -> str:
    return KINDS[kind].label(instance)
