"""Per-article cost of storing and processing, as the store grows (SQLite or
PostgreSQL), with the query plans of the hot statements.

The stream mixes real text: articles assembled from paragraphs of the seeds,
../shared fundus-pages and ECB+ articles, and, one in ten, an edited copy of an
earlier article (a new headline, a paragraph dropped, a footer). Articles go in
batches of BATCH, the way the flows write them, through both deduplicating
steps:

* ingest: copies (content hash, canonical URL, MinHash bands), ``store_articles``;
* process: stories (the story_keys index) and events (per measure),
  ``record_mentions``.

Reading the events, describing the article and its fingerprint (CPU work that
does not depend on the store) are done in worker processes, off the clock.

One database is filled to each size in ``--sizes`` in turn (checkpoints on the
growth curve, each measured as it is reached). On PostgreSQL the database is
copied at every size (``CREATE DATABASE ... TEMPLATE``), and once the largest
is reached the copies are measured again in alternation, ``--rounds`` windows
each, so that the ratio compares sizes measured side by side on this shared,
noisy machine rather than an hour apart; the medians of those rounds give the
table and the ratio (target <= 1.5). ``--explain`` prints EXPLAIN ANALYZE of
the statements that took most time at the largest size (run in a transaction
that is rolled back). Peak memory (RSS) of this process is reported too.

Usage: python bench/scale.py [--db URL] [--sizes 1000,100000,300000] [--rounds 5] [--explain]
(a PostgreSQL URL names a server and a scratch database name, which is dropped
and created, with ``_<size>`` copies beside it)
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import statistics
import tempfile
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from extractors.adapters.parallel import WorkerPool
from extractors.articles import content_hash
from extractors.deduplication import fingerprint
from extractors.models import ArticleDoc, Mention
from extractors.signals import extract_mentions
from extractors.stories import Description, describe_news
from storage.database import open_engine
from storage.ingest import ensure_source, record_mentions, store_articles

ROOT = Path(__file__).parent.parent
SHARED = ROOT.parent / "shared" / "corpora"
WINDOW = 500
BATCH = 200
ANALYZE_EVERY = 20_000

Prepared = tuple[ArticleDoc, list[Mention], Description]


def _paragraphs() -> list[str]:
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    texts += [json.loads(line)["articleBody"] for line in (SHARED / "fundus-pages" / "truth.jsonl").open()]
    texts += [json.loads(line)["text"] for line in (SHARED / "ecbplus-dev" / "stories.jsonl").open()]
    return [p.strip() for t in texts for p in t.split("\n") if len(p.split()) >= 12]


class Stream:
    """An endless stream of real-text articles, one in ten an edited copy."""

    def __init__(self, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.pool = _paragraphs()
        self.made: deque[str] = deque(maxlen=5000)  # the recent ones, to copy from
        self.count = 0

    def next(self) -> ArticleDoc:
        n = self.count
        self.count += 1
        if self.made and self.rng.random() < 0.1:
            paras = self.rng.choice(self.made).split("\n")
            paras = [f"Copy {n}: {paras[0]}", *paras[1:]]
            if len(paras) > 4:
                paras.pop(self.rng.randrange(1, len(paras)))
            text = "\n".join([*paras, "Distributed by a wire service."])
        else:
            text = "\n".join(self.rng.sample(self.pool, self.rng.randint(5, 10)))
        self.made.append(text)
        return ArticleDoc(source_id=f"item-{n}", text=text, content_hash=content_hash(text))

    def take(self, count: int) -> list[ArticleDoc]:
        return [self.next() for _ in range(count)]


def prepare(doc: ArticleDoc) -> Prepared:
    """The store-independent CPU work of one article (in a worker process)."""
    mentions = extract_mentions(doc.text)
    return (
        replace(doc, fingerprint=fingerprint(doc.text)),
        mentions,
        describe_news(None, doc.text, None, mentions),
    )


def _load() -> None:
    extract_mentions("The United States imposed a 25% tariff on steel from China.")


def _write(engine: Engine, source: int, prepared: list[Prepared]) -> tuple[float, float]:
    """Store and process one batch; seconds in each database step."""
    t0 = time.perf_counter()
    stored = store_articles(engine, source, [p[0] for p in prepared])
    t1 = time.perf_counter()
    new = [(s.article_id, p) for s, p in zip(stored, prepared, strict=True) if s.new]
    record_mentions(
        engine,
        [(a, p[1]) for a, p in new],
        routes=["bench"],
        stories=[(a, p[2]) for a, p in new],
    )
    return t1 - t0, time.perf_counter() - t1


def _prepared(pool: WorkerPool, stream: Stream, count: int) -> Iterator[list[Prepared]]:
    for done in range(0, count, 2000):
        got: list[Prepared] = []
        for p in pool.imap(prepare, stream.take(min(2000, count - done))):
            got.append(p)
            if len(got) == BATCH:
                yield got
                got = []
        if got:
            yield got


def fill(engine: Engine, source: int, pool: WorkerPool, stream: Stream, count: int) -> None:
    written = 0
    for batch in _prepared(pool, stream, count):
        _write(engine, source, batch)
        written += len(batch)
        if written % ANALYZE_EVERY < BATCH:
            analyze(engine)
    analyze(engine)


def fill_share(url: str, count: int, seed: int) -> None:
    """One of ``--writers`` processes filling the store (its CPU work in-process)."""
    engine = open_engine(url)
    fill(engine, ensure_source(engine, "bench", "/bench/scale"), WorkerPool(1), Stream(seed=seed), count)
    engine.dispose()


def analyze(engine: Engine) -> None:
    """Vacuum and refresh the planner's statistics, as autovacuum does on a
    default PostgreSQL (this machine's has it off). Without statistics the copy
    lookup by band became a scan of every band (110 ms at 50,000 articles, 0.6
    ms once analysed); without a vacuum, which autovacuum also runs on tables
    that only grow (PostgreSQL 13 and later), index-only scans read the table's
    pages as well."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM (ANALYZE)"))


