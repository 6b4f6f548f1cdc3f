"""Tables (SQLModel) and read models (what the queries of :mod:`storage.queries`
return: the ``--json`` contract, typed).

Idempotency lives here, in unique constraints, not in application checks:

* ``articles.content_hash``: the same text ingested twice is one article;
* ``article_bands (band, article_id)``: the LSH band keys that find an article's
  near-duplicates without scanning every article;
* ``story_keys (key, story_id)``: the index terms that find an article's
  candidate stories without scanning every story;
* ``article_copies (source_id, source_item_id, article_id)``: each place an
  article was seen is recorded once;
* ``events.key``: one row per canonical event;
* ``event_mentions (event_id, article_id)``: an article mentions an event once;
* ``alerts (event_id, route)``: the outbox holds one alert per event and route.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from extractors.vocabulary import Action, AlertStatus, EventType

__all__ = [
    "Alert",
    "AlertStatus",
    "AlertView",
    "Article",
    "ArticleBand",
    "ArticleCopy",
    "ArticleRef",
    "ArticleView",
    "Delivery",
    "Event",
    "EventMention",
    "EventView",
    "Run",
    "Source",
    "Story",
    "StoryArticle",
    "StoryKey",
    "StoryTally",
    "StoryView",
    "utcnow",
]


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(nullable: bool = False) -> Any:
    return sa.Column(sa.DateTime(timezone=True), nullable=nullable)


class Source(SQLModel, table=True):
    """Where articles come from: an offline corpus, a feed or a page."""

    __tablename__ = "sources"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # corpus, feed or page
    location: str = Field(sa_column=sa.Column(sa.Text, nullable=False, unique=True))
    name: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    # polling state of feeds and pages (revision 0007)
    every_seconds: int | None = None
    etag: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    last_modified: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    next_poll_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    last_polled_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    last_status: str | None = Field(default=None, max_length=200)
    error_count: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))
    last_error: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    removed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class Story(SQLModel, table=True):
    """Articles that tell the same news.

    ``profile`` is what a new article is matched against
    (:class:`extractors.stories.Profile` as JSON); ``size`` counts its original
    articles (versions of an article are not counted). Stories stored before
    revision 0005 have no profile: nothing joins them."""

    __tablename__ = "stories"

    id: int | None = Field(default=None, primary_key=True)
    title: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    profile: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    size: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))


class StoryKey(SQLModel, table=True):
    """An index term of a story (the heaviest terms of its articles): an
    article's candidate stories are those sharing one of its terms."""

    __tablename__ = "story_keys"

    key: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    story_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("stories.id"), primary_key=True, autoincrement=False)
    )


class Article(SQLModel, table=True):
    """One text, however many places it was seen (see :class:`ArticleCopy`)."""

    __tablename__ = "articles"

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="sources.id", index=True)
    source_item_id: str = Field(max_length=512)
    url: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    outlet: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    author: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    language: str | None = Field(default=None, max_length=16)
    published: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    ingested_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    content_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    # the URL without tracking parameters (extractors.deduplication.canonical_url)
    canonical_url: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True, index=True))
    # the MinHash signature of the text (extractors.deduplication.fingerprint)
    minhash: bytes | None = Field(default=None, sa_column=sa.Column(sa.LargeBinary, nullable=True))
    # set when the article is placed in a story (processing); a version takes its original's
    story_id: int | None = Field(default=None, foreign_key="stories.id", index=True)
    # what story matching read of the article (extractors.stories.Description as JSON)
    story_terms: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    # a near-duplicate (or an update at the same URL) of that article: one article
    # with several versions; its own events are still read, so none is lost
    copy_of: int | None = Field(default=None, foreign_key="articles.id", index=True)
    # set when the article's events are stored; NULL = still to process
    processed_at: datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=True, index=True)
    )
    # set when ``tradewatch prune`` removed its text, fingerprint and copies (the row,
    # its story profile and its events' evidence stay)
    pruned_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class ArticleBand(SQLModel, table=True):
    """An LSH band key of an article's MinHash: articles sharing one are candidate copies."""

    __tablename__ = "article_bands"

    band: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    article_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("articles.id"), primary_key=True, autoincrement=False)
    )


