"""Polling state: when a source is due, claims, back-off."""

from __future__ import annotations

from datetime import timedelta

from storage.database import open_engine
from storage.models import utcnow
from storage.sources import POLL_LEASE, add_source, claim_due, list_sources, record_failure, record_success

EVERY = timedelta(seconds=30)


def test_the_next_poll_counts_from_the_start_of_this_one_and_a_little_early_is_due(db_url: str) -> None:
    """A schedule as frequent as the source polls it every time, not every other time."""
    engine = open_engine(db_url)
    add_source(engine, "http://127.0.0.1:9/feed.xml", "feed", every=EVERY)
    start = utcnow() - timedelta(seconds=20)  # a poll that took 20 s
    (claimed,) = claim_due(engine, start, every=True)
    record_success(engine, claimed, status="200", etag=None, last_modified=None)

    assert claim_due(engine, start + EVERY - timedelta(seconds=6)) == []  # 20% early: not yet
    again = claim_due(engine, start + EVERY - timedelta(seconds=2))  # the next run, started a bit early
    assert [s.id for s in again] == [claimed.id]
    assert claim_due(engine, start + EVERY) == []  # claimed: a concurrent run does not poll it too


def test_a_failing_source_backs_off_and_is_never_dropped(db_url: str) -> None:
    engine = open_engine(db_url)
    add_source(engine, "http://127.0.0.1:9/feed.xml", "feed", every=EVERY)
    now = utcnow() + timedelta(seconds=1)
    waits = []
    for _ in range(3):
        (claimed,) = claim_due(engine, now, every=True)
        record_failure(engine, claimed, "connection refused")
        (row,) = list_sources(engine)
        waits.append(row["next_poll_at"])
    assert waits == sorted(waits) and len(set(waits)) == 3
    (row,) = list_sources(engine)
    assert (row["error_count"], row["last_error"]) == (3, "connection refused")


def test_a_claimed_source_is_not_due_again_before_its_lease_ends_even_early(db_url: str) -> None:
    engine = open_engine(db_url)
    add_source(engine, "http://127.0.0.1:9/hourly.xml", "feed", every=timedelta(hours=1))
    now = utcnow() + timedelta(seconds=1)
    assert len(claim_due(engine, now)) == 1  # a run claims it, then dies without recording anything
    assert claim_due(engine, now + POLL_LEASE - timedelta(seconds=1)) == []  # its 5 minutes' tolerance
    assert len(claim_due(engine, now + POLL_LEASE + timedelta(seconds=1))) == 1  # the lease is over
