"""Both cores: reading a large JSONL corpus in worker processes against a
single-process loop of the same steps, and the memory of a whole replay.

A JSONL corpus of ``--count`` real-text articles (bench/scale.py's stream:
paragraphs of the seeds, fundus-pages and ECB+, one in ten an edited copy) is
written to a temporary folder. Then, in slices of ``--slice`` articles, timed
in turn so that the machine's noise falls on both sides alike:

* one process: each line read (:func:`extractors.corpus.read_corpus`) and
  turned into its article, signals, fingerprint and story description
  (:func:`extractors.reading.read_item`), in a plain loop;
* the workers: the same items, in batches of the replay's ``batch_size``, over
  ``--workers`` processes (:class:`extractors.adapters.parallel.WorkerPool`),
  as ``replay`` reads them.

Neither side touches a database. ``--replay`` then runs ``tradewatch replay``
on the whole file (``--db``, default a new SQLite file), sampling the memory
of its process tree every 0.5 s (each process's peak RSS, the kernel's
``VmHWM``, so no peak falls between samples; the tree's peak RSS and PSS,
which counts pages shared by forked workers once), and prints its rate, its
peak memory and its memory over time (the RSS of the command, of its largest
worker and of the tree, every ``--every`` seconds), which shows where memory
grows with the corpus and where it levels off.

Usage: python bench/cores.py [--count 100000] [--slice 10000] [--workers 2] [--replay] [--db URL] [--every 60]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

import psutil

from extractors.adapters.parallel import WorkerPool
from extractors.corpus import read_corpus
from extractors.reading import read_item, warm_up

sys.path.insert(0, str(Path(__file__).parent))
from scale import Stream

BATCH = 200  # flows.settings.Settings.batch_size's default
MAX_BYTES = 3 * 1024 * 1024


def write_corpus(path: Path, count: int) -> None:
    stream = Stream(seed=29)
    start = datetime(2018, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as f:
        for n in range(count):
            doc = stream.next()
            title = doc.text.split("\n", 1)[0][:120]
            published = (start + timedelta(minutes=7 * n)).isoformat()
            record = {"id": doc.source_id, "title": title, "text": doc.text, "published": published}
            f.write(json.dumps(record) + "\n")


def _slices(path: Path, size: int) -> Iterator[list[object]]:
    items = read_corpus(path, max_bytes=MAX_BYTES)
    while chunk := list(islice(items, size)):
        yield list(chunk)


def one_process(items: list[object]) -> float:
    t0 = time.perf_counter()
    for item in items:
        read_item(item)  # type: ignore[arg-type]
    return time.perf_counter() - t0


def workers(pool: WorkerPool, items: list[object]) -> float:
    t0 = time.perf_counter()
    for start in range(0, len(items), BATCH):
        for _ in pool.imap(read_item, items[start : start + BATCH]):  # type: ignore[arg-type]
            pass
    return time.perf_counter() - t0


def _high_water(pid: int) -> int:
    """A process's peak RSS so far (``VmHWM``, in bytes); 0 where /proc has none."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def replay(path: Path, db: str, every: float = 60.0) -> None:
    with tempfile.TemporaryDirectory() as home:
        _replay(path, db, every, home)


