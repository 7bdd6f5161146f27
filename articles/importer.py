"""The importer's writer: stores one parsed article file in the database, in one transaction.

`articles.parser` turns bytes into dataclasses without touching the database; everything here
is about mapping that result onto rows so that a re-import keeps what editors did (verdicts,
evidence they added) and history stays complete.
"""

import collections
import dataclasses
import difflib
import hashlib
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import DatabaseError, models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import (
    bulk_create_with_history,
    bulk_update_with_history,
    get_history_model_for_model,
)

from articles.models import Article, Citation, Contributor, Reference
from articles.parser import (
    ParsedArticle,
    ParsedReference,
    ParseError,
    decode_article,
    parse_article,
)
from claims.models import Claim, Evidence
from sources.models import Outlet, Source, source_fingerprint
from sources.normalize import normalize_outlet_name, normalize_text

logger = logging.getLogger(__name__)

# simple_history stores the change reason in a varchar(100).
CHANGE_REASON_MAX_LENGTH = 100


@dataclasses.dataclass
class ImportOutcome:
    file_name: str
    status: str  # "created" | "updated" | "unchanged" | "failed"
    counts: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    warnings: list[str] = dataclasses.field(default_factory=list)
    error: str | None = None
    # None for a failure and for a dry run (its rows were rolled back).
    article: Article | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def article_import_file(*, file_name: str, data: bytes, dry_run: bool = False) -> ImportOutcome:
    """Parse one article file and store it; never raises for bad input or a refused write.

    `file_name` is the file's identity: importing the same name again updates that article.
    With `dry_run` the whole write runs and is rolled back, so the counts are exact.
    """
    outcome = ImportOutcome(file_name=file_name, status="failed")
    try:
        parsed = _parse_file(file_name=file_name, data=data)
    except ParseError as error:
        outcome.error = f"{file_name}: {error}" if file_name.strip() else str(error)
        return outcome
    except Exception as error:
        # A parser bug must not take down a whole import run or an upload: this file fails
        # with a clear line (the traceback goes to the log for us), the others go on.
        logger.exception("parser failed on %s", file_name)
        outcome.error = (
            f"{file_name}: could not be read: the parser failed ({type(error).__name__}); "
            "please report this file to the developers"
        )
        return outcome
    outcome.warnings = [f"{file_name}: {warning}" for warning in parsed.warnings]

    try:
        with transaction.atomic():
            _article_write(
                file_name=file_name,
                parsed=parsed,
                content_hash=hashlib.sha256(data).hexdigest(),
                outcome=outcome,
            )
            if dry_run:
                transaction.set_rollback(True)
    except DatabaseError as error:
        # The atomic block has rolled this file back; report it like any other bad file.
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        # Only the parser's warnings still hold: the writer's described rolled-back changes.
        return ImportOutcome(
            file_name=file_name,
            status="failed",
            warnings=[f"{file_name}: {warning}" for warning in parsed.warnings],
            error=f"{file_name}: could not be stored: {detail}",
        )
    if dry_run:
        outcome.article = None
    return outcome


def _parse_file(*, file_name: str, data: bytes) -> ParsedArticle:
    if not file_name.strip():
        raise ParseError("the file has no name, and articles are identified by file name")
    limit = settings.ARTICLE_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise ParseError(
            f"the file is larger than {limit:,} bytes (ARTICLE_UPLOAD_MAX_BYTES); "
            "that is not one article"
        )
    parsed = parse_article(decode_article(data), file_name=file_name)
    _check_lengths(file_name=file_name, parsed=parsed)
    return parsed


def _max_length(model: type[models.Model], field_name: str) -> int:
    field = model._meta.get_field(field_name)
    if hasattr(field, "base_field"):  # ArrayField: the limit is on each item
        field = field.base_field
    return field.max_length


