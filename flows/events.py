"""Prefect events for new trade events: ``tradewatch.event.detected``.

Each event a run stores for the first time is announced once, after the
transaction that stored it (and its outbox alerts) has committed, so whatever
the announcement starts finds the alerts already there. The resource is the
trade event (``tradewatch.event.<id>``, with its type, action, actor and
target as labels, so automations can match on them); the payload is the
event as ``tradewatch events --json`` shows it. The delivery deployment's
trigger (:mod:`flows.deployments`) listens for these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from prefect.events import emit_event
from sqlalchemy.engine import Engine

from storage.queries import events_by_id

__all__ = ["DETECTED", "RESOURCE_PREFIX", "announce", "event_resource"]

DETECTED = "tradewatch.event.detected"
RESOURCE_PREFIX = "tradewatch.event."


def event_resource(event: Mapping[str, Any]) -> dict[str, str]:
    """The Prefect resource of a trade event: its id and labels (strings)."""
    label = " ".join(str(event[k]) for k in ("type", "action", "actor", "target") if event.get(k))
    return {
        "prefect.resource.id": f"{RESOURCE_PREFIX}{event['id']}",
        "prefect.resource.name": label,
        "tradewatch.type": str(event["type"]),
        "tradewatch.action": str(event["action"]),
        "tradewatch.actor": str(event["actor"] or ""),
        "tradewatch.target": str(event["target"] or ""),
    }


def announce(engine: Engine, event_ids: Sequence[int]) -> int:
    """Emit ``tradewatch.event.detected`` for each of these (new) events;
    returns how many were emitted."""
    sent = 0
    for event in events_by_id(engine, event_ids):
        payload = {k: v for k, v in event.items() if k != "evidence"} | {"evidence": event["evidence"][:1]}
        if emit_event(DETECTED, resource=event_resource(event), payload=payload) is not None:
            sent += 1
    return sent
