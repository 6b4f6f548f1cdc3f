"""What a poll of a watched source decides, as plain functions: what to read of
the answer, what to fetch of a feed, what to record, and when to poll again.

The monitor flow (:mod:`flows.monitor`) does the network and database work
around these; they are tested without either.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from datetime import timedelta
from urllib.parse import urlsplit

from .adapters.fetching import Fetched
from .encoding import decode_html
from .exceptions import FeedError
from .feeds import FeedEntry
from .models import RawItem

__all__ = [
    "MAX_BACKOFF",
    "backoff",
    "failure_reason",
    "feed_status",
    "fresh_entries",
    "host_tag",
    "outcome",
    "page_item",
]

MAX_BACKOFF = timedelta(hours=24)


def backoff(
    every: timedelta,
    errors: int,
    *,
    retry_after: float | None = None,
    jitter: float | None = None,
) -> timedelta:
    """How long after a failed poll to poll again: the interval doubled per
    consecutive failure before this one (``errors``), at most ``MAX_BACKOFF``,
    times a jitter in [0.8, 1.2] (random unless given), and no sooner than the
    server's ``Retry-After``."""
    spread = random.uniform(0.8, 1.2) if jitter is None else jitter
    delay = min(every * (1 << min(errors, 16)), MAX_BACKOFF) * spread
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


def page_item(url: str, name: str | None, fetched: Fetched) -> RawItem:
    """A watched page's answer, as the one item it offers."""
    return RawItem(url, "html", decode_html(fetched.body, fetched.content_type), url=url, outlet=name)


def fresh_entries(entries: Sequence[FeedEntry], known: Collection[str]) -> list[FeedEntry]:
    """The entries of a feed whose pages are not stored yet (each page is fetched once)."""
    return [e for e in entries if e.url not in known]


def feed_status(entries: int, fetched: int, failed: int) -> str:
    """The status line a polled feed records."""
    return f"200: {entries} entries, {fetched} fetched, {failed} failed"


def outcome(fetched: Fetched) -> str:
    """``"not modified"`` (a 304: nothing read) or ``"ok"``."""
    return "not modified" if fetched.not_modified else "ok"


def failure_reason(exc: BaseException) -> str:
    """What a failed poll records: a bad feed's own message; for anything else,
    the exception's type too."""
    return str(exc) if isinstance(exc, FeedError) else f"{type(exc).__name__}: {exc}"


def host_tag(url: str) -> str:
    """The ``host:`` tag a source's runs carry (for filtering in Prefect's UI)."""
    return f"host:{urlsplit(url).hostname or 'unknown'}"
