"""``serve``'s local Prefect server goes when ``serve`` goes, even killed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from flows.server import healthy

from ..conftest import free_port

SCRIPT = """
import sys, time
from pathlib import Path
from flows.server import local_server
with local_server(Path(sys.argv[1]), int(sys.argv[2]), ui=False, timeout=300) as url:
    print(url, flush=True)
    time.sleep(600)
"""


def test_a_killed_parent_leaves_no_prefect_server_behind(tmp_path: Path) -> None:
    port = free_port()
    parent = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "home"), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert parent.stdout is not None
        url = parent.stdout.readline().decode().strip()
        assert url.endswith(f":{port}/api") and healthy(url)
    finally:
        parent.kill()  # SIGKILL: no clean-up code runs in the parent
        parent.wait()
    deadline = time.monotonic() + 30
    while healthy(url) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not healthy(url)


TEMPORARY = """
import sys
from flows.server import TemporaryServer, answering
server = TemporaryServer()
print(server.wait(120), flush=True)
print(answering(server.port), flush=True)
if sys.argv[1] == "stop":
    server.stop()
    print(answering(server.port), flush=True)
else:
    import time
    time.sleep(600)
"""


def test_the_temporary_server_answers_and_stops(tmp_path: Path) -> None:
    env = {**os.environ, "PREFECT_HOME": str(tmp_path)}
    env.pop("PREFECT_API_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", TEMPORARY, "stop"], env=env, capture_output=True, text=True, timeout=180
    )
    url, up, after = out.stdout.split()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/api")
    assert (up, after) == ("True", "False")


def test_a_killed_parent_leaves_no_temporary_server_behind(tmp_path: Path) -> None:
    env = {**os.environ, "PREFECT_HOME": str(tmp_path)}
    env.pop("PREFECT_API_URL", None)
    parent = subprocess.Popen(
        [sys.executable, "-c", TEMPORARY, "keep"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        assert parent.stdout is not None
        url = parent.stdout.readline().decode().strip()
        assert healthy(url)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 30
    while healthy(url) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not healthy(url)


def test_a_servers_process_is_out_of_reach_of_the_terminals_ctrl_c(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole foreground process group: a server in it stopped
    while ``serve`` still talked to it, and ``serve`` printed tracebacks."""
    from flows.server import TemporaryServer

    server = TemporaryServer({**os.environ, "PREFECT_HOME": str(tmp_path)})
    try:
        assert os.getsid(server._proc.pid) != os.getsid(0)
    finally:
        server.stop()
