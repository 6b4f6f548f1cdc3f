"""Maintenance: stored articles placed in stories again (``rebuild-stories``)."""

from __future__ import annotations

from prefect import flow

from storage.queries import story_count
from storage.retention import pruned_profiles
from storage.stories import reset_stories

from .ingest import batches
from .runtime import current
from .tasks import detect_events_task, place_stories_task

__all__ = ["rebuild_stories"]


@flow(name="rebuild-stories", log_prints=False)
def rebuild_stories() -> int:
    """Place every stored article in stories again, in arrival order (after an
    upgrade from a version that kept one story per article, or a change of the
    story rules); events and alerts are untouched. Returns the story count."""
    rt = current()
    engine = rt.engine
    ids = reset_stories(engine)
    for batch in batches(iter(ids), rt.settings.batch_size):
        kept = pruned_profiles(engine, batch)  # pruned texts: their stored profiles
        read = detect_events_task([i for i in batch if i not in kept])
        placed = sorted([*kept.items(), *((r.article_id, r.description) for r in read)], key=lambda p: p[0])
        place_stories_task(placed)
    return story_count(engine, ids)
