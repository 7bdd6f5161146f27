from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from simple_history.models import HistoricalRecords


class SearchConfigField(models.CharField):
    """A PostgreSQL text-search configuration name ("english", "german", "simple").

    Stored as `regconfig`, so the generated search vector can use it: a generated column must
    be immutable, and casting text to regconfig is not (it depends on the catalog), while a
    regconfig column needs no cast.
    """

    def db_type(self, connection) -> str:
        return "regconfig"


class ClaimQuerySet(models.QuerySet):
    def current(self) -> "ClaimQuerySet":
        """Claims whose sentence is in the article as it now reads."""
        return self.filter(withdrawn_at__isnull=True)

    def withdrawn(self) -> "ClaimQuerySet":
        """Reviewed claims whose sentence a re-import removed: kept with verdict and history."""
        return self.filter(withdrawn_at__isnull=False)

    def of_published_articles(self) -> "ClaimQuerySet":
        """Claims readers may see: those of articles a chief editor has not unpublished."""
        from articles.models import Article

        # NOT IN over the few unpublished articles (a hashed subplan off their partial index)
        # rather than a join of every claim to its article.
        return self.exclude(article_id__in=Article.objects.unpublished().values("pk"))

    def contested(self) -> "ClaimQuerySet":
        return self.filter(status=Claim.Status.CONTESTED)

    def needs_citation(self) -> "ClaimQuerySet":
        """Check-worthy sentences that cite no source."""
        return self.filter(checkworthy=True).exclude(
            models.Exists(
                Evidence.objects.filter(claim=models.OuterRef("pk"), stance=Evidence.Stance.CITED)
            )
        )

    def needs_review(self) -> "ClaimQuerySet":
        return self.filter(status=Claim.Status.UNREVIEWED)

    def reviewed(self) -> "ClaimQuerySet":
        return self.exclude(status=Claim.Status.UNREVIEWED)

    def recently_reviewed(self) -> "ClaimQuerySet":
        # The same order as claim_reviewed_at_idx, so the latest verdicts come off the index.
        return self.reviewed().order_by(
            models.F("reviewed_at").desc(nulls_last=True), models.F("id").desc()
        )


# What each verdict means, as readers read it under every verdict and on the "How we rate" page;
# keyed by Claim.Status value. This is the one statement of the rating scale: change it here.
STATUS_MEANINGS = {
    "unreviewed": "Nobody has checked this sentence against its sources yet: the state of every "
    "sentence when its article is imported.",
    "supported": "The evidence backs what the sentence says.",
    "contested": "Credible sources disagree with the sentence, or with each other about it.",
    "false": "The evidence shows that the sentence is wrong.",
    "unverifiable": "A checkable statement, but no evidence available to us settles it either way.",
    "not_a_claim": "Not a factual claim at all: an opinion, a question, framing, or the quotation "
    "of a slogan.",
}


