"""Outlets and cited works: found by normalized name or fingerprint, or created, safely
against concurrent imports."""

import collections
from collections.abc import Iterable

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils.text import slugify

from articles.importer.outcome import _WarnedText
from articles.importer.prepare import _max_length
from articles.importer.rows import _instance_from_row, _instances_insert, _instances_update
from articles.parser import ParsedReference
from sources.models import Outlet, Source, source_fingerprint
from sources.normalize import normalize_outlet_name, normalize_text, outlet_name_from_url


def _reference_outlet(reference: ParsedReference) -> str | None:
    """The reference's outlet; for a bare link or URL, the site's domain."""
    if reference.outlet:
        return reference.outlet
    if reference.url and not normalize_text(reference.title):
        return outlet_name_from_url(reference.url)
    return None


def _unique_slug(base: str, *, taken: set[str], max_length: int = 200) -> str:
    """`base`, or `base-2`, `base-3`… whichever is not taken, within the column's length."""
    base = base[:max_length].strip("-")
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1


def _slugs_taken(model: type[models.Model], bases: Iterable[str]) -> set[str]:
    condition = Q()
    for base in bases:
        condition |= Q(slug__startswith=base[:200].strip("-"))
    return set(model.objects.filter(condition).values_list("slug", flat=True))


def _outlets_get_or_create(*, names: Iterable[str | None]) -> dict[str, Outlet]:
    """Outlets by normalized name; the first spelling met names a new outlet.

    Two imports may create the same new outlet at the same moment: the second one's insert
    waits for the first to commit, fails on the unique name or slug inside a savepoint, and is
    retried, now finding the first one's outlet.
    """
    spelling_by_normalized: dict[str, str] = {}
    for name in names:
        if name and name.strip():
            normalized = normalize_outlet_name(name)
            if normalized:
                spelling_by_normalized.setdefault(normalized, name.strip())
    if not spelling_by_normalized:
        return {}
    for attempt in range(_CONCURRENT_RETRIES):
        outlets = _outlets_select(spelling_by_normalized)
        missing = {
            normalized: (spelling, slugify(normalized) or "outlet")
            for normalized, spelling in spelling_by_normalized.items()
            if normalized not in outlets
        }
        if not missing:
            return outlets
        # bulk_create skips Outlet.save(), so its derived fields are set here; the slug is also
        # made unique, which save() does not do ("Al-Jazeera" and "Al Jazeera" slugify alike).
        taken = _slugs_taken(Outlet, [base for _, base in missing.values()])
        new_outlets = []
        for normalized, (spelling, base) in missing.items():
            slug = _unique_slug(base, taken=taken)
            taken.add(slug)
            new_outlets.append(Outlet(name=spelling, normalized_name=normalized, slug=slug))
        try:
            with transaction.atomic():
                created = Outlet.objects.bulk_create(new_outlets)
        except IntegrityError:
            if attempt + 1 == _CONCURRENT_RETRIES:
                raise
            continue  # another import created one of them meanwhile: look again
        for outlet in created:
            outlets[outlet.normalized_name] = outlet
        return outlets
    raise AssertionError("unreachable")


# How often a write that lost a race with a concurrent import is tried again.
_CONCURRENT_RETRIES = 5


def _outlets_select(spelling_by_normalized: dict[str, str]) -> dict[str, Outlet]:
    # Every file asks this: a plain statement, not a queryset compiled each time.
    fields = [field.attname for field in Outlet._meta.concrete_fields]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(map(quote, fields))} FROM {quote(Outlet._meta.db_table)} "
            "WHERE normalized_name = ANY(%s)",
            [list(spelling_by_normalized)],
        )
        outlets = [_instance_from_row(Outlet, fields, row) for row in cursor.fetchall()]
    return {outlet.normalized_name: outlet for outlet in outlets}


