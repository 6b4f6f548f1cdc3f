"""Feeds: RSS, Atom (feedparser) and JSON Feed, to the articles they list.

Each entry's link is made canonical (tracking parameters and fragments
dropped, :func:`extractors.deduplication.canonical_url`), so one article listed
under two URLs that differ only so is one entry; an entry's own title and date
are kept for when the page lacks them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from .corpus import parse_datetime
from .deduplication import canonical_url
from .encoding import decode_html
from .exceptions import FeedError

__all__ = ["FeedEntry", "parse_feed"]


@dataclass(frozen=True, slots=True)
class FeedEntry:
    url: str  # canonical
    title: str | None = None
    published: datetime | None = None


def _struct_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        year, month, day, hour, minute, second = value[:6]
        return parse_datetime(datetime(year, month, day, hour, minute, second, tzinfo=UTC))
    except (TypeError, ValueError):
        return None


def _json_feed(text: str, base: str) -> list[tuple[str, str | None, datetime | None]]:
    try:
        data = json.loads(text)
    except (RecursionError, ValueError) as exc:  # ValueError: JSONDecodeError and numbers too long
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:200]
        raise FeedError(f"{base}: not a JSON Feed ({reason})") from None
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise FeedError(f"{base}: a JSON Feed needs an 'items' list")
    out = []
    for item in items:
        if isinstance(item, dict):
            link = item.get("url") or item.get("external_url")
            if isinstance(link, str):
                title = item.get("title") if isinstance(item.get("title"), str) else None
                out.append((link, title, parse_datetime(item.get("date_published"))))
    return out


def parse_feed(body: bytes, base: str, content_type: str | None = None) -> list[FeedEntry]:
    """The articles a feed lists, once each, in the feed's order; a feed that
    cannot be read raises :class:`FeedError`."""
    head = body.lstrip()[:1]
    if head == b"{" or (content_type or "").split(";")[0].strip().endswith("json"):
        raw = _json_feed(decode_html(body, content_type), base)
    else:
        parsed = feedparser.parse(
            body,
            response_headers={
                "content-location": base,
                **({"content-type": content_type} if content_type else {}),
            },
        )
        if parsed.bozo and not any(e.get("link") for e in parsed.entries):
            reason = getattr(parsed, "bozo_exception", None) or "unknown problem"
            raise FeedError(f"{base}: not a readable RSS or Atom feed ({reason})")
        raw = [
            (
                e.get("link") or "",
                e.get("title"),
                _struct_time(e.get("published_parsed") or e.get("updated_parsed")),
            )
            for e in parsed.entries
        ]
    entries: dict[str, FeedEntry] = {}
    for link, title, published in raw:
        absolute = urljoin(base, link.strip()) if link else ""
        if urlsplit(absolute).scheme not in ("http", "https"):
            continue
        url = canonical_url(absolute) or absolute
        if url not in entries:
            entries[url] = FeedEntry(url, title.strip() if title else None, published)
    return list(entries.values())
