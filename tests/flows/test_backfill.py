"""Backfills on Dask (``--dask local``: prefect-dask's DaskTaskRunner on a
LocalCluster) give what the worker processes give: the same events and
stories, in arrival order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from flows.backfill import read_ahead
from flows.cli import app

runner = CliRunner()


class _Future:
    def __init__(self, value: list[int], log: list[str]) -> None:
        self.value, self.log = value, log

    def result(self) -> list[int]:
        self.log.append(f"result {self.value[0]}")
        return [x * 10 for x in self.value]


def test_read_ahead_keeps_the_order_and_at_most_depth_batches_ahead() -> None:
    log: list[str] = []

    def submit(batch: list[int]) -> _Future:
        log.append(f"submit {batch[0]}")
        return _Future(batch, log)

    got = list(read_ahead(submit, ([n, n + 1] for n in range(0, 10, 2)), depth=2))
    assert got == [([n, n + 1], [10 * n, 10 * n + 10]) for n in range(0, 10, 2)]
    assert log[:4] == ["submit 0", "submit 2", "submit 4", "result 0"]  # two ahead of the one awaited


def _json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _partition(db: str) -> list[list[str]]:
    return sorted(sorted(a["source_id"] for a in s["articles"]) for s in _json("stories", "--db", db))


def _measures(db: str) -> list[tuple[Any, ...]]:
    keys = ("type", "action", "actor", "target", "rate_to", "amount_usd", "evidence")
    return sorted(tuple(str(e[k]) for k in keys) for e in _json("events", "--db", db))


def test_replay_and_rebuild_on_a_local_dask_cluster(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dask.config

    # the cluster's workers keep their scratch folder here, not in /tmp/dask-scratch-space
    monkeypatch.setitem(dask.config.config, "temporary-directory", str(tmp_path))
    plain, dask = f"sqlite:///{tmp_path / 'plain.db'}", f"sqlite:///{tmp_path / 'dask.db'}"
    _json("replay", str(seeds_dir), "--db", plain)
    summary = _json("replay", str(seeds_dir), "--db", dask, "--dask", "local")
    assert summary["articles_new"] == 5 and summary["events_new"] == len(_measures(plain))
    assert _measures(dask) == _measures(plain)
    assert _partition(dask) == _partition(plain)
    rebuilt = runner.invoke(app, ["rebuild-stories", "--db", dask, "--dask", "local"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert _partition(dask) == _partition(plain)
