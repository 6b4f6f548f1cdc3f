"""CPU work of a batch spread over worker processes (extraction, signals).

trafilatura, the signal rules and story descriptions are pure Python and hold
the GIL, so threads do not help; a pool of processes does, one per core. The
pool is created on first use and kept for the life of the process (a worker
costs about a second to start: it imports trafilatura and the gazetteers), and
small batches are not worth shipping across: they run here.
"""

from __future__ import annotations

import atexit
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

__all__ = ["MIN_BATCH", "pimap", "pmap"]

T = TypeVar("T")
R = TypeVar("R")
MIN_BATCH = 8  # fewer items than this run in this process

_pools: dict[int, ProcessPoolExecutor] = {}


def _pool(workers: int) -> ProcessPoolExecutor:
    pool = _pools.get(workers)
    if pool is None:
        # spawn: the caller may run threads (Prefect does), which fork would copy half-locked
        pool = _pools[workers] = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    return pool


@atexit.register
def _shutdown() -> None:
    for pool in _pools.values():
        pool.shutdown(wait=False, cancel_futures=True)


def pimap(fn: Callable[[T], R], items: Sequence[T], workers: int = 1) -> Iterator[R]:
    """``fn(x)`` for each of ``items``, in order, as the results come in: the
    caller can use the first ones (write them, say) while the workers go on
    with the rest. ``fn`` must be a module-level function, its items and
    results picklable."""
    if workers <= 1 or len(items) < MIN_BATCH:
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