def _check_lengths(*, file_name: str, parsed: ParsedArticle) -> None:
    """Refuse values the columns cannot hold, naming the field and line, before writing."""

    def check(
        value: str | None,
        model: type[models.Model],
        field: str,
        what: str,
        line: int | None = None,
    ) -> None:
        limit = _max_length(model, field)
        if value and len(value) > limit:
            raise ParseError(f"{what} is {len(value):,} characters long; at most {limit} fit", line)

    check(file_name, Article, "source_file_name", "the file name")
    check(parsed.title, Article, "title", "the title")
    check(parsed.kicker, Article, "kicker", "the kicker")
    check(parsed.url, Article, "url", "the article's URL")
    check(parsed.outlet, Outlet, "name", "the outlet's name")
    for contributor in parsed.contributors:
        check(contributor.name, Contributor, "name", f"contributor name {contributor.name[:40]!r}")
        check(contributor.role_label, Contributor, "role_label", "a byline label")
    for reference in parsed.references:
        name = f"reference {reference.label[:40]}"
        check(reference.key, Reference, "key", f"{name}: its key", reference.line)
        check(reference.label, Reference, "label", f"{name}: its label", reference.line)
        check(reference.title, Source, "title", f"{name}: its title", reference.line)
        check(reference.outlet, Outlet, "name", f"{name}: its outlet", reference.line)
        check(reference.url, Source, "url", f"{name}: its URL", reference.line)
        for author in reference.authors:
            check(author, Source, "authors", f"{name}: an author's name", reference.line)
    for citation in parsed.citations:
        check(citation.label, Citation, "label", f"citation {citation.label[:40]}", citation.line)


def _change_reason(file_name: str) -> str:
    return f"import {file_name}"[:CHANGE_REASON_MAX_LENGTH]


# ---------------------------------------------------------------------------
# Writing one article
# ---------------------------------------------------------------------------


def _article_write(
    *, file_name: str, parsed: ParsedArticle, content_hash: str, outcome: ImportOutcome
) -> None:
    counts = outcome.counts
    # Locked so two imports of the same file (command and admin upload) cannot interleave.
    article = (
        Article.objects.select_for_update(of=("self",))
        .select_related("outlet")
        .filter(source_file_name=file_name)
        .first()
    )
    if article is not None and article.content_hash == content_hash:
        outcome.status = "unchanged"
        outcome.article = article
        counts["claims_unchanged"] = article.claims.count()
        return

    reason = _change_reason(file_name)
    now = timezone.now()
    outlet_names = [parsed.outlet] + [reference.outlet for reference in parsed.references]
    outlets = _outlets_get_or_create(names=outlet_names)

    is_new = article is None
    if article is None:
        article = Article(source_file_name=file_name, imported_at=now)
        base = slugify(parsed.title) or "article"
        article.slug = _unique_slug(base, taken=_slugs_taken(Article, [base]))
    article.title = parsed.title
    article.kicker = parsed.kicker
    article.standfirst = parsed.standfirst
    article.outlet = outlets.get(normalize_outlet_name(parsed.outlet or ""))
    article.published_on = parsed.published
    article.url = parsed.url or ""
    article.body = parsed.body
    article.metadata = parsed.metadata
    article.content_hash = content_hash
    article.updated_at = now
    article.save()
    outcome.status = "created" if is_new else "updated"
    outcome.article = article

    if not is_new:
        # The file is the truth for these; nobody edits them by hand.
        counts["citations_removed"] = article.citations.all().delete()[0]
        counts["references_removed"] = article.references.all().delete()[0]
        article.contributors.all().delete()
    Contributor.objects.bulk_create(
        Contributor(
            article=article,
            name=contributor.name,
            role=contributor.role,
            role_label=contributor.role_label,
            position=position,
        )
        for position, contributor in enumerate(parsed.contributors)
    )

    sources_by_key = _sources_for_references(
        references=parsed.references,
        outlets=outlets,
        reason=reason,
        counts=counts,
        warnings=outcome.warnings,
        file_name=file_name,
    )
    references = Reference.objects.bulk_create(
        Reference(
            article=article,
            source=sources_by_key[reference.key],
            position=position,
            key=reference.key,
            label=reference.label,
            raw_text=reference.raw_text,
            in_bibliography=reference.in_bibliography,
        )
        for position, reference in enumerate(parsed.references)
    )
    counts["references_created"] = len(references)
    references_by_key = {reference.key: reference for reference in references}
    citations = Citation.objects.bulk_create(
        Citation(
            article=article,
            reference=references_by_key[citation.reference_key],
            source=sources_by_key[citation.reference_key],
            label=citation.label,
            position=position,
            start=citation.start,
            end=citation.end,
        )
        for position, citation in enumerate(parsed.citations)
    )
    counts["citations_created"] = len(citations)

    claims = _claims_sync(
        article=article,
        parsed=parsed,
        is_new=is_new,
        reason=reason,
        counts=counts,
        warnings=outcome.warnings,
        file_name=file_name,
    )
    _cited_evidence_sync(
        claims=claims,
        parsed=parsed,
        sources_by_key=sources_by_key,
        is_new=is_new,
        reason=reason,
        counts=counts,
    )
    counts["links_made"] = sources_link_articles(
        articles=[article],
        sources=list({source.pk: source for source in sources_by_key.values()}.values()),
        change_reason=reason,
    )


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
    """Outlets by normalized name; the first spelling met names a new outlet."""
    spelling_by_normalized: dict[str, str] = {}
    for name in names:
        if name and name.strip():
            normalized = normalize_outlet_name(name)
            if normalized:
                spelling_by_normalized.setdefault(normalized, name.strip())
    if not spelling_by_normalized:
        return {}
    outlets = {
        outlet.normalized_name: outlet
        for outlet in Outlet.objects.filter(normalized_name__in=spelling_by_normalized)
    }
    missing = {
        normalized: (spelling, slugify(normalized) or "outlet")
        for normalized, spelling in spelling_by_normalized.items()
        if normalized not in outlets
    }
    if missing:
        # bulk_create skips Outlet.save(), so its derived fields are set here; the slug is also
        # made unique, which save() does not do ("Al-Jazeera" and "Al Jazeera" slugify alike).
        taken = _slugs_taken(Outlet, [base for _, base in missing.values()])
        new_outlets = []
        for normalized, (spelling, base) in missing.items():
            slug = _unique_slug(base, taken=taken)
            taken.add(slug)
            new_outlets.append(Outlet(name=spelling, normalized_name=normalized, slug=slug))
        for outlet in Outlet.objects.bulk_create(new_outlets):
            outlets[outlet.normalized_name] = outlet
    return outlets


