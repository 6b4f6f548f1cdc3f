"""Shared fixtures: real SQLite files and a real PostgreSQL schema per test."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by what it needs, so ``make check`` can run the pure ones
    alone: ``postgres`` (a PostgreSQL fixture), ``database`` (any database),
    ``network`` (loopback servers), ``prefect`` (tests/flows, tests/deploy),
    ``corpora`` (the shared corpora), ``subprocess``."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & {"sqlite_url", "pg_url", "db_url"}:
            item.add_marker("database")
        if fixtures & {"receiver", "smtp", "site"} or item.path.name == "test_fetching.py":
            item.add_marker("network")
        if "pg_url" in fixtures or ("db_url" in fixtures and "postgresql" in item.name):
            item.add_marker("postgres")
        if "corpora_dir" in fixtures:
            item.add_marker("corpora")
        if any(part in ("flows", "deploy") for part in item.path.parts[-3:-1]):
            item.add_marker("prefect")
        source = getattr(getattr(item, "function", None), "__code__", None)
        names = set(source.co_names) if source is not None else set()
        if names & {"subprocess", "Popen", "multiprocessing"}:
            item.add_marker("subprocess")


def processes_with(variable: str) -> list[int]:
    """The processes whose environment holds ``variable`` (``NAME=value``; Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and variable.encode() in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:  # gone, or not ours to read
            continue
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


def corpora() -> Path:
    """The shared corpora: the ``corpora`` setting (``TRADEWATCH_CORPORA``),
    whose default is relative to the working directory; tests run from the
    checkout."""
    from flows.settings import Settings

    folder = Settings().corpora
    return folder if folder.is_absolute() else ROOT / folder


@pytest.fixture
def corpora_dir() -> Path:
    """The shared corpora, or a skip saying where they were looked for (a
    failure when ``TRADEWATCH_REQUIRE_CORPORA`` is set, as CI sets it: there,
    the quality gates must run)."""
    folder = corpora()
    if not folder.is_dir():
        reason = f"the shared corpora are not at {folder} (set TRADEWATCH_CORPORA)"
        if os.environ.get("TRADEWATCH_REQUIRE_CORPORA"):
            pytest.fail(reason)
        pytest.skip(reason)
    return folder


@pytest.fixture(autouse=True)
def _engines_disposed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every engine a test opens (``storage.database.open_engine``, directly or
    through a runtime) gives its connections back when the test ends, so
    PostgreSQL's connection limit holds over the whole suite."""
    from storage import database

    opened: list[sa.engine.Engine] = []
    create = database.create_engine

    def recorded(url: str) -> sa.engine.Engine:
        engine = create(url)
        opened.append(engine)
        return engine

    monkeypatch.setattr(database, "create_engine", recorded)
    yield
    for engine in opened:
        engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'tradewatch.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh schema in the real PostgreSQL ``test`` database, dropped after."""
    schema = f"tw_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


class Receiver:
    """A webhook receiver on loopback: records every JSON body posted to it."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.fail = False
        self.delay = 0.0  # seconds each POST takes to answer
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                time.sleep(receiver.delay)
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                if receiver.fail:
                    self.send_response(503)
                    self.end_headers()
                    return
                receiver.bodies.append(json.loads(body))
                receiver.headers.append(dict(self.headers.items()))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"json://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


class SMTPServer:
    """A real SMTP server (aiosmtpd) on loopback that needs a login (user
    ``tradewatch``, password ``SMTP_PASSWORD``) and keeps what it receives."""

    PASSWORD = "smtp-s3cret-pw"

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.messages: list[EmailMessage] = []
        server = self

        class Handler:
            async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:
                server.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
                return "250 OK"

        def authenticate(smtp: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
            ok = auth_data.login == b"tradewatch" and auth_data.password == self.PASSWORD.encode()
            return AuthResult(success=ok)

        self.port = free_port()
        self.controller = Controller(
            Handler(),
            hostname="127.0.0.1",
            port=self.port,
            authenticator=authenticate,
            auth_require_tls=False,
        )
        self.controller.start()
        self.url = (
            f"mailto://tradewatch:{self.PASSWORD}@127.0.0.1:{self.port}"
            "?from=alerts@tradewatch.test&to=desk@tradewatch.test&mode=insecure"
        )

    def close(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    s = SMTPServer()
    yield s
    s.close()


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database holding the seed articles as the demo stores them
    (stories, events, alert rows on the console route), built with the plain
    pipeline step, without Prefect. Tests only read it."""
    from extractors.corpus import read_corpus
    from flows.pipeline import ingest_items
    from storage.database import open_engine
    from storage.ingest import ensure_source

    url = f"sqlite:///{tmp_path_factory.mktemp('seeds') / 'tradewatch.db'}"
    engine = open_engine(url)
    source = ensure_source(engine, "corpus", str(SEEDS), name="seeds")
    ingest_items(engine, source, list(read_corpus(SEEDS, max_bytes=3 * 1024 * 1024)), routes=["console"])
    engine.dispose()
    return url
