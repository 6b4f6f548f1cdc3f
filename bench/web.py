"""Page-load times of the web view with 10,000 stored events.

Builds a SQLite database (or uses ``--db``) of N events the way ingestion
stores them (``record_mentions``: events, threads, stories' articles, alert
rows), ten thousand by default: tariffs and sanctions between twelve actors,
on varied goods, one in four a later state of an earlier measure. Then it
serves the app with uvicorn on loopback and times each page, over HTTP, as a
browser asks for it (``--rounds`` times each, after one warm-up request).
Target: every page's median <= 200 ms (the backtest, which reads every
event of its window, is reported beside them).

Usage: python bench/web.py [--events 10000] [--rounds 20] [--db URL]
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import uvicorn

from extractors.articles import content_hash
from extractors.models import ArticleDoc, Mention
from extractors.stories import describe
from flows.web.app import create_app
from storage.database import open_engine
from storage.ingest import ensure_source, record_mentions, store_articles

ACTORS = ["US", "CN", "EU", "JP", "KR", "IN", "CA", "MX", "BR", "RU", "GB", "AU"]
GOODS = ["steel", "aluminum", "soybeans", "solar panels", "semiconductors", "cars", "whiskey", "rare earths"]
BATCH = 200


def build(url: str, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    engine = open_engine(url)
    source = ensure_source(engine, "corpus", "/bench/web")
    start = datetime(2018, 1, 1, tzinfo=UTC)
    made = 0
    while made < n:
        docs, mentions = [], []
        for i in range(made, min(n, made + BATCH)):
            actor, target = rng.sample(ACTORS, 2)
            kind = "sanction" if rng.random() < 0.2 else "tariff"
            action = rng.choice(
                ["threatened", "imposed", "lifted"]
                if kind == "sanction"
                else ["threatened", "announced", "imposed", "increased", "delayed", "lifted"]
            )
            good = rng.choice(GOODS)
            rate = float(rng.choice([10, 15, 25, 50])) if kind == "tariff" else None
            sentence = f"{actor} {action} {kind}s on {good} from {target}, story {i}."
            text = f"{sentence} " + " ".join(f"w{i}x{j}" for j in range(60))
            published = start + timedelta(hours=3 * i)
            docs.append(
                ArticleDoc(
                    f"a{i}",
                    text,
                    content_hash(text),
                    url=f"https://news.test/{i}",
                    title=sentence,
                    outlet=rng.choice(["Reuters", "AP", "AFP", "Xinhua", "Nikkei"]),
                    published=published,
                )
            )
            key = f"{kind}|{action}|{actor}|{target}|{good}|{i}"
            mentions.append(
                Mention(
                    kind,
                    action,
                    actor,
                    target,
                    key,
                    rate_to=rate,
                    products=(good,),
                    occurred=published.date(),
                    amount_usd=float(rng.randint(1, 300)) * 1e9,
                    evidence=(sentence,),
                )
            )
        stored = store_articles(engine, source, docs)
        record_mentions(
            engine,
            [(s.article_id, [m]) for s, m in zip(stored, mentions, strict=True)],
            routes=["console"],
            stories=[(s.article_id, describe(d.title, d.text)) for s, d in zip(stored, docs, strict=True)],
        )
        made += len(docs)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--db", help="use this database as it is (no events added)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tradewatch-web-"))
    url = args.db or f"sqlite:///{folder / 'bench.db'}"
    if not args.db:
        t = time.perf_counter()
        build(url, args.events)
        print(f"stored {args.events} events in {time.perf_counter() - t:.0f} s ({url})")
    engine = open_engine(url)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(engine, channels=["console"]), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=60, headers={"accept": "text/html"}) as client:
        some = client.get("/events.json?actor=CN&type=sanction").json()
        event_id = some[len(some) // 2]["id"]
        links = client.get(f"/events/{event_id}").text.split('href="/stories/', 1)
        story = links[1].split('"', 1)[0] if len(links) > 1 else None
        pages = [
            ("/", "events, newest page"),
            ("/?page=100", "events, page 100"),
            ("/?actor=CN", "filter actor"),
            ("/?type=sanction&since=2019-01-01&until=2019-12-31", "filter type + dates"),
            ("/?product=steel&target=US", "filter goods + target"),
            ("/?q=soybeans", "full-text search"),
            (f"/events/{event_id}", "one event"),
            *([(f"/stories/{story}", "one story")] if story else []),
            ("/alerts?status=pending", "alerts"),
            ("/sources", "sources"),
            ("/backtest", "backtest, every event"),
            ("/backtest?since=2019-01-01&until=2019-12-31", "backtest, one year"),
            ("/events.csv?actor=CN&type=sanction", "CSV export (filtered)"),
            ("/events.atom?actor=CN&type=sanction", "Atom feed (filtered)"),
        ]
        print("| page | median ms | p95 ms | bytes |\n|---|---|---|---|")
        worst = 0.0
        for path, label in pages:
            assert client.get(path).status_code == 200, path
            times = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                r = client.get(path)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200
            times.sort()
            median, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
            worst = max(worst, median)
            print(f"| {label} (`{path}`) | {median:.0f} | {p95:.0f} | {len(r.content)} |")
    print(f"worst median {worst:.0f} ms (target <= 200)")
    server.should_exit = True


if __name__ == "__main__":
    main()
