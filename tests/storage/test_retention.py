"""Retention on SQLite and PostgreSQL: ``prune`` empties old texts, fingerprints
and copies, and keeps every event, its evidence, and what copy detection and
story placement still need."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from extractors.articles import content_hash
from extractors.models import ArticleDoc
from extractors.stories import ArticleText, read_article
from storage.database import open_engine, session_scope
from storage.ingest import ensure_source, record_mentions, store_articles
from storage.models import Article, ArticleBand, ArticleCopy
from storage.queries import list_articles, list_events
from storage.retention import prune, pruned_profiles
from storage.stories import place, reset_stories

OLD = datetime(2020, 3, 1, tzinfo=UTC)
NEW = datetime(2026, 11, 1, tzinfo=UTC)
CUT = datetime(2021, 1, 1, tzinfo=UTC)


def _doc(name: str, text: str, published: datetime | None) -> ArticleDoc:
    return ArticleDoc(
        source_id=name, text=text, content_hash=content_hash(text), title=name, published=published
    )


def _ingest(engine: Engine, source: int, docs: list[ArticleDoc], *, process: bool = True) -> list[int]:
    stored = store_articles(engine, source, docs)
    new = [(s.article_id, d) for s, d in zip(stored, docs, strict=True) if s.new]
    if process and new:
        read = [read_article(ArticleText(a, d.title, d.text, d.published)) for a, d in new]
        record_mentions(
            engine, [(a, ms) for a, ms, _ in read], routes=["ops"], stories=[(a, d) for a, _, d in read]
        )
    return [s.article_id for s in stored]


def _counts(engine: Engine) -> tuple[int, int]:
    with session_scope(engine) as s:
        copies = s.execute(sa.select(sa.func.count()).select_from(ArticleCopy)).scalar_one()
        bands = s.execute(sa.select(sa.func.count()).select_from(ArticleBand)).scalar_one()
    return int(copies), int(bands)


def _seeds(seeds_dir: Path) -> list[str]:
    return [p.read_text("utf-8") for p in sorted(seeds_dir.glob("*.txt"))]


def test_prune_keeps_events_and_evidence_and_empties_old_texts(db_url: str, seeds_dir: Path) -> None:
    engine = open_engine(db_url)
    source = ensure_source(engine, "corpus", "/retention")
    texts = _seeds(seeds_dir)
    old = _ingest(engine, source, [_doc("old-0", texts[0], OLD), _doc("old-1", texts[1], None)])
    _ingest(engine, source, [_doc("old-0-again", texts[0], OLD)])  # a copy sighting of old-0
    [recent] = _ingest(engine, source, [_doc("new-2", texts[2], NEW)])
    [unread] = _ingest(engine, source, [_doc("old-3", texts[3], OLD)], process=False)
    events_before = list_events(engine)
    assert events_before, "the seeds state events"
    copies_before, bands_before = _counts(engine)
    assert copies_before == 5  # every sighting: the first of each text, and old-0's again

    dry = prune(engine, CUT, dry_run=True)
    assert (dry.articles, dry.copies) == (1, 2)  # old-1 has no date: ingested today, so it is new
    assert _counts(engine) == (copies_before, bands_before)  # a dry run changes nothing

    done = prune(engine, CUT)
    assert done == dry
    assert done.bands > 0 and _counts(engine) == (copies_before - 2, bands_before - done.bands)
    assert list_events(engine) == events_before  # events, mentions, evidence: all kept
    shown = {a["source_id"]: a for a in list_articles(engine)}
    assert shown["old-0"]["text"] == "" and shown["old-0"]["pruned"]
    assert shown["old-0"]["title"] == "old-0" and shown["old-0"]["story_id"] is not None
    for kept in ("old-1", "new-2", "old-3"):  # too new, or not read yet
        assert shown[kept]["text"] and not shown[kept]["pruned"]
    assert recent != unread != old[0]

    assert prune(engine, CUT).articles == 0  # run again: nothing left to do
    # the same text seen again is still a copy, not news
    [again] = store_articles(engine, source, [_doc("old-0-later", texts[0], OLD)])
    assert not again.new and again.article_id == old[0]


def test_rebuilt_stories_place_pruned_articles_from_their_profiles(db_url: str, seeds_dir: Path) -> None:
    engine = open_engine(db_url)
    source = ensure_source(engine, "corpus", "/retention")
    ids = _ingest(engine, source, [_doc(f"a{i}", t, OLD) for i, t in enumerate(_seeds(seeds_dir))])

    def partition() -> set[frozenset[int]]:
        with session_scope(engine) as s:
            rows = s.execute(sa.select(Article.id, Article.story_id)).all()
        groups: dict[int, set[int]] = {}
        for article, story in rows:
            assert story is not None
            groups.setdefault(story, set()).add(article)
        return {frozenset(g) for g in groups.values()}

    before = partition()
    assert prune(engine, CUT).articles == len(ids)
    order = reset_stories(engine)
    profiles = pruned_profiles(engine, order)
    assert sorted(profiles) == sorted(ids)
    place(engine, sorted(profiles.items()))
    assert partition() == before
