"""Maintenance: stored articles placed in stories again (``rebuild-stories``);
with ``--dask``, their texts are read on a Dask cluster (:mod:`flows.backfill`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prefect import flow

from extractors.stories import Description
from storage.queries import article_texts, story_count
from storage.retention import pruned_profiles
from storage.stories import reset_stories

from .backfill import on_dask, read_ahead
from .ingest import batches
from .runtime import current
from .tasks import Reading, detect_events_task, place_stories_task, read_articles_task

__all__ = ["rebuild_stories"]


@flow(name="rebuild-stories", log_prints=False)
def rebuild_stories() -> int:
    """Place every stored article in stories again, in arrival order (after an
    upgrade from a version that kept one story per article, or a change of the
    story rules); events and alerts are untouched. Returns the story count."""
    rt = current()
    engine = rt.engine
    ids = reset_stories(engine)
    chunks = batches(iter(ids), rt.settings.batch_size)
    if on_dask():  # read on the cluster, placed here in arrival order (flows.backfill)
        kept_of: dict[int, dict[int, Description]] = {}  # a batch's pruned profiles, by its first id

        def submit(batch: list[int]) -> Any:
            kept_of[batch[0]] = kept = pruned_profiles(engine, batch)
            return read_articles_task.submit(article_texts(engine, [i for i in batch if i not in kept]))

        ahead: Iterator[tuple[list[int], list[Reading]]] = read_ahead(submit, chunks, 2 * rt.settings.workers)
        for batch, read in ahead:
            place_stories_task(_placed(kept_of.pop(batch[0]), read))
    else:
        for batch in chunks:
            kept = pruned_profiles(engine, batch)  # pruned texts: placed from their stored profiles
            read = detect_events_task([i for i in batch if i not in kept])
            place_stories_task(_placed(kept, read))
    return story_count(engine, ids)


def _placed(kept: dict[int, Description], read: list[Reading]) -> list[tuple[int, Description]]:
    """A batch's articles and descriptions, in arrival order: those read now,
    and the pruned ones from their stored profiles."""
    return sorted([*kept.items(), *((r.article_id, r.description) for r in read)], key=lambda p: p[0])