def _replay(path: Path, db: str, every: float, home: str) -> None:
    env = {**os.environ, "PREFECT_HOME": home, "TRADEWATCH_ALERT_URLS": ""}
    cmd = [str(Path(sys.executable).with_name("tradewatch")), "replay", str(path), "--db", db, "--json"]
    peaks: dict[int, tuple[int, str]] = {}  # pid -> (peak RSS, what it is)
    tree = [0, 0]  # peak of the whole tree's RSS and PSS at one sample
    timeline: list[tuple[float, int, int, int]] = []  # (seconds, command, largest worker, tree) RSS
    t0 = time.perf_counter()
    proc = psutil.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        kinds: dict[int, str] = {}
        next_row = 0.0
        while not done.is_set():
            rss_sum = pss_sum = command = worker = 0
            try:
                for p in [proc, *proc.children(recursive=True)]:
                    info = p.memory_full_info()  # PSS: pages shared with forked workers count once
                    rss_sum, pss_sum = rss_sum + info.rss, pss_sum + info.pss
                    if p.pid not in kinds:
                        line = " ".join(p.cmdline())
                        kinds[p.pid] = (
                            "command" if p.pid == proc.pid else "server" if "server" in line else "worker"
                        )
                    what = kinds[p.pid]
                    peak = max(info.rss, _high_water(p.pid))  # the kernel's peak: none missed between samples
                    if peak > peaks.get(p.pid, (0, ""))[0]:
                        peaks[p.pid] = (peak, what)
                    if what == "command":
                        command = info.rss
                    elif what == "worker":
                        worker = max(worker, info.rss)
            except psutil.Error:
                pass
            tree[0], tree[1] = max(tree[0], rss_sum), max(tree[1], pss_sum)
            elapsed = time.perf_counter() - t0
            if elapsed >= next_row and command:
                timeline.append((elapsed, command, worker, rss_sum))
                next_row = elapsed + every
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - t0
    summary = json.loads(out) if out.strip() else {}
    print(f"\n## tradewatch replay of the whole file ({db.split(':', 1)[0]})")
    new, events = summary.get("articles_new"), summary.get("events_new")
    print(f"exit {proc.returncode}: {summary.get('articles_seen')} seen, {new} new articles, {events} events")
    print(f"{summary.get('articles_seen', 0) / seconds:.0f} articles/s ({seconds:.0f} s)")
    for what in ("command", "worker", "server"):
        got = sorted((rss for rss, w in peaks.values() if w == what), reverse=True)
        shown = ", ".join(f"{rss / 2**20:.0f}" for rss in got) or "-"
        print(f"peak RSS, {what} process{'es' if len(got) > 1 else ''}: {shown} MiB")
    print(
        f"peak of the whole process tree: RSS {tree[0] / 2**20:.0f} MiB, "
        f"PSS {tree[1] / 2**20:.0f} MiB (shared pages counted once)"
    )
    print(f"RSS over time (MiB), every {every:.0f} s:")
    print(f"{'seconds':>8}  {'command':>7}  {'worker':>6}  {'tree':>5}")
    for elapsed, command, worker, whole in timeline:
        print(f"{elapsed:8.0f}  {command / 2**20:7.0f}  {worker / 2**20:6.0f}  {whole / 2**20:5.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--slice", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--replay", action="store_true", help="then replay the file with tradewatch")
    parser.add_argument("--db", help="the replay's database (default: a new SQLite file)")
    parser.add_argument("--no-ratio", action="store_true", help="only the replay (with --replay)")
    parser.add_argument("--every", type=float, default=60.0, help="seconds between rows of the replay's RSS")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:  # the corpus and the SQLite file: gigabytes at 100,000
        tmp = Path(folder)
        corpus = tmp / "corpus.jsonl"
        write_corpus(corpus, args.count)
        size = corpus.stat().st_size / 2**20
        print(f"{args.count:,} articles, {size:.0f} MiB of JSONL; {args.workers} workers", flush=True)
        if not args.no_ratio:
            ratio(corpus, args.workers, args.slice)
        if args.replay:
            replay(corpus, args.db or f"sqlite:///{tmp / 'replay.db'}", args.every)


def ratio(corpus: Path, workers_count: int, size: int) -> None:
    warm_up()
    pool = WorkerPool(workers_count)
    pool.warm(warm_up)
    single = parallel = 0.0
    done = 0
    print(f"{'articles':>9}  {'one process/s':>13}  {'workers/s':>9}  {'ratio':>5}", flush=True)
    for items in _slices(corpus, size):
        a = one_process(items)
        b = workers(pool, items)
        single, parallel, done = single + a, parallel + b, done + len(items)
        print(f"{done:>9}  {len(items) / a:13.0f}  {len(items) / b:9.0f}  {a / b:5.2f}", flush=True)
    pool.close()
    print(
        f"both cores: {done / parallel:.0f} articles/s against {done / single:.0f}/s in one process, "
        f"ratio {single / parallel:.2f} (target >= 1.6)"
    )


if __name__ == "__main__":
    main()
