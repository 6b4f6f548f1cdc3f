"""The domain's words, in one place: event types, their actions, alert states.

``tradewatch events --type`` and the ``events --json`` contract use these
strings; the signal rules produce them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

__all__ = [
    "ACTIONS",
    "ACTION_CLASSES",
    "PAIRED_TYPES",
    "AlertStatus",
    "EventType",
    "action_class",
    "aware",
    "is_company",
    "parties",
]


class EventType(StrEnum):
    TARIFF = "tariff"
    SANCTION = "sanction"
    TRADE_TALKS = "trade_talks"
    TRADE_DEAL = "trade_deal"


ACTIONS: dict[EventType, tuple[str, ...]] = {
    EventType.TARIFF: ("threatened", "announced", "imposed", "increased", "delayed", "reduced", "lifted"),
    EventType.SANCTION: ("threatened", "imposed", "eased", "lifted"),
    EventType.TRADE_TALKS: ("scheduled", "held", "stalled", "agreed"),
    EventType.TRADE_DEAL: ("agreed",),
}

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
    """A target named by its name (``ZTE``), not by a country or bloc code."""
    return target is not None and len(target) > 2


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
