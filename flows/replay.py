"""The flows: ingest → process → alert, composed by ``replay``.

``ingest_corpus`` reads an offline corpus in batches and stores its articles
with their stories, events and outbox alerts (:mod:`flows.pipeline`);
``process_articles`` does the reading for stored articles left unprocessed;
``deliver_alerts`` sends what the outbox holds. Each can run on its own (the
deployments do); ``replay`` does the same steps in turn, and ``monitor`` polls
the live sources in place of the corpus. They share plain step functions
rather than calling each other as subflows: a subflow costs about a second of
API round trips (measured against a running server: a flow with one task
1.1 s, the same with two subflows 3.1 s), more than the seeds take to read.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from prefect import flow, get_run_logger, tags
from sqlalchemy.engine import Engine

from extractors.corpus import corpus_files, read_corpus
from extractors.exceptions import FeedError
from extractors.fetching import decode_html
from extractors.models import ItemFailure, RawItem
from storage.database import open_engine
from storage.ingest import ensure_source
from storage.queries import story_count, unprocessed_article_ids
from storage.runs import fail_run, finish_run, start_run
from storage.sources import SourceState, claim_due, known_urls, record_failure, record_success
from storage.stories import reset_stories

from . import progress
from .artifacts import publish_run
from .events import announce
from .settings import get_settings
from .tasks import (
    Poll,
    deliver_alerts_task,
    detect_events_task,
    fetch_pages_task,
    ingest_items_task,
    parse_feed_task,
    place_stories_task,
    poll_source_task,
    record_events_task,
)

__all__ = [
    "IngestResult",
    "deliver_alerts",
    "ingest_corpus",
    "monitor",
    "process_articles",
    "rebuild_stories",
    "replay",
]

T = TypeVar("T")


def _batches(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while batch := list(islice(items, size)):
        yield batch


@dataclass
class IngestResult:
    seen: int = 0
    new_article_ids: list[int] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    new_event_ids: list[int] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)


def _store_batch(source: int, batch: list[RawItem | ItemFailure], result: IngestResult) -> None:
    """Read, store and record one batch of a source's items (the task announces
    the new events, :func:`flows.events.announce`); count it in ``result``."""
    got = ingest_items_task(source, batch)
    result.seen += len(batch)
    result.errors.extend({"source_id": f.source_id, "error": f.error} for f in got.failures)
    result.article_ids.extend(got.article_ids)
    result.new_article_ids.extend(got.new_article_ids)
    result.new_event_ids.extend(got.new_event_ids)


@flow(name="ingest-corpus", log_prints=False)
def ingest_corpus(path: str) -> IngestResult:
    """Read a folder or file of articles and store them (exact copies once),
    with their stories and events (new events get their outbox alerts)."""
    return _ingest_corpus(path)


def _ingest_corpus(path: str) -> IngestResult:
    settings = get_settings()
    engine = open_engine(settings.database_url)
    root = Path(path).expanduser().resolve()
    source = ensure_source(engine, "corpus", str(root), name=root.name)
    total = len(corpus_files(root)) if root.is_dir() else None
    result = IngestResult()
    items: Iterator[RawItem | ItemFailure] = read_corpus(root, max_bytes=settings.max_item_bytes)
    for batch in _batches(items, settings.batch_size):
        _store_batch(source, batch, result)
        progress.advance(result.seen, total)
    get_run_logger().info(
        "read %d items: %d new articles, %d failed",
        result.seen,
        len(result.new_article_ids),
        len(result.errors),
    )
    return result


@flow(name="process-articles", log_prints=False)
def process_articles(article_ids: list[int]) -> list[int]:
    """Find and store the events of these stored articles; returns new event ids.

    The ingesting flows record what they store as they go; this reads what they
    left unprocessed (a run that died between storing and recording, or articles
    stored by an older version)."""
    return _process_articles(article_ids)


def _process_articles(article_ids: list[int]) -> list[int]:
    settings = get_settings()
    engine = open_engine(settings.database_url)
    new_events: list[int] = []
    for batch in _batches(iter(article_ids), settings.batch_size):
        found = detect_events_task(batch)
        recorded = record_events_task(found)
        announce(engine, recorded.new_event_ids)
        new_events.extend(recorded.new_event_ids)
    get_run_logger().info("%d articles processed: %d new events", len(article_ids), len(new_events))
    return new_events


LINGER_STEP = 2.0  # seconds between two reads of the outbox while lingering
LINGER_MAX = 10  # a run lingers at most this many windows (a steady trickle is left to the next run)


@flow(name="deliver-alerts", log_prints=False)
def deliver_alerts(linger: float = 0.0) -> int:
    """Send every due alert in the outbox; returns how many were sent.

    ``linger`` (seconds): read the outbox again every couple of seconds until it
    has been empty that long (at most ``LINGER_MAX`` times that in all), so one
    run started by the first event of a burst also sends the burst's later
    alerts (the detected-event trigger's debounce)."""
    return _deliver_alerts(linger).sent


@dataclass
class Delivered:
    """What a delivery step did: alerts sent, and alerts whose send failed
    (to be retried, or dead), with the reasons."""

    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _deliver_alerts(linger: float = 0.0) -> Delivered:
    logger = get_run_logger()
    done = Delivered()
    quiet_since = started = time.monotonic()
    while True:
        report = deliver_alerts_task()
        for error in report.errors:
            logger.warning(error)
        if report.sent or report.failed or report.dead:
            logger.info("alerts: %d sent, %d to retry, %d dead", report.sent, report.failed, report.dead)
        done.sent += report.sent
        done.failed += report.failed + report.dead
        done.errors.extend(report.errors)
        if report.sent:
            quiet_since = time.monotonic()
        now = time.monotonic()
        if now - quiet_since >= linger or now - started >= LINGER_MAX * linger:
            return done
        time.sleep(LINGER_STEP)


@flow(name="replay", log_prints=False)
def replay(path: str, deliver: bool = True) -> dict[str, Any]:
    """Replay an offline corpus end to end: ingest, process, alert.

    ``deliver=False`` leaves the alerts to the delivery deployment (which the
    new events' announcements start). Returns the ``replay --json`` summary.
    """
    engine = open_engine(get_settings().database_url)
    run_id = start_run(engine, "replay", path)
    try:
        ingested = _ingest_corpus(path)
        new_events = ingested.new_event_ids + _leftovers(engine)
        delivered = _deliver_alerts() if deliver else Delivered()
    except BaseException as exc:
        fail_run(engine, run_id, f"{type(exc).__name__}: {exc}")
        raise
    return _finish(engine, run_id, {}, ingested, new_events, delivered)


def _leftovers(engine: Engine) -> list[int]:
    """Process what is stored but unread (nothing, unless a run died midway)."""
    pending = unprocessed_article_ids(engine)
    return _process_articles(pending) if pending else []


def _finish(
    engine: Any,
    run_id: int,
    head: dict[str, Any],
    ingested: IngestResult,
    new_events: list[int],
    delivered: Delivered,
) -> dict[str, Any]:
    """Record the run and return its summary (``replay --json``, ``run --json``)."""
    summary: dict[str, Any] = {
        **head,
        "articles_seen": ingested.seen,
        "articles_new": len(ingested.new_article_ids),
        "stories": story_count(engine, ingested.article_ids),
        "events_new": len(new_events),
        "alerts_sent": delivered.sent,
        "alerts_failed": delivered.failed,
        "errors": ingested.errors,
        "alert_errors": delivered.errors,
    }
    finish_run(
        engine,
        run_id,
        stats={k: v for k, v in summary.items() if k not in ("errors", "alert_errors")},
        errors=ingested.errors,
    )
    try:
        publish_run(engine, summary, ingested.article_ids, new_events)
    except Exception:  # the run's work is done and recorded: a failed upload must not fail it
        get_run_logger().warning("could not publish the run's artifacts", exc_info=True)
    return summary


def _store(source: int, items: list[RawItem | ItemFailure], result: IngestResult, batch: int) -> None:
    for part in _batches(iter(items), batch):
        _store_batch(source, part, result)


def _poll(engine: Engine, poll: Poll, result: IngestResult, batch: int) -> str:
    """Ingest what one polled source offers (a page's failure goes to ``result.errors``);
    returns the source's status line."""
    source, got = poll.source, poll.fetched
    assert got is not None
    if got.not_modified:
        return "304 not modified"
    if source.kind == "page":
        items: list[RawItem | ItemFailure] = [
            RawItem(
                source.url,
                "html",
                decode_html(got.body, got.content_type),
                url=source.url,
                outlet=source.name,
            )
        ]
        _store(source.id, items, result, batch)
        return "200"
    entries = parse_feed_task(poll)
    known = known_urls(engine, [e.url for e in entries])
    fresh = [e for e in entries if e.url not in known]
    items = fetch_pages_task(fresh, source.name) if fresh else []
    failed = sum(isinstance(i, ItemFailure) for i in items)
    _store(source.id, items, result, batch)
    return f"200: {len(entries)} entries, {len(fresh)} fetched, {failed} failed"


def _cycle(engine: Engine, source: SourceState, result: IngestResult, batch: int) -> str:
    """Poll one claimed source and ingest what it offers; record the outcome
    on the source. Returns ``"failed"``, ``"not modified"`` or ``"ok"``."""
    poll = poll_source_task(source)
    if poll.error is not None:
        record_failure(engine, source, poll.error, retry_after=poll.retry_after)
        result.errors.append({"source_id": source.url, "error": poll.error})
        return "failed"
    try:
        status = _poll(engine, poll, result, batch)
    except Exception as exc:  # a bad feed, or anything else: recorded, and the cycle goes on
        error = str(exc) if isinstance(exc, FeedError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, FeedError):
            get_run_logger().exception("source %s failed", source.id)
        record_failure(engine, source, error)
        result.errors.append({"source_id": source.url, "error": error})
        return "failed"
    assert poll.fetched is not None
    record_success(
        engine, source, status=status, etag=poll.fetched.etag, last_modified=poll.fetched.last_modified
    )
    return "not modified" if poll.fetched.not_modified else "ok"


@flow(name="monitor", log_prints=False)
def monitor(only: list[int] | None = None, every: bool = False, deliver: bool = True) -> dict[str, Any]:
    """One monitoring cycle: poll the due feeds and pages (conditionally), fetch
    and store their new articles, then process them and send the alerts.

    A source that fails is recorded (error count, last error, a later next
    poll) and the cycle goes on with the others. ``every`` polls every source,
    due or not; ``deliver=False`` leaves the alerts to the delivery
    deployment. Returns the ``run --json`` summary."""
    settings = get_settings()
    engine = open_engine(settings.database_url)
    run_id = start_run(engine, "monitor", None)
    result = IngestResult()
    polled = not_modified = failed = 0
    try:
        for source in claim_due(engine, only=only or (), every=every):
            polled += 1
            host = urlsplit(source.url).hostname or "unknown"
            with tags(f"source:{source.name or source.id}", f"host:{host}"):  # for filtering in the UI
                outcome = _cycle(engine, source, result, settings.batch_size)
            failed += outcome == "failed"
            not_modified += outcome == "not modified"
        new_events = result.new_event_ids + _leftovers(engine)
        delivered = _deliver_alerts() if deliver else Delivered()
    except BaseException as exc:
        fail_run(engine, run_id, f"{type(exc).__name__}: {exc}")
        raise
    head = {"sources_polled": polled, "sources_not_modified": not_modified, "sources_failed": failed}
    return _finish(engine, run_id, head, result, new_events, delivered)


@flow(name="rebuild-stories", log_prints=False)
def rebuild_stories() -> int:
    """Place every stored article in stories again, in arrival order (after an
    upgrade from a version that kept one story per article, or a change of the
    story rules); events and alerts are untouched. Returns the story count."""
    engine = open_engine(get_settings().database_url)
    ids = reset_stories(engine)
    for batch in _batches(iter(ids), get_settings().batch_size):
        place_stories_task(detect_events_task(batch))
    return story_count(engine, ids)
