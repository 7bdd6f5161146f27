from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse


class ArticleQuerySet(models.QuerySet):
    def with_outlet(self) -> "ArticleQuerySet":
        return self.select_related("outlet")

    def published(self) -> "ArticleQuerySet":
        """What readers may see: every article a chief editor has not unpublished."""
        return self.filter(publication=Article.Publication.PUBLISHED)

    def unpublished(self) -> "ArticleQuerySet":
        return self.filter(publication=Article.Publication.UNPUBLISHED)


class Article(models.Model):
    class Publication(models.TextChoices):
        # Imports are public at once, as they were before articles had a state: the articles
        # are already published elsewhere; what readers get here is our review of them.
        PUBLISHED = "published", "Published"
        # Hidden from readers (a wrong file, a legal hold), kept with all its editorial work.
        UNPUBLISHED = "unpublished", "Unpublished"

    title = models.CharField(max_length=500, help_text="The headline as published.")
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in the article's address.")
    kicker = models.CharField(
        max_length=300, blank=True, help_text="The short label above the headline, if any."
    )
    standfirst = models.TextField(
        blank=True, help_text="The summary line under the headline (subtitle), if any."
    )
    outlet = models.ForeignKey(
        "sources.Outlet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text="Who published the article; empty when the file does not say.",
    )
    published_on = models.DateField(
        null=True, blank=True, help_text="Publication date; empty when the file does not say."
    )
    url = models.URLField(max_length=1000, blank=True, help_text="Where it was published.")
    body = models.TextField(
        help_text="The article text as imported: paragraphs separated by a blank line, "
        "citation markers kept as written. Claims point into it by character offsets."
    )
    metadata = models.JSONField(
        default=dict,
        blank=True,
        help_text="Every other field the file carried (front matter, post meta), kept as given.",
    )
    language = models.CharField(
        max_length=12,
        blank=True,
        help_text="The body's language (ISO 639-1, e.g. “en”, “de”), detected on import; "
        "empty when it could not be told. Sentences are split and searched by its rules.",
    )
    source_file_name = models.CharField(
        max_length=255, help_text="The file this article was last imported from."
    )
    content_hash = models.CharField(
        max_length=64,
        help_text="SHA-256 of the imported file: the same file is never parsed twice.",
    )
    corrected_fields = models.JSONField(
        default=list,
        blank=True,
        help_text="Fields an editor corrected by hand (title, outlet, date, URL, byline): a "
        "re-import keeps the editor's value.",
    )
    publication = models.CharField(
        max_length=12,
        choices=Publication.choices,
        default=Publication.PUBLISHED,
        # Also in the database: the importer's and the corpus builder's raw INSERTs leave it out.
        db_default=Publication.PUBLISHED,
        help_text="Readers see a published article and its claims; an unpublished one is hidden "
        "from every public page, feed, export and the sitemap, and keeps its reviews. Chief "
        "editors publish and unpublish.",
    )
    publication_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who last published or unpublished it.",
    )
    publication_changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was last published or unpublished."
    )
    imported_at = models.DateTimeField(help_text="When the file was first imported.")
    updated_at = models.DateTimeField(help_text="When an import last changed this article.")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        permissions = [
            ("import_article", "Can import article files"),
            ("publish_article", "Can publish and unpublish articles"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(publication__in=["published", "unpublished"]),
                name="article_publication_valid",
            ),
        ]
        indexes = [
            # The admin's claims search by article title (ILIKE '%…%'), off trigrams.
            GinIndex(
                OpClass(Upper("title"), name="gin_trgm_ops"), name="article_title_trigram_idx"
            ),
            # Claim.objects.of_published_articles() on every public page: the few unpublished.
            models.Index(
                fields=["id"],
                condition=models.Q(publication="unpublished"),
                name="article_unpublished_idx",
            ),
            # The articles list's order (published_on DESC NULLS LAST, title, id: undated last)
            # walked from the start to the page; also its date-range filters. NULLS LAST as the
            # query says, or the index cannot
            # give the order and every request sorts all articles.
            models.Index(
                models.F("published_on").desc(nulls_last=True),
                "title",
                "id",
                name="article_list_order_idx",
                # Readers' lists show published articles only: with the condition in the
                # index, a deep page's OFFSET walks it without visiting the table.
                condition=models.Q(publication="published"),
            ),
            # The outlet page's sums of its articles' stored counters: the ids of an outlet's
            # published articles read off this alone (8,589 for the biggest outlet), not off
            # the table's pages.
            models.Index(
                fields=["outlet", "id"],
                condition=models.Q(publication="published"),
                name="article_published_outlet_idx",
            ),
            # The claims page's "Newest article first" (published_on DESC NULLS LAST, then the
            # article id DESC): Postgres walks this and joins each article's claims until the
            # page is full, instead of sorting every claim by its article's date.
            models.Index(
                models.F("published_on").desc(nulls_last=True),
                models.F("id").desc(),
                name="article_newest_idx",
            ),
            # claims.search.search_configs_in_use: the languages of the articles, read off this
            # (40,000 entries) instead of the table.
            models.Index(fields=["language"], name="article_language_idx"),
            # The importer's identity look-ups: the same file (by hash, before parsing), the
            # same URL, the same file name.
            models.Index(fields=["content_hash"], name="article_content_hash_idx"),
            models.Index(fields=["url"], name="article_url_idx"),
            models.Index(fields=["source_file_name"], name="article_source_file_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:article_detail", kwargs={"slug": self.slug})


class Contributor(models.Model):
    class Role(models.TextChoices):
        AUTHOR = "author", "Author"
        EDITOR = "editor", "Editor"
        OTHER = "other", "Other role"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="contributors")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.AUTHOR)
    role_label = models.CharField(
        max_length=100, help_text="The role as the byline writes it: “Written by”, “Supervised by”."
    )
    position = models.PositiveIntegerField(help_text="Order in the byline, from 0.")

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["author", "editor", "other"]),
                name="contributor_role_valid",
            ),
            # The byline is rendered in this order.
            models.UniqueConstraint(
                fields=["article", "position"], name="contributor_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_label} {self.name}"


class Reference(models.Model):
    """One entry of an article's reference list, as the article writes it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    source = models.ForeignKey(
        "sources.Source", on_delete=models.PROTECT, related_name="references"
    )
    position = models.PositiveIntegerField(help_text="Order in the reference list, from 0.")
    key = models.CharField(
        max_length=300, help_text="What in-text markers use to point here: “2”, “^3”, “bbc|2023”."
    )
    label = models.CharField(max_length=300, help_text="The entry's label as written: “2.”.")
    raw_text = models.TextField(help_text="The whole entry as written in the article.")
    in_bibliography = models.BooleanField(
        default=True,
        help_text="Off for works cited in the text that the reference list does not contain.",
    )

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            # The article page lists references in order.
            models.UniqueConstraint(
                fields=["article", "position"], name="reference_unique_position"
            ),
            # Markers resolve by key within one article.
            models.UniqueConstraint(fields=["article", "key"], name="reference_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.raw_text[:80]}"


class Citation(models.Model):
    """One in-text citation marker: “[2]”, “(BBC, 2023)”, “(Il Post)”."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations")
    reference = models.ForeignKey(
        Reference,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
        help_text="The entry this marker points at. Empty when the import found none: pick the "
        "right entry to resolve it.",
    )
    source = models.ForeignKey(
        "sources.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citations",
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The editor who resolved a marker the import could not; kept across re-imports.",
    )
    label = models.CharField(max_length=300, help_text="The marker exactly as written.")
    position = models.PositiveIntegerField(help_text="Order of the marker in the body, from 0.")
    start = models.PositiveIntegerField(help_text="Offset of the marker in the article body.")
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            # The article page walks markers in body order.
            models.UniqueConstraint(
                fields=["article", "position"], name="citation_unique_position"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="citation_span_valid"
            ),
            # A resolved citation names its source too; an unresolved one neither.
            models.CheckConstraint(
                condition=models.Q(reference__isnull=True, source__isnull=True)
                | models.Q(reference__isnull=False, source__isnull=False),
                name="citation_reference_and_source_together",
            ),
        ]
        indexes = [
            # "Which articles cite this source" on the source pages and admin.
            models.Index(fields=["source", "article"], name="citation_source_article_idx"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def raw_reference(self) -> str:
        return self.reference.raw_text if self.reference_id else ""


class ImportBatchQuerySet(models.QuerySet):
    def with_progress(self) -> "ImportBatchQuerySet":
        """Each batch's files counted by state, in the same query (the list of batches)."""
        files = ImportFile.State
        return self.annotate(
            files_total=models.Count("files"),
            files_queued=models.Count("files", filter=models.Q(files__state=files.QUEUED)),
            files_running=models.Count("files", filter=models.Q(files__state=files.RUNNING)),
            files_done=models.Count("files", filter=models.Q(files__state=files.DONE)),
            files_failed=models.Count("files", filter=models.Q(files__state=files.FAILED)),
        )


class ImportBatch(models.Model):
    """Files imported in the background together: an admin upload of several files or a zip,
    or one `import_articles --background` run. Its files are imported by the task worker."""

    class Origin(models.TextChoices):
        UPLOAD = "upload", "Admin upload"
        COMMAND = "command", "import_articles --background"

    origin = models.CharField(max_length=16, choices=Origin.choices)
    description = models.CharField(
        max_length=500, help_text="What was uploaded or which paths the command was given."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The editor who uploaded the files (none for the command); the imports' "
        "history is recorded under this editor.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    strict = models.BooleanField(
        default=False, help_text="Every file with a warning fails instead of being imported."
    )
    force = models.BooleanField(
        default=False,
        help_text="Updates may withdraw reviewed claims whose sentences are gone.",
    )

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "background import"
        verbose_name_plural = "background imports"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(origin__in=["upload", "command"]),
                name="importbatch_origin_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Import #{self.pk}: {self.description}"

    def get_absolute_url(self) -> str:
        return reverse("admin:articles_importbatch_change", args=[self.pk])


class ImportFile(models.Model):
    """One file of a background import: its bytes until it is imported, then its outcome."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="files")
    file_name = models.CharField(max_length=500)
    # Kept in the database so a worker on any machine can read it; emptied once imported
    # (the article holds the text), kept when the file failed so it can be queued again.
    data = models.BinaryField(default=bytes, editable=False)
    size = models.PositiveIntegerField(default=0, help_text="The file's size in bytes.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    outcome = models.CharField(
        max_length=16,
        blank=True,
        help_text="What the import did: created, updated, unchanged, failed, or needs_force "
        "(an update that would withdraw reviewed claims, refused).",
    )
    summary = models.TextField(blank=True, help_text="What was stored, counted.")
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, help_text="Why the file was not imported.")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The id of the task result (django_tasks_db) that imports this file.
    task_id = models.CharField(max_length=64, blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["queued", "running", "done", "failed"]),
                name="importfile_state_valid",
            ),
        ]
        indexes = [
            # A batch's page: its files by state ("the failed ones"), in order.
            models.Index(fields=["batch", "state", "id"], name="importfile_batch_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("admin:articles_importfile_change", args=[self.pk])