class Claim(models.Model):
    class Status(models.TextChoices):
        UNREVIEWED = "unreviewed", "Unreviewed"
        SUPPORTED = "supported", "Supported"
        CONTESTED = "contested", "Contested"
        FALSE = "false", "False"
        UNVERIFIABLE = "unverifiable", "Unverifiable"
        NOT_A_CLAIM = "not_a_claim", "Not a claim"

        @property
        def meaning(self) -> str:
            return STATUS_MEANINGS[self.value]

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="claims")
    ordinal = models.PositiveIntegerField(
        help_text="The sentence's position in the article, from 0."
    )
    text = models.TextField(
        help_text="The sentence exactly as published, citation markers included."
    )
    start = models.PositiveIntegerField(help_text="Offset of the sentence in the article body.")
    end = models.PositiveIntegerField(
        help_text="Offset just past the sentence in the article body."
    )
    paragraph = models.PositiveIntegerField(help_text="Which paragraph of the body, from 0.")
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.UNREVIEWED,
        help_text="Your verdict on the sentence. Anything but “Unreviewed” needs a reason.",
    )
    reason = models.TextField(
        blank=True,
        help_text="Why this verdict: what the evidence shows. Readers see this.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_claims",
        help_text="Who gave the current verdict.",
    )
    reviewed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the verdict was given."
    )
    withdrawn_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a re-import found this sentence gone from the article. The claim keeps "
        "its verdict, evidence and history; it no longer points into the article's text.",
    )
    search_config = SearchConfigField(
        max_length=63,
        default="simple",
        help_text="The text-search configuration of the article's language (“simple” when the "
        "language is unknown).",
    )
    checkworthy = models.BooleanField(
        null=True,
        blank=True,
        help_text="Whether the sentence states something checkable (a number, an attributed "
        "statement, a superlative, a cause), by the rules in claims/checkworthy.py; empty until "
        "checked. Check-worthy sentences with no citation need one.",
    )
    checkworthy_reasons = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        help_text="Which rules made it check-worthy and what they matched: “number: over 70”.",
    )
    search_vector = models.GeneratedField(
        expression=SearchVector("text", config=models.F("search_config")),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # db_default too: the importer's and the corpus builder's raw INSERTs leave it out.
    version = models.PositiveIntegerField(
        default=0,
        db_default=0,
        editable=False,
        help_text="Goes up by one with every editorial change (verdict, reason, evidence, "
        "links). A form sent with an older number was filled in on a page that has changed "
        "since, and is refused rather than overwrite the newer work.",
    )
    # Kept by the database, not by Django: triggers on claims_evidence (migration
    # 0011_stored_counters) add and subtract as evidence rows come and go, and a guard trigger
    # keeps the stored value when a save() of a stale Claim object sends an old number. The
    # "most evidence" sort and the evidence filter read it off claim_evidence_count_idx instead
    # of counting every claim's evidence on every request.
    evidence_count = models.PositiveIntegerField(
        default=0,
        db_default=0,
        editable=False,
        help_text="How many evidence rows the claim has (cited, supports, contradicts); kept "
        "exact by the database.",
    )

    # The check-worthiness flag is the rules' output, recomputed at will: not an edit to keep;
    # the version is bookkeeping, the timeline shows what changed. The change reason is text:
    # a withdrawal keeps its whole reason there, as the claim itself keeps none.
    history = HistoricalRecords(
        excluded_fields=[
            "search_vector",
            "search_config",
            "checkworthy",
            "checkworthy_reasons",
            "version",
            "evidence_count",
        ],
        history_change_reason_field=models.TextField(null=True),
    )
    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["article", "ordinal"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "unreviewed",
                        "supported",
                        "contested",
                        "false",
                        "unverifiable",
                        "not_a_claim",
                    ]
                ),
                name="claim_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="unreviewed") | ~models.Q(reason=""),
                name="claim_reason_required_when_reviewed",
            ),
            models.CheckConstraint(
                condition=models.Q(status="unreviewed") | models.Q(reviewed_at__isnull=False),
                name="claim_reviewed_at_set_when_reviewed",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="claim_span_valid"
            ),
            # The article page renders the current claims in order; withdrawn claims keep the
            # ordinal they last had and step aside.
            models.UniqueConstraint(
                fields=["article", "ordinal"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="claim_unique_ordinal",
            ),
        ]
        indexes = [
            # Claim.objects.contested() / needs_review() and the status filter everywhere, and
            # the claims page's default order within one verdict (?verdict=contested,
            # ?reviewed=no: status = X ORDER BY reviewed_at DESC NULLS LAST, id DESC) read off
            # the index from the cursor on. With status alone, "not reviewed yet" sorted
            # 700,000 claims per page (5 s at a million claims).
            models.Index(
                "status",
                models.F("reviewed_at").desc(nulls_last=True),
                models.F("id").desc(),
                name="claim_status_reviewed_idx",
            ),
            # "Recently reviewed": the front page, the feeds and the claims page's sort all order
            # by reviewed_at DESC NULLS LAST, id DESC (unreviewed last, ties broken by id).
            models.Index(
                models.F("reviewed_at").desc(nulls_last=True),
                models.F("id").desc(),
                name="claim_reviewed_at_idx",
            ),
            # Claim.objects.needs_citation() and coverage per article: the check-worthy ones.
            models.Index(
                fields=["article"],
                condition=models.Q(checkworthy=True),
                name="claim_checkworthy_idx",
            ),
            # Full-text search on the claims page, and similar claims' candidates
            # (claims.similarity: "shares two of these rare lexemes").
            GinIndex(fields=["search_vector"], name="claim_search_vector_idx"),
            # Quoted phrases on the claims page: the pairs of nearby lexemes of each claim
            # (claims_lexeme_pairs(), migration 0016), looked up by claims.search.phrase_filter.
            GinIndex(
                models.Func(
                    models.F("search_vector"),
                    function="claims_lexeme_pairs",
                    output_field=models.TextField(),
                ),
                name="claim_phrase_pairs_idx",
            ),
            # The claims page's "Most evidence first" sort (ORDER BY evidence_count DESC, id),
            # its pages after a cursor (a range start on the index) and ?evidence=yes/no.
            models.Index(models.F("evidence_count").desc(), "id", name="claim_evidence_count_idx"),
        ]

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 90 else self.text[:89] + "…"
        return text

    def get_absolute_url(self) -> str:
        return reverse("claims:claim_detail", kwargs={"pk": self.pk})

    def paragraph_text(self) -> str:
        """The paragraph of the article body that contains this sentence."""
        body = self.article.body
        start = body.rfind("\n\n", 0, self.start)
        end = body.find("\n\n", self.end)
        return body[0 if start == -1 else start + 2 : len(body) if end == -1 else end]


