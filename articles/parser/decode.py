"""Stage 1, decode: the file's bytes to text, refusing what is not text."""

from __future__ import annotations

import codecs
import re

from articles.parser.model import ParseError

_TEXT_CONTROL_BYTES = {0x09, 0x0A, 0x0B, 0x0C, 0x0D}
# Above this share of control bytes / undecodable bytes a file is not prose that went wrong,
# it is a binary file (image, PDF, archive) uploaded by mistake.
_BINARY_SHARE = 0.10


_WIDE_BOMS = (
    # UTF-32 first: its little-endian mark begins with UTF-16's.
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)


def _wide_encoding(data: bytes) -> str | None:
    """The wide encoding ("UTF-16" or "UTF-32") the bytes are text in, else None.

    Word processors on Windows save "Unicode text" as UTF-16; read as bytes, Latin text in it
    has a NUL in every other position, which would otherwise be reported as a binary file.
    """
    for bom, codec, name in _WIDE_BOMS:
        if data.startswith(bom) and _reads_as_text(data[len(bom) :], codec):
            return name
    # Without a mark: the NULs of Latin text sit in fixed columns (the high bytes).
    sample = data[:4096]
    if len(sample) < 8:
        return None
    for width, name in ((4, "UTF-32"), (2, "UTF-16")):
        columns = [sample[offset::width] for offset in range(width)]
        nul_shares = [column.count(0) / len(column) for column in columns]
        for nul_columns, codec in (
            (range(1, width), f"{name.lower()}-le"),
            (range(width - 1), f"{name.lower()}-be"),
        ):
            if min(nul_shares[column] for column in nul_columns) > 0.8 and _reads_as_text(
                data, codec
            ):
                return name
    return None


def _reads_as_text(data: bytes, codec: str) -> bool:
    text = data.decode(codec, errors="replace")
    bad_count = sum(
        1
        for character in text
        if character == "\ufffd" or (character < " " and character not in "\t\n\r\f\v")
    )
    return bool(text.strip()) and bad_count <= len(text) * _BINARY_SHARE


def decode_article(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise ParseError("the file is empty")
    wide = _wide_encoding(data)
    if wide is not None:
        raise ParseError(f"the file is {wide} text; save it as UTF-8")
    if b"\x00" in data:
        raise ParseError("looks like a binary file, not text")
    control_count = sum(
        1 for byte in data if (byte < 0x20 and byte not in _TEXT_CONTROL_BYTES) or byte == 0x7F
    )
    replaced = data.decode("utf-8", errors="replace")
    bad_count = replaced.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    if (control_count + bad_count) / len(data) > _BINARY_SHARE:
        raise ParseError("looks like a binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        declared = _declared_page_encoding(data)
        if declared is None:
            line = data[: error.start].count(b"\n") + 1
            raise ParseError(
                f"not UTF-8 text: invalid byte 0x{data[error.start]:02x}", line
            ) from None
        # A saved page that names its encoding is read as a browser reads it: in that
        # encoding, a stray byte shown as U+FFFD rather than the page refused.
        text = data.decode(declared, errors="replace")
    return _normalize_newlines(text)


_PAGE_START = re.compile(rb"<!doctype\s+html|<html[\s>]|<\?xml\s", re.IGNORECASE)
_DECLARED_CHARSET = re.compile(
    rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})"""
    rb"""|<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""",
    re.IGNORECASE,
)
# As the HTML standard reads these labels: pages that say Latin-1 are written in Windows-1252.
_BROWSER_ENCODING = {"iso8859-1": "cp1252", "ascii": "cp1252"}


def _declared_page_encoding(data: bytes) -> str | None:
    """The codec an HTML page declares in its head (`<meta charset>`, `http-equiv`, `<?xml`)."""
    head = data[:8192]
    if not _PAGE_START.search(head):
        return None
    match = _DECLARED_CHARSET.search(head)
    if match is None:
        return None
    label = (match[1] or match[2]).decode("ascii").strip().casefold()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _BROWSER_ENCODING.get(name, name)


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
