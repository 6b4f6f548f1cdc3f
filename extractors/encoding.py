"""Bytes to text, for every source: pages, feeds and plain-text files.

A byte-order mark comes first (it wins over any declaration, as browsers
decide), then the charsets a source declares (an HTTP header, a ``<meta
charset>``), then UTF-8, then detection (charset-normalizer). Text that no
charset reads is an error the caller reports against its item.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import charset_normalizer

__all__ = ["decode", "decode_html"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode(data: bytes, declared: Iterable[str] = ()) -> str | None:
    """``data`` as text, or None when neither a BOM, a declared charset, UTF-8
    nor detection reads it."""
    candidates = [name for bom, name in _BOMS if data.startswith(bom)] + list(declared)
    for name in [*candidates, "utf-8"]:
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    best = charset_normalizer.from_bytes(data).best()
    return str(best) if best is not None else None


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Bytes of a page or feed as text: the charset of the Content-Type header,
    else a byte-order mark, else a ``<meta charset>``, else detection."""
    declared = []
    header = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", content_type or "", re.IGNORECASE)
    if header:
        declared.append(header.group(1))
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        declared.append(meta.group(1).decode("ascii", "replace"))
    text = decode(body, declared)
    return text if text is not None else body.decode("utf-8", "replace")
