"""CPU work of a batch spread over worker processes (extraction, signals).

trafilatura, the signal rules and story descriptions are pure Python and hold
the GIL, so threads do not help; a pool of processes does, one per core. The
pool is created on first use and kept for the life of the process (a worker
costs about a second to start: it imports trafilatura and the gazetteers), and
small batches are not worth shipping across to a pool not yet started: they
run here.

A command that knows it will read calls :func:`warm` first thing, while it has
no other thread: the pool's workers are then forked, not spawned, so they start
with what the command has imported and load the extractors on the other core
while the command imports Prefect. Once a pool is up, batches of any size go to
it. (Spawned as it starts, a worker imports the command again, and the seed
replay took 4.7 s instead of 3.5; forked, 2.8 s.)
"""

from __future__ import annotations

import atexit
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

__all__ = ["MIN_BATCH", "die_with_parent", "pimap", "pmap", "warm"]

T = TypeVar("T")
R = TypeVar("R")
MIN_BATCH = 8  # fewer items than this run in this process, unless the pool is up

_pools: dict[int, ProcessPoolExecutor] = {}


def _prctl() -> Any:
    try:
        return ctypes.CDLL(None).prctl  # looked up here: the child only calls it
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl() if sys.platform == "linux" else None
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> None:
    """In a child process: be sent SIGTERM when the parent dies, even by
    SIGKILL, so a killed command leaves no process behind (Linux; elsewhere
    nothing). ``parent`` is the pid the child was started by (a pool worker's
    is known to multiprocessing): one that died before this call, while the
    child was still starting, sends no signal any more, so the child exits."""
    if _PRCTL is None:
        return
    _PRCTL(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if parent is None:
        started_by = multiprocessing.parent_process()
        parent = started_by.pid if started_by is not None else None
    if parent is not None and os.getppid() != parent:
        os._exit(0)


def _executor(workers: int, method: str) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context(method), initializer=die_with_parent
    )


def _pool(workers: int) -> ProcessPoolExecutor:
    pool = _pools.get(workers)
    if pool is None:
        # spawn: the caller may run threads (Prefect does), which fork would copy half-locked
        pool = _pools[workers] = _executor(workers, "spawn")
    return pool


@atexit.register
def _shutdown() -> None:
    for pool in _pools.values():
        pool.shutdown(wait=False, cancel_futures=True)


def warm(fn: Callable[[], object], workers: int) -> bool:
    """Start the pool of ``workers`` processes now, each worker running ``fn``
    (what it imports and loads) while the caller goes on. Only before any other
    thread exists (forking a process with threads can copy a held lock); returns
    whether the pool was started."""
    if workers <= 1 or workers in _pools or threading.active_count() > 1:
        return False
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    pool = _pools[workers] = _executor(workers, "fork")
    for _ in range(workers):  # a forked pool starts all its workers at the first submit
        pool.submit(fn)
    return True


def pimap(fn: Callable[[T], R], items: Sequence[T], workers: int = 1) -> Iterator[R]:
    """``fn(x)`` for each of ``items``, in order, as the results come in: the
    caller can use the first ones (write them, say) while the workers go on
    with the rest. ``fn`` must be a module-level function, its items and
    results picklable."""
    if workers <= 1 or (len(items) < MIN_BATCH and workers not in _pools):
        return (fn(x) for x in items)
    chunk = max(1, min(4, len(items) // (workers * 4)))
    try:
        results = _pool(workers).map(fn, items, chunksize=chunk)
    except BrokenProcessPool:  # a worker died while the pool was idle: start afresh, once
        _drop(workers)
        results = _pool(workers).map(fn, items, chunksize=chunk)
    return _results(workers, results)


def _drop(workers: int) -> None:
    broken = _pools.pop(workers, None)
    if broken is not None:
        broken.shutdown(wait=False, cancel_futures=True)


def _results(workers: int, results: Iterator[R]) -> Iterator[R]:
    try:
        yield from results
    except BrokenProcessPool:  # a worker died (killed, out of memory): the next call starts afresh
        _drop(workers)
        raise


def pmap(fn: Callable[[T], R], items: Sequence[T], workers: int = 1) -> list[R]:
    """``[fn(x) for x in items]``, in order, over ``workers`` processes
    (:func:`pimap`, collected)."""
    return list(pimap(fn, items, workers))
