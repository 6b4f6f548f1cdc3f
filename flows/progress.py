"""Progress of a long run, reported by flows to whoever listens (the CLI's bar)."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["advance", "listen"]

_listeners: list[Callable[[int, int | None], None]] = []


def listen(callback: Callable[[int, int | None], None] | None) -> None:
    """Receive ``callback(done, total)`` after each batch; ``None`` stops."""
    _listeners[:] = [] if callback is None else [callback]


def advance(done: int, total: int | None) -> None:
    for callback in _listeners:
        callback(done, total)