def _sources_for_references(
    *,
    references: Iterable[ParsedReference],
    outlets: dict[str, Outlet],
    reason: str,
    counts: collections.Counter[str],
    warnings: list[str],
    file_name: str,
) -> dict[str, Source]:
    """One Source per cited work, found by fingerprint or created; keyed by reference key."""
    references_by_fingerprint: dict[str, list[tuple[ParsedReference, str, Outlet | None]]] = {}
    fingerprint_by_key: dict[str, str] = {}
    for reference in references:
        outlet = outlets.get(normalize_outlet_name(reference.outlet or ""))
        title = reference.title
        if not normalize_text(title) and outlet is None:
            # With neither, every such work would share the fingerprint "|" and merge into one.
            title = reference.raw_text.removeprefix(reference.label).strip()[
                : _max_length(Source, "title")
            ]
            warnings.append(
                f"{file_name}: line {reference.line}: reference {reference.label} names neither "
                "a title nor an outlet; its whole text is used as the source's title"
            )
        fingerprint = source_fingerprint(title=title, outlet_name=outlet.name if outlet else "")
        fingerprint_by_key[reference.key] = fingerprint
        references_by_fingerprint.setdefault(fingerprint, []).append((reference, title, outlet))

    existing = {
        source.fingerprint: source
        for source in Source.objects.select_for_update(of=("self",))
        .select_related("outlet")
        .filter(fingerprint__in=references_by_fingerprint)
    }
    to_create: list[Source] = []
    to_update: list[Source] = []
    sources: dict[str, Source] = {}
    for fingerprint, entries in references_by_fingerprint.items():
        source = existing.get(fingerprint)
        if source is None:
            _, title, outlet = entries[0]
            # bulk_create skips Source.save(), which is what normally sets the fingerprint.
            source = Source(title=title, outlet=outlet, fingerprint=fingerprint)
            source.in_bibliography = False
            _source_fill_blanks(source=source, references=[entry[0] for entry in entries])
            to_create.append(source)
        else:
            counts["sources_reused"] += 1
            if _source_fill_blanks(source=source, references=[entry[0] for entry in entries]):
                to_update.append(source)
        sources[fingerprint] = source
    if to_create:
        bulk_create_with_history(to_create, Source, default_change_reason=reason)
    if to_update:
        bulk_update_with_history(
            to_update,
            Source,
            ["url", "published_on", "authors", "in_bibliography"],
            default_change_reason=reason,
        )
    counts["sources_created"] += len(to_create)
    counts["sources_updated"] += len(to_update)
    return {key: sources[fingerprint] for key, fingerprint in fingerprint_by_key.items()}


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


