"""What an analyst asks of the stored events: a filtered, paged list (the web
view, ``tradewatch events`` with filters, the exports), and one event in
full: its evidence with outlets, links and dates, its measure's timeline, its
stories and its alerts.

Every filter is SQL (indexed columns, ``LIKE`` over the JSON text of goods and
evidence), so a page reads only its own rows however many events are stored.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from extractors.vocabulary import Action, AlertStatus, EventType, aware

from .database import session_scope
from .exceptions import NotFoundError
from .models import Alert, AlertView, Article, Event, EventMention, EventView, Story
from .queries import ARTICLE_SHOWN, alert_view, event_view, events_where, iso

__all__ = [
    "EventDetail",
    "EventFilter",
    "EventPage",
    "Evidence",
    "StoryDetail",
    "alert_counts",
    "alerts_page",
    "event_detail",
    "events_to_route",
    "find_events",
    "story_detail",
]


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events to show; every field given must hold (``None``: any).
    ``since``/``until`` bound the event's date (when it happened, else when it
    was first seen), both inclusive; ``q`` is a case-insensitive substring of
    an evidence sentence or an article title."""

    type: EventType | None = None
    action: Action | None = None
    actor: str | None = None
    target: str | None = None
    product: str | None = None
    since: date | None = None
    until: date | None = None
    q: str | None = None

    def as_params(self) -> dict[str, str]:
        """The filter as query parameters (for links to other pages and exports)."""
        out = {}
        for name in (f.name for f in fields(self)):
            value = getattr(self, name)
            if value not in (None, ""):
                out[name] = value.isoformat() if isinstance(value, date) else str(value)
        return out


@dataclass(frozen=True, slots=True)
class EventPage:
    """One page of matching events, newest first, and how many match in all."""

    events: list[EventView]
    total: int
    states: dict[int, Action]  # event → the current state (newest action) of its measure
    outlets: dict[int, int]  # event → how many outlets state it


class Evidence(TypedDict):
    sentence: str
    outlet: str | None
    url: str | None
    source_id: str
    title: str | None
    published: str | None
    background: bool


class EventDetail(TypedDict):
    event: EventView
    evidence: list[Evidence]
    outlets: int  # how many outlets (else distinct sources) state it, as EventPage counts them
    timeline: list[EventView]  # the measure's states, oldest first (this event among them)
    stories: list[dict[str, Any]]
    alerts: list[AlertView]


class StoryDetail(TypedDict):
    id: int
    title: str | None
    articles: list[dict[str, Any]]
    events: list[EventView]


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _conditions(f: EventFilter) -> list[Any]:
    where: list[Any] = []
    if f.type is not None:
        where.append(col(Event.type) == f.type)
    if f.action is not None:
        where.append(col(Event.action) == f.action)
    if f.actor:
        where.append(sa.func.upper(col(Event.actor)) == f.actor.upper())
    if f.target:
        where.append(sa.func.upper(col(Event.target)) == f.target.upper())
    if f.product:
        text = sa.func.lower(sa.cast(col(Event.products), sa.Text))
        where.append(text.like(_like(f'"{f.product}"'), escape="\\"))
    occurred = col(Event.occurred)
    if f.since is not None:
        where.append(
            sa.or_(
                sa.and_(occurred.is_not(None), occurred >= f.since),
                sa.and_(occurred.is_(None), col(Event.first_seen) >= _start(f.since)),
            )
        )
    if f.until is not None:
        where.append(
            sa.or_(
                sa.and_(occurred.is_not(None), occurred <= f.until),
                sa.and_(occurred.is_(None), col(Event.first_seen) < _start(f.until + timedelta(days=1))),
            )
        )
    if f.q:
        pattern = _like(f.q)
        where.append(
            sa.exists(
                sa.select(1)
                .select_from(EventMention)
                .join(Article, col(Article.id) == col(EventMention.article_id))
                .where(
                    col(EventMention.event_id) == col(Event.id),
                    sa.or_(
                        sa.func.lower(sa.cast(col(EventMention.evidence), sa.Text)).like(
                            pattern, escape="\\"
                        ),
                        sa.func.lower(sa.func.coalesce(col(Article.title), "")).like(pattern, escape="\\"),
                    ),
                )
            )
        )
    return where


def _states(s: Session, page: Any, events: list[EventView]) -> dict[int, Action]:
    """Each of ``events`` (the rows of ``page``, a subquery of event ids): its
    measure's current state, the action of its thread's newest event."""
    roots = sa.select(sa.func.coalesce(col(Event.thread_id), col(Event.id))).where(
        col(Event.id).in_(sa.select(page.c.id))
    )
    rows = s.execute(
        sa.select(col(Event.id), col(Event.thread_id), col(Event.action))
        .where(sa.or_(col(Event.id).in_(roots), col(Event.thread_id).in_(roots)))
        .order_by(col(Event.id))
    ).all()
    newest: dict[int, Action] = {}
    for event_id, thread, action in rows:
        newest[int(thread or event_id)] = Action(action)
    return {e["id"]: newest[e["thread"] or e["id"]] for e in events}


def _outlets(s: Session, page: Any) -> dict[int, int]:
    """How many outlets (else distinct sources) state each event of ``page``."""
    rows = s.execute(
        sa.select(
            col(EventMention.event_id),
            sa.func.count(sa.distinct(sa.func.coalesce(col(Article.outlet), col(Article.source_item_id)))),
        )
        .join(Article, col(Article.id) == col(EventMention.article_id))
        .where(col(EventMention.event_id).in_(sa.select(page.c.id)))
        .group_by(col(EventMention.event_id))
    ).all()
    return {int(e): int(n) for e, n in rows}