# The verdicts in the order of the counter columns of ArticleClaimCounts.
COUNTED_STATUSES = [
    "unreviewed",
    "supported",
    "contested",
    "false",
    "unverifiable",
    "not_a_claim",
]


def counter() -> models.IntegerField:
    # db_default too: the triggers' INSERTs name only the columns a change touches.
    return models.IntegerField(default=0, db_default=0, editable=False)


class VerdictCounters(models.Model):
    """Claims per verdict (`claims_<verdict>`, COUNTED_STATUSES), as the counter tables store
    them."""

    claims_unreviewed = counter()
    claims_supported = counter()
    claims_contested = counter()
    claims_false = counter()
    claims_unverifiable = counter()
    claims_not_a_claim = counter()

    class Meta:
        abstract = True


class ArticleClaimCounts(VerdictCounters):
    """How many claims one article has, per verdict: one row per article, kept exact by the
    database (statement-level triggers on claims_claim, migration 0011_stored_counters), never
    written by Django, so no stale object can overwrite it.

    The claims page's and the front page's verdict counts are a SUM over these rows (40,000 at
    a million claims) instead of a GROUP BY over every claim; the articles list reads its
    per-row counts from here. Publication is applied when reading (the sums leave out the
    unpublished articles' rows), so publishing or unpublishing changes no counter and every
    count follows publication at once.

    `claims_<verdict>` counts every claim with that verdict, withdrawn ones included (the
    claims page lists them); `evidenced_<verdict>` those of them with evidence (evidence_count
    > 0); `withdrawn` and `withdrawn_contested` the claims a re-import removed from the text,
    so a list of the article's current sentences subtracts them.
    """

    article = models.OneToOneField(
        "articles.Article",
        primary_key=True,
        # Django never writes this table: a trigger deletes the row with its article
        # (Django's DB_CASCADE refuses a chain whose other links cascade in Python).
        on_delete=models.DO_NOTHING,
        related_name="claim_counts",
    )
    evidenced_unreviewed = counter()
    evidenced_supported = counter()
    evidenced_contested = counter()
    evidenced_false = counter()
    evidenced_unverifiable = counter()
    evidenced_not_a_claim = counter()
    withdrawn = counter()
    withdrawn_contested = counter()

    class Meta:
        verbose_name_plural = "article claim counts"

    def __str__(self) -> str:
        return f"Claim counts of article {self.article_id}"

    @property
    def current_claims(self) -> int:
        """The sentences the article now has (withdrawn claims left out)."""
        return (
            sum(getattr(self, f"claims_{status}") for status in COUNTED_STATUSES) - self.withdrawn
        )

    @property
    def current_contested(self) -> int:
        return self.claims_contested - self.withdrawn_contested


