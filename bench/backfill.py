"""Backfills on Dask against tradewatch's own worker processes, one machine.

``tradewatch replay`` of a JSONL corpus of ``--count`` real-text articles
(bench/cores.py's corpus), into a new SQLite database each time, with its
worker processes (``TRADEWATCH_WORKERS``, default 2) and with ``--dask local``
(a LocalCluster of as many processes); then ``tradewatch rebuild-stories`` of
that database, both ways. Each command is timed whole, Prefect's temporary
server and the cluster's start included, ``--rounds`` times in turn; the
fastest of each is printed.

Usage: python bench/backfill.py [--count 5000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from cores import write_corpus

TRADEWATCH = str(Path(sys.executable).with_name("tradewatch"))


def timed(*args: str) -> float:
    env = {**os.environ, "PREFECT_HOME": tempfile.mkdtemp(), "TRADEWATCH_APPRISE_URLS": ""}
    t0 = time.perf_counter()
    subprocess.run([TRADEWATCH, *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    corpus = tmp / "corpus.jsonl"
    write_corpus(corpus, args.count)
    times: dict[str, dict[str, list[float]]] = {"replay": {}, "rebuild-stories": {}}
    for n in range(args.rounds):
        for way, extra in (("worker processes", []), ("dask LocalCluster", ["--dask", "local"])):
            db = f"sqlite:///{tmp / f'{n}-{len(extra)}.db'}"
            times["replay"].setdefault(way, []).append(timed("replay", str(corpus), "--db", db, *extra))
            times["rebuild-stories"].setdefault(way, []).append(timed("rebuild-stories", "--db", db, *extra))
    print(f"{args.count:,} articles, fastest of {args.rounds} (seconds, whole commands)")
    for command, by_way in times.items():
        plain, dask = min(by_way["worker processes"]), min(by_way["dask LocalCluster"])
        print(
            f"{command:<16} worker processes {plain:6.1f}   dask LocalCluster {dask:6.1f}   "
            f"dask/processes {dask / plain:.2f}"
        )


if __name__ == "__main__":
    main()
