"""The one module that owns the engine and the schema.

``open_engine(url)`` returns an engine whose schema is at the newest Alembic
revision: a new database is created from the models and stamped with that
revision (what the migrations build, a test holds them equal, in a fraction of
the time: no Alembic import, no eight revisions replayed), an older one is
migrated up, an up-to-date one costs one query, and one newer than this code (a
later release wrote it) is refused rather than written with a schema the code
does not know.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from .exceptions import SchemaError

__all__ = ["MIGRATIONS", "open_engine", "session_scope", "upgrade"]

MIGRATIONS = Path(__file__).parent / "migrations"

# Serialises migrations of one PostgreSQL database across processes.
_PG_MIGRATION_LOCK = 0x7472_6164_6577


# How long a SQLite connection waits for another's lock, here and in sqlite3.
_SQLITE_TIMEOUT = 30.0


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    try:
        _write_ahead_log(cur, _SQLITE_TIMEOUT)
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
    finally:
        cur.close()


def _write_ahead_log(cur: Any, timeout: float) -> None:
    """Put the file in WAL mode unless it is already (or is in memory).

    The mode belongs to the file, so only the store's first connections ever
    change it. Changing it takes an exclusive lock, and SQLite answers
    "database is locked" at once, without waiting out the busy timeout, when
    another process opens the new file at the same moment: several workers
    starting on one new store did. So a locked change is tried again, within
    the same timeout as any other lock.
    """
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        try:
            mode = str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower()
            if mode not in ("wal", "memory"):
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def create_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created if missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            parsed, connect_args={"timeout": _SQLITE_TIMEOUT, "check_same_thread": False}
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return sa.create_engine(parsed, pool_pre_ping=True)


def _alembic_config(connection: sa.Connection) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _head() -> str:
    """The newest revision. The history is linear and each revision's id is its
    file's four-digit prefix (a test holds both to Alembic's own reading), so an
    up-to-date database is checked without importing Alembic (0.2 s of every
    command's start-up)."""
    return max(p.name[:4] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def _current(connection: sa.Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    row = connection.execute(sa.text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


def _known(script: Any, revision: str) -> bool:
    from alembic.util import CommandError

    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def _empty(connection: sa.Connection) -> bool:
    """Whether none of tradewatch's tables exist (other tables may)."""
    from sqlmodel import SQLModel

    from . import models  # noqa: F401  (registers the tables)

    inspector = sa.inspect(connection)
    return not any(inspector.has_table(name) for name in SQLModel.metadata.tables)


def _create(connection: sa.Connection, head: str) -> None:
    """The newest schema from the models, stamped as Alembic stamps it."""
    from sqlmodel import SQLModel

    from . import models  # noqa: F401  (registers the tables)

    SQLModel.metadata.create_all(connection)
    connection.execute(
        sa.text(
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
            "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
        )
    )
    connection.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head})


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (no-op when it is there)."""
    head = _head()
    with engine.connect() as conn:
        current = _current(conn)
    if current == head:
        return
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        elif conn.dialect.name == "sqlite":
            # Python's sqlite3 runs DDL outside any transaction: two processes that
            # both found a new file empty would both create its tables. BEGIN
            # IMMEDIATE takes the write lock first (the other waits for it, then
            # finds the schema made) and makes the create one transaction.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        current = _current(conn)
        if current == head:
            return
        if current is None and _empty(conn):
            _create(conn, head)
            return
        from alembic import command
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(_alembic_config(conn))
        if current is not None and not _known(script, current):
            raise SchemaError(
                f"database schema revision {current!r} is unknown to this version "
                f"of tradewatch (newest known: {head!r}); upgrade tradewatch"
            )
        command.upgrade(_alembic_config(conn), "head")


def open_engine(url: str) -> Engine:
    """An engine for ``url``, its database migrated to the current schema. A
    process opens one and passes it down (:class:`flows.runtime.Runtime`):
    each engine holds its own connection pool."""
    engine = create_engine(url)
    try:
        upgrade(engine)
    except Exception:
        engine.dispose()
        raise
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on error."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session
