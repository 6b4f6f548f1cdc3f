"""Extraction and reading spread over worker processes give what one process gives."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from extractors.adapters.parallel import MIN_BATCH, WorkerPool
from extractors.articles import article_or_failure
from extractors.models import ItemFailure, RawItem
from extractors.reading import ReadItem, read_item
from extractors.stories import ArticleText, read_article


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(2) as workers:
        yield workers


def test_workers_give_the_same_articles_and_readings_in_order(
    corpora_dir: Path, seeds_dir: Path, pool: WorkerPool
) -> None:
    pages = sorted((corpora_dir / "fundus-pages" / "pages").glob("*.html"))[:MIN_BATCH]
    items: list[RawItem | ItemFailure] = [RawItem(p.stem, "html", p.read_text("utf-8")) for p in pages]
    items.append(ItemFailure("earlier", "failed upstream"))
    items.append(RawItem("empty", "text", "   "))
    assert pool.map(article_or_failure, items) == [article_or_failure(i) for i in items]
    texts = [
        ArticleText(i, None, p.read_text("utf-8"), None)
        for i, p in enumerate(sorted(seeds_dir.glob("*.txt")) * 2)
    ]
    parallel, serial = pool.map(read_article, texts), [read_article(t) for t in texts]
    assert [(i, m) for i, m, _ in parallel] == [(i, m) for i, m, _ in serial]
    assert [d.to_json() for _, _, d in parallel] == [d.to_json() for _, _, d in serial]


def test_items_read_in_workers_equal_items_read_here(corpora_dir: Path, pool: WorkerPool) -> None:
    pages = sorted((corpora_dir / "fundus-pages" / "pages").glob("*.html"))[: MIN_BATCH + 1]
    items: list[RawItem | ItemFailure] = [RawItem(p.stem, "html", p.read_text("utf-8")) for p in pages]
    items.insert(2, ItemFailure("earlier", "failed upstream"))
    parallel, serial = list(pool.imap(read_item, items)), [read_item(i) for i in items]
    assert [type(r) for r in parallel] == [type(r) for r in serial]
    for p, s in zip(parallel, serial, strict=True):
        if isinstance(p, ReadItem) and isinstance(s, ReadItem):
            assert (p.doc, p.mentions, p.description.to_json()) == (
                s.doc,
                s.mentions,
                s.description.to_json(),
            )
            assert p.doc.fingerprint is not None  # computed with the text, in the worker
        else:
            assert p == s


def _dies(x: int) -> int:
    if x == 3:
        os._exit(1)  # a worker killed mid-batch (out of memory, say)
    return x


def test_a_dead_worker_fails_its_batch_and_the_next_batch_gets_a_fresh_pool(pool: WorkerPool) -> None:
    with pytest.raises(BrokenProcessPool):
        pool.map(_dies, list(range(MIN_BATCH)))
    assert pool.map(abs, [-x for x in range(MIN_BATCH)]) == list(range(MIN_BATCH))


def test_an_item_that_breaks_a_parser_is_a_failure_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    import extractors.reading as reading

    def explodes(*args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(reading, "read_article", explodes)
    got = read_item(RawItem("deep", "text", "Tariffs on steel were raised to 25 percent. " * 10))
    assert isinstance(got, ItemFailure) and got.source_id == "deep" and "RecursionError" in got.error


def test_a_worker_killed_while_the_pool_is_idle_costs_nothing(pool: WorkerPool) -> None:
    assert pool.map(abs, [-x for x in range(MIN_BATCH)]) == list(range(MIN_BATCH))
    executor = pool._executor
    assert executor is not None
    victim = next(iter(executor._processes.values()))
    victim.kill()
    victim.join()
    deadline = time.monotonic() + 10
    while not executor._broken and time.monotonic() < deadline:  # the pool notices its dead worker
        time.sleep(0.05)
    assert executor._broken
    assert pool.map(abs, [-x for x in range(MIN_BATCH)]) == list(range(MIN_BATCH))


WARM = """
import os, sys, threading
from extractors.models import RawItem
from extractors.adapters.parallel import WorkerPool
from extractors.reading import read_item, warm_up

if sys.argv[1] == "thread":
    threading.Thread(target=lambda: threading.Event().wait(5), daemon=True).start()
pool = WorkerPool(2)
print(pool.warm(warm_up), pool.warm(warm_up))
items = [RawItem(f"i{n}", "text", f"Washington imposed {n}0% tariffs on Chinese steel on Friday. " * 6)
         for n in range(3)]
got = list(pool.imap(read_item, items))
print(got == [read_item(i) for i in items], pool.started)
"""


@pytest.mark.parametrize(
    ("before", "expected"), [("none", "True False\nTrue True"), ("thread", "False False\nTrue False")]
)
def test_a_warmed_pool_is_forked_before_any_thread_and_takes_small_batches(
    before: str, expected: str
) -> None:
    """warm() forks the workers only while the process has no other thread;
    once up, the pool reads batches under MIN_BATCH too, and gives what one
    process gives."""
    out = subprocess.run([sys.executable, "-c", WARM, before], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == expected


POOL = """
import os, time
from extractors.adapters.parallel import WorkerPool
pool = WorkerPool(2)._pool()
pids = {f.result() for f in [pool.submit(os.getpid) for _ in range(8)]}
print(" ".join(map(str, pids)), flush=True)
time.sleep(600)
"""


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "stat").read_text().rsplit(")", 1)[1].split()[1] == str(pid):
                found.append(int(entry.name))
        except (OSError, IndexError):
            continue
    return found


def test_a_killed_command_leaves_no_worker_behind() -> None:
    """Issue 17, finding 6: kill -9 of the main process left its workers running,
    those still starting included."""
    parent = subprocess.Popen([sys.executable, "-c", POOL], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        workers = [int(p) for p in parent.stdout.readline().split()]
        assert workers and all(_alive(p) for p in workers)
        children = _children(parent.pid)  # every one: those that ran a task, and any still starting
        assert set(workers) <= set(children)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 15
    while any(_alive(p) for p in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in children)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"  # a zombie has exited
    except OSError:
        return False
