"""The alert outbox: claim, deliver, record.

Delivery is at-least-once. An alert is *claimed* by one atomic
``UPDATE ... WHERE status IN (pending, failed)`` (so two workers never both
send it), sent, then marked ``sent`` with a timestamp. If the process dies
between the send and the mark, the claim goes stale after ``lease`` and the
alert is sent again: that is the only way to a repeat, and only one repeat per
such crash. A failed send is retried with exponential backoff and jitter; after
``max_attempts`` the alert is ``dead`` until requeued. Each alert row is one
event on one channel, so a failing channel never resends the others.

Routes can be paced (:class:`extractors.routing.RouteOptions`): a *digest*
route sends at most one message per interval, listing the events that waited
(the first digest goes one interval after its oldest alert); a route with
``per_hour`` sends at most that many messages an hour. Alerts held back by
pacing are not failures: their next attempt moves to when the route may send.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from extractors.messages import Message, render, render_digest
from extractors.routing import RouteOptions, held_until, route_of
from extractors.vocabulary import aware

from .database import session_scope
from .exceptions import NotFoundError
from .models import Alert, AlertStatus, Delivery, Event, EventView, utcnow
from .owners import current_owner, gone
from .queries import event_view, events_where

__all__ = ["DeliveryPolicy", "DeliveryReport", "alert_message", "deliver_pending", "requeue_dead"]

Sender = Callable[[str, Message], None]
"""``send(channel, message)``: deliver one message on one channel; raise on failure."""
Pacing = Callable[[str], RouteOptions]
"""``pacing(route)``: how a route is paced."""

HOUR = timedelta(hours=1)
_Work = tuple[str, list[tuple[int, int, datetime]], RouteOptions]  # a channel, its due alerts, its pacing


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    max_attempts: int = 8
    backoff_base: timedelta = timedelta(seconds=30)
    backoff_max: timedelta = timedelta(hours=6)
    lease: timedelta = timedelta(minutes=5)
    batch: int = 100
    channels_at_once: int = 8  # channels sent to at once: a hanging one holds up only itself
    deadline: timedelta = timedelta(minutes=3)  # no new claim after this; the rest waits for the next run

    def next_attempt(self, attempts: int, now: datetime) -> datetime:
        delay: timedelta = min(self.backoff_base * (2 ** max(attempts - 1, 0)), self.backoff_max)
        return now + delay * random.uniform(0.5, 1.0)


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0  # alerts delivered
    messages: int = 0  # messages sent (a digest carries several alerts)
    failed: int = 0
    dead: int = 0
    deferred: int = 0  # held back by a route's pacing
    errors: list[str] = field(default_factory=list)
    planned: list[tuple[str, str]] = field(default_factory=list)  # dry run: (channel, title)

    def merge(self, other: DeliveryReport) -> None:
        """Add what another (a channel's) report counted."""
        self.sent += other.sent
        self.messages += other.messages
        self.failed += other.failed
        self.dead += other.dead
        self.deferred += other.deferred
        self.errors.extend(other.errors)
        self.planned.extend(other.planned)


def _due(engine: Engine, now: datetime, policy: DeliveryPolicy) -> list[tuple[int, int, str, datetime]]:
    stale = now - policy.lease
    with session_scope(engine) as s:
        rows = s.execute(
            sa.select(col(Alert.id), col(Alert.event_id), col(Alert.route), col(Alert.created_at))
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
    return [(int(r[0]), int(r[1]), str(r[2]), aware(r[3])) for r in rows]


def _release_orphans(engine: Engine) -> int:
    """Alerts left ``sending`` by a process of this host that is gone (killed
    while sending) are due again now, not when their lease ends; returns how
    many. The channel may have taken the message before the process died: it
    is sent again (at least once)."""
    with engine.begin() as conn:
        owners = conn.execute(
            sa.select(col(Alert.claimed_by)).where(col(Alert.status) == AlertStatus.SENDING).distinct()
        ).scalars()
        dead = [o for o in owners if gone(o)]
        if not dead:
            return 0
        result = conn.execute(
            sa.update(Alert)
            .where(col(Alert.status) == AlertStatus.SENDING, col(Alert.claimed_by).in_(dead))
            .values(
                status=AlertStatus.FAILED,
                next_attempt_at=utcnow(),
                last_error="the process sending it died; sent again",
            )
        )
        return int(result.rowcount)


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
            .values(
                status=AlertStatus.SENDING,
                claimed_at=now,
                claimed_by=current_owner(),
                attempts=col(Alert.attempts) + 1,
            )
        )
        return result.rowcount == 1


def _settle(engine: Engine, alert_id: int, claimed_at: datetime, **values: Any) -> bool:
    """Record an outcome, only if this worker's claim still holds the alert."""
    with engine.begin() as conn:
        return bool(conn.execute(_claimed(alert_id, claimed_at).values(**values)).rowcount == 1)


def _claimed(alert_id: int, claimed_at: datetime) -> Any:
    """An UPDATE of the alert that applies only while this claim holds it."""
    return sa.update(Alert).where(
        col(Alert.id) == alert_id,
        col(Alert.status) == AlertStatus.SENDING,
        col(Alert.claimed_at) == claimed_at,
    )


def _delivered(engine: Engine, channel: str, claims: Sequence[tuple[int, datetime]]) -> int:
    """Mark claimed alerts sent and count the message, in one transaction."""
    now = utcnow()
    done = 0
    with engine.begin() as conn:
        for alert_id, claimed_at in claims:
            sent = _claimed(alert_id, claimed_at).values(
                status=AlertStatus.SENT, sent_at=now, last_error=None
            )
            done += conn.execute(sent).rowcount
        conn.execute(sa.insert(Delivery).values(channel=channel, sent_at=now, alerts=len(claims)))
    return done


def _failed(
    engine: Engine,
    alert_id: int,
    claimed_at: datetime,
    message: str,
    policy: DeliveryPolicy,
    report: DeliveryReport,
) -> None:
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


def _held_until(
    engine: Engine, channel: str, options: RouteOptions, oldest: datetime, now: datetime
) -> datetime | None:
    """When the channel may send next, if not now: the route's pacing
    (:func:`extractors.routing.held_until`) over the channel's deliveries."""
    with session_scope(engine) as s:
        last = None
        if options.digest is not None:
            last = s.execute(
                sa.select(sa.func.max(col(Delivery.sent_at))).where(col(Delivery.channel) == channel)
            ).scalar()
        recent: Sequence[datetime] = ()
        if options.per_hour is not None:
            recent = (
                s.execute(
                    sa.select(col(Delivery.sent_at))
                    .where(col(Delivery.channel) == channel, col(Delivery.sent_at) > now - HOUR)
                    .order_by(col(Delivery.sent_at))
                )
                .scalars()
                .all()
            )
    return held_until(
        options,
        oldest=oldest,
        last_sent=aware(last) if last is not None else None,
        recent=[aware(t) for t in recent],
        now=now,
    )


def _defer(engine: Engine, alert_ids: Sequence[int], until: datetime) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.update(Alert)
            .where(
                col(Alert.id).in_(alert_ids),
                col(Alert.status).in_([AlertStatus.PENDING, AlertStatus.FAILED]),
            )
            .values(next_attempt_at=until)
        )


