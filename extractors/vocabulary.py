"""The domain's words, in one place: event types, their actions, alert states.

``tradewatch events --type`` and the ``events --json`` contract use these
strings; the signal rules produce them.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ACTIONS", "AlertStatus", "EventType"]


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


class AlertStatus(StrEnum):
    """An outbox row's state: ``failed`` is retried; ``dead`` waits for ``alerts retry``."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"
