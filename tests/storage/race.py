"""Run workers in real processes that start at one signal: the race the
advisory locks must win."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any


def race(target: Callable[..., None], arguments: Sequence[tuple[Any, ...]]) -> None:
    """Run ``target(*args, start)`` for each ``args`` in its own spawned process;
    each waits on ``start`` before the contested work, then all are let go at once."""
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    workers = [ctx.Process(target=target, args=(*args, start)) for args in arguments]
    for w in workers:
        w.start()
    start.set()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0, f"a worker failed (exit code {w.exitcode})"
