import time

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from claims.checkworthy import claims_flag_checkworthy
from claims.models import Claim


class Command(BaseCommand):
    help = (
        "Mark which claims are check-worthy (numbers, attributed statements, superlatives, "
        "causes) and store the matched reasons; those without a citation then show as "
        "'needs citation'. Run after changing the rules, or for claims imported before them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--article", help="Only this article (its address name or number).")
        parser.add_argument(
            "--unchecked", action="store_true", help="Only claims never checked before."
        )
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, article: str | None, unchecked: bool, batch_size: int, **options):
        claims = Claim.objects.all()
        if article:
            found = Article.objects.filter(slug=article).first() or (
                Article.objects.filter(pk=int(article)).first() if article.isdigit() else None
            )
            if found is None:
                raise CommandError(f"there is no article {article!r}")
            claims = claims.filter(article=found)
        if unchecked:
            claims = claims.filter(checkworthy__isnull=True)
        total = claims.count()
        started = time.monotonic()
        done = 0
        # In slices, so that progress shows and each batch commits on its own.
        last_pk = 0
        while done < total:
            ids = list(
                claims.filter(pk__gt=last_pk)
                .order_by("pk")
                .values_list("pk", flat=True)[: batch_size * 10]
            )
            if not ids:
                break
            done += claims_flag_checkworthy(
                claims=Claim.objects.filter(pk__in=ids), batch_size=batch_size
            )
            last_pk = ids[-1]
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stderr.write(f"{done}/{total} claims checked, {rate:.0f}/s")
        flagged = claims.filter(checkworthy=True).count()
        self.stdout.write(
            f"flag_checkworthy: {done} claims checked in {time.monotonic() - started:.1f} s; "
            f"{flagged} check-worthy, {claims.needs_citation().count()} of them cite nothing"
        )
