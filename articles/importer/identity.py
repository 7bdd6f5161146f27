"""Which stored article a file is: by its bytes, its URL, its file name, or its title,
outlet and date."""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Q

from articles.importer.outcome import ImportOutcome
from articles.importer.rows import _instance_from_row
from articles.models import Article
from articles.parser import ParsedArticle
from claims.models import Claim
from sources.models import Outlet
from sources.normalize import normalize_outlet_name, normalize_text


def articles_by_content_hash(content_hashes: Iterable[str]) -> dict[str, Article]:
    """The stored article of each of these file hashes that is stored, with its number of
    current claims (`current_claims`); one query for a whole batch.

    A bulk import run again after an interruption skips every finished file at this cost,
    without parsing it.
    """
    found: dict[str, Article] = {}
    stored = (
        Article.objects.filter(content_hash__in=list(set(content_hashes)))
        .defer("body", "metadata")
        .annotate(current_claims=Count("claims", filter=Q(claims__withdrawn_at__isnull=True)))
        .order_by("pk")
    )
    for article in stored:
        found.setdefault(article.content_hash, article)
    return found


def unchanged_outcome(*, file_name: str, article: Article, current_claims: int) -> ImportOutcome:
    outcome = ImportOutcome(file_name=file_name, status="unchanged", article=article)
    outcome.counts["claims_unchanged"] = current_claims
    if article.source_file_name != file_name:
        outcome.note = f"the same text as {article.source_file_name}"
    return outcome


def _unchanged_outcome(*, file_name: str, content_hash: str) -> ImportOutcome | None:
    """The outcome of a file whose bytes are stored already, or None: one statement either
    way (the article, without its body, and its number of current claims)."""
    fields = [
        field.attname
        for field in Article._meta.concrete_fields
        if field.attname not in ("body", "metadata")
    ]
    quote = connection.ops.quote_name
    claims = quote(Claim._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(f'article.{quote(field)}' for field in fields)}, "
            f"(SELECT COUNT(*) FROM {claims} AS claim WHERE claim.article_id = article.id "
            "AND claim.withdrawn_at IS NULL) "
            f"FROM {quote(Article._meta.db_table)} AS article "
            "WHERE article.content_hash = %s ORDER BY article.id LIMIT 1",
            [content_hash],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    # Fields left out are deferred, as `.defer("body", "metadata")` would leave them.
    same = _instance_from_row(Article, fields, row[:-1])
    return unchanged_outcome(file_name=file_name, article=same, current_claims=row[-1])


def _article_find(*, file_name: str, parsed: ParsedArticle) -> Article | None:
    """The stored article this parse is a version of, locked; None for a new article.

    By URL; else by file name when it is still the same article (same title, or most of its
    sentences); else by title with the same outlet and date. A different article uploaded
    under a file name already used is a new article, never a replacement.
    """
    candidates = _article_candidates(file_name=file_name, parsed=parsed)
    if parsed.url:
        for candidate in candidates:
            if candidate.url == parsed.url:
                return candidate
    title = normalize_text(parsed.title)
    for candidate in candidates:
        if candidate.source_file_name == file_name and (
            normalize_text(candidate.title) == title or _shares_most_sentences(candidate, parsed)
        ):
            return candidate
    if parsed.outlet or parsed.published:
        outlet = normalize_outlet_name(parsed.outlet or "")
        for candidate in candidates:
            candidate_outlet = candidate.outlet.normalized_name if candidate.outlet_id else ""
            if (
                candidate.title.upper() == parsed.title.strip().upper()
                and candidate.published_on == parsed.published
                and candidate_outlet == outlet
            ):
                return candidate
    return None


def _article_candidates(*, file_name: str, parsed: ParsedArticle) -> list[Article]:
    """Every stored article this parse could be a version of, locked, with its outlet.

    One plain statement (this runs for every new file, which finds nothing): by URL, by file
    name, or by title (case-insensitively, as `iexact`, off the title trigram index) with the
    same date when the parse has an outlet or a date. Bodies are not needed to decide, and are
    replaced if one is chosen: they are left deferred.
    """
    conditions = ["article.source_file_name = %s"]
    params: list = [file_name]
    if parsed.url:
        conditions.append("article.url = %s")
        params.append(parsed.url)
    if parsed.outlet or parsed.published:
        if parsed.published is None:
            conditions.append(
                "(UPPER(article.title::text) = UPPER(%s) AND article.published_on IS NULL)"
            )
            params.append(parsed.title.strip())
        else:
            conditions.append(
                "(UPPER(article.title::text) = UPPER(%s) AND article.published_on = %s)"
            )
            params += [parsed.title.strip(), parsed.published]
    article_fields = [
        field.attname
        for field in Article._meta.concrete_fields
        if field.attname not in ("body", "metadata")
    ]
    outlet_fields = [field.attname for field in Outlet._meta.concrete_fields]
    quote = connection.ops.quote_name
    columns = [f"article.{quote(name)}" for name in article_fields]
    columns += [f"outlet.{quote(name)}" for name in outlet_fields]
    # Table and column names come from the models, never from input.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {quote(Article._meta.db_table)} AS article "
            f"LEFT JOIN {quote(Outlet._meta.db_table)} AS outlet "
            "ON outlet.id = article.outlet_id "
            f"WHERE {' OR '.join(conditions)} ORDER BY article.id FOR UPDATE OF article",
            params,
        )
        rows = cursor.fetchall()
    outlet_field = Article._meta.get_field("outlet")
    candidates = []
    for row in rows:
        article = _instance_from_row(Article, article_fields, row[: len(article_fields)])
        outlet_row = row[len(article_fields) :]
        outlet_field.set_cached_value(
            article,
            None
            if outlet_row[0] is None
            else _instance_from_row(Outlet, outlet_fields, outlet_row),
        )
        candidates.append(article)
    return candidates


def _shares_most_sentences(article: Article, parsed: ParsedArticle) -> bool:
    stored = set(article.claims.current().values_list("text", flat=True))
    if not stored:
        return False
    shared = sum(1 for sentence in parsed.sentences if sentence.text in stored)
    return shared * 2 >= min(len(stored), len(parsed.sentences))
