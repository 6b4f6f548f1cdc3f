"""What alert rules would have sent for stored events, without sending:
which events each channel gets and how many messages a day after its
route's pacing (``tradewatch alerts backtest``, the web's ``/backtest``).

An event alerts as ingestion decides: news the extractor was sure of
(``alertable``), on the channels the rules choose for it, at the time it was
first seen; pacing is :func:`extractors.routing.simulate`, the outbox's own
rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .routing import AlertRules, Sent, route_of, simulate

__all__ = ["Backtest", "ChannelPlan", "RoutedView", "backtest"]


@dataclass(frozen=True, slots=True)
class RoutedView:
    """A stored event (an ``events --json`` row) as routing reads it."""

    id: int
    type: str
    action: str
    actor: str | None
    target: str | None
    rate_from: float | None
    rate_to: float | None
    amount_usd: float | None
    products: Sequence[str]
    entities: Sequence[str]
    first_seen: datetime
    alertable: bool
    confidence: float | None = None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> RoutedView:
        seen = row.get("first_seen") or datetime.now(UTC)  # a datetime, or ISO 8601 (``events --json``)
        seen = datetime.fromisoformat(seen) if isinstance(seen, str) else seen
        return cls(
            id=int(row["id"]),
            type=str(row["type"]),
            action=str(row["action"]),
            actor=row["actor"],
            target=row["target"],
            rate_from=row["rate_from"],
            rate_to=row["rate_to"],
            amount_usd=row["amount_usd"],
            products=tuple(row["products"]),
            entities=tuple(row.get("entities") or ()),
            first_seen=seen if seen.tzinfo else seen.replace(tzinfo=UTC),
            alertable=bool(row.get("alertable", True)) and not row.get("background", False),
            confidence=row.get("confidence"),
        )


@dataclass(slots=True)
class ChannelPlan:
    """One channel: the events it would get, and the messages that carry them."""

    channel: str
    events: list[int] = field(default_factory=list)
    messages: list[Sent] = field(default_factory=list)

    @property
    def route(self) -> str:
        return route_of(self.channel)

    @property
    def per_day(self) -> dict[str, int]:
        """Messages per day (UTC), oldest day first."""
        return dict(sorted(Counter(m.at.astimezone(UTC).date().isoformat() for m in self.messages).items()))

    def as_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "route": self.route,
            "events": self.events,
            "alerts": len(self.events),
            "messages": len(self.messages),
            "messages_per_day": self.per_day,
        }


@dataclass(slots=True)
class Backtest:
    considered: int
    alerted: dict[int, list[str]]  # event → the channels it would alert
    channels: list[ChannelPlan]

    def as_dict(self) -> dict[str, Any]:
        return {
            "events_considered": self.considered,
            "events_alerted": len(self.alerted),
            "alerted": {str(k): v for k, v in self.alerted.items()},
            "channels": [c.as_dict() for c in self.channels],
        }


def backtest(events: Iterable[Mapping[str, Any]], rules: AlertRules, channels: Sequence[str]) -> Backtest:
    """Which of ``events`` (``events --json`` rows) the rules would alert on
    which of ``channels``, and the messages each channel would send. A rule's
    ``min_confidence`` reads the event's stored confidence, the highest of its
    reports: live, a route gets the event when a report that is news reaches
    it, so a recap told with more confidence than any news report is the one
    case the backtest counts and live routing does not."""
    views = sorted((RoutedView.of(e) for e in events), key=lambda v: (v.first_seen, v.id))
    plans = {c: ChannelPlan(c) for c in channels}
    arrivals: dict[str, list[datetime]] = {c: [] for c in channels}
    alerted: dict[int, list[str]] = {}
    for v in views:
        if not v.alertable:
            continue
        chosen = rules.channels_for(v, channels)
        if chosen:
            alerted[v.id] = chosen
        for c in chosen:
            plans[c].events.append(v.id)
            arrivals[c].append(v.first_seen)
    for c, plan in plans.items():
        plan.messages = simulate(arrivals[c], rules.for_route(route_of(c)))
    return Backtest(len(views), alerted, list(plans.values()))
