"""Articles and events into the database, idempotently.

Every insert goes through the table's unique constraint (``ON CONFLICT DO
NOTHING``), so the same input stored twice, or by two processes at once, is
one row; and an event's outbox alerts are written in the same transaction as
the event, so an event never exists without its alerts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from extractors.models import ArticleDoc, Mention

from .database import session_scope
from .models import Alert, Article, ArticleCopy, Event, EventMention, Source, Story, utcnow

__all__ = ["EventsRecorded", "StoredArticle", "ensure_source", "record_mentions", "store_articles"]


def _insert(engine_or_conn: Any, table: Any) -> Any:
    dialect = engine_or_conn.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"unsupported database dialect: {dialect}")


def ensure_source(engine: Engine, kind: str, location: str, name: str | None = None) -> int:
    """The id of the source at ``location``, created if new."""
    with session_scope(engine) as s:
        s.execute(
            _insert(engine, Source)
            .values(kind=kind, location=location, name=name, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["location"])
        )
        return int(s.execute(sa.select(col(Source.id)).where(col(Source.location) == location)).scalar_one())


@dataclass(frozen=True, slots=True)
class StoredArticle:
    source_id: str
    article_id: int
    story_id: int | None
    new: bool


def store_articles(engine: Engine, source: int, docs: Sequence[ArticleDoc]) -> list[StoredArticle]:
    """Store a batch of articles from one source; an existing text is not new."""
    out: list[StoredArticle] = []
    with session_scope(engine) as s:
        for doc in docs:
            now = utcnow()
            article_id = s.execute(
                _insert(engine, Article)
                .values(
                    source_id=source,
                    source_item_id=doc.source_id,
                    url=doc.url,
                    outlet=doc.outlet,
                    title=doc.title,
                    published=doc.published,
                    ingested_at=now,
                    text=doc.text,
                    content_hash=doc.content_hash,
                )
                .on_conflict_do_nothing(index_elements=["content_hash"])
                .returning(col(Article.id))
            ).scalar()
            new = article_id is not None
            if new:
                story = Story(title=doc.title or _headline(doc.text), created_at=now)
                s.add(story)
                s.flush()
                s.execute(sa.update(Article).where(col(Article.id) == article_id).values(story_id=story.id))
                story_id: int | None = story.id
            else:
                article_id, story_id = s.exec(
                    select(col(Article.id), col(Article.story_id)).where(
                        col(Article.content_hash) == doc.content_hash
                    )
                ).one()
            s.execute(
                _insert(engine, ArticleCopy)
                .values(
                    article_id=article_id,
                    source_id=source,
                    source_item_id=doc.source_id,
                    url=doc.url,
                    outlet=doc.outlet,
                    seen_at=now,
                )
                .on_conflict_do_nothing(index_elements=["source_id", "source_item_id", "article_id"])
            )
            assert article_id is not None
            out.append(StoredArticle(doc.source_id, int(article_id), story_id, new))
    return out


def _headline(text: str, limit: int = 120) -> str:
    first = text.split("\n", 1)[0]
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"


@dataclass(slots=True)
class EventsRecorded:
    new_event_ids: list[int] = field(default_factory=list)
    mentions_new: int = 0
    alerts_created: int = 0


def _union(old: Iterable[str], new: Iterable[str]) -> list[str]:
    out = list(old)
    out.extend(x for x in new if x not in out)
    return out


def record_mentions(
    engine: Engine,
    found: Sequence[tuple[int, Sequence[Mention]]],
    *,
    routes: Sequence[str],
    alert_types: frozenset[str],
) -> EventsRecorded:
    """Store the events found in each article (``(article_id, mentions)``).

    A mention whose key is already stored joins that event; a new event of an
    alertable type gets one pending alert per route, in the same transaction.
    """
    result = EventsRecorded()
    with session_scope(engine) as s:
        for article_id, mentions in found:
            for m in mentions:
                now = utcnow()
                event_id = s.execute(
                    _insert(engine, Event)
                    .values(
                        key=m.key,
                        type=m.type,
                        action=m.action,
                        actor=m.actor,
                        target=m.target,
                        rate_from=m.rate_from,
                        rate_to=m.rate_to,
                        amount_usd=m.amount_usd,
                        products=list(m.products),
                        entities=list(m.entities),
                        first_seen=now,
                    )
                    .on_conflict_do_nothing(index_elements=["key"])
                    .returning(col(Event.id))
                ).scalar()
                if event_id is not None:
                    result.new_event_ids.append(int(event_id))
                    if m.type in alert_types:
                        for route in routes:
                            inserted = s.execute(
                                _insert(engine, Alert)
                                .values(
                                    event_id=event_id,
                                    route=route,
                                    status="pending",
                                    attempts=0,
                                    created_at=now,
                                    next_attempt_at=now,
                                )
                                .on_conflict_do_nothing(index_elements=["event_id", "route"])
                                .returning(col(Alert.id))
                            ).scalar()
                            result.alerts_created += inserted is not None
                else:
                    event = s.exec(select(Event).where(col(Event.key) == m.key)).one()
                    event_id = event.id
                    products = _union(event.products, m.products)
                    entities = _union(event.entities, m.entities)
                    if products != event.products or entities != event.entities:
                        s.execute(
                            sa.update(Event)
                            .where(col(Event.id) == event_id)
                            .values(products=products, entities=entities)
                        )
                inserted = s.execute(
                    _insert(engine, EventMention)
                    .values(
                        event_id=event_id, article_id=article_id, evidence=list(m.evidence), created_at=now
                    )
                    .on_conflict_do_nothing(index_elements=["event_id", "article_id"])
                    .returning(col(EventMention.id))
                ).scalar()
                result.mentions_new += inserted is not None
            s.execute(sa.update(Article).where(col(Article.id) == article_id).values(processed_at=utcnow()))
    return result
