import collections
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Article, Reference
from claims.links import claim_link, claim_link_between
from claims.models import Claim, ClaimLink, Evidence
from claims.services import claim_set_verdict
from sources.models import Source, source_fingerprint

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "fixtures" / "demo_reviews.json"


class Command(BaseCommand):
    help = (
        "Load the editorial review of the seed articles (verdicts, evidence with quotes checked "
        "against the sources we hold, links between claims, later corrections) from a JSON file. "
        "Run after importing the seeds. Each review is applied once, and never to a claim an "
        "editor has reviewed: running it again changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))

    def handle(self, *args, path: str, **options) -> None:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: cannot read the review file: {error}") from error

        with transaction.atomic():
            reviewer = demo_reviewer(data.get("reviewer") or {})
            results: collections.Counter[str] = collections.Counter()
            for number, review in enumerate(data["reviews"], start=1):
                try:
                    results[review_apply(review=review, reviewer=reviewer)] += 1
                except (LookupError, ValidationError) as error:
                    raise CommandError(f"{path}: review {number}: {error}") from error
        self.stdout.write(
            f"demo reviews: {len(data['reviews'])} in the file; {results['applied']} applied, "
            f"{results['already applied']} applied before, "
            f"{results["editor's"]} left alone because an editor has reviewed the claim"
        )


def demo_reviewer(spec: dict):
    """The account that signs the demo verdicts, under the full name readers see."""
    names = {"first_name": spec.get("first_name", ""), "last_name": spec.get("last_name", "")}
    user, created = get_user_model().objects.get_or_create(
        username=spec.get("username", "demo-desk"), defaults=names
    )
    if created:
        # The demo reviewer signs verdicts; nobody logs in as it.
        user.set_unusable_password()
        user.save()
    elif not user.has_usable_password() and (user.first_name, user.last_name) != (
        names["first_name"],
        names["last_name"],
    ):
        # Still the demo's own account (nobody can log in as it): it takes the file's name.
        get_user_model().objects.filter(pk=user.pk).update(**names)
    return user


def claim_find(*, article_file: str, sentence: str) -> Claim:
    article = article_find(article_file)
    matches = list(article.claims.filter(text__contains=sentence)[:2])
    if len(matches) != 1:
        found = "no" if not matches else "more than one"
        raise LookupError(f"{found} sentence of {article_file!r} contains {sentence!r}")
    return matches[0]


def reference_find(*, article_file: str, key: str) -> Reference:
    reference = (
        Reference.objects.select_related("source")
        .filter(article__source_file_name=article_file, key=key)
        .first()
    )
    if reference is None:
        raise LookupError(f"article {article_file!r} has no reference {key!r}")
    return reference


def article_find(article_file: str) -> Article:
    article = Article.objects.filter(source_file_name=article_file).first()
    if article is None:
        raise LookupError(f"article {article_file!r} is not imported")
    return article


def held_article_source(*, article_file: str, reviewer) -> Source:
    """The source that is an article we hold, as an editor would file it: found by the link
    the importer makes when another article cites it, else by its title and outlet, else
    created, titled and dated like the article."""
    article = article_find(article_file)
    source = Source.objects.filter(linked_article=article).order_by("pk").first()
    if source is not None:
        return source
    outlet_name = article.outlet.name if article.outlet_id else ""
    fingerprint = source_fingerprint(title=article.title, outlet_name=outlet_name)
    source = Source.objects.filter(fingerprint=fingerprint).first() or Source(
        title=article.title,
        outlet=article.outlet,
        published_on=article.published_on,
        url=article.url,
    )
    source.linked_article = article
    source._history_user = reviewer
    source.save()
    return source


def evidence_source(item: dict, *, reviewer) -> Source:
    if "held_article" in item:
        return held_article_source(article_file=item["held_article"], reviewer=reviewer)
    return reference_find(article_file=item["article"], key=item["reference"]).source


def quote_check(*, quote: str, source: Source) -> None:
    """A quote must be in the source, word for word: checked against the source's text when
    we hold it, and refused when we do not, since nobody could check it."""
    if not quote:
        return
    if source.linked_article_id is None:
        raise ValidationError(
            f"the quote {quote[:60]!r}… cannot be checked: we do not hold the text of "
            f"{source!s}; leave the quote out or cite a source we hold"
        )
    text = " ".join(
        Article.objects.values_list("body", flat=True).get(pk=source.linked_article_id).split()
    )
    if " ".join(quote.split()) not in text:
        raise ValidationError(f"the quote {quote[:60]!r}… is not in {source!s}")


def review_apply(*, review: dict, reviewer) -> str:
    """Apply one review, once: "applied", "already applied", or "editor's" when someone has
    reviewed the claim, whose work is never overwritten."""
    claim = claim_find(article_file=review["article"], sentence=review["sentence"])
    if claim.history.filter(history_user=reviewer).exists():
        # Applied on an earlier run; whatever editors did since then stands.
        return "already applied"
    if claim.status != Claim.Status.UNREVIEWED:
        return "editor's"
    claim_set_verdict(claim=claim, status=review["status"], reason=review["reason"], user=reviewer)
    for item in review.get("evidence", []):
        source = evidence_source(item, reviewer=reviewer)
        quote_check(quote=item.get("quote", ""), source=source)
        if Evidence.objects.filter(claim=claim, source=source, stance=item["stance"]).exists():
            continue
        evidence = Evidence(
            claim=claim,
            source=source,
            stance=item["stance"],
            quote=item.get("quote", ""),
            added_by=reviewer,
        )
        evidence._history_user = reviewer
        evidence.full_clean()
        evidence.save()
    for related in review.get("related", []):
        # The review's claim is the link's first end: for "elaborates", it elaborates on the
        # related one. A pair an editor has already linked otherwise is left as it is.
        other = claim_find(article_file=related["article"], sentence=related["sentence"])
        if claim_link_between(claim=claim, other=other) is None:
            claim_link(
                claim=claim,
                other=other,
                kind=related.get("kind", ClaimLink.Kind.SAME),
                note=related.get("note", ""),
                user=reviewer,
            )
    # Later verdicts on the same claim: corrections of the published one, on the record.
    for correction in review.get("corrections", []):
        claim_set_verdict(
            claim=claim, status=correction["status"], reason=correction["reason"], user=reviewer
        )
    return "applied"
