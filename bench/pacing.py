"""What keeping one host's spacing across workers costs per request: the
database pacer (:class:`storage.pacing.SharedPacer`, one short locked
transaction) on PostgreSQL and SQLite, and, for comparison, a Prefect global
concurrency limit used as a rate limit (``prefect.concurrency.sync.rate_limit``
against a Prefect server on loopback, the limit created beforehand with a slot
decay). Each takes ``--calls`` turns with no spacing (the cost of asking, not
of waiting), timed in turn, ``--rounds`` times; the median per call is shown.

Usage: python bench/pacing.py [--calls 300] [--rounds 3] [--pg URL (a scratch database)]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from flows.server import local_server
from storage.database import open_engine
from storage.pacing import SharedPacer


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def per_call(fn: Callable[[int], object], calls: int) -> float:
    t0 = time.perf_counter()
    for n in range(calls):
        fn(n)
    return (time.perf_counter() - t0) / calls * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/tw_bench_pacing")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    url = make_url(args.pg)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
        ).first():
            conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    pg = SharedPacer(open_engine(args.pg))
    lite = SharedPacer(open_engine(f"sqlite:///{tmp / 'pacing.db'}"))
    with local_server(tmp / "prefect", _port(), ui=False, timeout=300) as api_url:
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
        from prefect.concurrency.sync import rate_limit
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: api_url}):

            async def create() -> None:
                async with get_client() as client:
                    await client.create_global_concurrency_limit(
                        GlobalConcurrencyLimitCreate(
                            name="host:example.org", limit=10_000, slot_decay_per_second=1000
                        )
                    )

            asyncio.run(create())
            ways: dict[str, Callable[[int], object]] = {
                "database pacer, PostgreSQL": lambda n: pg.reserve(f"bench-{n % 7}.example.org", 0.0),
                "database pacer, SQLite": lambda n: lite.reserve(f"bench-{n % 7}.example.org", 0.0),
                "Prefect rate_limit (server on loopback)": lambda n: rate_limit(
                    "host:example.org", strict=True
                ),
            }
            times: dict[str, list[float]] = {name: [] for name in ways}
            for _ in range(args.rounds):
                for name, fn in ways.items():
                    times[name].append(per_call(fn, args.calls))
    print(f"per request, median of {args.rounds} rounds of {args.calls} calls:")
    for name, got in times.items():
        print(f"  {name:<42} {statistics.median(got):6.2f} ms")


if __name__ == "__main__":
    main()
