from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from sources.normalize import normalize_outlet_name, normalize_text, normalize_url


class Outlet(models.Model):
    name = models.CharField(
        max_length=200, help_text="The publisher's name as it is usually written."
    )
    normalized_name = models.CharField(
        max_length=200,
        editable=False,
        help_text="Case-, quote- and 'The'-insensitive form; two outlets may not share it.",
    )
    slug = models.SlugField(max_length=200, unique=True, editable=False)
    url = models.URLField(blank=True, help_text="The outlet's home page, if known.")

    class Meta:
        ordering = ["name"]
        constraints = [
            # Outlets are found by this when an import names one ("BBC", "the BBC").
            models.UniqueConstraint(
                fields=["normalized_name"], name="outlet_unique_normalized_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.normalized_name = normalize_outlet_name(self.name)
        if not self.slug:
            self.slug = slugify(self.normalized_name)[:200] or "outlet"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("sources:outlet_detail", kwargs={"slug": self.slug})


class SourceQuerySet(models.QuerySet):
    def not_in_bibliography(self) -> "SourceQuerySet":
        return self.filter(in_bibliography=False)


class Source(models.Model):
    title = models.CharField(
        max_length=500,
        blank=True,
        help_text="The cited work's title, without surrounding quotes. Empty when the article "
        "names only the outlet, as in “(Il Post)”.",
    )
    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
        help_text="Who published the cited work, if the reference says.",
    )
    authors = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        help_text="Authors as the reference writes them, e.g. “Watts M.”.",
    )
    published_on = models.DateField(null=True, blank=True, help_text="Publication date, if known.")
    url = models.URLField(max_length=1000, blank=True, help_text="Where the work can be read.")
    in_bibliography = models.BooleanField(
        default=True,
        help_text="Off when an article cites this work in the text but its reference list has no "
        "entry for it: worth checking what was meant.",
    )
    linked_article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cited_as",
        help_text="The article in this database that is this work, when we have it.",
    )
    fingerprint = models.CharField(
        max_length=800,
        editable=False,
        help_text="Normalized title and outlet: one Source per cited work.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            # The importer looks works up by this, so a work cited twice is stored once.
            models.UniqueConstraint(fields=["fingerprint"], name="source_unique_fingerprint"),
        ]
        indexes = [
            # The sources list's order (title, id): page 6,000 walks it instead of sorting
            # 150,000 sources.
            models.Index(fields=["title", "id"], name="source_title_idx"),
            # Cross-article linking: find sources whose title matches an imported article's.
            models.Index(fields=["linked_article"], name="source_linked_article_idx"),
        ]

    def __str__(self) -> str:
        title = self.title or "(untitled)"
        return f"{title} — {self.outlet}" if self.outlet_id else title

    def save(self, *args, **kwargs) -> None:
        self.fingerprint = source_fingerprint(
            title=self.title, outlet_name=self.outlet.name if self.outlet_id else "", url=self.url
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("sources:source_detail", kwargs={"pk": self.pk})


def source_fingerprint(*, title: str, outlet_name: str, url: str = "") -> str:
    """One work, one fingerprint: its title and outlet, or its URL when it has no title.

    A bare link ("[source](https://…)") or an endnote that is only a URL names no title; by
    title and outlet every link to one site would be one work.
    """
    if not normalize_text(title) and url:
        return f"url|{normalize_url(url)}"[:800]
    return f"{normalize_text(title)}|{normalize_outlet_name(outlet_name)}"
