"""The ingesting flows' batch step (:func:`flows.pipeline.ingest_items`), and
what the next run does with articles a dead run stored but did not record."""

from __future__ import annotations

from pathlib import Path

import pytest

import flows.pipeline as pipeline
from extractors.adapters.parallel import MIN_BATCH, WorkerPool
from extractors.corpus import read_corpus
from extractors.models import ItemFailure, RawItem
from flows.ingest import replay
from flows.pipeline import ingest_items
from flows.runtime import Runtime, install
from flows.settings import Settings
from storage.database import open_engine
from storage.ingest import ensure_source
from storage.queries import list_events, unprocessed_article_ids


def _pages(corpora_dir: Path, n: int) -> list[RawItem | ItemFailure]:
    pages = sorted((corpora_dir / "fundus-pages" / "pages").glob("*.html"))[:n]
    return [RawItem(p.stem, "html", p.read_text("utf-8"), url=f"https://news.test/{p.stem}") for p in pages]


@pytest.mark.parametrize("workers", [1, 2])
def test_items_are_read_stored_and_recorded_in_chunks_and_failures_lose_nothing_else(
    sqlite_url: str, corpora_dir: Path, workers: int, request: pytest.FixtureRequest
) -> None:
    engine = open_engine(sqlite_url)
    source = ensure_source(engine, "feed", "https://news.test/feed")
    items = _pages(corpora_dir, MIN_BATCH + 3)
    items.insert(3, RawItem("empty", "text", "   "))
    items.insert(5, ItemFailure("gone", "404 Not Found"))
    pool = WorkerPool(workers)
    request.addfinalizer(pool.close)

    got = ingest_items(engine, source, items, routes=["r"], pool=pool, chunk=4)

    assert [f.source_id for f in got.failures] == ["empty", "gone"]
    assert len(got.article_ids) == len(got.new_article_ids) == MIN_BATCH + 3
    assert unprocessed_article_ids(engine) == []  # recorded as they were stored
    assert sorted(e["id"] for e in list_events(engine)) == sorted(got.new_event_ids)

    again = ingest_items(engine, source, items, routes=["r"], pool=pool, chunk=4)
    assert again.article_ids == got.article_ids  # the same articles, found as copies
    assert (again.new_article_ids, again.new_event_ids) == ([], [])


def test_articles_stored_by_a_run_that_died_before_recording_are_read_by_the_next(
    sqlite_url: str, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = open_engine(sqlite_url)
    source = ensure_source(engine, "corpus", str(seeds_dir))
    items = list(read_corpus(seeds_dir, max_bytes=1 << 20))

    def dies(*args: object, **kwargs: object) -> None:
        raise RuntimeError("worker killed")

    with monkeypatch.context() as m:
        m.setattr(pipeline, "record_mentions", dies)
        with pytest.raises(RuntimeError):
            ingest_items(engine, source, items, routes=["r"])
    stored = unprocessed_article_ids(engine)
    assert len(stored) == 5 and list_events(engine) == []

    install(Runtime(Settings(db_url=sqlite_url)))
    summary = replay(str(seeds_dir))  # its texts are copies now: only the leftovers give events
    assert summary["articles_new"] == 0
    assert summary["events_new"] == len(list_events(engine)) > 0
    assert unprocessed_article_ids(engine) == []
