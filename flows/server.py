"""Local Prefect servers, run as child processes that die with this one.

* :func:`local_server`, for ``tradewatch serve``: Prefect's temporary server runs
  neither the scheduler nor a UI, so a long-lived ``serve`` needs a real one.
  When ``PREFECT_API_URL`` is not set, ``serve`` starts ``prefect server start``
  on loopback, with its own ``PREFECT_HOME`` (``<data_dir>/prefect``: its
  database and logs), waits until it answers, and stops it on the way out. A
  Prefect server already answering on that port is used as it is.
* :class:`TemporaryServer`, for the one-shot commands (``replay``, ``run``...)
  when no server is up: the app Prefect's own temporary server runs (no UI, no
  services), started by this module *before* the command imports Prefect, so
  that it boots on the other core while this process imports and reads. Left to
  Prefect, the same server is started only at the first flow call, after the
  client has imported the server's code itself (2.2 s) just to start it.
"""

from __future__ import annotations

import functools
import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from extractors.adapters.parallel import die_with_parent

__all__ = ["ServerError", "TemporaryServer", "answering", "healthy", "local_server", "pool_workers"]


class ServerError(RuntimeError):
    """The local Prefect server did not start."""


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    """Whether a Prefect API answers at ``api_url`` (``http://host:port/api``):
    with the standard library, so that a command that finds nothing there has
    imported nothing."""
    parts = urlsplit(api_url)
    if parts.hostname is None:
        return False
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        connection.request("GET", f"{parts.path.rstrip('/')}/health")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def answering(port: int, timeout: float = 1.0) -> bool:
    """Whether a Prefect API answers on ``127.0.0.1:port``."""
    return healthy(f"http://127.0.0.1:{port}/api", timeout)


def _spawn(
    args: list[str], env: Mapping[str, str], log: int | IO[bytes], cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """A server process that dies with this one (PR_SET_PDEATHSIG) and is
    stopped by it alone: in a session of its own, so the Ctrl-C a terminal
    sends to its foreground group does not stop the server while the command
    still talks to it (``serve`` printed tracebacks on every Ctrl-C)."""
    return subprocess.Popen(
        [sys.executable, *args],
        env=dict(env),
        cwd=cwd,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=functools.partial(die_with_parent, os.getpid()),
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TemporaryServer:
    """Prefect's temporary server app on a free loopback port, starting now:
    :meth:`wait` for it before the first flow call, :meth:`stop` it after."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.port = _free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        environ = dict(env if env is not None else os.environ)
        environ.pop("PREFECT_API_URL", None)
        # as prefect.server.api.server.SubprocessASGIServer runs it
        environ.update(PREFECT_UI_ENABLED="0", PREFECT__SERVER_EPHEMERAL="1", PREFECT__SERVER_FINAL="1")
        self._proc = _spawn(
            [
                "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
                "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on",
            ],
            environ,
            subprocess.DEVNULL,
        )  # fmt: skip

    def wait(self, timeout: float) -> str:
        """The API URL once the server answers; :class:`ServerError` if it
        exits or does not answer within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not answering(self.port, timeout=2.0):
            if self._proc.poll() is not None:
                raise ServerError(f"Prefect's temporary server exited ({self._proc.returncode})")
            if time.monotonic() > deadline:
                raise ServerError(f"Prefect's temporary server did not answer within {timeout:.0f} s")
            time.sleep(0.05)
        return self.api_url

    def stop(self) -> None:
        if self._proc.poll() is None:
            _stop(self._proc)


@contextmanager
def local_server(
    home: Path,
    port: int,
    *,
    timeout: float = 120.0,
    ui: bool = True,
    env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """A Prefect server on ``127.0.0.1:port``; yields its API URL. ``env``
    adds to its environment (``PREFECT_SERVER_DATABASE_CONNECTION_URL`` for a
    PostgreSQL database, say)."""
    api_url = f"http://127.0.0.1:{port}/api"
    if healthy(api_url):
        yield api_url
        return
    home.mkdir(parents=True, exist_ok=True)
    environ = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    environ.update(env or {})
    environ.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_UI_ENABLED="true" if ui else "false",
        PREFECT_SERVER_UI_ENABLED="true" if ui else "false",
        PREFECT_SERVER_DATABASE_TIMEOUT=environ.get("PREFECT_SERVER_DATABASE_TIMEOUT", "30"),
        # concurrency slots' leases on disk: kept in memory (the default), they vanish when the
        # server stops mid-run, the slot is never given back, and every later poll is refused
        PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE=environ.get(
            "PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE", "prefect.server.concurrency.lease_storage.filesystem"
        ),
    )
    log_path = home / "server.log"
    with log_path.open("ab") as log:
        command = ["-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
        proc = _spawn(command, environ, log)
    try:
        deadline = time.monotonic() + timeout
        while not healthy(api_url):
            if proc.poll() is not None:
                tail = log_path.read_text("utf-8", "replace")[-2000:]
                raise ServerError(f"the Prefect server exited ({proc.returncode}); {log_path}:\n{tail}")
            if time.monotonic() > deadline:
                raise ServerError(
                    f"the Prefect server did not answer within {timeout:.0f} s (see {log_path})"
                )
            time.sleep(0.5)
        yield api_url
    finally:
        _stop(proc)


@contextmanager
def pool_workers(
    logs: Sequence[Path],
    env: Mapping[str, str],
    *options: str,
    pool: str = "tradewatch",
    cwd: Path | None = None,
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``prefect worker start --pool tradewatch`` (deploy/README.md), one process
    worker per log file (``worker-1``, ``worker-2``...) with ``options`` (``--limit
    1``), run from ``cwd``; stopped on the way out. The deployment tests and
    ``bench/workers.py`` run their workers with it."""
    workers = []
    try:
        for n, log in enumerate(logs, 1):
            with log.open("wb") as out:
                args = ["-m", "prefect", "worker", "start", "--pool", pool, "--name", f"worker-{n}", *options]
                workers.append(_spawn(args, env, out, cwd))
        yield workers
    finally:
        for w in workers:
            w.terminate()  # all at once: each finishes its run's shutdown meanwhile
        for w in workers:
            _stop(w)
