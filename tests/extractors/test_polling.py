"""What a poll decides, without a network, a database or Prefect."""

from __future__ import annotations

from datetime import timedelta

from extractors.adapters.fetching import Fetched
from extractors.exceptions import FeedError
from extractors.feeds import FeedEntry
from extractors.polling import (
    MAX_BACKOFF,
    backoff,
    failure_reason,
    feed_status,
    fresh_entries,
    host_tag,
    outcome,
    page_item,
)


def test_back_off_doubles_per_failure_up_to_a_day_and_honours_retry_after() -> None:
    every = timedelta(minutes=15)
    assert [backoff(every, n, jitter=1.0) for n in range(3)] == [every, 2 * every, 4 * every]
    assert backoff(every, 40, jitter=1.0) == MAX_BACKOFF  # capped, however many failures
    assert backoff(every, 0, retry_after=3600, jitter=1.0) == timedelta(hours=1)
    assert backoff(every, 3, retry_after=60, jitter=1.0) == 8 * every  # Retry-After is a floor
    spread = {backoff(every, 1) for _ in range(50)}
    assert len(spread) > 1 and all(1.6 * every <= d <= 2.4 * every for d in spread)


def test_a_page_is_one_item_decoded_by_its_charset() -> None:
    got = Fetched(
        "https://x.test/p", "https://x.test/p", 200, "Zölle".encode("latin-1"), "text/html; charset=latin-1"
    )
    item = page_item("https://x.test/p", "Outlet", got)
    assert (item.source_id, item.kind, item.body, item.url, item.outlet) == (
        "https://x.test/p",
        "html",
        "Zölle",
        "https://x.test/p",
        "Outlet",
    )


def test_only_entries_not_stored_yet_are_fetched_and_the_status_says_so() -> None:
    entries = [FeedEntry("https://x.test/a"), FeedEntry("https://x.test/b"), FeedEntry("https://x.test/c")]
    fresh = fresh_entries(entries, {"https://x.test/b"})
    assert [e.url for e in fresh] == ["https://x.test/a", "https://x.test/c"]
    assert feed_status(len(entries), len(fresh), 1) == "200: 3 entries, 2 fetched, 1 failed"


def test_outcomes_reasons_and_tags() -> None:
    assert outcome(Fetched("u", "u", 304, b"")) == "not modified"
    assert outcome(Fetched("u", "u", 200, b"x")) == "ok"
    assert failure_reason(FeedError("not a feed")) == "not a feed"
    assert failure_reason(KeyError("guid")) == "KeyError: 'guid'"
    assert host_tag("https://News.Example.test:8443/feed") == "host:news.example.test"
    assert host_tag("not a url") == "host:unknown"
