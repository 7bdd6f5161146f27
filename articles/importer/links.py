"""Cross-article links: a cited work that is an article of ours points at it."""

import re
from collections.abc import Iterable

from django.db.models import Q

from articles.importer.rows import _instances_update
from articles.models import Article
from sources.models import Source
from sources.normalize import normalize_text


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
        _instances_update(linked, ["linked_article"], history_reason=change_reason)
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


_WORD = re.compile(r"\w+")


def _match_sources_to_articles(*, sources: list[Source], consider) -> None:
    sources = [source for source in sources if normalize_text(source.title)]
    dates = {source.published_on for source in sources if source.published_on is not None}
    outlet_ids = {source.outlet_id for source in sources if source.outlet_id is not None}
    if not dates and not outlet_ids:
        return
    # Only articles sharing a date or an outlet with some source can agree with it, and only
    # those whose title holds the longest word of some source's title (off the title trigram
    # index): without that, each import of a big outlet's article read all its articles.
    title_words = Q()
    for source in sources:
        words = _WORD.findall(normalize_text(source.title))
        if words:
            title_words |= Q(title__icontains=max(words, key=len))
        else:
            title_words |= Q(title__iexact=source.title.strip())
    articles = Article.objects.filter(
        Q(published_on__in=dates) | Q(outlet_id__in=outlet_ids), title_words
    )
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