class ArticleCoverageCounts(models.Model):
    """How much of one article is sourced and reviewed: its current sentences (withdrawn ones
    left out), how many are reviewed, how many the check-worthiness rules looked at, found
    check-worthy, and of those cite a source. One row per article, kept exact by the database
    (migration 0015_outlet_counters: every statement that writes claims, evidence or sources
    recounts the articles it touched), never written by Django.

    The outlet page's coverage is a SUM over its articles' rows (8,600 for the biggest outlet
    at a million claims) instead of a pass over its 213,000 claims and their evidence.
    Publication is applied when reading, as for ArticleClaimCounts."""

    article = models.OneToOneField(
        "articles.Article",
        primary_key=True,
        # Django never writes this table: a trigger deletes the row with its article.
        on_delete=models.DO_NOTHING,
        related_name="coverage_counts",
    )
    sentences = counter()
    reviewed = counter()
    checked = counter()
    checkworthy = counter()
    checkworthy_cited = counter()

    class Meta:
        verbose_name_plural = "article coverage counts"

    def __str__(self) -> str:
        return f"Coverage counts of article {self.article_id}"


class OutletCitationCounts(VerdictCounters):
    """How many claims of one article cite one outlet's work (evidence of any stance from a
    source the outlet published), per verdict: one row per (outlet, article) pair that has
    any, kept exact by the database like ArticleCoverageCounts (migration 0015).

    A claim citing two works of the outlet counts once. The outlet page's "citing its work"
    record is a SUM over the outlet's rows (its primary key's prefix) instead of a distinct
    count over the 180,000 evidence rows of a much-cited outlet; publication is applied when
    reading, by leaving out the unpublished articles' rows. Withdrawn claims are counted, as
    ArticleClaimCounts' `claims_<verdict>` count them."""

    pk = models.CompositePrimaryKey("outlet", "article")
    outlet = models.ForeignKey(
        "sources.Outlet", on_delete=models.DO_NOTHING, related_name="citation_counts"
    )
    article = models.ForeignKey(
        "articles.Article", on_delete=models.DO_NOTHING, related_name="outlet_citation_counts"
    )

    class Meta:
        verbose_name_plural = "outlet citation counts"

    def __str__(self) -> str:
        return f"Claims of article {self.article_id} citing outlet {self.outlet_id}"


