"""Opening a database: the first open of a new file from several processes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from storage.database import _head, open_engine

from .race import race


def _open(url: str, start: Any) -> None:
    start.wait(30)
    open_engine(url).dispose()


def test_processes_opening_one_new_sqlite_file_at_once_create_its_schema_once(
    tmp_path: Path,
) -> None:
    """Nothing else serialises two first opens of a SQLite file: each saw no
    schema, both created it, one failed ('table sources already exists')."""
    for attempt in range(3):
        url = f"sqlite:///{tmp_path / f'new{attempt}.db'}"
        race(_open, [(url,)] * 4)
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
        finally:
            engine.dispose()
        assert versions == [(_head(),)]


def test_processes_opening_one_old_sqlite_file_at_once_migrate_it_once(tmp_path: Path) -> None:
    """An older file is migrated up by Alembic inside the same write lock: the
    others wait, then find it at the newest revision; its rows are kept."""
    from alembic import command

    from storage import database

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = database.create_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(database._alembic_config(conn), "0001")
            conn.execute(
                sa.text(
                    "INSERT INTO sources (name, kind, location, created_at) "
                    "VALUES ('wire', 'rss', 'http://127.0.0.1/', '2020-01-01')"
                )
            )
        race(_open, [(url,)] * 3)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).all() == [(_head(),)]
            assert conn.execute(sa.text("SELECT name FROM sources")).all() == [("wire",)]
            assert sa.inspect(conn).has_table("host_turns")
    finally:
        engine.dispose()


def _connect(url: str, start: Any, failures: Any) -> None:
    from storage.database import create_engine

    engine = create_engine(url)
    start.wait(30)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        failures.put(str(exc.orig))
    finally:
        engine.dispose()


def test_processes_connecting_to_one_new_sqlite_file_at_once_all_connect(tmp_path: Path) -> None:
    """Each connection asks for WAL mode; on a new file that change takes an
    exclusive lock, and SQLite refused a contested change at once ('database
    is locked') without waiting out the busy timeout. Forked, not spawned, to
    afford fifteen rounds of eight: the old code failed this test in 16 of 20
    runs (2026-12-02), and once in `make test` (test_pacing's two workers)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    failures = ctx.SimpleQueue()
    for attempt in range(15):
        url = f"sqlite:///{tmp_path / f'new{attempt}.db'}"
        start = ctx.Barrier(8)
        workers = [ctx.Process(target=_connect, args=(url, start, failures)) for _ in range(8)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(60)
            assert w.exitcode == 0
        seen = []
        while not failures.empty():
            seen.append(failures.get())
        assert seen == [], f"round {attempt}: {seen}"
        with sa.create_engine(url).connect() as conn:
            assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