class ArticleCopy(SQLModel, table=True):
    """A sighting of an article: a source item whose text is that article's."""

    __tablename__ = "article_copies"
    __table_args__ = (
        sa.UniqueConstraint("source_id", "source_item_id", "article_id", name="uq_copy_source_item"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    source_id: int = Field(foreign_key="sources.id")
    source_item_id: str = Field(max_length=512)
    url: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    outlet: str | None = Field(default=None, max_length=200)
    seen_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Event(SQLModel, table=True):
    """A trade-dispute event, merged across the articles that mention it.

    ``thread_id`` links the events of one measure (threatened, then imposed, then
    raised...) to the first of them; ``last_seen`` is the newest publication time
    of an article stating it (ingest time when unknown), which bounds how long a
    vaguer mention may still join it."""

    __tablename__ = "events"
    __table_args__ = (sa.Index("ix_events_measure", "type", "actor", "target"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    type: str = Field(max_length=16, index=True)
    action: str = Field(max_length=16)
    actor: str | None = Field(default=None, max_length=100)
    target: str | None = Field(default=None, max_length=100)
    rate_from: float | None = None
    rate_to: float | None = None
    amount_usd: float | None = None
    products: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    entities: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    first_seen: datetime = Field(default_factory=utcnow, sa_column=_ts())
    last_seen: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    thread_id: int | None = Field(default=None, foreign_key="events.id")
    # when it happened or was first reported, as the articles say (null: they do not)
    occurred: date | None = None
    # every article stating it only recaps it: it was never news here, and never alerted
    background: bool = Field(
        default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false())
    )
    confidence: float | None = None  # the extractor's, highest over its mentions
    # created from news the extractor was sure of (not a recap, confident): the events that alert
    alertable: bool = Field(
        default=True, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.true())
    )


class EventMention(SQLModel, table=True):
    """An article stating an event, with the sentences that prove it."""

    __tablename__ = "event_mentions"
    __table_args__ = (sa.UniqueConstraint("event_id", "article_id", name="uq_mention_event_article"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id", index=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    evidence: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    background: bool = Field(
        default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false())
    )


class Alert(SQLModel, table=True):
    """The outbox: one row per event and route, created with the event."""

    __tablename__ = "alerts"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "route", name="uq_alert_event_route"),
        sa.Index("ix_alerts_status_next", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id")
    route: str = Field(max_length=200)
    status: str = Field(default=AlertStatus.PENDING, max_length=16)
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    claimed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    claimed_by: str | None = Field(default=None, max_length=160)  # storage.owners: host:pid:start
    sent_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class Delivery(SQLModel, table=True):
    """A message sent on a channel (one alert, or a digest of several): what
    the per-route pacing (digest interval, messages per hour) counts."""

    __tablename__ = "deliveries"
    __table_args__ = (sa.Index("ix_deliveries_channel_sent", "channel", "sent_at"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=200)
    sent_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    alerts: int = 1


class HostTurn(SQLModel, table=True):
    """When the next request to a host may start, for every worker and machine
    (:mod:`storage.pacing`): seconds since the epoch, by the database's clock."""

    __tablename__ = "host_turns"

    host: str = Field(sa_column=sa.Column(sa.String(255), primary_key=True))
    next_start: float = Field(sa_column=sa.Column(sa.Float, nullable=False))


class Run(SQLModel, table=True):
    """One pipeline run (replay or monitoring cycle) and what it did."""

    __tablename__ = "runs"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    target: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    status: str = Field(default="running", max_length=16)
    started_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    finished_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    stats: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    errors: list[dict[str, str]] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    owner: str | None = Field(default=None, max_length=160)  # storage.owners: host:pid:start


# Read models: plain dicts as JSON prints them (times as ISO 8601 in UTC), typed.


class ArticleRef(TypedDict):
    """Where an article was read: its id at the source, its URL and outlet."""

    source_id: str
    url: str | None
    outlet: str | None


class EventView(TypedDict):
    """An event as ``events --json`` shows it (the README documents each field)."""

    id: int
    type: EventType
    action: Action
    actor: str | None
    target: str | None
    rate_from: float | None
    rate_to: float | None
    amount_usd: float | None
    products: list[str]
    entities: list[str]
    first_seen: str | None
    occurred: str | None
    background: bool
    confidence: float | None
    alertable: bool
    thread: int | None
    articles: list[ArticleRef]
    evidence: list[str]
    stories: int


class StoryArticle(ArticleRef):
    title: str | None


class StoryView(TypedDict):
    """A story as ``stories --json`` shows it."""

    id: int
    title: str | None
    articles: list[StoryArticle]


class StoryTally(TypedDict):
    """A story and how many articles of a run are in it (the run's artifact)."""

    id: int
    title: str | None
    articles: int


class AlertView(TypedDict):
    """An outbox row as ``alerts --json`` shows it."""

    id: int
    event_id: int
    route: str
    status: AlertStatus
    attempts: int
    sent_at: str | None
    last_error: str | None


class ArticleView(TypedDict):
    """An article as ``articles --json`` shows it."""

    source_id: str
    url: str | None
    outlet: str | None
    title: str | None
    author: str | None
    language: str | None
    published: str | None
    story_id: int | None
    text: str  # empty once pruned
    pruned: bool  # its text removed by ``tradewatch prune``
