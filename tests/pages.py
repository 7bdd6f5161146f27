"""Helpers for the tests of the public pages: their addresses and what they list."""

import re
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse


def url_with_query(url_name: str, **params: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode(params)}" if params else url


def page_text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def row_titles(content: str) -> list[str]:
    """The titles of the rows of the article, source and outlet lists, in page order."""
    return re.findall(r'<h3 class="row-title"><a href="[^"]+">([^<]+)</a>', content)
