from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

ARTICLE_FILE_EXTENSIONS = (".txt", ".md", ".markdown")


class ArticleUploadForm(forms.Form):
    file = forms.FileField(
        label="Article file",
        # Checked in clean_file, so the message can name the file.
        allow_empty_file=True,
        help_text="One article as plain text (.txt) or Markdown (.md, .markdown). Uploading a "
        "file with the same name again updates that article and keeps the verdicts.",
    )
    dry_run = forms.BooleanField(
        required=False,
        label="Dry run",
        help_text="Parse and check the file and report what would change, without saving.",
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        name = PurePath(upload.name).name
        if not name.lower().endswith(ARTICLE_FILE_EXTENSIONS):
            raise forms.ValidationError(
                f"“{name}” is not an article file: use a .txt, .md or .markdown file."
            )
        if upload.size == 0:
            raise forms.ValidationError(f"“{name}” is empty.")
        limit = settings.ARTICLE_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"“{name}” is {upload.size:,} bytes; an article file may be at most {limit:,}."
            )
        return upload
