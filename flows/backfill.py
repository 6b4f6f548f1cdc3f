"""Backfills on Dask: the CPU work of a bulk replay or of ``rebuild-stories``
spread over a Dask cluster by prefect-dask's ``DaskTaskRunner`` (``--dask``),
while the flow's own process writes the results, in order.

tradewatch's worker processes (``TRADEWATCH_WORKERS``) use one machine's
cores; a Dask cluster can lend a backfill many machines. ``--dask local``
starts a ``LocalCluster`` for the run (``TRADEWATCH_WORKERS`` processes, one
thread each); ``--dask tcp://scheduler:8786`` uses a running cluster, whose
workers need tradewatch installed, at the same version, with the ``dask``
extra. They only read: batches of items or article texts go to them, and the
events, story descriptions and fingerprints come back. The database is written
by the flow's process alone, so Dask workers need no database access and no
secrets. Up to ``2 x workers`` batches are in flight at once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["on_dask", "read_ahead", "task_runner"]

T = TypeVar("T")
R = TypeVar("R")


def task_runner(address: str, workers: int) -> Any:
    """The ``DaskTaskRunner`` for ``--dask ADDRESS`` (``local``: a LocalCluster
    of ``workers`` processes, started and stopped with the flow run)."""
    try:
        from prefect_dask.task_runners import DaskTaskRunner
    except ImportError as exc:  # the optional extra
        raise RuntimeError("--dask needs prefect-dask: pip install 'tradewatch[dask]'") from exc
    if address == "local":
        return DaskTaskRunner(
            cluster_class="distributed.LocalCluster",
            cluster_kwargs={
                "n_workers": max(1, workers),
                "threads_per_worker": 1,
                "processes": True,
                "dashboard_address": None,
            },
        )
    return DaskTaskRunner(address=address)


def on_dask() -> bool:
    """Whether the current flow run's tasks go to a Dask cluster."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    if ctx is None:
        return False
    try:
        from prefect_dask.task_runners import DaskTaskRunner
    except ImportError:
        return False
    return isinstance(ctx.task_runner, DaskTaskRunner)


def read_ahead(
    submit: Callable[[list[T]], Any], batches: Iterable[list[T]], depth: int
) -> Iterator[tuple[list[T], R]]:
    """``(batch, result)`` for each batch, in order, with up to ``depth``
    submitted ahead (``submit`` returns a future: its ``result()`` is awaited
    only when the batch's turn comes)."""
    pending: deque[tuple[list[T], Any]] = deque()
    for batch in batches:
        pending.append((batch, submit(batch)))
        if len(pending) > depth:
            done, future = pending.popleft()
            yield done, future.result()
    while pending:
        done, future = pending.popleft()
        yield done, future.result()
