"""Addresses of many pages of one kind from a single reverse(), for lists and sitemaps.

reverse() resolves the URL pattern each time it is called: tens of microseconds, which a page
listing thousands of claims or a sitemap of 50,000 addresses pays per row. The path around the
key is the same for every row, so it is learnt once from a placeholder.
"""

import re
from urllib.parse import quote

from django.urls import reverse

# Stand for an object's key in reverse(); distinctive so that rpartition finds only them.
NUMBER_PLACEHOLDER = 1_234_567_890
TEXT_PLACEHOLDER = "address-key-placeholder"
PLAIN_KEY = re.compile(r"[-\w]+", re.ASCII)


class AddressPattern:
    """`pattern(key)` is `reverse(view_name, kwargs={keyword: key})` for ids and slugs."""

    def __init__(self, view_name: str, keyword: str, *, numeric: bool) -> None:
        placeholder = NUMBER_PLACEHOLDER if numeric else TEXT_PLACEHOLDER
        path = reverse(view_name, kwargs={keyword: placeholder})
        self.before, _placeholder, self.after = path.rpartition(str(placeholder))

    def __call__(self, key: object) -> str:
        text = str(key)
        # Ids and slugs are plain ASCII; anything else is percent-encoded, as reverse() does.
        if not PLAIN_KEY.fullmatch(text):
            text = quote(text, safe="")
        return f"{self.before}{text}{self.after}"


def claim_addresses() -> AddressPattern:
    return AddressPattern("claims:claim_detail", "pk", numeric=True)


def article_addresses() -> AddressPattern:
    return AddressPattern("articles:article_detail", "slug", numeric=False)
