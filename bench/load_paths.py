"""Print request paths for bench/load.sh: a realistic mix of claims-page requests, or claim pages.

    .venv/bin/python bench/load_paths.py claims-mix 2000 > paths.txt
    .venv/bin/python bench/load_paths.py claim-pages 2000 > paths.txt

The claims-page mix is what readers do there: mostly the first page, unfiltered or with one
filter (a verdict, contested, reviewed, an article, an outlet, a source), some searches for
common and rare words, the three sorts, and some later pages. Deterministic (seeded).
"""

import random
import sys

import django_setup  # noqa: F401  (sets Django up before the models are imported)

from articles.models import Article
from claims.models import Claim
from sources.models import Outlet, Source

SEARCHES = ["militia", "border", "casualties", "drone attack", "Belgorod", "harvest", "ceasefire"]
VERDICTS = ["contested", "supported", "false", "unverifiable", "not_a_claim"]


def sample_ids(model, count: int, randomizer: random.Random) -> list:
    """Random primary keys without ORDER BY random() over the whole table."""
    highest = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    wanted = {randomizer.randint(1, highest) for _ in range(count * 2)} if highest else set()
    return list(model.objects.filter(pk__in=wanted).values_list("pk", flat=True)[:count])


def claims_mix(count: int, randomizer: random.Random) -> list[str]:
    articles = list(
        Article.objects.filter(pk__in=sample_ids(Article, 200, randomizer)).values_list(
            "slug", flat=True
        )
    )
    outlets = list(Outlet.objects.values_list("slug", flat=True)[:200])
    sources = sample_ids(Source, 200, randomizer)
    choices = [
        (30, lambda: "/claims/"),
        (10, lambda: f"/claims/?verdict={randomizer.choice(VERDICTS)}"),
        (8, lambda: "/claims/?contested=on"),
        (8, lambda: "/claims/?reviewed=yes"),
        (6, lambda: f"/claims/?article={randomizer.choice(articles)}"),
        (5, lambda: f"/claims/?outlet={randomizer.choice(outlets)}"),
        (5, lambda: f"/claims/?source={randomizer.choice(sources)}"),
        (12, lambda: f"/claims/?q={randomizer.choice(SEARCHES).replace(' ', '+')}"),
        (6, lambda: f"/claims/?sort={randomizer.choice(['newest', 'evidence', 'reviewed'])}"),
        (5, lambda: "/claims/?evidence=yes"),
        (5, lambda: "/claims/?sort=reviewed&reviewed=yes"),
    ]
    weights = [weight for weight, _ in choices]
    makers = [maker for _, maker in choices]
    return [randomizer.choices(makers, weights=weights)[0]() for _ in range(count)]


def claim_pages(count: int, randomizer: random.Random) -> list[str]:
    ids = sample_ids(Claim, count, randomizer)
    return [f"/claims/{pk}/" for pk in ids]


def main() -> None:
    kind, count = sys.argv[1], int(sys.argv[2])
    randomizer = random.Random(8)
    paths = {"claims-mix": claims_mix, "claim-pages": claim_pages}[kind](count, randomizer)
    if not paths:
        raise SystemExit("the database has nothing to request")
    print("\n".join(paths))


if __name__ == "__main__":
    main()