def _history(s: Session, event_id: int) -> list[EventView]:
    """The earlier states of the event's measure (its thread), oldest first."""
    event = s.get_one(Event, event_id)
    root = event.thread_id or event.id
    if event.thread_id is None:
        return []
    return events_where(
        s, sa.and_(sa.or_(col(Event.id) == root, col(Event.thread_id) == root), col(Event.id) < event_id)
    )


def alert_message(engine: Engine, event_id: int) -> Message:
    """The message of one event's alert."""
    with session_scope(engine) as s:
        return render(event_view(s, event_id), _history(s, event_id))


def deliver_pending(
    engine: Engine,
    send: Sender,
    policy: DeliveryPolicy = DeliveryPolicy(),
    *,
    pacing: Pacing = lambda route: RouteOptions(),
    dry_run: bool = False,
) -> DeliveryReport:
    """Send every due alert, paced per route, attempting each at most once;
    record the outcome of each on its row. With ``dry_run``, only list what would be sent now (``planned``).

    Each alert is claimed just before its own send (never a batch ahead; a
    digest claims its alerts just before its one send), so a claim's lease
    covers one send, not a queue of them.
    """
    report = DeliveryReport()
    if not dry_run:
        _release_orphans(engine)
    stop = time.monotonic() + policy.deadline.total_seconds()
    tried: set[int] = set()  # each alert is attempted at most once per call
    while time.monotonic() < stop:
        progressed = False
        now = utcnow()
        work: list[_Work] = []
        by_channel: dict[str, list[tuple[int, int, datetime]]] = {}
        for alert_id, event_id, channel, created in _due(engine, now, policy):
            if alert_id not in tried:
                by_channel.setdefault(channel, []).append((alert_id, event_id, created))
        tried.update(a for due in by_channel.values() for a, _, _ in due)
        for channel, due in by_channel.items():
            options = pacing(route_of(channel))
            until = _held_until(engine, channel, options, min(c for _, _, c in due), now)
            if until is not None:
                report.deferred += len(due)
                if not dry_run:
                    _defer(engine, [a for a, _, _ in due], until)
                continue
            if dry_run:
                if options.digest is not None:
                    report.planned.append((channel, _digest(engine, [e for _, e, _ in due]).title))
                else:
                    report.planned.extend((channel, alert_message(engine, e).title) for _, e, _ in due)
                continue
            work.append((channel, due, options))

        def one(item: _Work) -> tuple[bool, DeliveryReport]:
            part = DeliveryReport()
            return _send_channel(engine, *item, send, policy, part, stop), part

        if len(work) > 1:
            with ThreadPoolExecutor(min(len(work), policy.channels_at_once), "tradewatch-send") as pool:
                results = list(pool.map(one, work))
        else:
            results = [one(item) for item in work]
        for went, part in results:
            progressed |= went
            report.merge(part)
        if dry_run or not progressed:
            return report
    return report