class Evidence(models.Model):
    class Stance(models.TextChoices):
        # The article itself cites this source for the sentence (added by the importer).
        CITED = "cited", "Cited by the article"
        # The source backs the sentence.
        SUPPORTS = "supports", "Supports"
        # The source says otherwise.
        CONTRADICTS = "contradicts", "Contradicts"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, related_name="evidence")
    stance = models.CharField(
        max_length=12,
        choices=Stance.choices,
        help_text="How the source relates to the sentence.",
    )
    quote = models.TextField(
        blank=True, help_text="The passage of the source that matters, quoted exactly."
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="added_evidence",
        help_text="Empty when the importer added it from the article's own citation.",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["claim", "stance", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stance__in=["cited", "supports", "contradicts"]),
                name="evidence_stance_valid",
            ),
            # One link per claim, source and stance; the importer relies on it to stay idempotent.
            models.UniqueConstraint(
                fields=["claim", "source", "stance"], name="evidence_unique_claim_source_stance"
            ),
        ]
        indexes = [
            # Source pages: the newest claims of each stance off the index (source, stance, id
            # DESC, stopping at the cap), and each stance's count index-only; the claims page's
            # ?source= filter. The claim id included, so the source's claims are read off the
            # index alone (4,500 rows of a much-cited source: no heap visit each).
            models.Index(
                fields=["source", "stance", "id"],
                include=["claim"],
                name="evidence_source_stance_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.source}"


class ClaimLinkQuerySet(models.QuerySet):
    def touching(self, claim: "Claim | int") -> "ClaimLinkQuerySet":
        """Links with `claim` at either end: a link is stored once per pair."""
        claim_id = claim if isinstance(claim, int) else claim.pk
        return self.filter(models.Q(from_claim_id=claim_id) | models.Q(to_claim_id=claim_id))


class ClaimLink(models.Model):
    """A typed link between two claims, usually in different articles, made by an editor.

    One row per unordered pair of claims. `same` and `contradicts` read the same both ways, so
    they are stored with the smaller claim id in `from_claim` (a check constraint holds it) and
    a pair can never be stored twice in two orders. `elaborates` has a direction — `from_claim`
    gives the detail of what `to_claim` states — so it keeps the order the editor chose; the
    unique constraint on (least id, greatest id) still allows one link per pair whatever its kind.
    """

    class Kind(models.TextChoices):
        # Both sentences state the same fact, perhaps in other words.
        SAME = "same", "Same claim"
        # The two sentences cannot both be true.
        CONTRADICTS = "contradicts", "Contradicts"
        # The first sentence gives detail, context or a source for the second.
        ELABORATES = "elaborates", "Elaborates on"

    SYMMETRIC_KINDS = (Kind.SAME, Kind.CONTRADICTS)

    from_claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="links_from", help_text="One end of the link."
    )
    to_claim = models.ForeignKey(
        Claim,
        on_delete=models.CASCADE,
        related_name="links_to",
        help_text="The other end; for “elaborates on”, the claim that is elaborated.",
    )
    kind = models.CharField(
        max_length=12, choices=Kind.choices, help_text="How the two sentences relate."
    )
    note = models.TextField(
        blank=True, help_text="Why they are linked, for other editors and for readers."
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claim_links",
        help_text="Who linked them; empty for links carried over from before link types.",
    )
    linked_at = models.DateTimeField(help_text="When they were linked.")

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))
    objects = ClaimLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-linked_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["same", "contradicts", "elaborates"]),
                name="claimlink_kind_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_claim=models.F("to_claim")),
                name="claimlink_not_self",
            ),
            # Symmetric kinds have one canonical order, so "a same b" and "b same a" are one row.
            models.CheckConstraint(
                condition=models.Q(kind="elaborates")
                | models.Q(from_claim__lt=models.F("to_claim")),
                name="claimlink_symmetric_ordered",
            ),
            # One link per pair whatever its direction; also serves claim_link()'s lookup of
            # an existing link between two claims.
            models.UniqueConstraint(
                Least("from_claim", "to_claim"),
                Greatest("from_claim", "to_claim"),
                name="claimlink_unique_pair",
            ),
        ]
        # from_claim and to_claim carry Django's foreign-key indexes: ClaimLink.objects.touching()
        # on the claim pages is an OR of the two, a bitmap OR of those indexes.

    def __str__(self) -> str:
        return f"{self.from_claim_id} {self.get_kind_display().lower()} {self.to_claim_id}"

    def other_end(self, claim: Claim | int) -> Claim:
        claim_id = claim if isinstance(claim, int) else claim.pk
        return self.to_claim if self.from_claim_id == claim_id else self.from_claim

    def label_from(self, claim: Claim | int) -> str:
        """The link as read from `claim`'s side: "Same claim", "Elaborated on by"."""
        claim_id = claim if isinstance(claim, int) else claim.pk
        if self.kind == self.Kind.ELABORATES and self.to_claim_id == claim_id:
            return "Elaborated on by"
        return self.get_kind_display()


class LinkSuggestionQuerySet(models.QuerySet):
    def open(self) -> "LinkSuggestionQuerySet":
        """Not yet decided: neither linked nor dismissed by an editor."""
        return self.filter(dismissed_at__isnull=True)

    def best_first(self) -> "LinkSuggestionQuerySet":
        return self.order_by("-score", "id")


class LinkSuggestion(models.Model):
    """A pair of claims in different articles that `manage.py suggest_links` found alike.

    Stored so that the admin's review list reads the best pairs off an index instead of
    comparing the corpus on every page view; smaller claim id first, one row per pair.
    """

    first_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    second_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(help_text="How alike the two sentences are, 0 to 1.")
    found_at = models.DateTimeField(help_text="When suggest_links last scored the pair.")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who said the pair is not worth a link.",
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)

    objects = LinkSuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_claim__lt=models.F("second_claim")),
                name="linksuggestion_ordered_pair",
            ),
            # suggest_links upserts by pair (ON CONFLICT on this).
            models.UniqueConstraint(
                fields=["first_claim", "second_claim"], name="linksuggestion_unique_pair"
            ),
        ]
        indexes = [
            # The admin's review list: open suggestions, best first.
            models.Index(
                models.F("score").desc(),
                "id",
                name="linksuggestion_open_score_idx",
                condition=models.Q(dismissed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_claim_id} ~ {self.second_claim_id} ({self.score:.2f})"
