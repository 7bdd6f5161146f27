"""Storing one prepared file in one transaction: the article, its byline, references,
citations, claims and evidence."""

import collections

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.importer.claims import _claims_insert, _claims_sync
from articles.importer.evidence import _cited_evidence_sync
from articles.importer.identity import _article_find, _unchanged_outcome
from articles.importer.links import sources_link_articles
from articles.importer.outcome import ImportOutcome, PreparedFile, _change_reason, _NeedsForce
from articles.importer.prepare import article_prepare, article_refusal, file_content_hash
from articles.importer.rows import _instances_insert, _rows_insert
from articles.importer.sources import (
    _CONCURRENT_RETRIES,
    _outlets_get_or_create,
    _reference_outlet,
    _slugs_taken,
    _sources_for_references,
    _unique_slug,
)
from articles.models import Article, Citation, Contributor, Reference
from articles.parser import ParsedArticle
from claims.models import Claim
from claims.search import search_config_for
from sources.models import Source
from sources.normalize import normalize_outlet_name


def article_import_file(
    *,
    file_name: str,
    data: bytes,
    dry_run: bool = False,
    strict: bool = False,
    force: bool = False,
) -> ImportOutcome:
    """Parse one article file and store it; never raises for bad input or a refused write.

    The article is found by its content first (the same bytes under any name are unchanged,
    and are not parsed at all), then by URL, by file name when it is still the same article,
    or by title, outlet and date. With `strict` any warning fails the file. An update that
    would withdraw reviewed claims is refused ("needs_force") unless `force`. With `dry_run`
    the whole write runs and is rolled back, so the counts are exact.
    """
    refusal = article_refusal(file_name=file_name, data=data)
    if refusal:
        return ImportOutcome(file_name=file_name, status="failed", error=refusal)
    content_hash = file_content_hash(data)
    # Compared before parsing: an unchanged file costs one indexed query, whatever its size.
    unchanged = _unchanged_outcome(file_name=file_name, content_hash=content_hash)
    if unchanged is not None:
        return unchanged
    prepared = article_prepare(file_name=file_name, data=data, content_hash=content_hash)
    return article_store(prepared=prepared, dry_run=dry_run, strict=strict, force=force)


def article_store(
    *,
    prepared: PreparedFile,
    dry_run: bool = False,
    strict: bool = False,
    force: bool = False,
    check_unchanged: bool = False,
) -> ImportOutcome:
    """Store a prepared file in one transaction; see `article_import_file`.

    With `check_unchanged` the content hash is looked up first (a bulk import's worker parsed
    the file in parallel; another file of the same run may have had the same text).
    """
    file_name = prepared.file_name
    outcome = ImportOutcome(file_name=file_name, status="failed")
    if check_unchanged:
        unchanged = _unchanged_outcome(file_name=file_name, content_hash=prepared.content_hash)
        if unchanged is not None:
            return unchanged
    if prepared.error is not None or prepared.parsed is None:
        outcome.error = prepared.error or f"{file_name}: could not be read"
        return outcome
    parsed = prepared.parsed
    content_hash = prepared.content_hash
    outcome.warnings = list(prepared.warnings)
    if strict and outcome.warnings:
        outcome.error = (
            f"{file_name}: {len(outcome.warnings)} warning(s) and --strict: not imported"
        )
        return outcome
    parser_warnings = list(outcome.warnings)

    try:
        with transaction.atomic():
            _article_write(
                file_name=file_name,
                parsed=parsed,
                content_hash=content_hash,
                outcome=outcome,
                force=force,
            )
            if dry_run:
                transaction.set_rollback(True)
    except _NeedsForce as refusal:
        return ImportOutcome(
            file_name=file_name,
            status="needs_force",
            warnings=parser_warnings,
            withdrawn=refusal.claims,
            article=refusal.claims[0].article if refusal.claims else None,
            error=(
                f"{file_name}: this update would withdraw {len(refusal.claims)} reviewed "
                "claim(s) whose sentences are gone; nothing was changed. Check the list and "
                "import again with --force (in the admin: tick “Withdraw reviewed claims”) "
                "to go ahead."
            ),
        )
    except DatabaseError as error:
        # The atomic block has rolled this file back; report it like any other bad file.
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        # Only the parser's warnings still hold: the writer's described rolled-back changes.
        return ImportOutcome(
            file_name=file_name,
            status="failed",
            warnings=parser_warnings,
            error=f"{file_name}: could not be stored: {detail}",
        )
    if dry_run:
        outcome.article = None
    return outcome


