"""The flows: ingest → process → alert, composed by ``replay``.

``ingest_corpus`` reads an offline corpus in batches and stores its articles;
``process_articles`` finds the events in stored articles and writes them with
their outbox alerts; ``deliver_alerts`` sends what the outbox holds. Each can
run on its own (the later deployments do); ``replay`` runs all three.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from prefect import flow, get_run_logger

from extractors.corpus import corpus_files, read_corpus
from extractors.models import ItemFailure, RawItem
from storage.database import open_engine
from storage.ingest import ensure_source
from storage.queries import story_count, unprocessed_article_ids
from storage.runs import fail_run, finish_run, start_run

from . import progress
from .settings import get_settings
from .tasks import (
    deliver_alerts_task,
    detect_events_task,
    extract_articles_task,
    record_events_task,
    store_articles_task,
)

__all__ = ["IngestResult", "deliver_alerts", "ingest_corpus", "process_articles", "replay"]

T = TypeVar("T")


def _batches(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while batch := list(islice(items, size)):
        yield batch


@dataclass
class IngestResult:
    seen: int = 0
    new_article_ids: list[int] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)


@flow(name="ingest-corpus", log_prints=False)
def ingest_corpus(path: str) -> IngestResult:
    """Read a folder or file of articles and store them (exact copies once)."""
    settings = get_settings()
    engine = open_engine(settings.database_url)
    root = Path(path).expanduser().resolve()
    source = ensure_source(engine, "corpus", str(root), name=root.name)
    total = len(corpus_files(root)) if root.is_dir() else None
    result = IngestResult()
    items: Iterator[RawItem | ItemFailure] = read_corpus(root, max_bytes=settings.max_item_bytes)
    for batch in _batches(items, settings.batch_size):
        docs, failures = extract_articles_task(batch)
        stored = store_articles_task(source, docs) if docs else []
        result.seen += len(batch)
        result.errors.extend({"source_id": f.source_id, "error": f.error} for f in failures)
        result.article_ids.extend(s.article_id for s in stored)
        result.new_article_ids.extend(s.article_id for s in stored if s.new)
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
    """Find and store the events of these articles; returns new event ids."""
    settings = get_settings()
    new_events: list[int] = []
    for batch in _batches(iter(article_ids), settings.batch_size):
        found = detect_events_task(batch)
        recorded = record_events_task(found)
        new_events.extend(recorded.new_event_ids)
    get_run_logger().info("%d articles processed: %d new events", len(article_ids), len(new_events))
    return new_events


@flow(name="deliver-alerts", log_prints=False)
def deliver_alerts() -> int:
    """Send every due alert in the outbox; returns how many were sent."""
    report = deliver_alerts_task()
    logger = get_run_logger()
    for error in report.errors:
        logger.warning(error)
    logger.info("alerts: %d sent, %d to retry, %d dead", report.sent, report.failed, report.dead)
    return report.sent


@flow(name="replay", log_prints=False)
def replay(path: str) -> dict[str, Any]:
    """Replay an offline corpus end to end: ingest, process, alert.

    Returns the ``replay --json`` summary.
    """
    engine = open_engine(get_settings().database_url)
    run_id = start_run(engine, "replay", path)
    try:
        ingested = ingest_corpus(path)
        new_events = process_articles(unprocessed_article_ids(engine))
        sent = deliver_alerts()
    except BaseException as exc:
        fail_run(engine, run_id, f"{type(exc).__name__}: {exc}")
        raise
    summary: dict[str, Any] = {
        "articles_seen": ingested.seen,
        "articles_new": len(ingested.new_article_ids),
        "stories": story_count(engine, ingested.article_ids),
        "events_new": len(new_events),
        "alerts_sent": sent,
        "errors": ingested.errors,
    }
    finish_run(
        engine, run_id, stats={k: v for k, v in summary.items() if k != "errors"}, errors=ingested.errors
    )
    return summary
