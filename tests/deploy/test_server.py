"""``serve``'s local Prefect server goes when ``serve`` goes, even killed."""

from __future__ import annotations

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
