"""Prefect tasks: thin wrappers, each over one batch, around plain functions of
``extractors`` and ``storage``.

A task run costs 15-20 ms of orchestration here, so every task takes a batch
(``batch_size`` articles), never one article. Tasks that write are idempotent
(unique constraints), so their retries are safe. No task takes a secret as a
parameter: the database and routes come from the process's settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlalchemy.engine import Engine

from extractors.articles import to_articles
from extractors.models import ArticleDoc, ItemFailure, Mention, RawItem
from extractors.notify import Notifier
from extractors.signals import extract_mentions
from extractors.stories import Description, describe_news
from storage.database import open_engine
from storage.ingest import EventsRecorded, StoredArticle, record_mentions, store_articles
from storage.outbox import DeliveryPolicy, DeliveryReport, deliver_pending
from storage.queries import article_texts

from .settings import alerting, get_settings


@dataclass(frozen=True, slots=True)
class Reading:
    """What processing read of one stored article."""

    article_id: int
    mentions: list[Mention]
    description: Description


__all__ = [
    "Reading",
    "deliver_alerts_task",
    "detect_events_task",
    "extract_articles_task",
    "record_events_task",
    "store_articles_task",
]


def _engine() -> Engine:
    return open_engine(get_settings().database_url)


@task(name="extract-articles", cache_policy=NO_CACHE, timeout_seconds=600)
def extract_articles_task(
    items: list[RawItem | ItemFailure],
) -> tuple[list[ArticleDoc], list[ItemFailure]]:
    """Raw items → clean articles (trafilatura for HTML, cleaning for text)."""
    return to_articles(items)


@task(
    name="store-articles", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5], timeout_seconds=300
)
def store_articles_task(source: int, docs: list[ArticleDoc]) -> list[StoredArticle]:
    return store_articles(_engine(), source, docs)


@task(name="detect-events", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5], timeout_seconds=600)
def detect_events_task(article_ids: list[int]) -> list[Reading]:
    """Stored articles → the events each one states, and what story matching reads of it."""
    out = []
    for a in article_texts(_engine(), article_ids):
        mentions = extract_mentions(a.text)
        out.append(Reading(a.id, mentions, describe_news(a.title, a.text, a.published, mentions)))
    return out


@task(name="record-events", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5], timeout_seconds=300)
def record_events_task(readings: list[Reading]) -> EventsRecorded:
    """Place the articles in stories and store their events, in one transaction."""
    configured, rules = alerting(get_settings())
    return record_mentions(
        _engine(),
        [(r.article_id, r.mentions) for r in readings],
        routes=list(configured),
        rules=rules,
        stories=[(r.article_id, r.description) for r in readings],
    )


@task(name="deliver-alerts", cache_policy=NO_CACHE, timeout_seconds=600)
def deliver_alerts_task() -> DeliveryReport:
    """Send what the outbox holds; failures stay on their rows for the next sweep."""
    settings = get_settings()
    configured, rules = alerting(settings)
    policy = DeliveryPolicy(max_attempts=settings.alert_max_attempts)
    return deliver_pending(_engine(), Notifier(configured), policy, pacing=rules.for_route)
