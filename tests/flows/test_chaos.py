"""Chaos (issue 17): a replay killed with SIGKILL at seeded random points, some
during delivery, then run again until it completes, ends as an uninterrupted
replay does: the same articles, stories and events, every alert received (a
repeat at most per kill that landed during a send), no alert left ``sending``
and no process left behind."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from ..conftest import Receiver, processes_with

pytestmark = pytest.mark.slow

ARTICLES = 150
KILLS = 6  # kills that land (at most twice as many tries)
SEED = 17
COUNTRIES = ["United States", "China", "Canada", "Mexico", "Japan", "India", "Brazil", "South Korea"]
GOODS = ["steel", "aluminum", "soybeans", "cars", "solar panels", "semiconductors", "wine", "cheese"]
FILLER = [
    "officials",
    "markets",
    "analysts",
    "ministry",
    "statement",
    "week",
    "talks",
    "industry",
    "exporters",
    "farmers",
    "ports",
    "shipping",
    "prices",
    "demand",
    "supply",
    "growth",
    "quarter",
    "economy",
    "budget",
    "council",
    "region",
    "companies",
    "workers",
    "factories",
    "investors",
    "currency",
    "banks",
    "inflation",
    "retailers",
    "consumers",
    "harvest",
    "freight",
    "logistics",
]
TRADEWATCH = str(Path(sys.executable).parent / "tradewatch")


def _corpus(folder: Path) -> None:
    rng = random.Random(SEED)
    folder.mkdir()
    for n in range(ARTICLES):
        actor, target = rng.sample(COUNTRIES, 2)
        lede = (
            f"The government of {actor} imposed tariffs of {5 + n % 90}% on ${n + 1} billion of "
            f"{rng.choice(GOODS)} from {target} on Monday, officials said."
        )
        filler = " ".join(rng.choice(FILLER) for _ in range(80))
        (folder / f"a{n:03d}.txt").write_text(f"{lede}\n\n{filler.capitalize()}.\n")


def _replay(corpus: Path, db: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [TRADEWATCH, "replay", str(corpus), "--db", f"sqlite:///{db}", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _state(db: Path) -> tuple[list[str], int, list[tuple[str, ...]], Counter[str]]:
    with sqlite3.connect(db) as conn:
        articles = sorted(r[0] for r in conn.execute("SELECT source_item_id FROM articles"))
        stories = conn.execute("SELECT count(DISTINCT story_id) FROM articles").fetchone()[0]
        events = sorted(conn.execute("SELECT type, action, actor, target, key FROM events").fetchall())
        statuses = Counter(r[0] for r in conn.execute("SELECT status FROM alerts"))
    return articles, int(stories), [tuple(e) for e in events], statuses


def _left(marker: str) -> list[int]:
    return [p for p in processes_with(marker) if p != os.getpid()]


def _titles(receiver: Receiver) -> Counter[str]:
    return Counter(str(b["title"]) for b in receiver.bodies)


def test_a_replay_killed_again_and_again_ends_as_one_that_was_not(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _corpus(corpus)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API_URL", "TRADEWATCH_"))}
    base_env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "TRADEWATCH_DATA_DIR": str(tmp_path / "data")}

    calm, calm_db = Receiver(), tmp_path / "calm.db"
    calm.delay = 0.03  # a receiver that takes its time: delivery lasts a few seconds
    try:
        started = time.monotonic()
        run = _replay(corpus, calm_db, base_env | {"TRADEWATCH_APPRISE_URLS": calm.url})
        assert run.wait(300) == 0
        took = time.monotonic() - started
        expected = _state(calm_db)
        expected_alerts = _titles(calm)
    finally:
        calm.close()
    assert len(expected[2]) >= ARTICLES * 0.9 and sum(expected_alerts.values()) == len(expected_alerts)

    rng = random.Random(SEED)
    chaos, chaos_db = Receiver(), tmp_path / "chaos.db"
    marker = f"TRADEWATCH_CHAOS={uuid.uuid4().hex}"
    env = base_env | {"TRADEWATCH_APPRISE_URLS": chaos.url, marker.split("=")[0]: marker.split("=")[1]}
    chaos.delay = calm.delay
    kills = during_sends = 0
    try:
        for n in range(2 * KILLS):
            if kills >= KILLS:
                break
            run = _replay(corpus, chaos_db, env)
            # odd tries: while it sends (after 1-3 of this run's alerts); even tries: at a
            # random time from start-up on; either way before this run has sent 10 alerts,
            # so that every kill leaves work for the next run
            sent_before = len(chaos.bodies)
            wanted = sent_before + (rng.randint(1, 3) if n % 2 else 10)
            until = time.monotonic() + (took * 2 if n % 2 else rng.uniform(0.15, 0.6) * took)
            while len(chaos.bodies) < wanted and time.monotonic() < until and run.poll() is None:
                time.sleep(0.005)
            in_send = len(chaos.bodies) > sent_before
            if run.poll() is None:
                os.kill(run.pid, signal.SIGKILL)  # the command alone: what it started must follow
                kills += 1
                during_sends += in_send
            run.wait(60)
            deadline = time.monotonic() + 15
            while _left(marker) and time.monotonic() < deadline:  # children die with their parent
                time.sleep(0.2)
            assert _left(marker) == [], "a killed replay left a process behind"
        for _ in range(5):  # rerun until one completes
            run = _replay(corpus, chaos_db, env)
            if run.wait(300) == 0:
                break
        else:
            pytest.fail("no replay completed after the kills")
        got = _titles(chaos)
    finally:
        chaos.close()
    assert kills >= 5 and during_sends >= 2
    articles, stories, events, statuses = _state(chaos_db)
    assert (articles, stories, events) == expected[:3]
    assert statuses.keys() == {"sent"}  # none left sending, none failed
    assert set(got) == set(expected_alerts)  # every alert arrived
    assert sum(got.values()) - len(got) <= kills  # at most one repeat per kill
    assert json.loads(run.stdout.read() if run.stdout else b"{}")["alerts_failed"] == 0
