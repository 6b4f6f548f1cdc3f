"""tradewatch on a real Prefect server, started here on a PostgreSQL database of
its own (not the in-process test harness):

* ``tradewatch serve`` serves the deployments; a run of the ``replay``
  deployment over the seeds announces its new events, the detected-event
  trigger starts the ``deliver`` deployment, and the alerts reach a loopback
  receiver, each once;
* two ``tradewatch run`` processes over one PostgreSQL database poll two feeds
  listing the same pages at once, and every article, story, event and alert
  exists once;
* ``deploy/prefect.yaml`` deployed to a pool, served by two process workers.

Everything is bounded in time and stopped after.
"""

from __future__ import annotations

import html
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from flows.artifacts import EVENTS_KEY, STORIES_KEY
from flows.server import local_server, pool_workers
from storage.database import open_engine
from storage.queries import list_alerts, list_articles, list_events, list_stories
from storage.sources import add_source

from ..conftest import PG_ADMIN_URL, Receiver, free_port
from ..site import Reply, Site

TRADEWATCH = str(Path(sys.executable).parent / "tradewatch")
PREFECT = str(Path(sys.executable).parent / "prefect")
ROOT = Path(__file__).resolve().parents[2]
ALERTABLE = ("tariff", "sanction")


@pytest.fixture
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Prefect server (``prefect server start``) on loopback, its
    database a fresh PostgreSQL database dropped after (one per test: each
    declares the same deployments its own way)."""
    name = f"tw_prefect_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    db = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    try:
        with local_server(
            tmp_path_factory.mktemp("prefect-home"),
            free_port(),
            timeout=300,
            ui=False,
            env={"PREFECT_SERVER_DATABASE_CONNECTION_URL": db},
        ) as url:
            yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Api:
    """The few Prefect REST calls the tests read with."""

    def __init__(self, url: str) -> None:
        self.client = httpx.Client(base_url=url, timeout=30)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.client.post(path, json=body)
        response.raise_for_status()
        return response.json()

    def deployments(self) -> dict[str, dict[str, Any]]:
        return {d["name"]: d for d in self.post("/deployments/filter", {"limit": 100})}

    def runs(self, *ids: str) -> list[dict[str, Any]]:
        return list(
            self.post("/flow_runs/filter", {"flow_runs": {"id": {"any_": list(ids)}}, "limit": len(ids)})
        )

    def flow_runs(self, deployment_id: str) -> list[dict[str, Any]]:
        body = {"deployments": {"id": {"any_": [deployment_id]}}, "limit": 100, "sort": "ID_DESC"}
        return list(self.post("/flow_runs/filter", body))

    def artifacts(self, key: str) -> list[dict[str, Any]]:
        body = {"artifacts": {"key": {"any_": [key]}}, "limit": 20, "sort": "CREATED_DESC"}
        return list(self.post("/artifacts/filter", body))


def _wait(what: str, check: Callable[[], bool], timeout: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            tail = log.read_text("utf-8", "replace")[-3000:] if log and log.exists() else ""
            pytest.fail(f"{what}: not within {timeout:.0f} s\n{tail}")
        time.sleep(1)


def _env(prefect_api: str, db_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRADEWATCH_", "PREFECT_"))}
    # Prefect's runner and process workers make their run folders in TMPDIR
    # and leave them when stopped: here, under the test's own folder
    scratch = tmp_path / "tmp"
    scratch.mkdir(exist_ok=True)
    env.update(
        TMPDIR=str(scratch),
        PREFECT_API_URL=prefect_api,
        PREFECT_HOME=str(tmp_path / "prefect-client"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        TRADEWATCH_DB_URL=db_url,
        TRADEWATCH_DATA_DIR=str(tmp_path / "data"),
        TRADEWATCH_WORKERS="1",
        **extra,
    )
    return env


@pytest.fixture
def web_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(
    prefect_api: str, pg_url: str, receiver: Receiver, tmp_path: Path, web_port: int
) -> Iterator[Path]:
    """``tradewatch serve`` against the server; yields its log file."""
    env = _env(
        prefect_api,
        pg_url,
        tmp_path,
        TRADEWATCH_WEB_PORT=str(web_port),
        TRADEWATCH_APPRISE_URLS=receiver.url,
        TRADEWATCH_POLL_EVERY="10s",  # scheduled runs within the test (no sources: quick)
        TRADEWATCH_SWEEP_EVERY="1d",  # one sweep, as serve starts: later alerts are the trigger's
        TRADEWATCH_ALERT_WINDOW="5s",
        PREFECT_RUNNER_POLL_FREQUENCY="2",
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [TRADEWATCH, "serve"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        yield log
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_serve_replays_the_seeds_and_the_detected_events_trigger_the_delivery(
    prefect_api: str, pg_url: str, receiver: Receiver, served: Path, seeds_dir: Path, web_port: int
) -> None:
    api = Api(prefect_api)
    names = {"poll", "deliver", "replay", "rebuild"}
    _wait("the four deployments served", lambda: names <= set(api.deployments()), 180, served)
    deployments = api.deployments()
    deliver_id, replay_id = deployments["deliver"]["id"], deployments["replay"]["id"]
    poll_id = deployments["poll"]["id"]
    _wait(
        "a scheduled poll run completed",
        lambda: any(r["state_type"] == "COMPLETED" for r in api.flow_runs(poll_id)),
        120,
        served,
    )
    assert all(r["parameters"] == {"deliver": False} for r in api.flow_runs(poll_id))
    _wait(
        "the sweep as serve starts",
        lambda: any(r["state_type"] == "COMPLETED" for r in api.flow_runs(deliver_id)),
        120,
        served,
    )
    run = api.post(f"/deployments/{replay_id}/create_flow_run", {"parameters": {"path": str(seeds_dir)}})
    _wait(
        "the replay run completed",
        lambda: api.runs(run["id"])[0]["state_type"] == "COMPLETED",
        240,
        served,
    )
    engine = open_engine(pg_url)
    alertable = [e for e in list_events(engine) if e["type"] in ALERTABLE and e["alertable"]]
    assert len(alertable) >= 5  # the seeds' news tariff and sanction events
    _wait("every alert at the receiver", lambda: len(receiver.bodies) >= len(alertable), 180, served)
    time.sleep(3)  # nothing more comes
    assert len(receiver.bodies) == len(alertable)
    assert all(a["status"] == "sent" for a in list_alerts(engine))

    triggered = [
        r for r in api.flow_runs(deliver_id) if (r.get("created_by") or {}).get("type") == "AUTOMATION"
    ]
    assert len(triggered) == 1, "one burst of events, one delivery run"
    assert triggered[0]["parameters"] == {"linger": 5.0}
    # it lingers 5 s after its last send (at most LINGER_MAX windows in all), then its
    # process reports: 60 s was once missed on this shared 2-core machine under a full suite
    _wait(
        "the delivery run ends once quiet",
        lambda: api.flow_runs(deliver_id)[0]["state_type"] == "COMPLETED",
        120,
        served,
    )

    (replayed,) = api.runs(run["id"])
    assert {"tradewatch", "replay"} <= set(replayed["tags"])
    tables = [a for a in api.artifacts(EVENTS_KEY) if a["flow_run_id"] == run["id"]]
    assert len(tables) == 1
    rows = json.loads(tables[0]["data"]) if isinstance(tables[0]["data"], str) else tables[0]["data"]
    assert len(rows) == len(list_events(engine))
    (stories,) = [a for a in api.artifacts(STORIES_KEY) if a["flow_run_id"] == run["id"]]
    rows = json.loads(stories["data"]) if isinstance(stories["data"], str) else stories["data"]
    assert sorted(r["articles"] for r in rows) == [1, 1, 1, 2]  # the seeds' four stories

    # serve also serves the web view, on loopback: the same events as the database holds
    web = httpx.get(f"http://127.0.0.1:{web_port}/events.json", timeout=30)
    assert [e["id"] for e in web.json()] == [e["id"] for e in list_events(engine)]


# --- two workers --------------------------------------------------------------------------------


def _seed_page(path: Path) -> bytes:
    text = path.read_text("utf-8").strip()
    title, *paragraphs = [p for p in text.split("\n") if p.strip()] or [text]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in (paragraphs or [title]))
    return (
        f"<html><head><title>{html.escape(title[:120])}</title></head>"
        f"<body><article><h1>{html.escape(title[:120])}</h1>{body}</article></body></html>"
    ).encode()


def _feed(site: Site, pages: dict[str, bytes], feeds: tuple[str, ...]) -> None:
    when = format_datetime(datetime.now(UTC))
    items = "".join(
        f"<item><title>{name}</title><link>{site.url('/news/' + name)}</link><pubDate>{when}</pubDate></item>"
        for name in pages
    )
    for name, body in pages.items():
        site.routes[f"/news/{name}"] = Reply(200, body, {"Content-Type": "text/html; charset=utf-8"})
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    for path in feeds:  # outlets listing the same articles
        site.routes[path] = Reply(200, feed.encode(), {"Content-Type": "application/rss+xml"})
    site.routes["/robots.txt"] = Reply(200, b"User-agent: *\n")


def _partition(engine: Any) -> list[list[str]]:
    return sorted(sorted(a["url"].rsplit("/", 1)[1] for a in s["articles"]) for s in list_stories(engine))


def test_two_workers_over_one_postgresql_store_every_article_story_event_and_alert_once(
    prefect_api: str,
    pg_url: str,
    sqlite_url: str,
    receiver: Receiver,
    seeds_dir: Path,
    corpora_dir: Path,
    tmp_path: Path,
) -> None:
    fundus = sorted((corpora_dir / "fundus-pages" / "pages").glob("*.html"))[:12]
    pages = {p.stem: _seed_page(p) for p in sorted(seeds_dir.glob("*.txt"))}
    pages |= {p.stem: p.read_bytes() for p in fundus}
    site = Site()
    feeds = ("/wire.xml", "/mirror.xml")
    _feed(site, pages, feeds)
    try:
        for url in (pg_url, sqlite_url):
            for feed in feeds:
                add_source(
                    open_engine(url), site.url(feed), "feed", name=feed[1:-4], every=timedelta(hours=1)
                )
        env = _env(
            prefect_api,
            pg_url,
            tmp_path,
            TRADEWATCH_APPRISE_URLS=receiver.url,
            TRADEWATCH_FETCH_HOST_DELAY="0",
        )
        workers = [  # each polls its feed, both list the same pages: both fetch and store them at once
            subprocess.Popen(
                [TRADEWATCH, "run", "--source", site.url(feed), "--json"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
            )
            for feed in feeds
        ]
        outputs = [w.communicate(timeout=300) for w in workers]
        for w, (_, err) in zip(workers, outputs, strict=True):
            assert w.returncode == 0, err.decode()[-3000:]
        summaries = [json.loads(out) for out, _ in outputs]
        assert [s["sources_polled"] for s in summaries] == [1, 1]
        assert all(s["articles_seen"] > 0 for s in summaries), "both workers fetched pages"

        # the same pages through one process, on SQLite: what "once" means
        reference = _env(prefect_api, sqlite_url, tmp_path, TRADEWATCH_FETCH_HOST_DELAY="0")
        single = subprocess.run(
            [TRADEWATCH, "run", "--all", "--json"], env=reference, capture_output=True, timeout=300
        )
        assert single.returncode == 0, single.stderr.decode()[-3000:]
    finally:
        site.close()

    pg, lite = open_engine(pg_url), open_engine(sqlite_url)
    articles = list_articles(pg)
    assert len(articles) == len(pages) == len({a["url"] for a in articles})
    assert sum(s["articles_new"] for s in summaries) == len(pages)
    assert _partition(pg) == _partition(lite)

    def measures(engine: Any) -> list[tuple[Any, ...]]:
        keys = ("type", "action", "actor", "target", "rate_to", "amount_usd")
        return sorted(tuple(str(e[k]) for k in keys) for e in list_events(engine))

    assert measures(pg) == measures(lite)
    assert len(measures(pg)) == len(set(measures(pg)))
    alertable = [e for e in list_events(pg) if e["type"] in ALERTABLE and e["alertable"]]
    alerts = list_alerts(pg)
    assert len(alerts) == len(alertable) and all(a["status"] == "sent" for a in alerts)
    assert len(receiver.bodies) == len(alertable)
    assert sum(s["alerts_sent"] for s in summaries) == len(alertable)


# --- a work pool ---------------------------------------------------------------------------------


def test_deploy_prefect_yaml_to_a_pool_and_two_workers_run_what_it_declares(
    prefect_api: str, pg_url: str, receiver: Receiver, seeds_dir: Path, tmp_path: Path
) -> None:
    """``prefect deploy`` of deploy/prefect.yaml, two process workers on the
    pool; two replays of the seeds at once: everything once, alerts by trigger."""
    env = _env(
        prefect_api,
        pg_url,
        tmp_path,
        TRADEWATCH_APPRISE_URLS=receiver.url,
        TRADEWATCH_HOME=str(ROOT),
        PREFECT_WORKER_QUERY_SECONDS="2",
    )

    def prefect(*args: str) -> None:
        done = subprocess.run([PREFECT, *args], env=env, cwd=ROOT, capture_output=True, timeout=180)
        assert done.returncode == 0, (done.stdout + done.stderr).decode()[-3000:]

    prefect("work-pool", "create", "tradewatch", "--type", "process")
    prefect("--no-prompt", "deploy", "--all", "--prefect-file", "deploy/prefect.yaml")
    api = Api(prefect_api)
    deployments = api.deployments()
    assert set(deployments) == {"poll", "deliver", "replay", "rebuild"}
    assert all(d["work_pool_name"] == "tradewatch" for d in deployments.values())

    logs = [tmp_path / f"worker-{n}.log" for n in (1, 2)]
    with pool_workers(logs, env, cwd=ROOT):
        replay_id = deployments["replay"]["id"]
        runs = [
            api.post(f"/deployments/{replay_id}/create_flow_run", {"parameters": {"path": str(seeds_dir)}})
            for _ in range(2)
        ]

        def states() -> list[str]:
            return [str(r["state_type"]) for r in api.runs(*(r["id"] for r in runs))]

        _wait("both replays completed", lambda: states() == ["COMPLETED"] * 2, 300, logs[0])
        engine = open_engine(pg_url)
        alertable = [e for e in list_events(engine) if e["type"] in ALERTABLE and e["alertable"]]
        _wait("every alert at the receiver", lambda: len(receiver.bodies) >= len(alertable), 180, logs[0])
        time.sleep(3)

    assert len(list_articles(engine)) == 5
    assert len(alertable) >= 5 and len(receiver.bodies) == len(alertable)
    assert all(a["status"] == "sent" for a in list_alerts(engine))
    triggered = [
        r
        for r in api.flow_runs(deployments["deliver"]["id"])
        if (r.get("created_by") or {}).get("type") == "AUTOMATION"
    ]
    assert triggered, "the detected events started a delivery run on the pool"


def _corpus(seeds_dir: Path, path: Path, count: int) -> int:
    """A JSONL corpus of ``count`` items made of the seeds' paragraphs, one in
    eight the same text as an earlier item; returns how many texts differ."""
    rng = random.Random(7)
    paragraphs = [
        p.strip()
        for s in sorted(seeds_dir.glob("*.txt"))
        for p in s.read_text("utf-8").split("\n")
        if p.strip()
    ]
    texts: list[str] = []
    with path.open("w", encoding="utf-8") as f:
        for n in range(count):
            if texts and rng.random() < 0.125:
                text = rng.choice(texts)
            else:
                text = "\n".join(rng.sample(paragraphs, rng.randint(3, 8)))
                texts.append(text)
            f.write(json.dumps({"id": f"item-{n}", "title": text.split("\n")[0][:80], "text": text}) + "\n")
    return len(set(texts))


def test_two_workers_on_a_pool_replay_two_shards_of_a_corpus_and_store_each_item_once(
    prefect_api: str, pg_url: str, sqlite_url: str, seeds_dir: Path, tmp_path: Path
) -> None:
    """The ``replay`` deployment on a pool, two process workers taking one run
    each, each run one shard (``shard="K/2"``): every item read once between
    them, and the same articles and events as one process reading it all."""
    corpus = tmp_path / "corpus.jsonl"
    distinct = _corpus(seeds_dir, corpus, 240)
    env = _env(prefect_api, pg_url, tmp_path, TRADEWATCH_HOME=str(ROOT), PREFECT_WORKER_QUERY_SECONDS="1")

    def prefect(*args: str) -> None:
        done = subprocess.run([PREFECT, *args], env=env, cwd=ROOT, capture_output=True, timeout=180)
        assert done.returncode == 0, (done.stdout + done.stderr).decode()[-3000:]

    prefect("work-pool", "create", "tradewatch", "--type", "process")
    prefect("--no-prompt", "deploy", "--name", "replay", "--prefect-file", "deploy/prefect.yaml")
    api = Api(prefect_api)
    replay_id = api.deployments()["replay"]["id"]
    logs = [tmp_path / f"worker-{n}.log" for n in (1, 2)]
    # a worker takes one run at a time: each takes one
    with pool_workers(logs, env, "--limit", "1", cwd=ROOT):
        runs = [
            api.post(
                f"/deployments/{replay_id}/create_flow_run",
                {"parameters": {"path": str(corpus), "shard": f"{k}/2", "deliver": False}},
            )
            for k in (1, 2)
        ]

        def states() -> list[str]:
            return [str(r["state_type"]) for r in api.runs(*(r["id"] for r in runs))]

        _wait("both shards replayed", lambda: states() == ["COMPLETED"] * 2, 420, logs[0])
    took = [log.read_text("utf-8", "replace") for log in logs]
    assert all(any(r["id"] in t for r in runs) for t in took), "each worker ran a shard"

    from extractors.corpus import read_corpus
    from flows.pipeline import ingest_items
    from storage.ingest import ensure_source

    lite = open_engine(sqlite_url)
    items = list(read_corpus(corpus, max_bytes=3 * 1024 * 1024))
    ingest_items(lite, ensure_source(lite, "corpus", str(corpus)), items, routes=[])
    pg = open_engine(pg_url)
    # as many articles as one process stores (texts the same once cleaned are one)
    assert len(list_articles(pg)) == len(list_articles(lite)) > distinct * 0.9

    def tally(engine: Any) -> tuple[int, int]:
        with engine.connect() as conn:
            seen = conn.execute(sa.text("SELECT count(*) FROM article_copies")).scalar_one()
            unread = conn.execute(
                sa.text("SELECT count(*) FROM articles WHERE processed_at IS NULL")
            ).scalar_one()
        return int(seen), int(unread)

    assert tally(pg) == tally(lite) == (tally(lite)[0], 0)  # every item seen once, every article read
    with pg.connect() as conn:
        seen = [
            r[0]["articles_seen"]
            for r in conn.execute(sa.text("SELECT stats FROM runs WHERE kind = 'replay'"))
        ]
    assert sorted(seen) == [len(items) // 2] * 2  # each run read its half

    def measures(engine: Any) -> set[tuple[str, ...]]:
        # which state of which measure: its rates and amounts depend on the order
        # the articles stating it arrive in, which two workers do not keep
        keys = ("type", "action", "actor", "target")
        return {tuple(str(e[k]) for k in keys) for e in list_events(engine)}

    assert measures(pg) and measures(pg) == measures(lite)
    assert len(list_events(pg)) == len(list_events(lite))  # none twice