def _claims_sync(
    *,
    article: Article,
    parsed: ParsedArticle,
    is_new: bool,
    reason: str,
    counts: collections.Counter[str],
    warnings: list[str],
    file_name: str,
) -> list[Claim]:
    """One claim per parsed sentence, in order; re-imports keep claims whose text is unchanged.

    Sentences are matched to existing claims by exact text: first by aligning the two
    sequences (so of two identical sentences the one whose neighbours still match is kept),
    then, for sentences that moved, by the remaining claims with the same text, in order.
    """
    existing = [] if is_new else list(article.claims.select_for_update().order_by("ordinal"))
    matched: list[Claim | None] = [None] * len(parsed.sentences)
    aligned: set[int] = set()
    if existing:
        matcher = difflib.SequenceMatcher(
            a=[claim.text for claim in existing],
            b=[sentence.text for sentence in parsed.sentences],
            autojunk=False,
        )
        for block in matcher.get_matching_blocks():
            for offset in range(block.size):
                matched[block.b + offset] = existing[block.a + offset]
                aligned.add(block.a + offset)
    unmatched_by_text: dict[str, collections.deque[Claim]] = {}
    for index, claim in enumerate(existing):
        if index not in aligned:
            unmatched_by_text.setdefault(claim.text, collections.deque()).append(claim)
    for index, sentence in enumerate(parsed.sentences):
        queue = unmatched_by_text.get(sentence.text)
        if matched[index] is None and queue:
            matched[index] = queue.popleft()
    removed = [claim for queue in unmatched_by_text.values() for claim in queue]
    if removed:
        _claims_remove(
            claims=removed, reason=reason, counts=counts, warnings=warnings, file_name=file_name
        )

    # Shifted claims first move above every ordinal in use (old and new), then down to their
    # new place: the unique (article, ordinal) constraint is checked row by row.
    moving: list[tuple[Claim, int]] = []
    changed: list[Claim] = []
    for ordinal, (sentence, claim) in enumerate(zip(parsed.sentences, matched, strict=True)):
        if claim is None:
            continue
        new_values = (ordinal, sentence.start, sentence.end, sentence.paragraph)
        if (claim.ordinal, claim.start, claim.end, claim.paragraph) == new_values:
            counts["claims_unchanged"] += 1
            continue
        if claim.ordinal != ordinal:
            moving.append((claim, ordinal))
        claim.start, claim.end, claim.paragraph = sentence.start, sentence.end, sentence.paragraph
        changed.append(claim)
    if moving:
        parking = max([claim.ordinal for claim in existing] + [len(parsed.sentences)]) + 1
        for claim, ordinal in moving:
            claim.ordinal = parking + ordinal
        # A transient state: no history for it, the final update below records the change.
        Claim.objects.bulk_update([claim for claim, _ in moving], ["ordinal"])
        for claim, ordinal in moving:
            claim.ordinal = ordinal
    if changed:
        bulk_update_with_history(
            changed,
            Claim,
            ["ordinal", "start", "end", "paragraph"],
            default_change_reason=reason,
        )
    counts["claims_updated"] += len(changed)

    new_claims = [
        Claim(
            article=article,
            ordinal=ordinal,
            text=sentence.text,
            start=sentence.start,
            end=sentence.end,
            paragraph=sentence.paragraph,
        )
        for ordinal, (sentence, claim) in enumerate(zip(parsed.sentences, matched, strict=True))
        if claim is None
    ]
    if new_claims:
        bulk_create_with_history(new_claims, Claim, default_change_reason=reason)
    counts["claims_created"] += len(new_claims)
    created = iter(new_claims)
    return [claim if claim is not None else next(created) for claim in matched]


