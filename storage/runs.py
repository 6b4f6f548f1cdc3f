"""Pipeline runs: what each replay or monitoring cycle did."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from .database import session_scope
from .models import Run, utcnow
from .owners import current_owner, gone

__all__ = ["fail_run", "finish_run", "start_run"]


def start_run(engine: Engine, kind: str, target: str | None) -> int:
    """A new run, owned by this process; runs whose process of this host is
    gone (killed, crashed) are marked ``killed`` first."""
    with session_scope(engine) as s:
        owners = s.execute(sa.select(col(Run.owner)).where(col(Run.status) == "running").distinct()).scalars()
        dead = [o for o in owners if gone(o)]
        if dead:
            s.execute(
                sa.update(Run)
                .where(col(Run.status) == "running", col(Run.owner).in_(dead))
                .values(status="killed", finished_at=utcnow())
            )
        run = Run(kind=kind, target=target, started_at=utcnow(), owner=current_owner())
        s.add(run)
        s.flush()
        assert run.id is not None
        return run.id


def finish_run(engine: Engine, run_id: int, *, stats: dict[str, Any], errors: list[dict[str, str]]) -> None:
    with session_scope(engine) as s:
        run = s.get_one(Run, run_id)
        run.finished_at = utcnow()
        run.stats = stats
        run.errors = errors
        run.status = "failed_items" if errors else "completed"


def fail_run(engine: Engine, run_id: int, error: str) -> None:
    """Mark a run that stopped before the end (its partial work stays stored)."""
    with session_scope(engine) as s:
        run = s.get_one(Run, run_id)
        run.finished_at = utcnow()
        run.status = "failed"
        run.errors = [*run.errors, {"source_id": "", "error": error[:1000]}]
