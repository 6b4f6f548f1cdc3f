"""Monitoring: one cycle over the due feeds and pages (``monitor``), polled
conditionally, their new articles fetched, stored and read, then the alerts
sent. What each poll's answer means is decided by :mod:`extractors.polling`;
this module does the network and database work around it."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, tags
from sqlalchemy.engine import Engine

from extractors.exceptions import FeedError
from extractors.models import ItemFailure, RawItem
from extractors.polling import failure_reason, feed_status, fresh_entries, host_tag, outcome, page_item
from storage.runs import fail_run, start_run
from storage.sources import SourceState, claim_due, known_urls, record_failure, record_success

from .deliver import Delivered, deliver_step
from .ingest import IngestResult, batches, finish_run, leftovers, store_batch
from .runtime import current
from .tasks import Poll, fetch_pages_task, parse_feed_task, poll_source_task

__all__ = ["monitor"]


def _store(source: int, items: list[RawItem | ItemFailure], result: IngestResult, batch: int) -> None:
    for part in batches(iter(items), batch):
        store_batch(source, part, result)


def _poll(engine: Engine, poll: Poll, result: IngestResult, batch: int) -> str:
    """Ingest what one polled source offers (a page's failure goes to ``result.errors``);
    returns the source's status line."""
    source, got = poll.source, poll.fetched
    assert got is not None
    if got.not_modified:
        return "304 not modified"
    if source.kind == "page":
        _store(source.id, [page_item(source.url, source.name, got)], result, batch)
        return "200"
    entries = parse_feed_task(poll)
    known = known_urls(engine, [e.url for e in entries])
    fresh = fresh_entries(entries, known)
    items = fetch_pages_task(fresh, source.name) if fresh else []
    failed = sum(isinstance(i, ItemFailure) for i in items)
    _store(source.id, items, result, batch)
    return feed_status(len(entries), len(fresh), failed)


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
        error = failure_reason(exc)
        if not isinstance(exc, FeedError):
            get_run_logger().exception("source %s failed", source.id)
        record_failure(engine, source, error)
        result.errors.append({"source_id": source.url, "error": error})
        return "failed"
    assert poll.fetched is not None
    record_success(
        engine, source, status=status, etag=poll.fetched.etag, last_modified=poll.fetched.last_modified
    )
    return outcome(poll.fetched)


@flow(name="monitor", log_prints=False)
def monitor(only: list[int] | None = None, every: bool = False, deliver: bool = True) -> dict[str, Any]:
    """One monitoring cycle: poll the due feeds and pages (conditionally), fetch
    and store their new articles, then process them and send the alerts.

    A source that fails is recorded (error count, last error, a later next
    poll) and the cycle goes on with the others. ``every`` polls every source,
    due or not; ``deliver=False`` leaves the alerts to the delivery
    deployment. Returns the ``run --json`` summary."""
    rt = current()
    settings, engine = rt.settings, rt.engine
    run_id = start_run(engine, "monitor", None)
    result = IngestResult()
    polled = not_modified = failed = 0
    try:
        early = leftovers(engine)  # a run that died midway: its articles first, in arrival order
        for source in claim_due(engine, only=only or (), every=every):
            polled += 1
            with tags(f"source:{source.name or source.id}", host_tag(source.url)):  # filters in the UI
                got = _cycle(engine, source, result, settings.batch_size)
            failed += got == "failed"
            not_modified += got == "not modified"
        new_events = early + result.new_event_ids + leftovers(engine)
        delivered = deliver_step() if deliver else Delivered()
    except BaseException as exc:
        fail_run(engine, run_id, f"{type(exc).__name__}: {exc}")
        raise
    head = {"sources_polled": polled, "sources_not_modified": not_modified, "sources_failed": failed}
    return finish_run(engine, run_id, head, result, new_events, delivered)
