import pytest


@pytest.fixture(autouse=True)
def plain_static_files(settings) -> None:
    # Tests run with DEBUG off, where static files need a collectstatic manifest; no test
    # here is about static files, so plain storage stands in for it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
