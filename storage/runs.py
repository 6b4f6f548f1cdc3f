"""Pipeline runs: what each replay or monitoring cycle did."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from .database import session_scope
from .models import Run, utcnow

__all__ = ["fail_run", "finish_run", "start_run"]


def start_run(engine: Engine, kind: str, target: str | None) -> int:
    with session_scope(engine) as s:
        run = Run(kind=kind, target=target, started_at=utcnow())
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
