"""Ingesting: an offline corpus read and stored with its stories, events and
outbox alerts (``ingest-corpus``); stored articles left unread processed
(``process-articles``); both, then delivery, as one run (``replay``).

The flows share plain step functions (``*_step``, :func:`store_batch`,
:func:`finish_run`) rather than calling each other as subflows: a subflow costs
about a second of API round trips (measured against a running server: a flow
with one task 1.1 s, the same with two subflows 3.1 s), more than the seeds
take to read. :mod:`flows.monitor` uses the same steps for live sources.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from prefect import flow, get_run_logger
from sqlalchemy.engine import Engine

from extractors.corpus import Shard, corpus_files, read_corpus
from extractors.models import ItemFailure, RawItem
from extractors.reading import ReadItem
from storage.ingest import ensure_source
from storage.queries import story_count, unprocessed_article_ids
from storage.runs import fail_run, start_run
from storage.runs import finish_run as record_run

from .artifacts import publish_run
from .backfill import on_dask, read_ahead
from .deliver import Delivered, deliver_step
from .events import announce
from .pipeline import Ingested
from .runtime import current
from .tasks import (
    detect_events_task,
    ingest_items_task,
    read_items_task,
    record_events_task,
    store_read_task,
)

__all__ = [
    "IngestResult",
    "batches",
    "finish_run",
    "ingest_corpus",
    "ingest_corpus_step",
    "leftovers",
    "process_articles",
    "process_articles_step",
    "replay",
    "store_batch",
]

T = TypeVar("T")


def batches(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while batch := list(islice(items, size)):
        yield batch


@dataclass
class IngestResult:
    seen: int = 0
    new_article_ids: list[int] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    new_event_ids: list[int] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)


def store_batch(source: int, batch: list[RawItem | ItemFailure], result: IngestResult) -> None:
    """Read, store and record one batch of a source's items (the task announces
    the new events, :func:`flows.events.announce`); count it in ``result``."""
    _tally(result, len(batch), ingest_items_task(source, batch))


def _tally(result: IngestResult, seen: int, got: Ingested) -> None:
    result.seen += seen
    result.errors.extend({"source_id": f.source_id, "error": f.error} for f in got.failures)
    result.article_ids.extend(got.article_ids)
    result.new_article_ids.extend(got.new_article_ids)
    result.new_event_ids.extend(got.new_event_ids)


@flow(name="ingest-corpus", log_prints=False)
def ingest_corpus(path: str, shard: str | None = None) -> IngestResult:
    """Read a folder or file of articles and store them (exact copies once),
    with their stories and events (new events get their outbox alerts).
    ``shard`` ("K/N"): only every N-th item, from the K-th (N runs, one per
    shard, on as many workers, read the corpus once between them)."""
    return ingest_corpus_step(path, shard)


def ingest_corpus_step(path: str, shard: str | None = None) -> IngestResult:
    rt = current()
    settings, engine = rt.settings, rt.engine
    part = Shard.parse(shard) if shard else None
    root = Path(path).expanduser().resolve()
    source = ensure_source(engine, "corpus", str(root), name=root.name)
    total = len(corpus_files(root)) if root.is_dir() and part is None else None
    result = IngestResult()
    items: Iterator[RawItem | ItemFailure] = read_corpus(root, max_bytes=settings.max_item_bytes, shard=part)
    if on_dask():  # read on the cluster, written here in order (flows.backfill)
        ahead: Iterator[tuple[list[RawItem | ItemFailure], list[ReadItem | ItemFailure]]] = read_ahead(
            read_items_task.submit, batches(items, settings.batch_size), 2 * settings.workers
        )
        for batch, read in ahead:
            _tally(result, len(batch), store_read_task(source, read))
            rt.progress(result.seen, total)
    else:
        for batch in batches(items, settings.batch_size):
            store_batch(source, batch, result)
            rt.progress(result.seen, total)
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
    return process_articles_step(article_ids)


def process_articles_step(article_ids: list[int]) -> list[int]:
    rt = current()
    settings, engine = rt.settings, rt.engine
    new_events: list[int] = []
    for batch in batches(iter(article_ids), settings.batch_size):
        found = detect_events_task(batch)
        recorded = record_events_task(found)
        announce(engine, recorded.new_event_ids)
        new_events.extend(recorded.new_event_ids)
    get_run_logger().info("%d articles processed: %d new events", len(article_ids), len(new_events))
    return new_events


@flow(name="replay", log_prints=False)
def replay(path: str, deliver: bool = True, shard: str | None = None) -> dict[str, Any]:
    """Replay an offline corpus end to end: ingest, process, alert.

    ``deliver=False`` leaves the alerts to the delivery deployment (which the
    new events' announcements start). ``shard`` ("K/N"): one of N parts of the
    corpus, for N runs on a work pool's workers. Returns the ``replay --json``
    summary.
    """
    engine = current().engine
    part = Shard.parse(shard) if shard else None  # a bad one fails before anything is written
    run_id = start_run(engine, "replay", f"{path} (shard {part})" if part else path)
    try:
        early = leftovers(engine)  # a run that died midway: its articles first, in arrival order
        ingested = ingest_corpus_step(path, shard)
        new_events = early + ingested.new_event_ids + leftovers(engine)
        delivered = deliver_step() if deliver else Delivered()
    except BaseException as exc:
        fail_run(engine, run_id, f"{type(exc).__name__}: {exc}")
        raise
    return finish_run(engine, run_id, {}, ingested, new_events, delivered)


def leftovers(engine: Engine) -> list[int]:
    """Process what is stored but unread (nothing, unless a run died midway).
    A run does this before it ingests too: stories depend on the order articles
    arrive in, so a run killed between storing and reading ends as one that
    was not (``tests/flows/test_chaos.py``)."""
    pending = unprocessed_article_ids(engine)
    return process_articles_step(pending) if pending else []


def finish_run(
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
    record_run(
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