def _article_write(
    *,
    file_name: str,
    parsed: ParsedArticle,
    content_hash: str,
    outcome: ImportOutcome,
    force: bool,
) -> None:
    counts = outcome.counts
    # Locked so two imports of the same article (command and admin upload) cannot interleave.
    article = _article_find(file_name=file_name, parsed=parsed)

    reason = _change_reason(file_name)
    now = timezone.now()
    outlet_names = [parsed.outlet] + [
        _reference_outlet(reference) for reference in parsed.references
    ]
    outlets = _outlets_get_or_create(names=outlet_names)

    is_new = article is None
    corrected = set() if article is None else set(article.corrected_fields or [])
    if article is None:
        article = Article(imported_at=now)
    article.source_file_name = file_name
    if "title" not in corrected:
        article.title = parsed.title
    article.kicker = parsed.kicker
    article.standfirst = parsed.standfirst
    if "outlet" not in corrected:
        article.outlet = outlets.get(normalize_outlet_name(parsed.outlet or ""))
    if "published_on" not in corrected:
        article.published_on = parsed.published
    if "url" not in corrected:
        article.url = parsed.url or ""
    language_changed = article.language != parsed.language
    article.language = parsed.language
    article.body = parsed.body
    article.metadata = parsed.metadata
    article.content_hash = content_hash
    article.updated_at = now
    _article_save(article, is_new=is_new)
    outcome.status = "created" if is_new else "updated"
    outcome.article = article

    resolutions: dict[tuple[str, int], tuple[str, int]] = {}
    if not is_new:
        resolutions = _editor_resolutions(article)
        # The file is the truth for these; editors' resolutions are carried over below.
        # Plain deletes (none of these rows has history or signals): the ORM would first
        # collect the references' citations, already gone, in a query of its own.
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM articles_citation WHERE article_id = %s OR reference_id IN "
                "(SELECT id FROM articles_reference WHERE article_id = %s)",
                [article.pk, article.pk],
            )
            counts["citations_removed"] = cursor.rowcount
            cursor.execute("DELETE FROM articles_reference WHERE article_id = %s", [article.pk])
            counts["references_removed"] = cursor.rowcount
            if "byline" not in corrected:
                cursor.execute(
                    "DELETE FROM articles_contributor WHERE article_id = %s", [article.pk]
                )
    if is_new or "byline" not in corrected:
        _rows_insert(
            model=Contributor,
            columns=["article_id", "name", "role", "role_label", "position"],
            rows=[
                (article.pk, contributor.name, contributor.role, contributor.role_label, position)
                for position, contributor in enumerate(parsed.contributors)
            ],
        )

    sources_by_key = _sources_for_references(
        references=parsed.references,
        outlets=outlets,
        reason=reason,
        counts=counts,
        warnings=outcome.warnings,
        file_name=file_name,
    )
    # Plain rows, not model instances: a long reference list and its markers are most of an
    # article's rows after its sentences.
    reference_ids = dict(
        _rows_insert(
            model=Reference,
            columns=[
                "article_id",
                "source_id",
                "position",
                "key",
                "label",
                "raw_text",
                "in_bibliography",
            ],
            rows=[
                (
                    article.pk,
                    sources_by_key[reference.key].pk,
                    position,
                    reference.key,
                    reference.label,
                    reference.raw_text,
                    reference.in_bibliography,
                )
                for position, reference in enumerate(parsed.references)
            ],
            returning="position, id",
        )
    )
    counts["references_created"] = len(reference_ids)
    # The reference id and source of each key.
    references_by_key = {
        reference.key: (reference_ids[position], sources_by_key[reference.key])
        for position, reference in enumerate(parsed.references)
    }
    citation_rows = []
    # The source each citation resolves to, by the citation's index; None if unresolved.
    citation_sources: list[Source | None] = []
    seen_labels: collections.Counter[str] = collections.Counter()
    for position, citation in enumerate(parsed.citations):
        key = citation.reference_key
        occurrence = seen_labels[citation.label]
        seen_labels[citation.label] += 1
        resolved_by = None
        # An editor's resolution stands over the parser's: it is editorial work.
        if (citation.label, occurrence) in resolutions:
            carried, editor_id = resolutions[(citation.label, occurrence)]
            if carried in references_by_key:
                key, resolved_by = carried, editor_id
        reference_id, source = references_by_key.get(key, (None, None)) if key else (None, None)
        citation_sources.append(source)
        citation_rows.append(
            (
                article.pk,
                reference_id,
                source.pk if source is not None else None,
                resolved_by,
                citation.label,
                position,
                citation.start,
                citation.end,
            )
        )
        if resolved_by:
            counts["citations_resolution_kept"] += 1
    _rows_insert(
        model=Citation,
        columns=[
            "article_id",
            "reference_id",
            "source_id",
            "resolved_by_id",
            "label",
            "position",
            "start",
            "end",
        ],
        rows=citation_rows,
    )
    counts["citations_created"] = len(citation_rows)
    counts["citations_unresolved"] = sum(1 for source in citation_sources if source is None)

    claim_ids, new_claims = _claims_sync(
        article=article,
        parsed=parsed,
        is_new=is_new,
        reason=reason,
        counts=counts,
        outcome=outcome,
        file_name=file_name,
        force=force,
        now=now,
    )
    if language_changed and not is_new:
        Claim.objects.filter(article=article).current().update(
            search_config=search_config_for(parsed.language)
        )
    cited_sources = {
        index: source for index, source in enumerate(citation_sources) if source is not None
    }
    evidence_created = _cited_evidence_sync(
        claim_ids=claim_ids,
        parsed=parsed,
        cited_sources=cited_sources,
        created_claim_ids={claim_id for claim_id, _, _ in new_claims},
        reason=reason,
        counts=counts,
    )
    # After their evidence: see `_claims_sync`.
    _claims_insert(
        article=article,
        new_claims=new_claims,
        search_config=search_config_for(parsed.language),
        reason=reason,
        evidence_counts=evidence_created,
    )
    counts["links_made"] = sources_link_articles(
        articles=[article],
        sources=list({source.pk: source for source in sources_by_key.values()}.values()),
        change_reason=reason,
    )


