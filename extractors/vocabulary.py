"""The domain's words, in one place: event types, their actions, alert states,
and the small helpers every layer shares (who an event is between, whether a
target is a company, stable keys, times in UTC).

``tradewatch events --type`` and the ``events --json`` contract use these
strings; the signal rules produce them. The enums are ``StrEnum``: each value
is its string, so it is stored, compared and written to JSON as one.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from enum import StrEnum

__all__ = [
    "ACTIONS",
    "ACTION_CLASSES",
    "ALERTABLE_TYPES",
    "PAIRED_TYPES",
    "Action",
    "AlertStatus",
    "EventType",
    "action_class",
    "aware",
    "is_company",
    "parties",
    "stable_key",
]


class EventType(StrEnum):
    TARIFF = "tariff"
    SANCTION = "sanction"
    TRADE_TALKS = "trade_talks"
    TRADE_DEAL = "trade_deal"


class Action(StrEnum):
    THREATENED = "threatened"
    ANNOUNCED = "announced"
    IMPOSED = "imposed"
    INCREASED = "increased"
    DELAYED = "delayed"
    REDUCED = "reduced"
    LIFTED = "lifted"
    EASED = "eased"
    SCHEDULED = "scheduled"
    HELD = "held"
    STALLED = "stalled"
    AGREED = "agreed"


# each type's actions, in the order of a measure's life
ACTIONS: dict[EventType, tuple[Action, ...]] = {
    EventType.TARIFF: tuple(
        Action(a) for a in ("threatened", "announced", "imposed", "increased", "delayed", "reduced", "lifted")
    ),
    EventType.SANCTION: (Action.THREATENED, Action.IMPOSED, Action.EASED, Action.LIFTED),
    EventType.TRADE_TALKS: (Action.SCHEDULED, Action.HELD, Action.STALLED, Action.AGREED),
    EventType.TRADE_DEAL: (Action.AGREED,),
}
# the types an alert is sent for (talks and deals are context, not measures)
ALERTABLE_TYPES = frozenset({EventType.TARIFF, EventType.SANCTION})

# What evaluation scores and an article holds one event of (the evaluation
# rules, 5 and 10): threat; imposition; relief; talks and deals by their parties.
ACTION_CLASSES: dict[str, str] = {
    "threatened": "threat",
    "announced": "imposition",
    "imposed": "imposition",
    "increased": "imposition",
    "delayed": "relief",
    "reduced": "relief",
    "lifted": "relief",
    "eased": "relief",
}
# types whose two parties are not actor and target but either side
PAIRED_TYPES = frozenset({EventType.TRADE_TALKS, EventType.TRADE_DEAL})


def action_class(type_: str, action: str) -> str:
    """``threat``, ``imposition``, ``relief``, or ``talks`` for talks and deals."""
    return "talks" if type_ in PAIRED_TYPES else ACTION_CLASSES[action]


def parties(type_: str, actor: str | None, target: str | None) -> object:
    """Who an event is between, as events are told apart: its actor, or for
    talks and deals the two sides in either order."""
    return frozenset((actor, target)) if type_ in PAIRED_TYPES else actor


def is_company(target: str | None) -> bool:
    """A target named by its name (``ZTE``), not by a country or bloc code
    (two letters: ``CN``, ``EU``)."""
    return target is not None and len(target) > 2


def stable_key(text: str) -> int:
    """A signed 64-bit key for ``text``, the same in every process and run
    (Python's ``hash`` is salted per process): index terms, advisory locks."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)


class AlertStatus(StrEnum):
    """An outbox row's state: ``failed`` is retried; ``dead`` waits for ``alerts retry``."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"


def aware(t: datetime) -> datetime:
    """``t`` in UTC, when a database handed it back without a zone (SQLite
    stores naive UTC)."""
    return t if t.tzinfo else t.replace(tzinfo=UTC)
