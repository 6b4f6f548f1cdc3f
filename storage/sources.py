"""Feeds and pages to watch, and their polling state.

A source is polled every ``every_seconds``. A poll that fails pushes the next
one back (the interval doubled per consecutive failure, with jitter, at most
``MAX_BACKOFF``, or later if the server said ``Retry-After``) but never drops
the source: its error count, last error and next poll stay visible in
``tradewatch sources list``. Removing a source keeps its articles (they may be
in stories and events) and stops its polling.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from extractors.polling import MAX_BACKOFF, backoff
from extractors.urls import hide_credentials, source_url
from extractors.vocabulary import aware

from .database import session_scope
from .exceptions import NotFoundError
from .locks import insert
from .models import Article, Source, utcnow
from .queries import iso

__all__ = [
    "MAX_BACKOFF",
    "POLL_LEASE",
    "SourceState",
    "add_source",
    "claim_due",
    "find_source",
    "known_urls",
    "list_sources",
    "record_failure",
    "record_success",
    "remove_source",
]

POLL_LEASE = timedelta(minutes=10)  # a claimed source is not claimed again by another run before this
# A source counts as due this much of its interval early (at most MAX_EARLY), so that a
# schedule as frequent as the source is not skipped for being a few seconds early: its
# next poll is counted from the start of this one, and runs start with some jitter.
EARLY = 0.1
MAX_EARLY = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class SourceState:
    id: int
    kind: str
    url: str
    name: str | None
    every: timedelta
    etag: str | None
    last_modified: str | None
    claimed_at: datetime | None = None  # when this run claimed it: the next poll is counted from then


def _aware(t: datetime | None) -> datetime | None:
    return None if t is None else aware(t)


DEFAULT_EVERY = timedelta(minutes=15)


def add_source(
    engine: Engine, url: str, kind: str, *, name: str | None = None, every: timedelta | None = None
) -> int:
    """Watch ``url`` (a ``feed`` or a ``page``) every ``every`` (default
    ``DEFAULT_EVERY``); adding a source again changes only the name and
    interval given (and watches it again if removed)."""
    now = utcnow()
    seconds = None if every is None else int(every.total_seconds())
    with session_scope(engine) as s:
        stmt = insert(engine, Source).values(
            kind=kind,
            location=url,
            name=name,
            created_at=now,
            every_seconds=seconds or int(DEFAULT_EVERY.total_seconds()),
        )
        s.execute(
            stmt.on_conflict_do_update(
                index_elements=["location"],
                set_={
                    "name": sa.func.coalesce(sa.literal(name, sa.String), col(Source.name)),
                    "every_seconds": sa.func.coalesce(
                        sa.literal(seconds, sa.Integer), col(Source.every_seconds)
                    ),
                    "removed_at": None,
                    "kind": kind,
                },
            )
        )
        s.execute(
            sa.update(Source)
            .where(col(Source.location) == url, col(Source.next_poll_at).is_(None))
            .values(next_poll_at=now)
        )
        return int(s.execute(sa.select(col(Source.id)).where(col(Source.location) == url)).scalar_one())


def _url_key(key: str) -> str:
    try:
        return source_url(key)
    except ValueError:
        return key


def _watched(s: Any, key: str) -> int:
    where = col(Source.id) == int(key) if key.isdigit() else col(Source.location) == _url_key(key)
    found = s.execute(
        sa.select(col(Source.id)).where(
            where, col(Source.kind).in_(["feed", "page"]), col(Source.removed_at).is_(None)
        )
    ).scalar()
    if found is None:
        raise NotFoundError(f"no watched source {hide_credentials(key)!r}")
    return int(found)


def find_source(engine: Engine, key: str) -> int:
    """The id of the watched source with this id or URL (:class:`NotFoundError` if none)."""
    with session_scope(engine) as s:
        return _watched(s, key)


def remove_source(engine: Engine, key: str) -> int:
    """Stop watching the source with this id or URL; returns its id."""
    with session_scope(engine) as s:
        found = _watched(s, key)
        s.execute(sa.update(Source).where(col(Source.id) == found).values(removed_at=utcnow()))
        return found


def list_sources(engine: Engine) -> list[dict[str, Any]]:
    """The watched feeds and pages with their polling state (``sources --json``)."""
    with session_scope(engine) as s:
        rows = s.exec(
            select(Source)
            .where(col(Source.kind).in_(["feed", "page"]), col(Source.removed_at).is_(None))
            .order_by(col(Source.id))
        ).all()
        return [
            {
                "id": r.id,
                "kind": r.kind,
                "url": r.location,
                "name": r.name,
                "every_seconds": r.every_seconds,
                "last_polled_at": iso(r.last_polled_at),
                "last_status": r.last_status,
                "next_poll_at": iso(r.next_poll_at),
                "error_count": r.error_count,
                "last_error": r.last_error,
            }
            for r in rows
        ]


def claim_due(
    engine: Engine, now: datetime | None = None, *, only: Iterable[int] = (), every: bool = False
) -> list[SourceState]:
    """The sources due for a poll (``every``: all of them), claimed for this run
    (their next poll moved ``POLL_LEASE`` on, so a concurrent run does not poll
    them too)."""
    now = now or utcnow()
    wanted = list(only)
    with session_scope(engine) as s:
        stmt = select(Source).where(
            col(Source.kind).in_(["feed", "page"]),
            col(Source.removed_at).is_(None),
        )
        if not every:
            stmt = stmt.where(col(Source.next_poll_at) <= now + MAX_EARLY)
        if wanted:
            stmt = stmt.where(col(Source.id).in_(wanted))
        if engine.dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        rows = s.exec(stmt.order_by(col(Source.next_poll_at))).all()
        out = []
        for r in rows:
            assert r.id is not None
            interval = timedelta(seconds=r.every_seconds or 900)
            due = _aware(r.next_poll_at)
            if not every and due is not None and due > now + min(interval * EARLY, MAX_EARLY):
                continue
            lease = now + POLL_LEASE + MAX_EARLY  # not due again, even early, while the lease lasts
            s.execute(sa.update(Source).where(col(Source.id) == r.id).values(next_poll_at=lease))
            out.append(
                SourceState(
                    r.id,
                    r.kind,
                    r.location,
                    r.name,
                    interval,
                    r.etag,
                    r.last_modified,
                    now,
                )
            )
        return out


def record_success(
    engine: Engine, source: SourceState, *, status: str, etag: str | None, last_modified: str | None
) -> None:
    now = utcnow()
    with session_scope(engine) as s:
        s.execute(
            sa.update(Source)
            .where(col(Source.id) == source.id)
            .values(
                etag=etag,
                last_modified=last_modified,
                last_polled_at=now,
                last_status=status[:200],
                next_poll_at=(source.claimed_at or now) + source.every,
                error_count=0,
                last_error=None,
            )
        )


def record_failure(
    engine: Engine, source: SourceState, error: str, *, retry_after: float | None = None
) -> None:
    """Record a failed poll and push the next one back (never drop the source)."""
    now = utcnow()
    with session_scope(engine) as s:
        errors = int(
            s.execute(sa.select(col(Source.error_count)).where(col(Source.id) == source.id)).scalar_one()
        )
        delay = backoff(source.every, errors, retry_after=retry_after)
        s.execute(
            sa.update(Source)
            .where(col(Source.id) == source.id)
            .values(
                last_polled_at=now,
                last_status="failed",
                next_poll_at=now + delay,
                error_count=errors + 1,
                last_error=error[:1000],
            )
        )


def known_urls(engine: Engine, urls: Iterable[str]) -> set[str]:
    """Which of these canonical URLs are stored already (never fetched again)."""
    wanted = list(set(urls))
    if not wanted:
        return set()
    with session_scope(engine) as s:
        rows = s.execute(sa.select(col(Article.canonical_url)).where(col(Article.canonical_url).in_(wanted)))
        return {str(r[0]) for r in rows}