def window(engine: Engine, source: int, pool: WorkerPool, stream: Stream) -> tuple[float, float]:
    """Milliseconds per article (ingest, process) over the next WINDOW articles,
    their CPU work done first, off the clock."""
    batches = list(_prepared(pool, stream, WINDOW))
    ingest = process = 0.0
    for batch in batches:
        i, p = _write(engine, source, batch)
        ingest, process = ingest + i, process + p
    return ingest / WINDOW * 1000, process / WINDOW * 1000


class Statements:
    """Time per statement text (with one sample of its parameters), while on."""

    def __init__(self, engine: Engine) -> None:
        self.total: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)
        self.sample: dict[str, Any] = {}
        self.on = False
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        conn.info["bench_t0"] = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if self.on:
            self.total[statement] += time.perf_counter() - conn.info["bench_t0"]
            self.count[statement] += 1
            self.sample.setdefault(statement, params[0] if many else params)

    def top(self, n: int) -> list[tuple[str, float, int]]:
        ranked = sorted(self.total.items(), key=lambda kv: -kv[1])[:n]
        return [(s, t, self.count[s]) for s, t in ranked]


def explain(engine: Engine, statements: Statements, n: int = 8) -> None:
    print(f"\n## the {n} statements that took most time, EXPLAIN ANALYZE at the largest size")
    for statement, total, count in statements.top(n):
        flat = " ".join(statement.split())
        print(f"\n-- {total / count * 1000:.2f} ms x {count}: {flat[:300]}")
        params = statements.sample.get(statement)
        if flat.startswith("SELECT pg_advisory"):
            print("   (a lock: not explained)")
            continue
        with engine.connect() as conn:
            trans = conn.begin()
            try:
                plan = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", params).scalars().all()
            except sa.exc.DBAPIError as exc:  # its sample no longer applies (a duplicate key, say)
                print(f"   (not explained: {str(exc.orig).splitlines()[0]})")
                continue
            finally:
                trans.rollback()
        for line in plan[:14]:
            print(f"   {line}")
        if len(plan) > 14:
            print(f"   ... ({len(plan) - 14} more lines)")


def by_statement(timed: dict[int, Statements], sizes: list[int], articles: int, n: int = 10) -> None:
    """Where the growth is: the statements that took most time at the largest
    size, in milliseconds per article at every size (the side-by-side windows)."""
    print(f"\n## ms per article of the {n} costliest statements at the largest size, by size")
    print("  ".join(f"{size:>8}" for size in sizes) + "  statement")
    for statement, _, _ in timed[sizes[-1]].top(n):
        cells = [timed[size].total.get(statement, 0.0) / articles * 1000 for size in sizes]
        print("  ".join(f"{c:8.3f}" for c in cells) + "  " + " ".join(statement.split())[:110])
    rest = [sum(t.total.values()) / articles * 1000 for t in (timed[size] for size in sizes)]
    print("  ".join(f"{c:8.3f}" for c in rest) + "  (every statement, summed)")