def _article_save(article: Article, *, is_new: bool) -> None:
    """Save the article; a new one gets a slug no other article has, even one saved meanwhile.

    A new article is inserted with ON CONFLICT (slug) DO NOTHING: the usual case, a slug no
    one has, costs that one statement (no look-up of taken slugs, no savepoint); a taken slug,
    or one a concurrent import took first (the insert waits for it to commit), is looked up
    and the next free one tried.
    """
    if not is_new:
        article.save()
        return
    base = slugify(article.title) or "article"
    article.slug = _unique_slug(base, taken=set())
    for _attempt in range(_CONCURRENT_RETRIES):
        if _instances_insert([article], key="slug", on_conflict="ON CONFLICT (slug) DO NOTHING"):
            return
        article.slug = _unique_slug(base, taken=_slugs_taken(Article, [base]))
    raise IntegrityError(f"no free slug for {base!r} after {_CONCURRENT_RETRIES} attempts")


def _editor_resolutions(article: Article) -> dict[tuple[str, int], tuple[str, int]]:
    """Markers an editor resolved by hand: (label, how many times seen before) -> (reference
    key, the editor's id)."""
    resolutions: dict[tuple[str, int], tuple[str, int]] = {}
    seen: collections.Counter[str] = collections.Counter()
    for label, key, resolved_by in article.citations.order_by("position").values_list(
        "label", "reference__key", "resolved_by"
    ):
        if resolved_by is not None and key is not None:
            resolutions[(label, seen[label])] = (key, resolved_by)
        seen[label] += 1
    return resolutions
