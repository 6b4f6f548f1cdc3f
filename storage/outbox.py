"""The alert outbox: claim, deliver, record.

Delivery is at-least-once. An alert is *claimed* by one atomic
``UPDATE ... WHERE status IN (pending, failed)`` (so two workers never both
send it), sent, then marked ``sent`` with a timestamp. If the process dies
between the send and the mark, the claim goes stale after ``lease`` and the
alert is sent again: that lease is the only window for a repeat. A failed send
is retried with exponential backoff and jitter; after ``max_attempts`` the alert
is ``dead`` until requeued.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from .database import session_scope
from .models import Alert, AlertStatus, utcnow
from .queries import event_view

__all__ = ["DeliveryPolicy", "DeliveryReport", "deliver_pending", "requeue_dead"]

Sender = Callable[[str, dict[str, Any]], None]
"""``send(route, event)``: deliver one event's alert on one route; raise on failure."""


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    max_attempts: int = 8
    backoff_base: timedelta = timedelta(seconds=30)
    backoff_max: timedelta = timedelta(hours=6)
    lease: timedelta = timedelta(minutes=5)
    batch: int = 100

    def next_attempt(self, attempts: int, now: datetime) -> datetime:
        delay: timedelta = min(self.backoff_base * (2 ** max(attempts - 1, 0)), self.backoff_max)
        return now + delay * random.uniform(0.5, 1.0)


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)


def _due(engine: Engine, now: datetime, policy: DeliveryPolicy) -> list[tuple[int, int, str]]:
    stale = now - policy.lease
    with session_scope(engine) as s:
        rows = s.execute(
            sa.select(col(Alert.id), col(Alert.event_id), col(Alert.route))
            .where(
                sa.or_(
                    sa.and_(
                        col(Alert.status).in_([AlertStatus.PENDING, AlertStatus.FAILED]),
                        col(Alert.next_attempt_at) <= now,
                    ),
                    sa.and_(col(Alert.status) == AlertStatus.SENDING, col(Alert.claimed_at) < stale),
                )
            )
            .order_by(col(Alert.id))
            .limit(policy.batch)
        ).all()
    return [(int(r[0]), int(r[1]), str(r[2])) for r in rows]


def _claim(engine: Engine, alert_id: int, now: datetime, policy: DeliveryPolicy) -> bool:
    stale = now - policy.lease
    with engine.begin() as conn:
        result = conn.execute(
            sa.update(Alert)
            .where(
                col(Alert.id) == alert_id,
                sa.or_(
                    col(Alert.status).in_([AlertStatus.PENDING, AlertStatus.FAILED]),
                    sa.and_(col(Alert.status) == AlertStatus.SENDING, col(Alert.claimed_at) < stale),
                ),
            )
            .values(status=AlertStatus.SENDING, claimed_at=now, attempts=col(Alert.attempts) + 1)
        )
        return result.rowcount == 1


def _settle(engine: Engine, alert_id: int, claimed_at: datetime, **values: Any) -> bool:
    """Record an outcome, only if this worker's claim still holds the alert."""
    with engine.begin() as conn:
        result = conn.execute(
            sa.update(Alert)
            .where(
                col(Alert.id) == alert_id,
                col(Alert.status) == AlertStatus.SENDING,
                col(Alert.claimed_at) == claimed_at,
            )
            .values(**values)
        )
        return result.rowcount == 1


def deliver_pending(
    engine: Engine, send: Sender, policy: DeliveryPolicy = DeliveryPolicy()
) -> DeliveryReport:
    """Send every due alert once; record the outcome of each on its row.

    Each alert is claimed just before its own send (never a batch ahead), so a
    claim's lease covers one send, not a queue of them.
    """
    report = DeliveryReport()
    views: dict[int, dict[str, Any]] = {}
    while True:
        progressed = False
        for alert_id, event_id, route in _due(engine, utcnow(), policy):
            claimed_at = utcnow()
            if not _claim(engine, alert_id, claimed_at, policy):
                continue  # another worker has it
            progressed = True
            if event_id not in views:
                with session_scope(engine) as s:
                    views[event_id] = event_view(s, event_id)
            try:
                send(route, views[event_id])
            except Exception as exc:  # any failure of a channel is recorded, never raised
                message = f"{type(exc).__name__}: {exc}"[:1000]
                report.errors.append(f"alert {alert_id} via {route}: {message}")
                with session_scope(engine) as s:
                    attempts = s.get_one(Alert, alert_id).attempts
                if attempts >= policy.max_attempts:
                    if _settle(engine, alert_id, claimed_at, status=AlertStatus.DEAD, last_error=message):
                        report.dead += 1
                elif _settle(
                    engine,
                    alert_id,
                    claimed_at,
                    status=AlertStatus.FAILED,
                    last_error=message,
                    next_attempt_at=policy.next_attempt(attempts, utcnow()),
                ):
                    report.failed += 1
                continue
            if _settle(
                engine, alert_id, claimed_at, status=AlertStatus.SENT, sent_at=utcnow(), last_error=None
            ):
                report.sent += 1
        if not progressed:
            return report


def requeue_dead(engine: Engine, alert_ids: list[int] | None = None) -> int:
    """Put dead alerts (all, or those given) back in the queue; returns how many."""
    with engine.begin() as conn:
        stmt = sa.update(Alert).where(col(Alert.status) == AlertStatus.DEAD)
        if alert_ids:
            stmt = stmt.where(col(Alert.id).in_(alert_ids))
        result = conn.execute(stmt.values(status=AlertStatus.PENDING, attempts=0, next_attempt_at=utcnow()))
        return int(result.rowcount)
