"""Two imports at the same moment, each in its own transaction and connection."""

import threading

import pytest
from django.db import connection

from articles.importer import article_import_file
from articles.importer import sources as importer_sources
from sources.models import Outlet, Source

ARTICLE = (
    "# {title}\n\n---\n\n"
    "The harbour reopened on Monday.[1]\n\n"
    "1. “Harbour reopens” Brand New Gazette, 22 May 2024\n"
)


@pytest.mark.django_db(transaction=True)
def test_two_imports_creating_the_same_new_outlet_and_source_both_succeed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Both imports look for the outlet before either has created it, then both create it.
    both_looked = threading.Barrier(2, timeout=20)
    real_select = importer_sources._outlets_select
    first_look: set[int] = set()

    def select_then_wait(spellings):
        found = real_select(spellings)
        thread = threading.get_ident()
        if thread not in first_look:
            first_look.add(thread)
            both_looked.wait()
        return found

    monkeypatch.setattr(importer_sources, "_outlets_select", select_then_wait)
    outcomes = {}

    def run(title: str) -> None:
        try:
            data = ARTICLE.format(title=title).encode()
            outcomes[title] = article_import_file(file_name=f"{title}.md", data=data)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(title,)) for title in ("First", "Second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert {title: outcome.status for title, outcome in outcomes.items()} == {
        "First": "created",
        "Second": "created",
    }, {title: outcome.error for title, outcome in outcomes.items()}
    assert list(Outlet.objects.values_list("name", flat=True)) == ["Brand New Gazette"]
    assert Source.objects.count() == 1
