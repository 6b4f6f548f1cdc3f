"""Prefect tasks: thin wrappers, each over one batch, around plain functions of
``extractors`` and ``storage``.

A task run costs 15-20 ms of orchestration here, so every task takes a batch
(``batch_size`` articles), never one article. Tasks that write are idempotent
(unique constraints), so their retries are safe. No task takes a secret or a
live object as a parameter: the engine, channels, rules, fetcher and worker
pool come from the process's runtime (:func:`flows.runtime.current`).
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from prefect import task
from prefect.cache_policies import NO_CACHE

from extractors.adapters.fetching import Fetched
from extractors.encoding import decode_html
from extractors.exceptions import FetchError, RetryLater
from extractors.feeds import FeedEntry, parse_feed
from extractors.models import ItemFailure, Mention, RawItem
from extractors.reading import ReadItem, read_item
from extractors.stories import ArticleText, Description, read_article
from storage.ingest import EventsRecorded, record_mentions
from storage.outbox import DeliveryPolicy, DeliveryReport, deliver_pending
from storage.queries import article_texts
from storage.sources import SourceState
from storage.stories import place

from .events import announce
from .pipeline import Ingested, store_read
from .runtime import current


@dataclass(frozen=True, slots=True)
class Poll:
    """One poll of a source: the response, or why there is none."""

    source: SourceState
    fetched: Fetched | None = None
    error: str | None = None
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    """What processing read of one stored article."""

    article_id: int
    mentions: list[Mention]
    description: Description


__all__ = [
    "Poll",
    "Reading",
    "deliver_alerts_task",
    "detect_events_task",
    "fetch_pages_task",
    "ingest_items_task",
    "parse_feed_task",
    "place_stories_task",
    "poll_source_task",
    "read_articles_task",
    "read_items_task",
    "record_events_task",
    "store_read_task",
]


@task(name="ingest-items", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5], timeout_seconds=900)
def ingest_items_task(source: int, items: list[RawItem | ItemFailure]) -> Ingested:
    """Raw items → articles, events and stories, stored (:func:`flows.pipeline.ingest_items`):
    extraction and reading in worker processes, writing here as results come in.
    A retry is safe: stored texts are copies the second time, and what was stored
    but not recorded is left to ``process-articles``."""
    return _store(source, current().pool.imap(read_item, items))


def _store(source: int, results: Iterable[ReadItem | ItemFailure]) -> Ingested:
    """Items read (here, by worker processes or on Dask) stored and recorded
    as they come in; the new events announced once committed."""
    rt = current()
    engine = rt.engine
    return store_read(
        engine,
        source,
        results,
        routes=list(rt.channels),
        rules=rt.rules,
        on_recorded=lambda ids: announce(engine, ids),
    )


@task(name="read-items", cache_policy=NO_CACHE, retries=1, timeout_seconds=900)
def read_items_task(items: list[RawItem | ItemFailure]) -> list[ReadItem | ItemFailure]:
    """Raw items → what each says (:func:`extractors.reading.read_item`), on
    whatever runs the task (a Dask worker, :mod:`flows.backfill`): no runtime,
    no database."""
    return [read_item(item) for item in items]


@task(name="read-articles", cache_policy=NO_CACHE, retries=1, timeout_seconds=900)
def read_articles_task(texts: list[ArticleText]) -> list[Reading]:
    """Stored articles' texts → their events and story descriptions, on
    whatever runs the task (a Dask worker): no runtime, no database."""
    return [Reading(*read_article(t)) for t in texts]


@task(name="store-read", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5], timeout_seconds=900)
def store_read_task(source: int, read: list[ReadItem | ItemFailure]) -> Ingested:
    """Items read elsewhere (:func:`read_items_task`) stored and recorded here,
    as :func:`ingest_items_task` stores what its worker processes read."""
    return _store(source, read)


@task(name="detect-events", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5], timeout_seconds=600)
def detect_events_task(article_ids: list[int]) -> list[Reading]:
    """Stored articles → the events each one states, and what story matching reads of it."""
    rt = current()
    return [Reading(*r) for r in rt.pool.map(read_article, article_texts(rt.engine, article_ids))]


@task(name="record-events", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5], timeout_seconds=300)
def record_events_task(readings: list[Reading]) -> EventsRecorded:
    """Place the articles in stories and store their events, in one transaction."""
    rt = current()
    return record_mentions(
        rt.engine,
        [(r.article_id, r.mentions) for r in readings],
        routes=list(rt.channels),
        rules=rt.rules,
        stories=[(r.article_id, r.description) for r in readings],
    )


@task(name="place-stories", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5], timeout_seconds=300)
def place_stories_task(placed: list[tuple[int, Description]]) -> dict[int, int]:
    """Place already processed articles (``(id, description)``, in arrival order)
    in stories again; their events stay."""
    return place(current().engine, placed)


@task(
    name="deliver-alerts", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10], timeout_seconds=600
)
def deliver_alerts_task() -> DeliveryReport:
    """Send what the outbox holds; failures stay on their rows for the next sweep."""
    rt = current()
    policy = DeliveryPolicy(max_attempts=rt.settings.alert_max_attempts)
    return deliver_pending(rt.engine, rt.notifier, policy, pacing=rt.rules.for_route)


@task(name="poll-source", cache_policy=NO_CACHE, timeout_seconds=300)
def poll_source_task(source: SourceState) -> Poll:
    """Network: the source's feed or page, asked conditionally (a 304 if unchanged)."""
    try:
        got = current().fetcher.get(source.url, etag=source.etag, last_modified=source.last_modified)
    except RetryLater as exc:
        return Poll(source, error=str(exc), retry_after=exc.retry_after)
    except FetchError as exc:
        return Poll(source, error=str(exc))
    return Poll(source, got)


@task(name="parse-feed", cache_policy=NO_CACHE, timeout_seconds=120)
def parse_feed_task(poll: Poll) -> list[FeedEntry]:
    """Parsing: the articles a fetched feed lists (FeedError if it cannot be read)."""
    assert poll.fetched is not None
    return parse_feed(poll.fetched.body, poll.fetched.final_url, poll.fetched.content_type)


def _page(entry: FeedEntry, outlet: str | None) -> RawItem | ItemFailure:
    try:
        got = current().fetcher.get(entry.url)
    except FetchError as exc:
        return ItemFailure(entry.url, str(exc))
    kind = (got.content_type or "text/html").split(";")[0].strip().lower()
    if kind not in ("text/html", "application/xhtml+xml", "text/plain", ""):
        return ItemFailure(entry.url, f"not a page ({kind})")
    return RawItem(
        source_id=entry.url,
        kind="html" if kind != "text/plain" else "text",
        body=decode_html(got.body, got.content_type),
        url=entry.url,
        title=entry.title,
        published=entry.published,
        outlet=outlet,
        origin=got.final_url,
    )


@task(name="fetch-pages", cache_policy=NO_CACHE, timeout_seconds=900)
def fetch_pages_task(entries: list[FeedEntry], outlet: str | None) -> list[RawItem | ItemFailure]:
    """Network: the listed pages, several at once (per-host limits hold)."""
    with ThreadPoolExecutor(max_workers=current().settings.fetch_workers) as pool:
        return list(pool.map(lambda e: _page(e, outlet), entries))
