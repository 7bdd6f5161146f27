"""Publishing and unpublishing articles: what readers may see. Chief editors decide."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from articles.models import Article


def articles_set_publication(
    *, articles: QuerySet, publication: str, user: AbstractBaseUser
) -> int:
    """Publish or unpublish `articles` (with who and when); how many changed state."""
    if publication not in Article.Publication.values:
        raise ValueError(f"{publication!r} is not a publication state")
    return (
        articles.exclude(publication=publication)
        .order_by()
        .update(
            publication=publication,
            publication_changed_by=user,
            publication_changed_at=timezone.now(),
        )
    )
