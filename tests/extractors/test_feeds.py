"""Feeds: RSS, Atom and JSON Feed to canonical entries; unreadable feeds refused."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from extractors.exceptions import FeedError
from extractors.feeds import FeedEntry, parse_feed

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><title>Tariffs raised</title><link>https://news.test/a?utm_source=rss#top</link>
<pubDate>Fri, 20 Nov 2026 08:30:00 GMT</pubDate></item>
<item><title>Same again</title><link>https://NEWS.test/a?utm_campaign=x</link></item>
<item><title>Relative</title><link>/b</link></item>
<item><title>No link</title></item>
<item><title>Mail</title><link>mailto:desk@news.test</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Wire</title><entry><title>Ban on ZTE</title><link href="https://wire.test/zte"/>
<updated>2026-11-21T10:00:00Z</updated></entry></feed>"""


def test_rss_entries_are_canonical_and_listed_once() -> None:
    entries = parse_feed(RSS, "https://news.test/feed.xml", "application/rss+xml")
    assert entries == [
        FeedEntry("https://news.test/a", "Tariffs raised", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),
        FeedEntry("https://news.test/b", "Relative", None),
    ]


def test_atom_and_json_feed() -> None:
    assert parse_feed(ATOM, "https://wire.test/atom") == [
        FeedEntry("https://wire.test/zte", "Ban on ZTE", datetime(2026, 11, 21, 10, 0, tzinfo=UTC))
    ]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [
            {"id": "1", "url": "https://j.test/1", "title": "One", "date_published": "2026-11-22T09:00:00Z"}
        ],
    }
    assert parse_feed(json.dumps(feed).encode(), "https://j.test/feed.json", "application/feed+json") == [
        FeedEntry("https://j.test/1", "One", datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"<rss><channel><item><title>unclosed",
        b"<html><body>Not a feed</body></html>",
        b"{not json",
        b'{"items": 3}',
    ],
)
def test_an_unreadable_feed_is_refused_with_its_url(body: bytes) -> None:
    with pytest.raises(FeedError, match=re.escape("https://bad.test/feed")):
        parse_feed(body, "https://bad.test/feed")


def test_a_json_feed_nested_too_deep_is_a_feed_error() -> None:
    """Issue 17, finding 3: RecursionError escaped instead of FeedError."""
    deep = b'{"items": ' + b"[" * 2000 + b"]" * 2000 + b"}"
    with pytest.raises(FeedError, match="nested too deeply"):
        parse_feed(deep, "https://example.test/feed.json")


def test_a_json_feed_entry_with_an_impossible_date_keeps_the_feed() -> None:
    """Issue 17, finding 1: that date failed the whole feed, losing its good entries."""
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [
            {"url": "https://example.test/a", "date_published": "0001-01-01T00:00:00+01:00"},
            {"url": "https://example.test/b", "date_published": "9999-12-31T23:59:59-01:00"},
            {"url": "https://example.test/c", "date_published": "2019-05-10T04:01:00Z"},
        ],
    }
    entries = parse_feed(json.dumps(feed).encode(), "https://example.test/feed.json")
    assert [(e.url, e.published) for e in entries] == [
        ("https://example.test/a", None),
        ("https://example.test/b", None),
        ("https://example.test/c", datetime(2019, 5, 10, 4, 1, tzinfo=UTC)),
    ]
