"""Which Prefect API a one-shot command reports to, and telemetry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from flows.prefect_api import PrefectAPI
from flows.settings import Settings

from ..conftest import processes_with

ROOT = Path(__file__).resolve().parents[2]
CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "TRAVIS", "BUILDKITE", "TF_BUILD")


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
        self.wfile.write(b"true")

    def log_message(self, *args: Any) -> None:
        pass


def test_a_server_answering_on_the_prefect_port_is_used_and_nothing_is_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with ExitStack() as stack:
            api = PrefectAPI(Settings(prefect_port=server.server_address[1]), stack)
            assert api.url == f"http://127.0.0.1:{server.server_address[1]}/api"
            assert api._temporary is None
    finally:
        server.shutdown()
        server.server_close()


def test_prefect_api_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    with ExitStack() as stack:
        api = PrefectAPI(Settings(), stack)
        assert api.url == "http://127.0.0.1:9/api" and api._temporary is None


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "TRADEWATCH_"))}
    for name in ("DO_NOT_TRACK", *CI_VARIABLES):
        env.pop(name, None)
    return env | {"PREFECT_HOME": str(tmp_path / "prefect"), "TRADEWATCH_DATA_DIR": str(tmp_path)} | extra


TELEMETRY = (
    "import os\n"
    "from flows.prefect_api import prepare_prefect\n"
    "from flows.settings import Settings\n"
    "prepare_prefect(Settings())\n"
    "from prefect._internal.analytics.enabled import is_telemetry_enabled\n"
    "print(is_telemetry_enabled(), os.environ.get('PREFECT_SERVER_ANALYTICS_ENABLED'))\n"
)


def test_telemetry_is_off_unless_the_user_turns_it_on(tmp_path: Path) -> None:
    off = subprocess.run(
        [sys.executable, "-c", TELEMETRY],
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    assert off.stdout.split() == ["False", "false"]
    on = subprocess.run(
        [sys.executable, "-c", TELEMETRY],
        env=_clean_env(tmp_path, TRADEWATCH_TELEMETRY="true"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert on.stdout.split() == ["True", "None"]


def test_the_embedded_replay_starts_its_own_server_prints_no_telemetry_notice_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    """In a terminal (where Prefect prints its usage-data notice), with no
    server up: the replay runs on tradewatch's temporary server, which is gone
    when the command ends."""
    import pty

    primary, secondary = pty.openpty()
    env = _clean_env(tmp_path, TRADEWATCH_PREFECT_PORT="9")  # nothing answers there
    tradewatch = Path(sys.executable).parent / "tradewatch"
    chunks: list[bytes] = []

    def terminal_reads() -> None:  # as a terminal does: a full pty would block the command
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=terminal_reads, daemon=True)
    reader.start()
    proc = subprocess.run(
        [str(tradewatch), "replay", str(ROOT / "seeds"), "--json"],
        env=env,
        stdin=secondary,
        stdout=subprocess.PIPE,
        stderr=secondary,
        timeout=300,
    )
    os.close(secondary)
    reader.join(timeout=10)
    os.close(primary)
    terminal = b"".join(chunks)
    assert proc.returncode == 0, terminal.decode(errors="replace")[-2000:]
    assert json.loads(proc.stdout)["events_new"] > 10  # the seeds' events
    assert b"usage data" not in terminal
    assert processes_with(f"PREFECT_HOME={tmp_path / 'prefect'}") == []
