"""Which routes an event alerts, and how each route is paced.

A rules file (YAML, path in ``TRADEWATCH_ALERT_RULES``) names, for each rule, a
route and the events it wants; every field given must match, a list matching
any of its values::

    rules:
      - route: compliance          # sanctions on any company
        type: sanction
        target_kind: company
      - route: trade-desk          # any tariff action by the US or China
        type: tariff
        actor: [US, CN]
      - route: trade-desk          # talks alert only where a rule asks
        type: trade_talks
        action: [agreed, stalled]
      - route: board               # only what the extractor is surest of
        type: [tariff, sanction]
        min_confidence: 0.9
    routes:
      trade-desk:
        digest: 15m                # one message per 15 minutes, listing the events
        per_hour: 20               # at most 20 messages an hour
      compliance:
        per_hour: 60

Fields: ``type``, ``action``, ``actor``, ``target``, ``target_kind``
(``company`` or ``country``), ``products`` and ``entities`` (any shared), and
``min_confidence``: the least confidence of the extractor (the event model's
probability, ``events --json``'s ``confidence``) the route wants. Fewer alerts,
more of them right: ``tradewatch eval signals`` prints the alert precision and
volume at each level (docs/EVALUATION.md).
``target`` also matches the other targets an event names (its ``entities``):
a measure on a list ("tariffs on the EU, Canada and Mexico") is an event per
target but one alert, and ``target: MX`` must not miss it.
Without rules, every tariff and sanction event alerts every route; trade talks
and deals are stored, not alerted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import yaml

from .exceptions import ExtractorError
from .models import EventLike
from .vocabulary import Action, EventType, is_company

__all__ = [
    "DEFAULT_TYPES",
    "AlertRules",
    "RouteOptions",
    "Rule",
    "RulesError",
    "Sent",
    "held_until",
    "load_rules",
    "parse_duration",
    "parse_rules",
    "route_of",
    "simulate",
]

DEFAULT_TYPES = frozenset({"tariff", "sanction"})
_FIELDS = ("type", "action", "actor", "target", "target_kind", "products", "entities")
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class RulesError(ExtractorError):
    """The alert rules file cannot be used (the message says where and why)."""


class RoutedEvent(EventLike, Protocol):
    """What routing reads of an event: event matching's fields, and its companies."""

    @property
    def entities(self) -> Sequence[str]: ...
    @property
    def confidence(self) -> float | None: ...


def route_of(channel: str) -> str:
    """The route a channel belongs to (``compliance/mailto`` → ``compliance``)."""
    return channel.split("/", 1)[0]


def _kind(target: str | None) -> str | None:
    if target is None:
        return None
    return "company" if is_company(target) else "country"


@dataclass(frozen=True, slots=True)
class Rule:
    """A route and the events it wants (each field: any of its values)."""

    route: str
    match: Mapping[str, frozenset[str]] = field(default_factory=dict)
    min_confidence: float = 0.0  # an event the extractor is less sure of is not wanted

    def wants(self, e: RoutedEvent) -> bool:
        if self.min_confidence and (e.confidence is None or e.confidence < self.min_confidence):
            return False  # an event stored before confidences were is not known to be sure
        for name, values in self.match.items():
            if name in ("products", "entities"):
                if not values & set(getattr(e, name)):
                    return False
            elif name == "target":
                if e.target not in values and not values & set(e.entities):
                    return False
            elif name == "target_kind":
                if _kind(e.target) not in values:
                    return False
            elif getattr(e, name) not in values:
                return False
        return True


@dataclass(frozen=True, slots=True)
class RouteOptions:
    digest: timedelta | None = None  # send one message per this interval, listing its events
    per_hour: int | None = None  # at most this many messages an hour


@dataclass(frozen=True, slots=True)
class AlertRules:
    rules: tuple[Rule, ...] = ()
    options: Mapping[str, RouteOptions] = field(default_factory=dict)

    @property
    def ask_confidence(self) -> bool:
        """Whether some rule asks for a least confidence: only then can a later,
        surer report of an event alert a route the first did not."""
        return any(r.min_confidence for r in self.rules)

    def channels_for(self, event: RoutedEvent, channels: Iterable[str]) -> list[str]:
        """The channels (of those configured) this event alerts."""
        if not self.rules:
            return list(channels) if event.type in DEFAULT_TYPES else []
        wanted = {r.route for r in self.rules if r.wants(event)}
        return [c for c in channels if route_of(c) in wanted]

    def for_route(self, route: str) -> RouteOptions:
        return self.options.get(route, RouteOptions())


def parse_duration(value: Any, where: str = "duration") -> timedelta:
    """``30s``, ``15m``, ``1h``, ``1d`` as a timedelta (:class:`RulesError` if not)."""
    m = _DURATION.match(str(value))
    if not m or int(m.group(1)) <= 0:
        raise RulesError(f"{where}: {value!r} is not a duration such as 30s, 15m, 1h or 1d")
    return timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})