def _sources_for_references(
    *,
    references: Iterable[ParsedReference],
    outlets: dict[str, Outlet],
    reason: str,
    counts: collections.Counter[str],
    warnings: list[str],
    file_name: str,
) -> dict[str, Source]:
    """One Source per cited work, found by fingerprint or created; keyed by reference key.

    A work with a title is known by title and outlet; a bare link or URL entry by its URL.
    """
    references_by_fingerprint: dict[str, list[tuple[ParsedReference, str, Outlet | None]]] = {}
    fingerprint_by_key: dict[str, str] = {}
    for reference in references:
        outlet = outlets.get(normalize_outlet_name(_reference_outlet(reference) or ""))
        title = reference.title
        if not normalize_text(title) and outlet is None and not reference.url:
            # With neither, every such work would share the fingerprint "|" and merge into one.
            title = reference.raw_text.removeprefix(reference.label).strip()[
                : _max_length(Source, "title")
            ]
            warnings.append(
                _WarnedText(
                    f"{file_name}: line {reference.line}: reference {reference.label} names "
                    "neither a title nor an outlet; its whole text is used as the source's title",
                    "reference",
                )
            )
        fingerprint = source_fingerprint(
            title=title, outlet_name=outlet.name if outlet else "", url=reference.url or ""
        )
        fingerprint_by_key[reference.key] = fingerprint
        references_by_fingerprint.setdefault(fingerprint, []).append((reference, title, outlet))

    sources = _sources_store(references_by_fingerprint, reason=reason, counts=counts)
    return {key: sources[fingerprint] for key, fingerprint in fingerprint_by_key.items()}


def _sources_store(
    references_by_fingerprint: dict[str, list[tuple[ParsedReference, str, Outlet | None]]],
    *,
    reason: str,
    counts: collections.Counter[str],
) -> dict[str, Source]:
    """The Source of each fingerprint: the stored one (locked, blanks filled) or a new one.

    New ones are inserted with ON CONFLICT (fingerprint) DO NOTHING, so a concurrent import
    creating the same work needs no savepoint: the insert waits for it to commit, skips that
    row, and the work is looked up again and used like any stored one.
    """
    sources: dict[str, Source] = {}
    pending = references_by_fingerprint
    for _attempt in range(_CONCURRENT_RETRIES):
        existing = {
            source.fingerprint: source
            for source in Source.objects.select_for_update(of=("self",))
            .select_related("outlet")
            .filter(fingerprint__in=pending)
        }
        to_create: list[Source] = []
        to_update: list[Source] = []
        for fingerprint, entries in pending.items():
            source = existing.get(fingerprint)
            if source is None:
                _, title, outlet = entries[0]
                # Inserted without Source.save(), which is what normally sets the fingerprint.
                source = Source(title=title, outlet=outlet, fingerprint=fingerprint)
                source.in_bibliography = False
                _source_fill_blanks(source=source, references=[entry[0] for entry in entries])
                to_create.append(source)
            else:
                counts["sources_reused"] += 1
                if _source_fill_blanks(source=source, references=[entry[0] for entry in entries]):
                    to_update.append(source)
                sources[fingerprint] = source
        if to_update:
            _instances_update(
                to_update,
                ["url", "published_on", "authors", "in_bibliography"],
                history_reason=reason,
            )
        counts["sources_created"] += _instances_insert(
            to_create,
            key="fingerprint",
            on_conflict="ON CONFLICT (fingerprint) DO NOTHING",
            history_reason=reason,
        )
        counts["sources_updated"] += len(to_update)
        for source in to_create:
            if source.pk is not None:
                sources[source.fingerprint] = source
        pending = {
            fingerprint: entries
            for fingerprint, entries in pending.items()
            if fingerprint not in sources
        }
        if not pending:
            return sources
    raise IntegrityError(
        f"{len(pending)} cited work(s) kept being created by concurrent imports; try again"
    )


def _source_fill_blanks(*, source: Source, references: list[ParsedReference]) -> bool:
    """Fill what the Source lacks from the references; never overwrite. True if it changed."""
    changed = False
    for reference in references:
        if not source.url and reference.url:
            source.url, changed = reference.url, True
        if source.published_on is None and reference.published is not None:
            source.published_on, changed = reference.published, True
        if not source.authors and reference.authors:
            source.authors, changed = list(reference.authors), True
        # Found in some article's bibliography: no longer a work only named in passing.
        if not source.in_bibliography and reference.in_bibliography:
            source.in_bibliography, changed = True, True
    return changed
