"""Event resolution: a mention of an article joins a stored event, or makes a
new one that may continue a measure's thread (threatened → imposed → raised).

:func:`resolve` decides from what storage hands it (the stored event with the
mention's key, and the newest stored events of the same measure); it reads no
database. :func:`storage.ingest.record_mentions` fetches those candidates
(:func:`candidate_window` says how far back) and writes the decision.

- A mention joins the event with its key; else the newest candidate it is
  :func:`~extractors.deduplication.compatible` with (the same event told with
  fewer or more details) that was seen within :data:`JOIN_WINDOW`, however
  long ago when the article only recaps it (``background``): a recap is never
  a new event when it matches one.
- Otherwise it is a new event; when a candidate seen within
  :data:`THREAD_WINDOW` is the same measure
  (:func:`~extractors.deduplication.same_measure`), the new event continues
  that measure's thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

from .deduplication import compatible, same_measure
from .models import EventLike, Mention
from .vocabulary import aware

__all__ = [
    "JOIN_WINDOW",
    "THREAD_WINDOW",
    "Join",
    "New",
    "StoredEvent",
    "candidate_window",
    "resolve",
]

JOIN_WINDOW = timedelta(days=60)  # a vaguer mention joins an event seen this recently
THREAD_WINDOW = timedelta(days=400)  # a change of state links to a measure seen this recently


class StoredEvent(EventLike, Protocol):
    """What resolution reads of a stored event."""

    @property
    def id(self) -> int | None: ...
    @property
    def first_seen(self) -> datetime: ...
    @property
    def last_seen(self) -> datetime | None: ...
    @property
    def thread_id(self) -> int | None: ...


E = TypeVar("E", bound=StoredEvent)


@dataclass(frozen=True, slots=True)
class Join(Generic[E]):
    """The mention states ``event``."""

    event: E


@dataclass(frozen=True, slots=True)
class New:
    """The mention is a new event, continuing the thread ``thread_id`` (or none)."""

    thread_id: int | None


def _near(event: StoredEvent, when: datetime, window: timedelta) -> bool:
    seen = event.last_seen or event.first_seen
    return abs(aware(seen) - aware(when)) <= window


def candidate_window(mention: Mention, when: datetime) -> tuple[datetime, datetime] | None:
    """When the stored events a mention may join or continue were last seen:
    within :data:`THREAD_WINDOW` of ``when``; any time (None) for a recap."""
    if mention.background:
        return None
    return when - THREAD_WINDOW, when + THREAD_WINDOW


def resolve(mention: Mention, keyed: E | None, candidates: Sequence[E], when: datetime) -> Join[E] | New:
    """Where ``mention`` (of an article of time ``when``) goes: ``keyed`` is the
    stored event with its key, if any; ``candidates`` the stored events of the
    same type, actor and target, newest first."""
    if keyed is not None:
        return Join(keyed)
    for e in candidates:
        if compatible(mention, e) and (mention.background or _near(e, when, JOIN_WINDOW)):
            return Join(e)
    thread = next((e for e in candidates if same_measure(mention, e) and _near(e, when, THREAD_WINDOW)), None)
    return New(None if thread is None else (thread.thread_id or thread.id))
