"""Pages per second through tradewatch's whole live path, against a bare loop of
``trafilatura.extract`` over the same files, in one run.

The whole path: the 80 real pages of ../shared/corpora/fundus-pages served over
loopback, fetched by the polite client (no host delay: one local server), decoded,
extracted (trafilatura and cleaning), stored with copy detection, read for
signals and story terms, and recorded (stories, events, outbox) in a fresh
SQLite database; extraction and reading use one process per core, as the flows
do (the pool is started before the clock). Each side runs ROUNDS times; the
fastest round counts. The bare loop uses one core.
Usage: python bench/pages.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import trafilatura

from extractors.articles import to_articles
from extractors.evaluation import serve_folder
from extractors.fetching import FetchConfig, Fetcher, decode_html
from extractors.models import RawItem
from extractors.parallel import pmap
from extractors.stories import ArticleText, read_article
from storage.database import open_engine
from storage.ingest import ensure_source, record_mentions, store_articles

FOLDER = Path(__file__).parent.parent.parent / "shared" / "corpora" / "fundus-pages"


def bare(ids: list[str]) -> float:
    t0 = time.perf_counter()
    for page in ids:
        trafilatura.extract((FOLDER / "pages" / f"{page}.html").read_text("utf-8"), include_comments=False)
    return time.perf_counter() - t0


WORKERS = os.cpu_count() or 1


def whole(ids: list[str], base: str) -> float:
    engine = open_engine(f"sqlite:///{tempfile.mkdtemp()}/pages.db")
    source = ensure_source(engine, "feed", base)
    t0 = time.perf_counter()
    with Fetcher(FetchConfig(host_delay=0.0, robots=False)) as fetcher:
        items = []
        for page in ids:
            got = fetcher.get(f"{base}/{page}.html")
            items.append(
                RawItem(page, "html", decode_html(got.body, got.content_type), url=f"{base}/{page}.html")
            )
        docs, _ = to_articles(items, workers=WORKERS)
        stored = store_articles(engine, source, docs)
        texts = [
            ArticleText(s.article_id, d.title, d.text, d.published) for s, d in zip(stored, docs, strict=True)
        ]
        readings = pmap(read_article, texts, WORKERS)
        record_mentions(
            engine,
            [(a, m) for a, m, _ in readings],
            routes=["bench"],
            stories=[(a, d) for a, _, d in readings],
        )
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ids = [json.loads(line)["id"] for line in (FOLDER / "truth.jsonl").open()]
    with serve_folder(FOLDER / "pages") as base:
        whole(ids[:20], base)  # warm up: imports, gazetteers, wordfreq, the worker processes
        ours = min(whole(ids, base) for _ in range(args.rounds))
        alone = min(bare(ids) for _ in range(args.rounds))
    print(f"trafilatura.extract alone: {len(ids) / alone:6.1f} pages/s")
    print(f"whole path (fetch → stored with signals): {len(ids) / ours:6.1f} pages/s")
    print(f"ratio: {alone / ours:.2f} (target >= 0.90), with {WORKERS} worker processes")


if __name__ == "__main__":
    main()
