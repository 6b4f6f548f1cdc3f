"""Per-article cost of deduplication, with 1,000 and 100,000 articles stored.

The stream mixes real text: articles assembled from paragraphs of the seeds,
../shared fundus-pages and ECB+ articles, and, one in ten, an edited copy of an
earlier article (a new headline, a paragraph dropped, a footer). Each
measurement takes the next WINDOW articles in batches of BATCH, the way the
flows do, through both deduplicating steps:

* ingest: copies (content hash, canonical URL, MinHash bands), ``store_articles``;
* process: stories (the story_keys index) and events (per measure),
  ``record_mentions``; reading the events and describing the article (CPU
  work that does not depend on the store) is done before the clock starts.

It reports milliseconds per article for each step; the ratio of the two
measurements is the figure that matters (target <= 1.5). Peak memory (RSS) is
reported too.
Usage: python bench/dedup.py [--db URL] [--small 1000] [--large 100000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from collections import deque
from pathlib import Path

from sqlalchemy.engine import Engine

from extractors.articles import content_hash
from extractors.models import ArticleDoc
from extractors.signals import extract_mentions
from extractors.stories import describe_news
from storage.database import open_engine
from storage.ingest import ensure_source, record_mentions, store_articles

ROOT = Path(__file__).parent.parent
SHARED = ROOT.parent / "shared" / "corpora"
WINDOW = 500
BATCH = 200


def _paragraphs() -> list[str]:
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    texts += [json.loads(line)["articleBody"] for line in (SHARED / "fundus-pages" / "truth.jsonl").open()]
    texts += [json.loads(line)["text"] for line in (SHARED / "ecbplus-dev" / "stories.jsonl").open()]
    return [p.strip() for t in texts for p in t.split("\n") if len(p.split()) >= 12]


class Stream:
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


def _step(engine: Engine, source: int, stream: Stream, count: int) -> tuple[float, float]:
    """Ingest and process ``count`` articles; seconds spent in each database step."""
    ingest = process = 0.0
    for done in range(0, count, BATCH):
        docs = [stream.next() for _ in range(min(BATCH, count - done))]
        t0 = time.perf_counter()
        stored = store_articles(engine, source, docs)
        ingest += time.perf_counter() - t0
        by_id = {s.article_id: d for s, d in zip(stored, docs, strict=True) if s.new}
        found = [(aid, extract_mentions(d.text)) for aid, d in by_id.items()]
        placed = [(aid, describe_news(by_id[aid].title, by_id[aid].text, None, ms)) for aid, ms in found]
        t0 = time.perf_counter()
        record_mentions(engine, found, routes=["bench"], stories=placed)
        process += time.perf_counter() - t0
    return ingest, process


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = open_engine(url)
    source = ensure_source(engine, "bench", "/bench/dedup")
    stream = Stream()

    def measure(stored: int) -> tuple[float, float]:
        ingest, process = _step(engine, source, stream, WINDOW)
        per = (ingest / WINDOW * 1000, process / WINDOW * 1000)
        print(
            f"{stored:>7} stored: ingest {per[0]:6.2f} ms, process {per[1]:6.2f} ms per article", flush=True
        )
        return per

    _step(engine, source, stream, args.small)
    small = measure(args.small)
    filled = args.small + WINDOW
    while filled < args.large:
        step = min(10_000, args.large - filled)
        _step(engine, source, stream, step)
        filled += step
    large = measure(args.large)
    print(
        f"ratio: ingest {large[0] / small[0]:.2f}, process {large[1] / small[1]:.2f}, "
        f"both {sum(large) / sum(small):.2f} (target <= 1.5)"
    )
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