def _claims_remove(
    *,
    claims: list[Claim],
    reason: str,
    counts: collections.Counter[str],
    warnings: list[str],
    file_name: str,
) -> None:
    """Delete claims whose sentence left the article; warn where an editor's work goes with them."""
    claim_ids = [claim.pk for claim in claims]
    editor_evidence = dict(
        Evidence.objects.filter(claim_id__in=claim_ids)
        .exclude(_importer_evidence_q())
        .values("claim_id")
        .annotate(count=Count("id"))
        .values_list("claim_id", "count")
    )
    for claim in claims:
        evidence_count = editor_evidence.get(claim.pk, 0)
        if claim.status == Claim.Status.UNREVIEWED and not evidence_count:
            continue
        lost = []
        if claim.status != Claim.Status.UNREVIEWED:
            lost.append(f"its verdict “{claim.get_status_display()}”")
        if evidence_count:
            lost.append(f"{evidence_count} piece{'s' if evidence_count != 1 else ''} of evidence")
        text = claim.text if len(claim.text) <= 80 else claim.text[:79] + "…"
        warnings.append(
            f"{file_name}: sentence {claim.ordinal + 1} is no longer in the article, so its claim "
            f"was removed with {' and '.join(lost)} (kept in its history): “{text}”"
        )
    counts["evidence_removed"] += _delete_with_history(
        Evidence.objects.filter(claim_id__in=claim_ids), reason=reason
    )
    counts["claims_removed"] += _delete_with_history(
        Claim.objects.filter(pk__in=claim_ids), reason=reason
    )


def _delete_with_history(queryset: models.QuerySet, *, reason: str) -> int:
    """Delete rows (simple_history records each through post_delete) and give them the reason."""
    model = queryset.model
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    model.objects.filter(pk__in=ids).delete()
    # The deletion signal has no way to receive a reason for a queryset delete; add it after.
    get_history_model_for_model(model).objects.filter(
        id__in=ids, history_type="-", history_change_reason__isnull=True
    ).update(history_change_reason=reason)
    return len(ids)


def _importer_evidence_q() -> Q:
    # What the importer owns: links it made from the article's own citations. Anything else
    # (another stance, or a named editor) is an editor's and is never touched.
    return Q(stance=Evidence.Stance.CITED, added_by__isnull=True)


def _cited_evidence_sync(
    *,
    claims: list[Claim],
    parsed: ParsedArticle,
    sources_by_key: dict[str, Source],
    is_new: bool,
    reason: str,
    counts: collections.Counter[str],
) -> None:
    """A "cited" evidence row per (claim, source) the article's markers make; drop stale ones."""
    wanted: set[tuple[int, int]] = set()
    for claim, sentence in zip(claims, parsed.sentences, strict=True):
        for index in sentence.citation_indexes:
            source = sources_by_key[parsed.citations[index].reference_key]
            wanted.add((claim.pk, source.pk))

    present: set[tuple[int, int]] = set()
    stale: list[int] = []
    if not is_new:
        rows = Evidence.objects.filter(
            claim_id__in=[claim.pk for claim in claims], stance=Evidence.Stance.CITED
        ).values_list("pk", "claim_id", "source_id", "added_by_id")
        for pk, claim_id, source_id, added_by_id in rows:
            present.add((claim_id, source_id))
            if added_by_id is None and (claim_id, source_id) not in wanted:
                stale.append(pk)
    if stale:
        counts["evidence_removed"] += _delete_with_history(
            Evidence.objects.filter(pk__in=stale), reason=reason
        )
    to_create = [
        Evidence(claim_id=claim_id, source_id=source_id, stance=Evidence.Stance.CITED)
        for claim_id, source_id in sorted(wanted - present)
    ]
    if to_create:
        bulk_create_with_history(to_create, Evidence, default_change_reason=reason)
    counts["evidence_created"] += len(to_create)


# ---------------------------------------------------------------------------
# Cross-article links
# ---------------------------------------------------------------------------


