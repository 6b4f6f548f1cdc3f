"""The batch step both ingesting flows share, as a plain function (no Prefect):
raw items → read in worker processes → stored, placed and recorded.

Worker processes turn each item into its article, events and story description
(:func:`extractors.reading.read_item`); as their results come in, this process
writes them in chunks of ``chunk`` items, each chunk in two transactions (the
articles, then the new ones' stories and events), so the database work of one
chunk overlaps the extraction of the next. An article stored but not recorded
(the process died between the two) is left unprocessed, and the
``process-articles`` flow reads it again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from extractors.adapters.parallel import WorkerPool
from extractors.models import ItemFailure, RawItem
from extractors.reading import ReadItem, read_item
from extractors.routing import AlertRules
from storage.ingest import DEFAULT_RULES, record_mentions, store_articles

__all__ = ["CHUNK", "Ingested", "ingest_items", "store_read"]

CHUNK = 25  # items written per transaction pair while the workers read the next ones


@dataclass(slots=True)
class Ingested:
    """What one batch of items gave."""

    article_ids: list[int] = field(default_factory=list)  # stored, new or seen before
    new_article_ids: list[int] = field(default_factory=list)
    new_event_ids: list[int] = field(default_factory=list)
    failures: list[ItemFailure] = field(default_factory=list)


def _write(
    engine: Engine,
    source: int,
    read: list[ReadItem],
    out: Ingested,
    routes: Sequence[str],
    rules: AlertRules,
    on_recorded: Callable[[list[int]], object] | None,
) -> None:
    stored = store_articles(engine, source, [r.doc for r in read])
    out.article_ids.extend(s.article_id for s in stored)
    new = [(s.article_id, r) for s, r in zip(stored, read, strict=True) if s.new]
    out.new_article_ids.extend(a for a, _ in new)
    if new:
        recorded = record_mentions(
            engine,
            [(a, r.mentions) for a, r in new],
            routes=routes,
            rules=rules,
            stories=[(a, r.description) for a, r in new],
        )
        out.new_event_ids.extend(recorded.new_event_ids)
        if on_recorded is not None and recorded.new_event_ids:
            on_recorded(recorded.new_event_ids)  # committed: what it starts finds them


def ingest_items(
    engine: Engine,
    source: int,
    items: Sequence[RawItem | ItemFailure],
    *,
    routes: Sequence[str],
    rules: AlertRules = DEFAULT_RULES,
    pool: WorkerPool | None = None,
    chunk: int = CHUNK,
    on_recorded: Callable[[list[int]], object] | None = None,
) -> Ingested:
    """Read, store and record one source's items (failures are returned, and
    lose nothing else); copies of stored texts are counted, not read again.
    ``pool``: the worker processes that read them (none: this process).
    ``on_recorded`` gets each chunk's new event ids once they are committed
    (so a later chunk's failure does not lose their announcement)."""
    results = pool.imap(read_item, items) if pool is not None else map(read_item, items)
    return store_read(
        engine, source, results, routes=routes, rules=rules, chunk=chunk, on_recorded=on_recorded
    )


def store_read(
    engine: Engine,
    source: int,
    results: Iterable[ReadItem | ItemFailure],
    *,
    routes: Sequence[str],
    rules: AlertRules = DEFAULT_RULES,
    chunk: int = CHUNK,
    on_recorded: Callable[[list[int]], object] | None = None,
) -> Ingested:
    """Store and record items already read (:func:`extractors.reading.read_item`),
    in chunks, as they come in; as :func:`ingest_items` does with what its
    workers read."""
    out = Ingested()
    pending: list[ReadItem] = []
    for result in results:
        if isinstance(result, ItemFailure):
            out.failures.append(result)
            continue
        pending.append(result)
        if len(pending) >= chunk:
            _write(engine, source, pending, out, routes, rules, on_recorded)
            pending = []
    if pending:
        _write(engine, source, pending, out, routes, rules, on_recorded)
    return out
