"""Normal forms used to decide that two spellings name the same outlet or work."""

import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = "\"'.,;: "


def normalize_text(value: str) -> str:
    """Case-, quote- and whitespace-insensitive form of a title or name."""
    value = unicodedata.normalize("NFKC", value or "").translate(_QUOTES)
    value = _SPACES.sub(" ", value).strip().casefold()
    return value.strip(_EDGE_PUNCTUATION)


def normalize_outlet_name(value: str) -> str:
    """'The Economist', 'the  economist' and 'Economist' are one outlet."""
    value = normalize_text(value)
    return value.removeprefix("the ").strip()


# Query parameters that say where a reader came from, not which page it is.
_TRACKING_PARAMETER = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid|ocid)=", re.I)


def normalize_url(url: str) -> str:
    """The same page however linked: no scheme, "www.", fragment or tracking parameters."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip().casefold()
    host = (parts.hostname or "").casefold().removeprefix("www.")
    query = "&".join(
        part for part in parts.query.split("&") if part and not _TRACKING_PARAMETER.match(part)
    )
    path = parts.path.rstrip("/")
    return urlunsplit(("", host, path, query, "")).removeprefix("//")


def outlet_name_from_url(url: str) -> str | None:
    """The site's domain ("theconversation.com") as an outlet name, or None."""
    try:
        host = (urlsplit(url.strip()).hostname or "").casefold()
    except ValueError:
        return None
    host = host.removeprefix("www.").removeprefix("m.")
    return host or None
