"""Start-up checks for production serving."""

from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import storages


def missing_static_manifest() -> str:
    """What is wrong when the hashed static files that DEBUG-off pages link to are missing."""
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin) or storage.exists(storage.manifest_name):
        return ""
    return (
        f"{storage.path(storage.manifest_name)} is missing: run `manage.py collectstatic "
        "--no-input` before serving with DEBUG off (every page links to the hashed file names "
        "it writes)."
    )
