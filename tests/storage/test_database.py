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