def find_events(engine: Engine, f: EventFilter, *, limit: int | None = 50, offset: int = 0) -> EventPage:
    """The events matching ``f``, newest first: ``limit`` of them (None: all)
    from ``offset``. The page is a subquery: no list of ids is sent back."""
    where = _conditions(f)
    page = (
        sa.select(col(Event.id).label("id"))
        .where(*where)
        .order_by(col(Event.id).desc())
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    with session_scope(engine) as s:
        total = int(s.execute(sa.select(sa.func.count()).select_from(Event).where(*where)).scalar_one())
        events = events_where(s, col(Event.id).in_(sa.select(page.c.id)))
        events.reverse()  # newest first
        return EventPage(events, total, _states(s, page, events), _outlets(s, page))


def events_to_route(engine: Engine, f: EventFilter) -> list[dict[str, Any]]:
    """The events matching ``f``, oldest first, with only what alert routing
    reads of them (:func:`extractors.backtest.backtest`): no evidence, articles
    or stories, which cost ten times as much to read for every stored event."""
    columns = [
        col(Event.id),
        col(Event.type),
        col(Event.action),
        col(Event.actor),
        col(Event.target),
        col(Event.rate_from),
        col(Event.rate_to),
        col(Event.amount_usd),
        col(Event.products),
        col(Event.entities),
        col(Event.first_seen),
        col(Event.alertable),
        col(Event.background),
    ]
    with session_scope(engine) as s:
        rows = s.execute(sa.select(*columns).where(*_conditions(f)).order_by(col(Event.id))).all()
    return [dict(r._mapping) | {"first_seen": aware(r.first_seen)} for r in rows]


def event_detail(engine: Engine, event_id: int) -> EventDetail:
    """One event in full (:class:`NotFoundError` if there is none)."""
    with session_scope(engine) as s:
        event = event_view(s, event_id)
        rows = s.execute(
            sa.select(col(EventMention.evidence), col(EventMention.background), *ARTICLE_SHOWN)
            .join(Article, col(Article.id) == col(EventMention.article_id))
            .where(col(EventMention.event_id) == event_id)
            .order_by(col(EventMention.id))
        ).all()
        evidence: list[Evidence] = [
            {
                "sentence": sentence,
                "outlet": a.outlet,
                "url": a.url,
                "source_id": a.source_item_id,
                "title": a.title,
                "published": iso(a.published),
                "background": a.background,
            }
            for a in rows
            for sentence in a.evidence
        ]
        root = event["thread"] or event_id
        timeline = events_where(s, sa.or_(col(Event.id) == root, col(Event.thread_id) == root))
        story_ids = sorted({a.story_id for a in rows if a.story_id is not None})
        stories = [
            {"id": int(i), "title": t}
            for i, t in s.execute(
                sa.select(col(Story.id), col(Story.title))
                .where(col(Story.id).in_(story_ids))
                .order_by(col(Story.id))
            ).all()
        ]
        alerts = [
            alert_view(a)
            for a in s.exec(select(Alert).where(col(Alert.event_id) == event_id).order_by(col(Alert.id)))
        ]
        return {
            "event": event,
            "evidence": evidence,
            "outlets": len({a.outlet or a.source_item_id for a in rows}),
            "timeline": timeline,
            "stories": stories,
            "alerts": alerts,
        }


def story_detail(engine: Engine, story_id: int) -> StoryDetail:
    """One story: its articles and the events they state (:class:`NotFoundError` if none)."""
    with session_scope(engine) as s:
        story = s.get(Story, story_id)
        if story is None:
            raise NotFoundError(f"no story with id {story_id}")
        articles = s.execute(
            sa.select(*ARTICLE_SHOWN).where(col(Article.story_id) == story_id).order_by(col(Article.id))
        ).all()
        ids = [a.id for a in articles if a.id is not None]
        event_ids = (
            sa.select(col(EventMention.event_id))
            .where(col(EventMention.article_id).in_(ids))
            .scalar_subquery()
        )
        by_article: dict[int, int] = defaultdict(int)
        for (article_id,) in s.execute(
            sa.select(col(EventMention.article_id)).where(col(EventMention.article_id).in_(ids))
        ).all():
            by_article[int(article_id)] += 1
        return {
            "id": story_id,
            "title": story.title,
            "articles": [
                {
                    "id": a.id,
                    "title": a.title,
                    "outlet": a.outlet,
                    "url": a.url,
                    "source_id": a.source_item_id,
                    "published": iso(a.published),
                    "events": by_article[a.id or 0],
                }
                for a in articles
            ],
            "events": events_where(s, col(Event.id).in_(event_ids)) if ids else [],
        }


def alerts_page(
    engine: Engine, *, status: AlertStatus | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[AlertView], int]:
    """A page of outbox rows, newest first (``alerts --json`` fields), and how many match."""
    where = [] if status is None else [col(Alert.status) == status]
    with session_scope(engine) as s:
        total = int(s.execute(sa.select(sa.func.count()).select_from(Alert).where(*where)).scalar_one())
        rows = s.exec(select(Alert).where(*where).order_by(col(Alert.id).desc()).limit(limit).offset(offset))
        return [alert_view(a) for a in rows], total


def alert_counts(engine: Engine) -> dict[AlertStatus, int]:
    """How many outbox rows are in each state."""
    with session_scope(engine) as s:
        rows = s.execute(sa.select(col(Alert.status), sa.func.count()).group_by(col(Alert.status))).all()
    return {AlertStatus(status): int(n) for status, n in rows}
