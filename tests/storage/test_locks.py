"""A transaction PostgreSQL ends to break a deadlock runs again (a real deadlock
between two connections)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from storage.database import open_engine
from storage.locks import retry_deadlock


def _lock_rows(
    engine: sa.Engine, first: int, second: int, ready: threading.Barrier | None, timeout: str
) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text(f"SET LOCAL deadlock_timeout = '{timeout}'"))
        conn.execute(sa.text("SELECT id FROM pair WHERE id = :i FOR UPDATE"), {"i": first})
        if ready is not None:
            ready.wait(timeout=10)  # each holds its first row: the second locks cross
        conn.execute(sa.text("SELECT id FROM pair WHERE id = :i FOR UPDATE"), {"i": second})
        conn.execute(sa.text("UPDATE pair SET n = n + 1 WHERE id IN (:a, :b)"), {"a": first, "b": second})


def _deadlock(pg_url: str, attempts: int) -> tuple[list[int], int]:
    """Two transactions locking two rows in opposite orders; the one run by
    :func:`retry_deadlock` detects the deadlock first (the shorter timeout),
    so PostgreSQL ends it. Returns its attempts and the rows' updates."""
    engine = open_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE pair (id int PRIMARY KEY, n int NOT NULL)"))
        conn.execute(sa.text("INSERT INTO pair VALUES (1, 0), (2, 0)"))
    ready = threading.Barrier(2)
    tries: list[int] = []

    def victim() -> None:
        tries.append(1)
        _lock_rows(engine, 1, 2, ready if len(tries) == 1 else None, "100ms")

    survivor = threading.Thread(target=_lock_rows, args=(engine, 2, 1, ready, "10s"))
    survivor.start()
    try:
        retry_deadlock(victim, attempts)
    finally:
        survivor.join()
        with engine.connect() as conn:
            updates = int(conn.execute(sa.text("SELECT sum(n) FROM pair")).scalar_one())
    return tries, updates


def test_the_victim_of_a_deadlock_runs_again_and_both_transactions_land(pg_url: str) -> None:
    tries, updates = _deadlock(pg_url, attempts=4)
    assert len(tries) == 2  # ended once, then landed
    assert updates == 4  # both transactions updated both rows


def test_a_deadlock_on_the_last_attempt_is_raised(pg_url: str) -> None:
    with pytest.raises(sa.exc.OperationalError, match="deadlock detected"):
        _deadlock(pg_url, attempts=1)


def test_other_errors_are_raised_at_once(pg_url: str) -> None:
    engine = open_engine(pg_url)
    calls = []

    def broken() -> None:
        calls.append(1)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT * FROM no_such_table"))

    with pytest.raises(sa.exc.ProgrammingError):
        retry_deadlock(broken)
    assert len(calls) == 1  # not a deadlock: not run again
