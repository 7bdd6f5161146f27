"""Normal forms used to decide that two spellings name the same outlet or work."""

import re
import unicodedata

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
