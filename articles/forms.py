from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

ARTICLE_FILE_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm")


class ArticleUploadForm(forms.Form):
    file = forms.FileField(
        label="Article file",
        # Checked in clean_file, so the message can name the file.
        allow_empty_file=True,
        help_text="One article as plain text (.txt), Markdown (.md, .markdown) or a saved web "
        "page (.html, .htm). A new version of an article updates it and keeps the verdicts.",
    )
    dry_run = forms.BooleanField(
        required=False,
        label="Dry run",
        help_text="Parse and check the file and report what would change, without saving.",
    )

    force = forms.BooleanField(
        required=False,
        label="Withdraw reviewed claims",
        help_text="Needed when this version drops sentences that have a verdict: upload once to "
        "see which claims would be withdrawn (kept with their verdict, no longer in the text), "
        "then again with this ticked to go ahead.",
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        name = PurePath(upload.name).name
        if not name.lower().endswith(ARTICLE_FILE_EXTENSIONS):
            raise forms.ValidationError(
                f"“{name}” is not an article file: use a .txt, .md, .markdown, .html or .htm file."
            )
        if upload.size == 0:
            raise forms.ValidationError(f"“{name}” is empty.")
        limit = settings.ARTICLE_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"“{name}” is {upload.size:,} bytes; an article file may be at most {limit:,}."
            )
        return upload
