"""Factories for what the public article and source pages show, beyond tests/factories.py."""

from collections.abc import Sequence

import factory
from django.utils import timezone

from articles.models import Article, Citation, Contributor, Reference
from claims.models import Claim
from sources.models import Source
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory

SENTENCES_PER_PARAGRAPH = 3


class ContributorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contributor

    article = factory.SubFactory(ArticleFactory)
    name = factory.Sequence(lambda n: f"Contributor {n}")
    role = Contributor.Role.AUTHOR
    role_label = "Written by"
    position = factory.Sequence(lambda n: n)


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    article = factory.SubFactory(ArticleFactory)
    source = factory.SubFactory(SourceFactory)
    position = factory.Sequence(lambda n: n)
    key = factory.LazyAttribute(lambda reference: str(reference.position))
    label = factory.LazyAttribute(lambda reference: f"{reference.position}.")
    raw_text = factory.LazyAttribute(
        lambda reference: f"{reference.position}. “{reference.source.title}” 2023"
    )


class CitationFactory(factory.django.DjangoModelFactory):
    """A citation marker in an article's body; give `label`, `start` and `end` where it is."""

    class Meta:
        model = Citation

    article = factory.SubFactory(ArticleFactory)
    reference = factory.LazyAttribute(lambda citation: ReferenceFactory(article=citation.article))
    source = factory.LazyAttribute(lambda citation: citation.reference.source)
    label = "[1]"
    position = factory.Sequence(lambda n: n)
    start = 0
    end = 3


def cite(source: Source, article: Article, position: int = 0, *, key: str = "") -> Citation:
    """Lists `source` in `article`'s references at `position` and cites it once in the text.
    `key` (by default the position) is what the marker shows, as in "[3]"."""
    key = key or str(position)
    reference = ReferenceFactory(
        article=article, source=source, position=position, key=key, label=f"{key}."
    )
    return Citation.objects.create(
        article=article,
        reference=reference,
        source=source,
        label=f"[{key}]",
        position=position,
        start=0,
        end=5,
    )


def reviewed(status: str) -> dict:
    """The fields a claim needs for a verdict other than "unreviewed"."""
    if status == Claim.Status.UNREVIEWED:
        return {"status": status}
    return {"status": status, "reason": "The cited report says so.", "reviewed_at": timezone.now()}


def make_cited_article(
    *,
    sentence_count: int,
    statuses: Sequence[str] = (),
    cited: Sequence[bool] = (),
    **article_fields,
) -> Article:
    """An article whose body, claims, references and citations agree on every offset.

    Sentence i reads "Sentence number i says something.[i]" and, unless `cited[i]` is False,
    its marker "[i]" cites reference i. `statuses[i]` is its verdict (default unreviewed).
    """
    spans: list[tuple[int, int, int | None]] = []
    paragraphs: list[str] = []
    offset = 0
    for paragraph_start in range(0, sentence_count, SENTENCES_PER_PARAGRAPH):
        parts = []
        for index in range(
            paragraph_start, min(paragraph_start + SENTENCES_PER_PARAGRAPH, sentence_count)
        ):
            if parts:
                offset += 1
            is_cited = cited[index] if index < len(cited) else True
            sentence = f"Sentence number {index} says something."
            marker = f"[{index}]" if is_cited else ""
            start = offset
            offset += len(sentence) + len(marker)
            spans.append((start, offset, start + len(sentence) if is_cited else None))
            parts.append(sentence + marker)
        paragraphs.append(" ".join(parts))
        offset += 2
    body = "\n\n".join(paragraphs)
    article = ArticleFactory(body=body, **article_fields)
    for index, (start, end, marker_start) in enumerate(spans):
        status = statuses[index] if index < len(statuses) else Claim.Status.UNREVIEWED
        ClaimFactory(
            article=article,
            ordinal=index,
            text=body[start:end],
            start=start,
            end=end,
            paragraph=index // SENTENCES_PER_PARAGRAPH,
            **reviewed(status),
        )
        if marker_start is None:
            continue
        reference = ReferenceFactory(article=article, position=index)
        Citation.objects.create(
            article=article,
            reference=reference,
            source=reference.source,
            label=f"[{index}]",
            position=index,
            start=marker_start,
            end=end,
        )
    return article
