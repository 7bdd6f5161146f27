"""Evidence: the one place editors' links between a claim and a source are made and removed.

Each write saves through django-simple-history (so the claim's timeline shows it, with the
editor) and counts as a change of the claim (`claim_touch`), inside the caller's transaction,
which holds the claim's lock (`claims.services.claim_lock`). Removing evidence removes the link,
never the source.

Quotes are checked against the source's own text when we hold it (the source is an article in
the database): found (normalised: case, quotes, spaces and citation markers aside), not found,
or the source's title passed off as a quote.
"""

import re
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.models import Article
from claims.models import Claim, Evidence
from claims.services import claim_touch
from sources.models import Source
from sources.normalize import normalize_text

QUOTE_MAX_LENGTH = 2000
# Citation markers as bodies keep them: "[3]", "[12, 14]", "[a]".
_MARKER = re.compile(r"\[[^\[\]\n]{1,12}\]")

QUOTE_FOUND = "found"
QUOTE_NOT_FOUND = "not_found"
QUOTE_IS_TITLE = "is_title"
QUOTE_UNCHECKED = "unchecked"


@dataclass(frozen=True)
class QuoteCheck:
    status: str  # one of the QUOTE_* values; "" for no quote
    message: str

    @property
    def is_problem(self) -> bool:
        return self.status in (QUOTE_NOT_FOUND, QUOTE_IS_TITLE)


NO_QUOTE = QuoteCheck("", "")


def _normal(text: str) -> str:
    return normalize_text(_MARKER.sub(" ", text or ""))


def quote_check(*, quote: str, source: Source, body: str | None) -> QuoteCheck:
    """Whether `quote` is a passage of `source`; `body` is the text of the article the source
    is (None when we do not hold it)."""
    quote = (quote or "").strip()
    if not quote:
        return NO_QUOTE
    if source.title and _normal(quote) == _normal(source.title):
        return QuoteCheck(
            QUOTE_IS_TITLE,
            "This is the source's title, not a passage from it: quote what the source says.",
        )
    if body is None:
        return QuoteCheck(
            QUOTE_UNCHECKED, "We do not hold this source's text: check the quote against it."
        )
    if _normal(quote) in _normal(body):
        return QuoteCheck(QUOTE_FOUND, "Found in the source.")
    return QuoteCheck(
        QUOTE_NOT_FOUND, "Not found in the source: quote its words exactly, or leave it out."
    )


def source_bodies(sources: list[Source]) -> dict[int, str]:
    """The text of each held article these sources are, by article id; one query."""
    article_ids = {source.linked_article_id for source in sources if source.linked_article_id}
    if not article_ids:
        return {}
    return dict(Article.objects.filter(pk__in=article_ids).values_list("pk", "body"))


def evidence_quote_checks(
    evidence: list[Evidence], *, bodies: dict[int, str] | None = None
) -> None:
    """Set `quote_result` on each row (sources loaded); at most one query for their texts
    (none given `bodies`, as `source_bodies` returns them)."""
    if bodies is None:
        bodies = source_bodies([item.source for item in evidence if item.quote])
    for item in evidence:
        item.quote_result = quote_check(
            quote=item.quote,
            source=item.source,
            body=bodies.get(item.source.linked_article_id),
        )


def evidence_validate(*, stance: str, quote: str) -> tuple[str, str]:
    if stance not in Evidence.Stance.values:
        raise ValidationError({"stance": "Choose how the source relates to the sentence."})
    quote = (quote or "").strip()
    if len(quote) > QUOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "quote": f"Keep the quote under {QUOTE_MAX_LENGTH:,} characters: the passage "
                "that matters, not the whole source."
            }
        )
    return stance, quote


def evidence_add(
    *, claim: Claim, source: Source, stance: str, quote: str, user: AbstractBaseUser
) -> Evidence:
    """Link `source` to `claim`; a ValidationError when that link is already there."""
    stance, quote = evidence_validate(stance=stance, quote=quote)
    evidence = Evidence(claim=claim, source=source, stance=stance, quote=quote, added_by=user)
    evidence._history_user = user
    try:
        with transaction.atomic():
            evidence.save()
    except IntegrityError as error:
        # Caught here, not left to the database's raw message: another editor may have added
        # the same source with the same stance a moment ago.
        raise ValidationError(
            f"“{source}” is already evidence for this claim as “{Evidence.Stance(stance).label}”"
            " (perhaps another editor just added it): change that row instead."
        ) from error
    claim_touch([claim.pk])
    return evidence


def evidence_change(
    *, evidence: Evidence, stance: str, quote: str, user: AbstractBaseUser
) -> Evidence:
    stance, quote = evidence_validate(stance=stance, quote=quote)
    if (evidence.stance, evidence.quote) == (stance, quote):
        return evidence
    evidence.stance, evidence.quote = stance, quote
    evidence._history_user = user
    try:
        with transaction.atomic():
            evidence.save(update_fields=["stance", "quote"])
    except IntegrityError as error:
        raise ValidationError(
            f"“{evidence.source}” is already evidence for this claim as "
            f"“{Evidence.Stance(stance).label}”: remove one of the two rows instead."
        ) from error
    claim_touch([evidence.claim_id])
    return evidence


def evidence_remove(*, evidence: Evidence, user: AbstractBaseUser) -> None:
    """Remove the link between the claim and the source; the source itself stays."""
    evidence._history_user = user
    evidence.delete()
    claim_touch([evidence.claim_id])
