"""Pages per second through tradewatch's whole live path, against a bare loop of
``trafilatura.extract`` over the same files, in one run.

The whole path: the 80 real pages of ../shared/corpora/fundus-pages served over
loopback by a server process, fetched by the polite client (no host delay: one local server; 2 at once and
``fetch_workers`` threads, as the ``fetch-pages`` task does), decoded,
then the flows' own batch step (:func:`flows.pipeline.ingest_items`): extracted
(trafilatura with metadata, cleaning, copy fingerprint) and read for signals and
story terms in one process per core, and, as results come in, stored with copy
detection and recorded (stories, events, outbox) in a fresh SQLite database
(the pool is started before the clock). Each side runs ROUNDS times, in turn;
the fastest round of each counts. The bare loop uses one core.
Usage: python bench/pages.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import trafilatura

from extractors.adapters.fetching import FetchConfig, Fetcher
from extractors.encoding import decode_html
from extractors.models import ItemFailure, RawItem
from flows.pipeline import ingest_items
from flows.settings import Settings
from storage.database import open_engine
from storage.ingest import ensure_source

FOLDER = Path(__file__).parent.parent.parent / "shared" / "corpora" / "fundus-pages"


@contextmanager
def serve_elsewhere(folder: Path) -> Iterator[str]:
    """The files of ``folder`` over loopback from a server process of its own
    (``python -m http.server``): a site's work is not the fetcher's."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/", timeout=1.0)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield base
    finally:
        server.terminate()
        server.wait(5)


def bare(ids: list[str]) -> float:
    t0 = time.perf_counter()
    for page in ids:
        trafilatura.extract((FOLDER / "pages" / f"{page}.html").read_text("utf-8"), include_comments=False)
    return time.perf_counter() - t0


WORKERS = os.cpu_count() or 1
FETCHERS = Settings().fetch_workers


def whole(ids: list[str], base: str) -> float:
    engine = open_engine(f"sqlite:///{tempfile.mkdtemp()}/pages.db")
    source = ensure_source(engine, "feed", base)
    t0 = time.perf_counter()
    with Fetcher(FetchConfig(host_delay=0.0, robots=False)) as fetcher:

        def page(name: str) -> RawItem | ItemFailure:
            got = fetcher.get(f"{base}/{name}.html")
            return RawItem(name, "html", decode_html(got.body, got.content_type), url=f"{base}/{name}.html")

        with ThreadPoolExecutor(FETCHERS) as pool:  # as fetch-pages does
            items = list(pool.map(page, ids))
        done = ingest_items(engine, source, items, routes=["bench"], workers=WORKERS)
    elapsed = time.perf_counter() - t0
    assert len(done.new_article_ids) == len(ids) and not done.failures, "every page is a new article"
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ids = [json.loads(line)["id"] for line in (FOLDER / "truth.jsonl").open()]
    with serve_elsewhere(FOLDER / "pages") as base:
        whole(ids[:20], base)  # warm up: imports, gazetteers, wordfreq, the worker processes
        pairs = [(whole(ids, base), bare(ids)) for _ in range(args.rounds)]  # interleaved: drift hits both
    ours, alone = min(p[0] for p in pairs), min(p[1] for p in pairs)
    print(f"trafilatura.extract alone: {len(ids) / alone:6.1f} pages/s")
    print(f"whole path (fetch → stored with signals): {len(ids) / ours:6.1f} pages/s")
    print(f"ratio: {alone / ours:.2f} (target >= 0.90), with {WORKERS} worker processes")
    print("ratio per round: " + " ".join(f"{b / w:.2f}" for w, b in pairs))


if __name__ == "__main__":
    main()
