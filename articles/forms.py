import zipfile
import zlib
from collections.abc import Iterator
from pathlib import PurePath, PurePosixPath

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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern): cleans to a list."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list[UploadedFile]:
        single_clean = super().clean
        if isinstance(data, (list, tuple)):
            return [single_clean(item, initial) for item in data]
        return [single_clean(data, initial)]


class ArticleBatchUploadForm(forms.Form):
    """Many article files, or .zip archives of them: imported in the background."""

    files = MultipleFileField(
        label="Article files or .zip",
        allow_empty_file=True,
        help_text="Several article files (.txt, .md, .markdown, .html, .htm), or .zip archives "
        "of them (folders inside are searched; other files are skipped). They are imported in "
        "the background, one by one; the next page shows each file's progress.",
    )
    strict = forms.BooleanField(
        required=False,
        label="Strict",
        help_text="Fail every file that gives a warning, instead of importing it with the warning.",
    )
    force = forms.BooleanField(
        required=False,
        label="Withdraw reviewed claims",
        help_text="Let updates withdraw reviewed claims whose sentences are gone (kept with "
        "their verdicts, no longer in the text). Without it such a file is refused and listed.",
    )

    def clean_files(self) -> list[tuple[str, UploadedFile | zipfile.ZipFile, object]]:
        """Each upload checked by name, archives by their table of contents; the members are
        read one at a time while they are queued (`batch_files`), not all held here."""
        entries: list[tuple[str, UploadedFile | zipfile.ZipFile, object]] = []
        problems: list[str] = []
        total_bytes = 0
        for upload in self.cleaned_data["files"]:
            name = PurePath(upload.name).name
            if name.lower().endswith(".zip"):
                try:
                    archive = zipfile.ZipFile(upload)
                    members = [
                        info
                        for info in archive.infolist()
                        if not info.is_dir()
                        and PurePosixPath(info.filename).suffix.lower() in ARTICLE_FILE_EXTENSIONS
                        # Hidden files and macOS resource forks are not articles.
                        and not any(
                            part.startswith((".", "__MACOSX"))
                            for part in PurePosixPath(info.filename).parts
                        )
                    ]
                except (zipfile.BadZipFile, OSError) as error:
                    problems.append(f"“{name}” is not a readable .zip archive ({error}).")
                    continue
                if not members:
                    problems.append(f"“{name}” holds no article files.")
                    continue
                for info in members:
                    if info.flag_bits & 0x1:
                        problems.append(
                            f"“{name}”: {info.filename} is encrypted; upload it unencrypted."
                        )
                        break
                    total_bytes += min(info.file_size, settings.ARTICLE_UPLOAD_MAX_BYTES + 1)
                    entries.append((PurePosixPath(info.filename).name, archive, info))
            elif name.lower().endswith(ARTICLE_FILE_EXTENSIONS):
                total_bytes += upload.size
                entries.append((name, upload, None))
            else:
                problems.append(
                    f"“{name}” is not an article file or a .zip: use .txt, .md, .markdown, "
                    ".html, .htm or .zip."
                )
        if problems:
            raise forms.ValidationError(problems)
        if len(entries) > settings.ARTICLE_BATCH_MAX_FILES:
            raise forms.ValidationError(
                f"{len(entries):,} files: one upload takes at most "
                f"{settings.ARTICLE_BATCH_MAX_FILES:,}. Split it into several."
            )
        if total_bytes > settings.ARTICLE_BATCH_MAX_BYTES:
            raise forms.ValidationError(
                f"{total_bytes:,} bytes of articles: one upload takes at most "
                f"{settings.ARTICLE_BATCH_MAX_BYTES:,}. Split it into several."
            )
        return entries


def batch_files(
    entries: list[tuple[str, UploadedFile | zipfile.ZipFile, object]],
) -> Iterator[tuple[str, bytes, str | None]]:
    """The (name, bytes, error) of each cleaned entry, read one at a time. A member is read to
    one byte past the size limit at most, whatever its header claims, so a zip bomb is refused
    as too big instead of filling the memory; a damaged one is refused with its error."""
    limit = settings.ARTICLE_UPLOAD_MAX_BYTES + 1
    for name, source, info in entries:
        if isinstance(source, zipfile.ZipFile):
            try:
                with source.open(info) as member:
                    data = member.read(limit)
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, zlib.error) as error:
                yield name, b"", f"{name}: cannot be read from the archive ({error})"
                continue
            yield name, data, None
        else:
            source.seek(0)
            yield name, source.read(limit), None