def _pg_copy(admin: Engine, template: str, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--sizes", default="1000,100000,300000", help="stored articles to measure at")
    parser.add_argument(
        "--rounds", type=int, default=5, help="alternating windows per size at the end (PostgreSQL)"
    )
    parser.add_argument("--workers", type=int, default=2, help="processes for the CPU work")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--writers", type=int, default=1, help="processes filling the store, each its own stream"
    )
    parser.add_argument(
        "--resume", action="store_true", help="go on with the database an interrupted run left (PostgreSQL)"
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    url = make_url(args.db or f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    postgres = url.get_backend_name() == "postgresql"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT") if postgres else None
    main_db = str(url.database)
    if admin is not None and not args.resume:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{main_db}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{main_db}"'))
    engine = open_engine(url.render_as_string(hide_password=False))
    source = ensure_source(engine, "bench", "/bench/scale")
    stream = Stream()
    pool = WorkerPool(args.workers)
    pool.warm(_load)  # forked now, before any thread
    statements = Statements(engine)
    print(f"{url.get_backend_name()}, windows of {WINDOW} articles in batches of {BATCH}", flush=True)
    print("\n## growth (each size measured as it is reached)")
    print(f"{'stored':>8}  {'ingest ms':>9}  {'process ms':>10}  {'both ms':>8}  {'fill s':>7}", flush=True)
    stored = 0
    if args.resume:
        with engine.connect() as conn:
            stored = int(conn.execute(sa.text("SELECT count(*) FROM articles")).scalar_one())
        print(f"resumed at {stored:,} stored; measured before: {[s for s in sizes if s <= stored]}")
        stream = Stream(seed=stored)  # not the texts of the first run
    first: tuple[float, float] | None = None
    started = time.perf_counter()
    for size in sizes:
        if size <= stored:
            continue
        t0 = time.perf_counter()
        if args.writers > 1:
            engine.dispose()
            share = (size - stored) // args.writers
            with ProcessPoolExecutor(args.writers, mp_context=multiprocessing.get_context("spawn")) as ex:
                list(
                    ex.map(
                        fill_share,
                        [url.render_as_string(False)] * args.writers,
                        [share] * args.writers,
                        [10**7 + stored + w for w in range(args.writers)],
                    )
                )
            with engine.connect() as conn:
                stored = int(conn.execute(sa.text("SELECT count(*) FROM articles")).scalar_one())
            fill(engine, source, pool, stream, max(0, size - stored))
        else:
            fill(engine, source, pool, stream, size - stored)
        stored = size
        statements.on = size == sizes[-1]
        got = window(engine, source, pool, stream)
        statements.on = False
        stored += WINDOW
        first = first or got
        print(
            f"{size:>8}  {got[0]:9.2f}  {got[1]:10.2f}  {sum(got):8.2f}  {time.perf_counter() - t0:7.0f}",
            flush=True,
        )
        if admin is not None:
            engine.dispose()
            _pg_copy(admin, main_db, f"{main_db}_{size}")
    print(f"filled in {time.perf_counter() - started:.0f} s")
    if admin is not None and len(sizes) > 1:
        engine.dispose()
        copies = {
            size: open_engine(url.set(database=f"{main_db}_{size}").render_as_string(False)) for size in sizes
        }
        sources = {size: ensure_source(e, "bench", "/bench/scale") for size, e in copies.items()}
        for e in copies.values():
            analyze(e)  # where autovacuum would have left them
        held = {}
        for size, e in copies.items():
            with e.connect() as conn:
                held[size] = int(conn.execute(sa.text("SELECT count(*) FROM articles")).scalar_one())
        # new texts for each copy, and for each run on the same copies (a run's
        # windows add to them): the texts of an earlier run would all be copies
        streams = {size: Stream(seed=10**8 + held[size]) for size in sizes}
        per: dict[int, list[tuple[float, float]]] = {size: [] for size in sizes}
        timed = {size: Statements(e) for size, e in copies.items()}
        statements = timed[sizes[-1]]  # the largest's statements, for --explain
        for _ in range(args.rounds):
            for size in sizes:
                timed[size].on = True
                per[size].append(window(copies[size], sources[size], pool, streams[size]))
                timed[size].on = False
        print(f"\n## side by side: median of {args.rounds} alternating windows per size")
        print(
            f"{'size':>8}  {'stored':>8}  {'ingest ms':>9}  {'process ms':>10}  {'both ms':>8}  {'ratio':>6}"
        )
        base = None
        for size in sizes:
            ingest = statistics.median(i for i, _ in per[size])
            process = statistics.median(p for _, p in per[size])
            base = base or ingest + process
            both = ingest + process
            print(
                f"{size:>8}  {held[size]:>8}  {ingest:9.2f}  {process:10.2f}  {both:8.2f}  {both / base:6.2f}"
            )
        smallest, largest = sizes[0], sizes[-1]
        print(f"ratio {largest:,} / {smallest:,} stored (target <= 1.5): see the last row")
        by_statement(timed, sizes, args.rounds * WINDOW)
        if args.explain:
            explain(copies[largest], statements)
        for e in copies.values():
            e.dispose()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\npeak memory (this process): {peak:.0f} MiB")
        pool.close()
        return
    elif first is not None:
        print(f"ratio {sizes[-1]:,} / {sizes[0]:,} stored: {sum(got) / sum(first):.2f} (target <= 1.5)")
    if args.explain and postgres:
        explain(engine, statements)
    print(
        f"\npeak memory (this process): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    pool.close()


if __name__ == "__main__":
    main()
