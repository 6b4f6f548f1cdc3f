"""Stories in the database, on SQLite and PostgreSQL: the stored placement is the
in-memory clusterer's (splits included), and two processes placing one story's
articles at once make one story."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from extractors.articles import content_hash
from extractors.corpus import parse_datetime
from extractors.evaluation import _arrival_order
from extractors.models import ArticleDoc
from extractors.stories import JOIN, Profile, StoryClusterer, describe, score
from storage.database import open_engine
from storage.ingest import ensure_source, record_mentions, store_articles

from .race import race


def _records(corpora_dir: Path, *topics: int) -> list[dict[str, Any]]:
    path = corpora_dir / "ecbplus-dev" / "stories.jsonl"
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    return _arrival_order([r for r in records if int(r["topic"]) in topics])  # type: ignore[arg-type]


def _doc(r: dict[str, Any]) -> ArticleDoc:
    return ArticleDoc(
        source_id=r["id"],
        text=r["text"],
        content_hash=content_hash(r["text"]),
        title=r["title"],
        published=parse_datetime(r.get("published")),
    )


def _partition(groups: dict[Any, list[str]]) -> set[frozenset[str]]:
    return {frozenset(g) for g in groups.values()}


def _place(url: str, records: list[dict[str, Any]], batch: int = 7) -> None:
    engine = open_engine(url)
    source = ensure_source(engine, "corpus", "/ecb")
    for i in range(0, len(records), batch):
        part = records[i : i + batch]
        stored = store_articles(engine, source, [_doc(r) for r in part])
        placed = [
            (s.article_id, describe(r["title"], r["text"], parse_datetime(r.get("published"))))
            for s, r in zip(stored, part, strict=True)
        ]
        record_mentions(engine, [], routes=[], stories=placed)


def _stored_partition(url: str) -> set[frozenset[str]]:
    with open_engine(url).connect() as conn:
        rows = conn.execute(sa.text("SELECT story_id, source_item_id FROM articles")).all()
    groups: dict[Any, list[str]] = {}
    for story, item in rows:
        groups.setdefault(story, []).append(item)
    return _partition(groups)


def test_stored_stories_are_the_clusterers_splits_included(db_url: str, corpora_dir: Path) -> None:
    """ECB+ topics 2 and 12: two events of one kind each, which the online
    clusterer first merges and then splits (three times)."""
    records = _records(corpora_dir, 2, 12)
    clusterer = StoryClusterer()
    for r in records:
        clusterer.add(describe(r["title"], r["text"], parse_datetime(r.get("published"))))
    assert clusterer.splits >= 2
    groups: dict[Any, list[str]] = {}
    for r, label in zip(records, clusterer.labels, strict=True):
        groups.setdefault(label, []).append(r["id"])
    _place(db_url, records)
    assert _stored_partition(db_url) == _partition(groups)
    with open_engine(db_url).connect() as conn:
        sizes = conn.execute(
            sa.text(
                "SELECT s.size, count(a.id) FROM stories s JOIN articles a ON a.story_id = s.id"
                " WHERE a.copy_of IS NULL GROUP BY s.id"
            )
        ).all()
    assert all(size == count for size, count in sizes), sizes  # versions of an article are not counted


def test_an_article_is_placed_once_and_its_version_follows_it(db_url: str, corpora_dir: Path) -> None:
    records = _records(corpora_dir, 1)[:3]
    _place(db_url, records)
    before = _stored_partition(db_url)
    _place(db_url, records)  # the same texts again: nothing new to place
    engine = open_engine(db_url)
    source = ensure_source(engine, "corpus", "/ecb")
    edited = dict(records[0], id="edited", text=records[0]["text"] + "\nUpdated with a last line.")
    [version] = store_articles(engine, source, [_doc(edited)])
    assert version.copy_of is not None
    record_mentions(
        engine,
        [],
        routes=[],
        stories=[(version.article_id, describe(None, edited["text"]))],
    )
    after = _stored_partition(db_url)
    first = next(g for g in before if records[0]["id"] in g)
    assert first | {"edited"} in after and len(after) == len(before)


def _pairs(corpora_dir: Path, n: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Two articles of one story from each of ``n`` topics, each joining the
    other from either side by a wide margin."""
    path = corpora_dir / "ecbplus-dev" / "stories.jsonl"
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    pairs = []
    for topic in sorted({int(r["topic"]) for r in records}):
        mine = [r for r in records if int(r["topic"]) == topic]
        found = next(
            (
                (a, b)
                for i, a in enumerate(mine)
                for b in mine[i + 1 :]
                if a["cluster"] == b["cluster"]
                and min(
                    score(describe(a["title"], a["text"]), Profile.of([describe(b["title"], b["text"])])),
                    score(describe(b["title"], b["text"]), Profile.of([describe(a["title"], a["text"])])),
                )
                > JOIN + 0.5
            ),
            None,
        )
        if found:
            pairs.append(found)
        if len(pairs) == n:
            return pairs
    raise AssertionError("not enough pairs")


def _place_in_process(
    url: str, records: list[dict[str, Any]], start: multiprocessing.synchronize.Event
) -> None:
    engine = open_engine(url)
    source = ensure_source(engine, "corpus", "/race")
    stored = store_articles(engine, source, [_doc(r) for r in records])
    placed = [(s.article_id, describe(r["title"], r["text"])) for s, r in zip(stored, records, strict=True)]
    start.wait()
    record_mentions(engine, [], routes=[], stories=placed)


def test_two_processes_placing_one_storys_articles_at_once_make_one_story(
    pg_url: str, corpora_dir: Path
) -> None:
    open_engine(pg_url)  # migrate before the race
    pairs = _pairs(corpora_dir, 12)
    race(_place_in_process, [(pg_url, [p[w] for p in pairs]) for w in range(2)])
    partition = _stored_partition(pg_url)
    assert partition == {frozenset({a["id"], b["id"]}) for a, b in pairs}


def test_a_join_takes_the_profile_another_worker_changed_after_it_was_scored(pg_url: str) -> None:
    """The profile scored is used for the join only while its row is unchanged:
    a join committed by another transaction in between is kept, not overwritten."""
    from extractors.stories import describe as describe_one
    from storage.stories import _Stored

    engine = open_engine(pg_url)
    source = ensure_source(engine, "corpus", "/race")
    texts = [
        f"Steel tariffs of 25 percent on Chinese imports, round {i}, the ministry said." for i in range(3)
    ]
    stored = store_articles(
        engine,
        source,
        [ArticleDoc(source_id=f"a{i}", text=t, content_hash=content_hash(t)) for i, t in enumerate(texts)],
    )
    first, second, third = (s.article_id for s in stored)
    d = [describe_one(None, t, None) for t in texts]
    record_mentions(engine, [], routes=[], stories=[(first, d[0])])
    with engine.connect() as conn:
        story = int(
            conn.execute(sa.text("SELECT story_id FROM articles WHERE id = :i"), {"i": first}).scalar_one()
        )
    with engine.connect() as mine:
        stories = _Stored(mine, engine, third, "third")
        assert stories.profiles([story])[story].size == 1  # scored
        with engine.connect() as other:  # another worker joins the story and commits
            _Stored(other, engine, second, "second").join(story, d[1])
            other.commit()
        stories.join(story, d[2])
        mine.commit()
    with engine.connect() as conn:
        profile = conn.execute(
            sa.text("SELECT profile FROM stories WHERE id = :s"), {"s": story}
        ).scalar_one()
    assert Profile.from_json(profile).size == 3  # the other's join is kept
