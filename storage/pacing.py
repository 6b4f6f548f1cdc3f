"""Per-host politeness shared by every worker and machine: the fetcher's
:class:`~extractors.adapters.fetching.Pacer` kept in the database.

Each request's start is reserved in one short transaction under the host's
lock (a PostgreSQL advisory lock; SQLite's write lock), ``delay`` seconds after
the start reserved before it, by the database's clock, so that two workers,
or two machines, keep one host's spacing as one process would, and a
Retry-After one of them receives holds the others back too. It costs one
short transaction per request, against a spacing of a second by default
(``bench/pacing.py``; its figures in docs/BENCHMARKS.md).

Why the database and not Prefect's global concurrency limits: every worker
already shares the database, and a turn costs an order of magnitude less
there than a ``rate_limit`` call to a Prefect server (bench/pacing.py); a rate
limit in Prefect must exist, by name, for each host before it limits
anything (hosts come and go with the sources), and a command run on Prefect's
temporary server would keep limits of its own, unseen by the others.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from extractors.vocabulary import stable_key

from .database import session_scope
from .locks import insert, lock
from .models import HostTurn

__all__ = ["SharedPacer"]

_NOW = {
    "postgresql": sa.text("SELECT extract(epoch FROM clock_timestamp())::float8"),
    "sqlite": sa.text("SELECT (julianday('now') - 2440587.5) * 86400.0"),
}


class SharedPacer:
    """A :class:`~extractors.adapters.fetching.Pacer` in the database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._now = _NOW[engine.dialect.name]

    def _turn(self, host: str, next_start: Callable[[float, float], float]) -> tuple[float, float]:
        """``(now, start)``: the host's stored next start (or now) and the clock;
        stores ``next_start(now, start)``."""
        with session_scope(self._engine) as s:
            lock(s, self._engine, [stable_key(f"host|{host}")])
            now, start = self._read(s, host)
            value = next_start(now, start)
            s.execute(
                insert(self._engine, HostTurn)
                .values(host=host, next_start=value)
                .on_conflict_do_update(index_elements=["host"], set_={"next_start": value})
            )
        return now, start

    def _read(self, s: Session, host: str) -> tuple[float, float]:
        now = float(s.execute(self._now).scalar_one())
        stored = s.execute(sa.select(col(HostTurn.next_start)).where(col(HostTurn.host) == host)).scalar()
        return now, max(now, float(stored)) if stored is not None else now

    def reserve(self, host: str, delay: float) -> float:
        now, start = self._turn(host, lambda now, start: start + delay)
        return start - now

    def hold_off(self, host: str, seconds: float) -> None:
        self._turn(host, lambda now, start: max(start, now + seconds))

    def pending(self, host: str) -> float:
        with session_scope(self._engine) as s:
            now, start = self._read(s, host)
        return start - now