def _values(where: str, value: Any) -> frozenset[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str | int) for v in items):
        raise RulesError(f"{where}: expected a value or a list of values, got {value!r}")
    return frozenset(str(v) for v in items)


def parse_rules(data: Any, source: str = "rules") -> AlertRules:
    """Rules from parsed YAML; :class:`RulesError` names the first problem."""
    if data is None:
        return AlertRules()
    if not isinstance(data, dict) or set(data) - {"rules", "routes"}:
        raise RulesError(f"{source}: expected a mapping with 'rules' and/or 'routes'")
    rules = []
    for n, item in enumerate(data.get("rules") or [], 1):
        where = f"{source}: rule {n}"
        if not isinstance(item, dict) or not isinstance(item.get("route"), str):
            raise RulesError(f"{where}: each rule needs a 'route' name")
        unknown = set(item) - {"route", "min_confidence", *_FIELDS}
        if unknown:
            raise RulesError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        least = item.get("min_confidence", 0.0)
        if isinstance(least, bool) or not isinstance(least, int | float) or not 0 <= least <= 1:
            raise RulesError(f"{where}: min_confidence is a number from 0 to 1, not {least!r}")
        match = {
            k: _values(f"{where}: {k}", v) for k, v in item.items() if k not in ("route", "min_confidence")
        }
        if "target_kind" in match and not match["target_kind"] <= {"company", "country"}:
            raise RulesError(f"{where}: target_kind is 'company' or 'country'")
        for name, allowed in (("type", set(EventType)), ("action", set(Action))):
            if name in match and not match[name] <= allowed:
                known = ", ".join(sorted(allowed))
                bad = ", ".join(sorted(match[name] - allowed))
                raise RulesError(f"{where}: unknown {name} {bad} (one of: {known})")
        rules.append(Rule(item["route"], match, float(least)))
    options = {}
    for route, item in (data.get("routes") or {}).items():
        where = f"{source}: route {route!r}"
        if not isinstance(item, dict) or set(item) - {"digest", "per_hour"}:
            raise RulesError(f"{where}: expected 'digest' and/or 'per_hour'")
        per_hour = item.get("per_hour")
        if per_hour is not None and (not isinstance(per_hour, int) or per_hour < 1):
            raise RulesError(f"{where}: per_hour is a whole number of messages, at least 1")
        digest = parse_duration(item["digest"], f"{where}: digest") if "digest" in item else None
        options[str(route)] = RouteOptions(digest, per_hour)
    return AlertRules(tuple(rules), options)


def load_rules(path: Path | None) -> AlertRules:
    """The rules of a YAML file (none: the defaults)."""
    if path is None:
        return AlertRules()
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except OSError as exc:
        raise RulesError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise RulesError(f"{path}: not YAML ({exc})") from None
    return parse_rules(data, str(path))


HOUR = timedelta(hours=1)


def held_until(
    options: RouteOptions,
    *,
    oldest: datetime,
    last_sent: datetime | None,
    recent: Sequence[datetime],
    now: datetime,
) -> datetime | None:
    """When a channel of a paced route may send next, if not now. ``oldest``:
    its oldest waiting alert; ``last_sent``: its last message; ``recent``: its
    messages' times, oldest first (those of the last hour count). A digest
    goes one interval after the last message (the first: after its oldest
    alert); ``per_hour`` holds a message until the hour has room."""
    until: datetime | None = None
    if options.digest is not None:
        start = last_sent + options.digest if last_sent is not None else oldest + options.digest
        if start > now:
            until = start
    if options.per_hour is not None:
        hour = [t for t in recent if t > now - HOUR]
        if len(hour) >= options.per_hour:
            free = hour[len(hour) - options.per_hour] + HOUR
            until = free if until is None else max(until, free)
    return until


@dataclass(frozen=True, slots=True)
class Sent:
    """A message a channel would send: when, and how many alerts it carries."""

    at: datetime
    alerts: int


def simulate(arrivals: Sequence[datetime], options: RouteOptions) -> list[Sent]:
    """The messages one channel sends for alerts arriving at these times,
    paced as the outbox paces them (:func:`held_until`) with a delivery run as
    soon as it may send: a digest carries every alert waiting, otherwise each
    alert is a message. Nothing is sent; this is what ``alerts backtest`` counts."""
    waiting = sorted(arrivals)
    sent: list[Sent] = []
    times: list[datetime] = []  # the messages' times, oldest first
    tail = options.per_hour or 0  # held_until reads at most this many of the newest
    i, first, now = 0, 0, waiting[0] if waiting else None  # waiting[first:i]: arrived, not sent
    while now is not None:
        while i < len(waiting) and waiting[i] <= now:
            i += 1
        if first == i:
            now = waiting[i] if i < len(waiting) else None
            continue
        hold = held_until(
            options,
            oldest=waiting[first],
            last_sent=times[-1] if times else None,
            recent=times[-tail:] if tail else (),
            now=now,
        )
        if hold is not None:
            now = hold
            continue
        carried = i - first if options.digest is not None else 1
        sent.append(Sent(now, carried))
        times.append(now)
        first += carried
    return sent
