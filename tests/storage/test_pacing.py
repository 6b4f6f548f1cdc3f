"""The shared pacer, on SQLite and PostgreSQL: one host's spacing and its
Retry-After hold across processes, as the host sees them (a real server on
loopback); this process's own pacer, the control, does not."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest

from extractors.adapters.fetching import FetchConfig, Fetcher, LocalPacer
from storage.database import open_engine
from storage.pacing import SharedPacer

from ..site import Reply, Site
from .race import race

DELAY = 0.5
PAGES = 4
# How late a process may send a reserved request on a busy machine (a wake-up,
# a connection): a gap of 0.196 s for a 0.25 s spacing failed CI once, the
# scheduler being 54 ms late; the control's gaps stay far below this.
JITTER = 0.1


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    for i in range(2 * PAGES):
        s.routes[f"/p{i}"] = Reply(200, b"x")
    yield s
    s.close()


def test_reservations_are_spaced_and_a_hold_off_is_shared(db_url: str) -> None:
    a, b = SharedPacer(open_engine(db_url)), SharedPacer(open_engine(db_url))
    assert a.reserve("example.org", 10.0) == pytest.approx(0.0, abs=0.05)
    assert b.reserve("example.org", 10.0) == pytest.approx(10.0, abs=0.5)  # another client, the same turn
    assert b.reserve("other.org", 10.0) == pytest.approx(0.0, abs=0.05)  # hosts are apart
    a.hold_off("other.org", 600.0)
    assert b.pending("other.org") == pytest.approx(600.0, abs=1.0)
    assert b.pending("unknown.org") == 0.0


def _fetch(url: str, db_url: str | None, paths: list[str], start: Any) -> None:
    config = FetchConfig(per_host=1, host_delay=DELAY, robots=False, http2=False)
    pacer = SharedPacer(open_engine(db_url)) if db_url else LocalPacer()
    with Fetcher(config, pacer=pacer) as f:
        start.wait(30)
        for path in paths:
            f.get(url + path)


def _two_workers(site: Site, db_url: str | None) -> list[float]:
    paths = [[f"/p{i}" for i in range(PAGES)], [f"/p{i}" for i in range(PAGES, 2 * PAGES)]]
    race(_fetch, [(site.url(""), db_url, p) for p in paths])
    starts = sorted(h.start for h in site.hits if h.path.startswith("/p"))
    assert len(starts) == 2 * PAGES
    return [b - a for a, b in pairwise(starts)]


def test_two_processes_keep_one_hosts_spacing(site: Site, db_url: str) -> None:
    gaps = _two_workers(site, db_url)
    assert min(gaps) >= DELAY - JITTER, gaps


def test_without_the_shared_pacer_two_processes_ask_twice_as_often(site: Site) -> None:
    gaps = _two_workers(site, None)
    assert min(gaps) < DELAY / 2, gaps  # the control: each process spaces only its own requests
