"""What differs between SQLite and PostgreSQL when writing concurrently:
``INSERT ... ON CONFLICT`` and taking a lock before reading."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session

__all__ = ["insert", "lock", "table"]


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
