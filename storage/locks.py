"""What differs between SQLite and PostgreSQL when writing concurrently:
``INSERT ... ON CONFLICT``, taking a lock before reading, and a transaction
PostgreSQL ends to break a deadlock (run again: :func:`retry_deadlock`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session

__all__ = ["DEADLOCK_ATTEMPTS", "insert", "lock", "retry_deadlock", "table"]

T = TypeVar("T")
DEADLOCK_ATTEMPTS = 4
_DEADLOCK = "40P01"  # PostgreSQL's deadlock_detected


def insert(engine_or_conn: Any, table: Any) -> Any:
    """An INSERT that supports ``on_conflict_do_nothing`` on this database."""
    dialect = engine_or_conn.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"unsupported database dialect: {dialect}")


def table(model: Any) -> sa.Table:
    """The table of a SQLModel class: Core statements on it skip the ORM's
    per-row work (an executemany of plain rows compiles once)."""
    t: sa.Table = model.__table__
    return t


def lock(s: Session, engine: Engine, keys: Iterable[int]) -> None:
    """Serialise, across processes, the lookups and inserts that concern these
    keys (PostgreSQL advisory locks held to the end of the transaction, taken in
    one order so two batches cannot deadlock). SQLite has one writer at a time:
    the transaction takes the write lock before it reads."""
    if engine.dialect.name == "postgresql":
        s.execute(
            sa.text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k ORDER BY k"),
            {"keys": sorted(set(keys))},
        )
    else:
        s.execute(sa.text("UPDATE sources SET id = id WHERE 0"))  # BEGIN → RESERVED lock


def retry_deadlock(work: Callable[[], T], attempts: int = DEADLOCK_ATTEMPTS) -> T:
    """Run ``work`` (one whole transaction) again when PostgreSQL ends it to
    break a deadlock: two workers placing articles lock story rows as they join
    them, and two transactions can each hold a row the other's next join needs
    (the advisory locks of an article's terms do not cover every story its
    terms lead to). The victim's transaction is rolled back whole, so running
    it again is safe; the other goes on. Any other error, or a deadlock on the
    last attempt, is raised."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except sa.exc.OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) != _DEADLOCK or attempt == attempts:
                raise
            time.sleep(0.05 * attempt)  # the survivor commits meanwhile
    raise AssertionError("unreachable")
