"""CPU work of a batch spread over worker processes (extraction, signals).

trafilatura, the signal rules and story descriptions are pure Python and hold
the GIL, so threads do not help; a pool of processes does, one per core. The
:class:`WorkerPool` is created once per process (by :class:`flows.runtime.Runtime`)
and passed down; its workers start on first use and live until it is closed (a
worker costs about a second to start: it imports trafilatura and the
gazetteers), and small batches are not worth shipping across to workers not yet
started: they run here.

A command that knows it will read calls :meth:`WorkerPool.warm` first thing, while it has
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

__all__ = ["MIN_BATCH", "WorkerPool", "die_with_parent"]

T = TypeVar("T")
R = TypeVar("R")
MIN_BATCH = 8  # fewer items than this run in this process, unless the pool is up


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


class WorkerPool:
    """``workers`` processes for the CPU work of batches (one: none, all in
    this process). ``with WorkerPool(n) as pool`` or :meth:`close` when done."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self._executor is not None

    def _start(self, method: str) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            self.workers, mp_context=multiprocessing.get_context(method), initializer=die_with_parent
        )
        self._executor = executor
        atexit.register(self.close)
        return executor

    def _pool(self) -> ProcessPoolExecutor:
        # spawn: the caller may run threads (Prefect does), which fork would copy half-locked
        return self._executor or self._start("spawn")

    def warm(self, fn: Callable[[], object]) -> bool:
        """Start the workers now, each running ``fn`` (what it imports and
        loads) while the caller goes on. Only before any other thread exists
        (forking a process with threads can copy a held lock); returns whether
        the workers were started."""
        if self.workers <= 1 or self.started or threading.active_count() > 1:
            return False
        if "fork" not in multiprocessing.get_all_start_methods():
            return False
        pool = self._start("fork")
        for _ in range(self.workers):  # a forked pool starts all its workers at the first submit
            pool.submit(fn)
        return True

    def imap(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        """``fn(x)`` for each of ``items``, in order, as the results come in:
        the caller can use the first ones (write them, say) while the workers
        go on with the rest. ``fn`` must be a module-level function, its items
        and results picklable. A worker that dies fails this call; the next
        starts afresh."""
        if self.workers <= 1 or (len(items) < MIN_BATCH and not self.started):
            return (fn(x) for x in items)
        chunk = max(1, min(4, len(items) // (self.workers * 4)))
        try:
            results = self._pool().map(fn, items, chunksize=chunk)
        except BrokenProcessPool:  # a worker died while the pool was idle: start afresh, once
            self.close()
            results = self._pool().map(fn, items, chunksize=chunk)
        return self._results(results)

    def _results(self, results: Iterator[R]) -> Iterator[R]:
        try:
            yield from results
        except BrokenProcessPool:  # a worker died (killed, out of memory): the next call starts afresh
            self.close()
            raise

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[fn(x) for x in items]``, in order, over the workers (:meth:`imap`, collected)."""
        return list(self.imap(fn, items))

    def close(self) -> None:
        """Stop the workers (a later batch starts new ones)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            atexit.unregister(self.close)
            executor.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
