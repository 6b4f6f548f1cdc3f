"""Two Prefect process workers on one work pool against one, replaying one
corpus into PostgreSQL.

A real Prefect server (on a PostgreSQL database of its own), the ``replay``
deployment of deploy/prefect.yaml on a process pool, and ``--count`` real-text
articles as JSONL (bench/cores.py's corpus). Twice, each time into a new
tradewatch database, with two workers (``--limit 1``: one run each) started on
the pool:

* one run of the whole corpus (one worker works, the other idles);
* two runs, ``shard=1/2`` and ``shard=2/2``, one per worker.

Each is timed from the runs' creation to their completion (flow-run process
start-up included). Then the two databases are compared: the sharded one must
hold the same articles, sightings and events, with nothing left unread.

Usage: python bench/workers.py [--count 20000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from flows.server import local_server, pool_workers

sys.path.insert(0, str(Path(__file__).parent))
from cores import write_corpus

ROOT = Path(__file__).resolve().parent.parent
PREFECT = str(Path(sys.executable).with_name("prefect"))


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _database(admin: sa.Engine, base: str) -> Iterator[str]:
    name = f"tw_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _replay(api: httpx.Client, deployment: str, corpus: Path, shards: list[str | None]) -> float:
    t0 = time.perf_counter()
    ids = []
    for shard in shards:
        params: dict[str, Any] = {"path": str(corpus), "deliver": False, "shard": shard}
        got = api.post(f"/deployments/{deployment}/create_flow_run", json={"parameters": params})
        got.raise_for_status()
        ids.append(got.json()["id"])
    while True:
        runs = api.post("/flow_runs/filter", json={"flow_runs": {"id": {"any_": ids}}}).json()
        states = [r["state_type"] for r in runs]
        if all(s == "COMPLETED" for s in states):
            return time.perf_counter() - t0
        if any(s in ("FAILED", "CRASHED", "CANCELLED") for s in states):
            raise SystemExit(f"a run failed: {states}")
        time.sleep(1)


def _tally(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    queries = {
        "articles": "SELECT count(*) FROM articles",
        "sightings": "SELECT count(*) FROM article_copies",
        "unread": "SELECT count(*) FROM articles WHERE processed_at IS NULL",
        "events": "SELECT count(*) FROM events",
        "measures": "SELECT count(DISTINCT (type, action, actor, target)) FROM events",
    }
    with engine.connect() as conn:
        got = {k: int(conn.execute(sa.text(q)).scalar_one()) for k, q in queries.items()}
    engine.dispose()
    return got


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    corpus = tmp / "corpus.jsonl"
    write_corpus(corpus, args.count)
    admin = sa.create_engine(f"{args.pg}/postgres", isolation_level="AUTOCOMMIT")
    asyncpg = args.pg.replace("+psycopg", "+asyncpg")
    with (
        _database(admin, asyncpg) as server_db,
        local_server(
            tmp / "prefect",
            _port(),
            ui=False,
            timeout=300,
            env={"PREFECT_SERVER_DATABASE_CONNECTION_URL": server_db},
        ) as api_url,
    ):
        base = {k: v for k, v in os.environ.items() if not k.startswith(("TRADEWATCH_", "PREFECT_"))}
        base |= {
            "PREFECT_API_URL": api_url,
            "PREFECT_HOME": str(tmp / "client"),
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "TRADEWATCH_HOME": str(ROOT),
            "TRADEWATCH_DATA_DIR": str(tmp / "data"),
        }
        for cmd in (
            ["work-pool", "create", "tradewatch", "--type", "process"],
            ["--no-prompt", "deploy", "--name", "replay", "--prefect-file", "deploy/prefect.yaml"],
        ):
            subprocess.run([PREFECT, *cmd], env=base, cwd=ROOT, check=True, capture_output=True)
        api = httpx.Client(base_url=api_url, timeout=30)
        deployment = next(
            d["id"] for d in api.post("/deployments/filter", json={}).json() if d["name"] == "replay"
        )
        figures: dict[str, tuple[float, dict[str, int]]] = {}
        for label, shards in (("one worker", [None]), ("two workers", ["1/2", "2/2"])):
            with _database(admin, args.pg) as db:
                (tmp / label).mkdir()
                logs = [tmp / label / f"worker-{n}.log" for n in (1, 2)]
                env = {**base, "TRADEWATCH_DB_URL": db}
                with pool_workers(logs, env, "--limit", "1", cwd=ROOT):
                    seconds = _replay(api, deployment, corpus, shards)
                figures[label] = (seconds, _tally(db))
            print(f"{label:<12} {seconds:7.1f} s  {args.count / seconds:6.1f}/s  {figures[label][1]}")
    one, two = figures["one worker"], figures["two workers"]
    print(f"speed-up with two workers: {one[0] / two[0]:.2f}")
    same = one[1] == two[1] and two[1]["unread"] == 0
    print(f"the same articles, sightings and events, nothing unread: {same}")


if __name__ == "__main__":
    main()
