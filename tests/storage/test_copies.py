"""Copies on SQLite and PostgreSQL: near-duplicates and updates are versions of one
article; two processes storing copies at once make one original."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import sqlalchemy as sa

from extractors.articles import content_hash
from extractors.models import ArticleDoc
from storage.database import open_engine
from storage.ingest import ensure_source, store_articles

from .race import race


def _doc(source_id: str, text: str, url: str | None = None) -> ArticleDoc:
    return ArticleDoc(source_id=source_id, text=text, content_hash=content_hash(text), url=url, title="T")


def _seed(seeds_dir: Path, n: int) -> str:
    return sorted(seeds_dir.glob("*.txt"))[n].read_text("utf-8")


def _edited(text: str, tag: str) -> str:
    paras = text.split("\n")
    return "\n".join([f"{tag}: a headline of our own", *paras[1:4], *paras[5:], f"Distributed by {tag}."])


def test_a_near_duplicate_is_a_version_of_the_article(db_url: str, seeds_dir: Path) -> None:
    engine = open_engine(db_url)
    source = ensure_source(engine, "corpus", "/c")
    text = _seed(seeds_dir, 0)
    [first] = store_articles(engine, source, [_doc("a", text)])
    copy, other = store_articles(
        engine, source, [_doc("b", _edited(text, "Wire")), _doc("c", _seed(seeds_dir, 1))]
    )
    assert first.new and first.copy_of is None
    assert copy.new and copy.copy_of == first.article_id
    assert other.copy_of is None
    assert first.story_id is None  # stories are found when articles are processed (test_stories)
    # a copy of the copy is a version of the original, not a chain
    [again] = store_articles(engine, source, [_doc("d", _edited(text, "Other wire"))])
    assert again.copy_of == first.article_id


def test_another_text_at_the_same_page_is_an_update(db_url: str, seeds_dir: Path) -> None:
    engine = open_engine(db_url)
    source = ensure_source(engine, "feed", "https://example.test/feed")
    url = "https://example.test/news/1?utm_source=rss"
    [first] = store_articles(engine, source, [_doc("1", _seed(seeds_dir, 3), url)])
    update = _seed(seeds_dir, 3) + "\nChina said on Monday it would retaliate with tariffs on U.S. soybeans."
    [second] = store_articles(
        engine, source, [_doc("1-updated", update, "https://EXAMPLE.test/news/1?utm_medium=email#top")]
    )
    assert second.new and second.copy_of == first.article_id


def _store_in_process(url: str, texts: list[str], start: multiprocessing.synchronize.Event) -> None:
    engine = open_engine(url)
    source = ensure_source(engine, "corpus", "/race")
    name = multiprocessing.current_process().name
    docs = [_doc(f"{name}-{i}", text) for i, text in enumerate(texts)]
    start.wait()
    store_articles(engine, source, docs)  # one transaction: the two overlap


def test_two_processes_storing_copies_at_once_make_one_original(
    pg_url: str, seeds_dir: Path, corpora_dir: Path
) -> None:
    open_engine(pg_url)  # migrate before the race
    truth = (corpora_dir / "fundus-pages" / "truth.jsonl").read_text("utf-8").splitlines()
    texts = [_seed(seeds_dir, n) for n in range(5)] + [json.loads(line)["articleBody"] for line in truth[:35]]
    race(_store_in_process, [(pg_url, [_edited(t, f"outlet {w}") for t in texts]) for w in range(2)])
    with open_engine(pg_url).connect() as conn:
        originals = conn.execute(sa.text("SELECT count(*) FROM articles WHERE copy_of IS NULL")).scalar_one()
        chained = conn.execute(
            sa.text(
                "SELECT count(*) FROM articles a JOIN articles o ON a.copy_of = o.id"
                " WHERE o.copy_of IS NOT NULL"
            )
        ).scalar_one()
        total = conn.execute(sa.text("SELECT count(*) FROM articles")).scalar_one()
    assert (originals, chained, total) == (len(texts), 0, 2 * len(texts))


def test_replaying_an_article_and_its_version_adds_no_sighting(db_url: str, seeds_dir: Path) -> None:
    """Issue 17, finding 7: replaying a.txt and b.txt (a plus one sentence) three
    times gave 2, 3, 3 sightings; the second replay counted b's under b."""
    engine = open_engine(db_url)
    source = ensure_source(engine, "corpus", "/c")
    text = _seed(seeds_dir, 0)
    docs = [_doc("a", text), _doc("b", text + "\nOfficials declined to comment further.")]
    counts = []
    for _ in range(3):
        stored = store_articles(engine, source, docs)
        with engine.connect() as conn:
            counts.append(conn.execute(sa.text("SELECT count(*) FROM article_copies")).scalar())
    assert stored[1].article_id != stored[0].article_id  # b is a version of its own, seen again
    assert counts == [2, 2, 2]


def test_large_batches_take_few_locks_at_a_time(pg_url: str, seeds_dir: Path) -> None:
    """PostgreSQL's shared lock table (max_locks_per_transaction x connections,
    about 6,400 here) serves every session: while another holds 4,000 advisory
    locks, 200 articles (about 45 band locks each) are stored and recorded, in
    transactions small enough to fit."""
    import random

    from extractors.stories import ArticleText, read_article
    from storage.ingest import record_mentions

    rng = random.Random(3)
    paragraphs = [p for s in sorted(seeds_dir.glob("*.txt")) for p in s.read_text("utf-8").split("\n") if p]
    docs = [_doc(f"d{n}", "\n".join(rng.sample(paragraphs, 6)) + f"\nItem {n}.") for n in range(200)]
    engine = open_engine(pg_url)
    source = ensure_source(engine, "corpus", "/locks")
    other = open_engine(pg_url).connect()
    other.execute(sa.text("SELECT count(pg_advisory_xact_lock(k)) FROM generate_series(1, 4000) AS k"))
    try:
        stored = store_articles(engine, source, docs)
        read = [
            read_article(ArticleText(s.article_id, "T", d.text, None))
            for s, d in zip(stored, docs, strict=True)
            if s.new
        ]
        record_mentions(engine, [(a, m) for a, m, _ in read], routes=[], stories=[(a, d) for a, _, d in read])
    finally:
        other.rollback()
        other.close()
    with engine.connect() as conn:
        assert (
            conn.execute(sa.text("SELECT count(*) FROM articles WHERE processed_at IS NULL")).scalar_one()
            == 0
        )
    assert len(stored) == 200
