"""Queries for the read models of :mod:`storage.models`: what the CLI's
``--json`` prints (the documented contract), and the pipeline reads back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from extractors.stories import ArticleText
from extractors.vocabulary import Action, AlertStatus, EventType

from .database import session_scope
from .exceptions import NotFoundError
from .models import (
    Alert,
    AlertView,
    Article,
    ArticleRef,
    ArticleView,
    Event,
    EventMention,
    EventView,
    Story,
    StoryTally,
    StoryView,
)

__all__ = [
    "ARTICLE_SHOWN",
    "ArticleText",
    "alert_view",
    "event_view",
    "events_by_id",
    "events_where",
    "iso",
    "list_alerts",
    "list_articles",
    "list_events",
    "list_stories",
    "stories_of",
    "story_count",
    "unprocessed_article_ids",
]


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC (SQLite hands back naive datetimes: they were stored as UTC)."""
    if value is None:
        return None
    return (value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


# what the views and pages show of an article: never its text, MinHash or story
# terms, which loading whole rows would read for every mention of every event shown
ARTICLE_SHOWN = (
    col(Article.id),
    col(Article.story_id),
    col(Article.source_item_id),
    col(Article.url),
    col(Article.outlet),
    col(Article.title),
    col(Article.published),
)


def _article_ref(a: Any) -> ArticleRef:
    """``a``: a row of :data:`ARTICLE_SHOWN` (or an :class:`Article`)."""
    return {"source_id": a.source_item_id, "url": a.url, "outlet": a.outlet}


def _events(session: Session, where: Any = None) -> list[EventView]:
    stmt = select(Event).order_by(col(Event.id))
    if where is not None:
        stmt = stmt.where(where)
    events = session.exec(stmt).all()
    if not events:
        return []
    ids = [e.id for e in events]
    rows = session.execute(
        sa.select(col(EventMention.event_id), col(EventMention.evidence), *ARTICLE_SHOWN)
        .join(Article, col(Article.id) == col(EventMention.article_id))
        .where(col(EventMention.event_id).in_(ids))
        .order_by(col(EventMention.id))
    ).all()
    by_event: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_event[row.event_id].append(row)
    stories: dict[int, set[int]] = defaultdict(set)
    out: list[EventView] = []
    for e in events:
        assert e.id is not None
        mentions = by_event[e.id]
        evidence: list[str] = []
        for row in mentions:
            evidence.extend(x for x in row.evidence if x not in evidence)
            if row.story_id is not None:
                stories[e.id].add(row.story_id)
        out.append(
            {
                "id": e.id,
                "type": EventType(e.type),
                "action": Action(e.action),
                "actor": e.actor,
                "target": e.target,
                "rate_from": e.rate_from,
                "rate_to": e.rate_to,
                "amount_usd": e.amount_usd,
                "products": list(e.products),
                "entities": list(e.entities),
                "first_seen": iso(e.first_seen),
                "occurred": None if e.occurred is None else e.occurred.isoformat(),
                "background": e.background,
                "confidence": e.confidence,
                "alertable": e.alertable,
                "thread": e.thread_id,
                "articles": [_article_ref(row) for row in mentions],
                "evidence": evidence,
                "stories": len(stories[e.id]),
            }
        )
    return out


def events_where(session: Session, where: Any) -> list[EventView]:
    """The events matching a SQL condition, as ``events --json`` shows them."""
    return _events(session, where)


def list_events(engine: Engine, *, type_: str | None = None) -> list[EventView]:
    with session_scope(engine) as s:
        return _events(s, None if type_ is None else col(Event.type) == type_)


def events_by_id(engine: Engine, ids: Sequence[int]) -> list[EventView]:
    """These events, as ``events --json`` shows them, oldest first."""
    if not ids:
        return []
    with session_scope(engine) as s:
        return _events(s, col(Event.id).in_(list(ids)))


# ids per IN list: SQLite takes at most 32,766 parameters a statement, psycopg 65,535
# (a replay of 100,000 articles asks about all of them)
IDS_PER_QUERY = 10_000


def story_ids_of(engine: Engine, article_ids: Sequence[int]) -> set[int]:
    """The stories these articles are in."""
    found: set[int] = set()
    with session_scope(engine) as s:
        for start in range(0, len(article_ids), IDS_PER_QUERY):
            chunk = list(article_ids[start : start + IDS_PER_QUERY])
            found.update(
                s.execute(
                    sa.select(col(Article.story_id))
                    .where(col(Article.id).in_(chunk), col(Article.story_id).is_not(None))
                    .distinct()
                ).scalars()
            )
    return found


def stories_of(engine: Engine, article_ids: Sequence[int], *, newest: int | None = None) -> list[StoryTally]:
    """The stories these articles are in (the ``newest`` of them, if given): id,
    title and article count (versions and copies of an article are not counted
    again)."""
    ids = sorted(story_ids_of(engine, article_ids))
    if newest is not None:
        ids = ids[-newest:] if newest else []
    rows: list[Any] = []
    with session_scope(engine) as s:
        for start in range(0, len(ids), IDS_PER_QUERY):
            rows += s.execute(
                sa.select(col(Story.id), col(Story.title), sa.func.count(col(Article.id)))
                .join(Article, col(Article.story_id) == col(Story.id))
                .where(col(Story.id).in_(ids[start : start + IDS_PER_QUERY]), col(Article.copy_of).is_(None))
                .group_by(col(Story.id), col(Story.title))
                .order_by(col(Story.id))
            ).all()
    return [{"id": int(str(i)), "title": t, "articles": int(str(n))} for i, t, n in rows]


def event_view(session: Session, event_id: int) -> EventView:
    """One event as ``events --json`` shows it (plus its story count)."""
    found = _events(session, col(Event.id) == event_id)
    if not found:
        raise NotFoundError(f"no event with id {event_id}")
    return found[0]


def list_stories(engine: Engine) -> list[StoryView]:
    with session_scope(engine) as s:
        stories = s.exec(select(Story).order_by(col(Story.id))).all()
        articles = s.execute(
            sa.select(*ARTICLE_SHOWN).where(col(Article.story_id).is_not(None)).order_by(col(Article.id))
        ).all()
        by_story: dict[int, list[Any]] = defaultdict(list)
        for row in articles:
            by_story[row.story_id].append(row)
        return [
            {
                "id": st.id or 0,
                "title": st.title,
                "articles": [{**_article_ref(a), "title": a.title} for a in by_story[st.id or 0]],
            }
            for st in stories
        ]


def story_count(engine: Engine, article_ids: list[int]) -> int:
    """How many distinct stories these articles belong to."""
    return len(story_ids_of(engine, article_ids))


def alert_view(a: Alert) -> AlertView:
    """An outbox row as ``alerts --json`` shows it."""
    return {
        "id": a.id or 0,
        "event_id": a.event_id,
        "route": a.route,
        "status": AlertStatus(a.status),
        "attempts": a.attempts,
        "sent_at": iso(a.sent_at),
        "last_error": a.last_error,
    }


def list_alerts(engine: Engine, *, status: str | None = None) -> list[AlertView]:
    with session_scope(engine) as s:
        stmt = select(Alert).order_by(col(Alert.id))
        if status is not None:
            stmt = stmt.where(col(Alert.status) == status)
        return [alert_view(a) for a in s.exec(stmt)]


def list_articles(engine: Engine) -> list[ArticleView]:
    with session_scope(engine) as s:
        return [
            {
                "source_id": a.source_item_id,
                "url": a.url,
                "outlet": a.outlet,
                "title": a.title,
                "author": a.author,
                "language": a.language,
                "published": iso(a.published),
                "story_id": a.story_id,
                "text": a.text,
                "pruned": a.pruned_at is not None,
            }
            for a in s.exec(select(Article).order_by(col(Article.id)))
        ]


def article_texts(engine: Engine, article_ids: list[int]) -> list[ArticleText]:
    """The title, text and publication time of the given articles, in id order."""
    if not article_ids:
        return []
    with session_scope(engine) as s:
        rows = s.execute(
            sa.select(col(Article.id), col(Article.title), col(Article.text), col(Article.published))
            .where(col(Article.id).in_(article_ids))
            .order_by(col(Article.id))
        ).all()
    return [ArticleText(int(r[0]), r[1], str(r[2]), r[3]) for r in rows]


def unprocessed_article_ids(engine: Engine) -> list[int]:
    """Articles whose events are not stored yet (new, or left by a run that stopped)."""
    with session_scope(engine) as s:
        ids = s.exec(
            select(col(Article.id)).where(col(Article.processed_at).is_(None)).order_by(col(Article.id))
        )
        return [i for i in ids if i is not None]
