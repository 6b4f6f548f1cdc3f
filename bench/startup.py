"""Start-up costs a user sees, as ratios measured in one run (this machine is
shared and noisy: every pair is timed in turn, ROUNDS times, medians compared).

1. Read commands (``events``, ``stories``, ``articles``, ``alerts``,
   ``sources list`` on the seeds' database) against ``python -c "import
   sqlalchemy"`` in the same venv. Target: at most 3x.
2. The seed replay (a fresh SQLite database each time) against a trivial
   one-task Prefect flow, both reporting to one running Prefect server (started
   here, as ``tradewatch serve`` would). Target: at most 1.5x.
3. The seed replay on the embedded default (no server up: tradewatch starts a
   temporary one), with where its time goes: the temporary server's boot
   alone, the same trivial flow on Prefect's own temporary server, and the
   replay itself. Target: at most 10 s.

Usage: python bench/startup.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from flows.server import TemporaryServer, local_server

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
READS = (["events"], ["stories"], ["articles"], ["alerts"], ["sources", "list"])
TRIVIAL = """
from prefect import flow, task

@task
def one() -> int:
    return 1

@flow
def trivial() -> int:
    return one()

trivial()
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _seconds(args: list[str], env: Mapping[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=dict(env), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def _replay(tradewatch: str, env: Mapping[str, str], work: Path, n: int) -> float:
    db = work / f"replay-{n}.db"
    return _seconds([tradewatch, "replay", str(SEEDS), "--json", "--db", f"sqlite:///{db}"], env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    tradewatch = shutil.which("tradewatch", path=str(Path(sys.executable).parent))
    if tradewatch is None:
        sys.exit("tradewatch is not installed beside this Python")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        trivial = work / "trivial.py"
        trivial.write_text(TRIVIAL)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "TRADEWATCH_"))} | {
            "PREFECT_HOME": str(work / "prefect"),
            "PREFECT_LOGGING_LEVEL": "WARNING",
            "DO_NOT_TRACK": "1",
            "TRADEWATCH_DATA_DIR": str(work / "data"),
            "TRADEWATCH_PREFECT_PORT": str(_free_port()),  # nothing there: no server found by chance
        }
        db = f"sqlite:///{work / 'seeds.db'}"

        print(f"# start-up, {rounds} rounds each, medians (python {sys.version.split()[0]})")
        with local_server(work / "server", _free_port(), ui=False, env=env) as api_url:
            served = env | {"PREFECT_API_URL": api_url}
            _seconds([tradewatch, "replay", str(SEEDS), "--db", db], served)  # the database the reads read
            flow_times, replay_times = [], []
            for n in range(rounds):
                flow_times.append(_seconds([sys.executable, str(trivial)], served))
                replay_times.append(_replay(tradewatch, served, work, n))
            flow, replay = statistics.median(flow_times), statistics.median(replay_times)
            print("\n## against a running Prefect server")
            print(f"trivial one-task flow   {flow:6.2f} s")
            print(f"seed replay             {replay:6.2f} s   ratio {replay / flow:.2f} (target <= 1.5)")

        base_times: list[float] = []
        read_times: dict[str, list[float]] = {" ".join(c): [] for c in READS}
        for _ in range(rounds):
            base_times.append(_seconds([sys.executable, "-c", "import sqlalchemy"], env))
            for command in READS:
                read_times[" ".join(command)].append(_seconds([tradewatch, *command, "--db", db], env))
        base = statistics.median(base_times)
        print("\n## read commands")
        print(f"import sqlalchemy       {base:6.2f} s")
        worst = 0.0
        for name, times in read_times.items():
            t = statistics.median(times)
            worst = max(worst, t / base)
            print(f"{name:<24}{t:6.2f} s   ratio {t / base:.2f}")
        print(f"worst ratio {worst:.2f} (target <= 3)")

        boot_times, own_times, embedded_times = [], [], []
        for n in range(rounds):
            started = time.perf_counter()
            server = TemporaryServer(env)
            server.wait(120)
            boot_times.append(time.perf_counter() - started)
            server.stop()
            own_times.append(_seconds([sys.executable, str(trivial)], env))
            embedded_times.append(_replay(tradewatch, env, work, rounds + n))
        embedded = statistics.median(embedded_times)
        print("\n## on the embedded default (no server up)")
        print(f"temporary server, boot to healthy          {statistics.median(boot_times):6.2f} s")
        print(f"trivial flow on Prefect's temporary server {statistics.median(own_times):6.2f} s")
        print(f"seed replay (server boots meanwhile)       {embedded:6.2f} s   (target <= 10)")


if __name__ == "__main__":
    main()