def _digest(engine: Engine, event_ids: Sequence[int]) -> Message:
    with session_scope(engine) as s:
        return render_digest([event_view(s, e) for e in event_ids])


def _send_channel(
    engine: Engine,
    channel: str,
    due: Sequence[tuple[int, int, datetime]],
    options: RouteOptions,
    send: Sender,
    policy: DeliveryPolicy,
    report: DeliveryReport,
    stop: float,
) -> bool:
    """Send a channel's due alerts (one digest, or one message each while its
    hourly budget lasts, claiming none after ``stop``, a ``time.monotonic()``);
    returns whether any was claimed."""
    if options.digest is not None:
        claims = []
        for alert_id, event_id, _ in due:
            claimed_at = utcnow()
            if _claim(engine, alert_id, claimed_at, policy):
                claims.append((alert_id, event_id, claimed_at))
        if not claims:
            return False
        try:
            send(channel, _digest(engine, [e for _, e, _ in claims]))
        except Exception as exc:  # any failure of a channel is recorded, never raised
            error = f"{type(exc).__name__}: {exc}"[:1000]
            report.errors.append(f"digest of {len(claims)} alerts via {channel}: {error}")
            for alert_id, _, claimed_at in claims:
                _failed(engine, alert_id, claimed_at, error, policy, report)
            return True
        report.sent += _delivered(engine, channel, [(a, c) for a, _, c in claims])
        report.messages += 1
        return True
    progressed = False
    for n, (alert_id, event_id, _) in enumerate(due):
        if time.monotonic() >= stop:
            break  # the run's deadline: the rest stays due for the next run
        if n and options.per_hour is not None:
            until = _held_until(engine, channel, options, utcnow(), utcnow())
            if until is not None:
                rest = [a for a, _, _ in due[n:]]
                report.deferred += len(rest)
                _defer(engine, rest, until)
                break
        claimed_at = utcnow()
        if not _claim(engine, alert_id, claimed_at, policy):
            continue  # another worker has it
        progressed = True
        try:
            send(channel, alert_message(engine, event_id))
        except Exception as exc:  # any failure of a channel is recorded, never raised
            error = f"{type(exc).__name__}: {exc}"[:1000]
            report.errors.append(f"alert {alert_id} via {channel}: {error}")
            _failed(engine, alert_id, claimed_at, error, policy, report)
            continue
        report.sent += _delivered(engine, channel, [(alert_id, claimed_at)])
        report.messages += 1
    return progressed


def requeue_dead(engine: Engine, alert_ids: list[int] | None = None) -> int:
    """Put dead alerts (all, or those given) back in the queue; returns how many.
    Given ids that are not dead alerts raise :class:`NotFoundError`, naming
    them, and nothing is requeued."""
    with engine.begin() as conn:
        stmt = sa.update(Alert).where(col(Alert.status) == AlertStatus.DEAD)
        if alert_ids:
            dead = set(
                conn.execute(
                    sa.select(col(Alert.id)).where(
                        col(Alert.id).in_(alert_ids), col(Alert.status) == AlertStatus.DEAD
                    )
                ).scalars()
            )
            if missing := sorted(set(alert_ids) - dead):
                raise NotFoundError(
                    f"not dead alerts: {', '.join(map(str, missing))} (see `alerts --status dead`)"
                )
            stmt = stmt.where(col(Alert.id).in_(alert_ids))
        result = conn.execute(stmt.values(status=AlertStatus.PENDING, attempts=0, next_attempt_at=utcnow()))
        return int(result.rowcount)
