"""A local Prefect server for ``tradewatch serve`` (the embedded default).

Prefect's temporary in-process server runs neither the scheduler nor a UI, so a
long-lived ``serve`` needs a real one. When ``PREFECT_API_URL`` is not set,
``serve`` starts ``prefect server start`` on loopback as a child process, with
its own ``PREFECT_HOME`` (``<data_dir>/prefect``: its database and logs), waits
until it answers, and stops it on the way out. A Prefect server already
answering on that port is used as it is.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

__all__ = ["ServerError", "healthy", "local_server"]


def _prctl() -> Any:
    try:
        return ctypes.CDLL(None).prctl  # looked up here: the child only calls it
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl() if sys.platform == "linux" else None
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before exec: be sent SIGTERM when the parent dies, even by
    SIGKILL, so a killed ``serve`` leaves no server behind (Linux)."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGTERM)


class ServerError(RuntimeError):
    """The local Prefect server did not start."""


def healthy(api_url: str) -> bool:
    """Whether a Prefect API answers at ``api_url`` (``.../api``)."""
    try:
        return httpx.get(f"{api_url}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


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
        proc = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if _PRCTL is not None else None,
        )
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
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