def sources_link_articles(
    *,
    articles: Iterable[Article] | None = None,
    sources: Iterable[Source] | None = None,
    change_reason: str = "link cited works to articles",
) -> int:
    """Point unlinked Sources at the Article that is the same work; returns how many were linked.

    Same work: equal normalized titles, outlets that do not disagree, dates that do not
    disagree, and at least one of outlet or date known on both sides and equal. With
    `articles`, those articles are matched against every unlinked source; with `sources`,
    those sources against every article; with neither, everything against everything. A
    source that two articles match equally well is left alone rather than guessed.
    """
    candidates: dict[int, tuple[Source, dict[int, Article]]] = {}

    def consider(source: Source, article: Article) -> None:
        if source.linked_article_id is None and _source_is_article(source=source, article=article):
            candidates.setdefault(source.pk, (source, {}))[1][article.pk] = article

    if articles is None and sources is None:
        articles = Article.objects.select_related("outlet").iterator(chunk_size=500)
    if articles is not None:
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) == 500:
                _match_articles_to_sources(articles=batch, consider=consider)
                batch = []
        if batch:
            _match_articles_to_sources(articles=batch, consider=consider)
    if sources is not None:
        _match_sources_to_articles(
            sources=[source for source in sources if source.linked_article_id is None],
            consider=consider,
        )

    linked: list[Source] = []
    for source, matches in candidates.values():
        ranked = sorted(
            matches.values(),
            key=lambda article: _agreement(source=source, article=article),
            reverse=True,
        )
        best = _agreement(source=source, article=ranked[0])
        if len(ranked) > 1 and _agreement(source=source, article=ranked[1]) == best:
            continue
        source.linked_article = ranked[0]
        linked.append(source)
    if linked:
        bulk_update_with_history(
            linked, Source, ["linked_article"], default_change_reason=change_reason
        )
    return len(linked)


def _match_articles_to_sources(*, articles: list[Article], consider) -> None:
    articles_by_title: dict[str, list[Article]] = {}
    condition = Q()
    for article in articles:
        title = normalize_text(article.title)
        if not title:
            continue
        if article.outlet_id is not None:
            # A source naming another outlet cannot match, so exact fingerprints suffice.
            outlet = article.outlet.normalized_name
            condition |= Q(fingerprint__in=[f"{title}|{outlet}", f"{title}|"])
        elif article.published_on is not None:
            condition |= Q(fingerprint__startswith=f"{title}|", published_on=article.published_on)
        else:
            continue  # neither outlet nor date: nothing could ever agree
        articles_by_title.setdefault(title, []).append(article)
    if not articles_by_title:
        return
    unlinked = Source.objects.select_related("outlet").filter(
        condition, linked_article__isnull=True
    )
    for source in unlinked:
        for article in articles_by_title.get(normalize_text(source.title), []):
            consider(source, article)


def _match_sources_to_articles(*, sources: list[Source], consider) -> None:
    sources = [source for source in sources if normalize_text(source.title)]
    dates = {source.published_on for source in sources if source.published_on is not None}
    outlet_ids = {source.outlet_id for source in sources if source.outlet_id is not None}
    if not dates and not outlet_ids:
        return
    # Only articles sharing a date or an outlet with some source can agree with it.
    articles = Article.objects.filter(Q(published_on__in=dates) | Q(outlet_id__in=outlet_ids))
    articles_by_title: dict[str, list[Article]] = {}
    for article in articles.only("title", "outlet", "published_on"):
        articles_by_title.setdefault(normalize_text(article.title), []).append(article)
    for source in sources:
        for article in articles_by_title.get(normalize_text(source.title), []):
            consider(source, article)


def _source_is_article(*, source: Source, article: Article) -> bool:
    title = normalize_text(source.title)
    if not title or title != normalize_text(article.title):
        return False
    both_outlets = source.outlet_id is not None and article.outlet_id is not None
    both_dates = source.published_on is not None and article.published_on is not None
    if both_outlets and source.outlet_id != article.outlet_id:
        return False
    if both_dates and source.published_on != article.published_on:
        return False
    return both_outlets or both_dates


def _agreement(*, source: Source, article: Article) -> int:
    return int(source.outlet_id is not None and source.outlet_id == article.outlet_id) + int(
        source.published_on is not None and source.published_on == article.published_on
    )
