"""Articles and events into the database, idempotently.

Every insert goes through the table's unique constraint (``ON CONFLICT DO
NOTHING``), so the same input stored twice, or by two processes at once, is
one row; and an event's outbox alerts are written in the same transaction as
the event, so an event never exists without its alerts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from extractors.deduplication import (
    COPY_THRESHOLD,
    Fingerprint,
    canonical_url,
    fingerprint,
    similarity,
)
from extractors.events import New, candidate_window, resolve
from extractors.models import ArticleDoc, Mention
from extractors.routing import AlertRules
from extractors.stories import Description
from extractors.vocabulary import aware, stable_key

from .database import session_scope
from .locks import insert, lock, retry_deadlock, table
from .models import Alert, Article, ArticleBand, ArticleCopy, Event, EventMention, Source, utcnow
from .stories import place_articles, story_lock_keys

__all__ = [
    "DEFAULT_RULES",
    "EventsRecorded",
    "StoredArticle",
    "ensure_source",
    "record_mentions",
    "store_articles",
]


def ensure_source(engine: Engine, kind: str, location: str, name: str | None = None) -> int:
    """The id of the source at ``location``, created if new."""
    with session_scope(engine) as s:
        s.execute(
            insert(engine, Source)
            .values(kind=kind, location=location, name=name, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["location"])
        )
        return int(s.execute(sa.select(col(Source.id)).where(col(Source.location) == location)).scalar_one())


@dataclass(frozen=True, slots=True)
class StoredArticle:
    source_id: str
    article_id: int
    story_id: int | None
    new: bool  # a new text: its events are still to read
    copy_of: int | None = None  # the article it is a near-duplicate or update of


def _original(
    s: Session, doc: ArticleDoc, fp: Fingerprint, url: str | None
) -> tuple[int, int | None, bool, int | None] | None:
    """The stored article ``doc`` is a copy of: ``(id, story, same_text,
    original)``, where ``original`` is the article a sighting of it is counted
    under (a version's original, else the article itself)."""
    row = s.exec(
        select(col(Article.id), col(Article.story_id), col(Article.copy_of)).where(
            col(Article.content_hash) == doc.content_hash
        )
    ).first()
    if row is not None and row[0] is not None:
        return row[0], row[1], True, row[2] or row[0]
    if url is not None:  # the same page, updated
        row = s.exec(
            select(col(Article.id), col(Article.story_id), col(Article.copy_of))
            .where(col(Article.canonical_url) == url)
            .order_by(col(Article.id))
        ).first()
        if row is not None and row[0] is not None:
            return row[2] or row[0], row[1], False, row[2] or row[0]
    # Two index lookups, not a join: with a join PostgreSQL may hash the whole
    # articles table (its estimate of a band's matches is far too high), a
    # cost that grows with the store (EXPLAIN ANALYZE, docs/BENCHMARKS.md).
    sharing = s.exec(
        select(col(ArticleBand.article_id)).where(col(ArticleBand.band).in_(fp.bands)).distinct()
    ).all()
    candidates = (
        s.exec(
            select(col(Article.id), col(Article.story_id), col(Article.copy_of), col(Article.minhash)).where(
                col(Article.id).in_(sharing)
            )
        ).all()
        if sharing
        else []
    )
    best: tuple[float, int, int | None] | None = None
    for article_id, story_id, copy_of, minhash in candidates:
        if minhash is None or article_id is None:
            continue
        score = similarity(fp.signature, minhash)
        if score >= COPY_THRESHOLD and (best is None or score > best[0]):
            best = (score, copy_of or article_id, story_id)
    return None if best is None else (best[1], best[2], False, best[1])


# Articles per transaction. Each takes advisory locks (storage.locks): about 45 to
# store (its band keys), about 20 to record (its story terms), and PostgreSQL's
# shared lock table holds max_locks_per_transaction x max_connections (64 x 100
# by default) for every session at once: two workers writing 200 articles a
# transaction ran it out ("out of shared memory").
ARTICLES_PER_TRANSACTION = 25


def store_articles(engine: Engine, source: int, docs: Sequence[ArticleDoc]) -> list[StoredArticle]:
    """Store a batch of articles from one source (in transactions of
    ``ARTICLES_PER_TRANSACTION``).

    The same text seen again is a copy (an :class:`ArticleCopy` of the stored
    article, nothing new). A near-duplicate (MinHash similarity at least
    ``COPY_THRESHOLD``) or another text at the same canonical URL is stored as a
    version of the article it copies (``copy_of``, same story) and its events are
    read, so an update's new facts are not lost. Anything else is a new article;
    its story is found when it is processed (:func:`record_mentions`).
    """
    if len(docs) > ARTICLES_PER_TRANSACTION:
        step = ARTICLES_PER_TRANSACTION
        return [
            s for i in range(0, len(docs), step) for s in store_articles(engine, source, docs[i : i + step])
        ]
    prints = [doc.fingerprint or fingerprint(doc.text) for doc in docs]
    urls = [canonical_url(doc.url) for doc in docs]
    out: list[StoredArticle] = []
    with session_scope(engine) as s:
        keys = [band for fp in prints for band in fp.bands]
        keys += [stable_key(doc.content_hash) for doc in docs] + [stable_key(url) for url in urls if url]
        lock(s, engine, keys)
        for doc, fp, url in zip(docs, prints, urls, strict=True):
            now = utcnow()
            original = _original(s, doc, fp, url)
            if original is not None and original[2]:
                article_id, story_id, new, copy_of = original[0], original[1], False, None
                sighted = original[3]  # a version seen again counts under its original, as at first
            else:
                copy_of = original[0] if original else None
                story_id = original[1] if original else None  # a new text is placed when processed
                article_id = s.execute(
                    insert(engine, Article)
                    .values(
                        source_id=source,
                        source_item_id=doc.source_id,
                        url=doc.url,
                        canonical_url=url,
                        outlet=doc.outlet,
                        title=doc.title,
                        author=doc.author,
                        language=doc.language,
                        published=doc.published,
                        ingested_at=now,
                        text=doc.text,
                        content_hash=doc.content_hash,
                        minhash=fp.signature,
                        story_id=story_id,
                        copy_of=copy_of,
                    )
                    .returning(col(Article.id))
                ).scalar_one()
                new = True
                sighted = copy_of or article_id
                if copy_of is None:  # versions are found through their original
                    s.connection().execute(
                        insert(engine, table(ArticleBand)).on_conflict_do_nothing(),
                        [{"band": band, "article_id": article_id} for band in set(fp.bands)],
                    )
            s.execute(
                insert(engine, ArticleCopy)
                .values(
                    article_id=sighted,
                    source_id=source,
                    source_item_id=doc.source_id,
                    url=doc.url,
                    outlet=doc.outlet,
                    seen_at=now,
                )
                .on_conflict_do_nothing(index_elements=["source_id", "source_item_id", "article_id"])
            )
            out.append(StoredArticle(doc.source_id, int(article_id), story_id, new, copy_of))
    return out


@dataclass(slots=True)
class EventsRecorded:
    new_event_ids: list[int] = field(default_factory=list)
    mentions_new: int = 0
    alerts_created: int = 0


def _union(old: Iterable[str], new: Iterable[str]) -> list[str]:
    out = list(old)
    out.extend(x for x in new if x not in out)
    return out


DEFAULT_RULES = AlertRules()  # tariffs and sanctions, every channel
MEASURE_EVENTS = 500  # the newest events of a measure a mention is compared with (extractors.events)


def _db_time(engine: Engine, t: datetime) -> datetime:
    """``t`` as this database compares it: SQLite stores naive UTC text."""
    if engine.dialect.name == "sqlite":
        return t.astimezone(UTC).replace(tzinfo=None)
    return t


def record_mentions(
    engine: Engine,
    found: Sequence[tuple[int, Sequence[Mention]]],
    *,
    routes: Sequence[str],
    rules: AlertRules = DEFAULT_RULES,
    stories: Sequence[tuple[int, Description]] = (),
) -> EventsRecorded:
    """Store the events found in each article (``(article_id, mentions)``).

    Each mention goes where :func:`extractors.events.resolve` says: into the
    stored event it states, or a new event (continuing its measure's thread),
    which gets one pending alert for each of the channels ``routes`` that
    ``rules`` choose for it (by default: tariffs and sanctions, every channel)
    when the extractor judged it news to alert on (``alertable``: not a recap,
    confident), in the same transaction. A later report that joins an
    alertable event, itself news to alert on, may reach a route's
    ``min_confidence`` the first did not: that route's alert is created then
    (one per channel, however many reports). This function fetches the candidates
    and writes; events of one measure are looked up and written under one lock,
    so two workers never create the same event twice.

    ``stories`` (``(article_id, description)``, in arrival order) are placed in
    their stories in the same transaction as their articles' events
    (:func:`storage.stories.place_articles`): one transaction for every
    ``ARTICLES_PER_TRANSACTION`` articles.
    """
    ids = list(dict.fromkeys([a for a, _ in found] + [a for a, _ in stories]))
    if len(ids) > ARTICLES_PER_TRANSACTION:
        total = EventsRecorded()
        for start in range(0, len(ids), ARTICLES_PER_TRANSACTION):
            part = set(ids[start : start + ARTICLES_PER_TRANSACTION])
            got = record_mentions(
                engine,
                [f for f in found if f[0] in part],
                routes=routes,
                rules=rules,
                stories=[d for d in stories if d[0] in part],
            )
            total.new_event_ids += got.new_event_ids
            total.mentions_new += got.mentions_new
            total.alerts_created += got.alerts_created
        return total
    return retry_deadlock(lambda: _record(engine, found, routes=routes, rules=rules, stories=stories))


def _record(
    engine: Engine,
    found: Sequence[tuple[int, Sequence[Mention]]],
    *,
    routes: Sequence[str],
    rules: AlertRules,
    stories: Sequence[tuple[int, Description]],
) -> EventsRecorded:
    """:func:`record_mentions` of at most ``ARTICLES_PER_TRANSACTION`` articles: one transaction."""
    result = EventsRecorded()
    with session_scope(engine) as s:
        measures = {stable_key(f"{m.type}|{m.actor}|{m.target}") for _, ms in found for m in ms}
        lock(s, engine, measures | story_lock_keys(d for _, d in stories))
        place_articles(s, engine, stories)
        times = dict(
            s.exec(
                select(
                    col(Article.id), sa.func.coalesce(col(Article.published), col(Article.ingested_at))
                ).where(col(Article.id).in_([aid for aid, _ in found]))
            ).all()
        )
        for article_id, mentions in found:
            when = aware(times.get(article_id) or utcnow())
            for m in mentions:
                keyed = s.exec(select(Event).where(col(Event.key) == m.key)).first()
                same: list[Event] = []
                if keyed is None:
                    query = select(Event).where(
                        col(Event.type) == m.type, col(Event.actor) == m.actor, col(Event.target) == m.target
                    )
                    window = candidate_window(m, when)
                    if window is not None:
                        seen = sa.func.coalesce(col(Event.last_seen), col(Event.first_seen))
                        query = query.where(
                            seen >= _db_time(engine, window[0]), seen <= _db_time(engine, window[1])
                        )
                    same = list(s.exec(query.order_by(col(Event.id).desc()).limit(MEASURE_EVENTS)).all())
                decision = resolve(m, keyed, same, when)
                if isinstance(decision, New):
                    # a recap is stored, never alerted: it is not news; nor is what
                    # the extractor is unsure of
                    channels = rules.channels_for(m, routes) if m.alertable else []
                    event_id = _new_event(s, engine, m, when, decision.thread_id, channels, result)
                else:
                    event = decision.event
                    assert event.id is not None
                    event_id = event.id
                    products = _union(event.products, m.products)
                    entities = _union(event.entities, m.entities)
                    last = max(aware(event.last_seen or event.first_seen), when)
                    occurred = min((d for d in (event.occurred, m.occurred) if d is not None), default=None)
                    if m.alertable and event.alertable and rules.ask_confidence:
                        # news told again, maybe with more confidence: a route asking for
                        # a least confidence the first report did not reach gets it now
                        # (a channel that has the event's alert gets no second one)
                        _add_alerts(s, engine, event_id, rules.channels_for(m, routes), result)
                    s.execute(
                        sa.update(Event)
                        .where(col(Event.id) == event_id)
                        .values(
                            products=products,
                            entities=entities,
                            last_seen=last,
                            rate_from=event.rate_from if event.rate_from is not None else m.rate_from,
                            rate_to=event.rate_to if event.rate_to is not None else m.rate_to,
                            amount_usd=event.amount_usd if event.amount_usd is not None else m.amount_usd,
                            occurred=occurred,
                            background=event.background and m.background,
                            confidence=max(event.confidence or 0.0, m.confidence),
                        )
                    )
                inserted = s.execute(
                    insert(engine, EventMention)
                    .values(
                        event_id=event_id,
                        article_id=article_id,
                        evidence=list(m.evidence),
                        created_at=utcnow(),
                        background=m.background,
                    )
                    .on_conflict_do_nothing(index_elements=["event_id", "article_id"])
                    .returning(col(EventMention.id))
                ).scalar()
                result.mentions_new += inserted is not None
            s.execute(sa.update(Article).where(col(Article.id) == article_id).values(processed_at=utcnow()))
    return result


def _new_event(
    s: Session,
    engine: Engine,
    m: Mention,
    when: datetime,
    thread_id: int | None,
    channels: Sequence[str],
    result: EventsRecorded,
) -> int:
    now = utcnow()
    event = Event(
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
        last_seen=when,
        thread_id=thread_id,
        occurred=m.occurred,
        background=m.background,
        confidence=m.confidence,
        alertable=m.alertable,
    )
    s.add(event)
    s.flush()
    assert event.id is not None
    result.new_event_ids.append(event.id)
    _add_alerts(s, engine, event.id, channels, result)
    return event.id


def _add_alerts(
    s: Session, engine: Engine, event_id: int, channels: Sequence[str], result: EventsRecorded
) -> None:
    """A pending alert of the event for each channel that has none yet."""
    now = utcnow()
    for route in channels:
        inserted = s.execute(
            insert(engine, Alert)
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
