"""Live ingestion end to end against real HTTP servers on loopback: feeds the
tests write, the real pages of ../shared/corpora/fundus-pages, and faults."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.monitor import monitor
from flows.runtime import Runtime, install
from flows.settings import Settings
from storage.database import open_engine
from storage.queries import list_articles
from storage.sources import list_sources

from ..site import Hit, Reply, Site

PAGES = ["APNews_0", "BBC_0", "TheGuardian_0", "Reuters_0"]
PUBLISHED = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def _rss(site: Site, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{site.url(path)}</link>"
        f"<pubDate>{format_datetime(PUBLISHED)}</pubDate></item>"
        for path, title in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{entries}</channel></rss>'.encode()
    )


@pytest.fixture
def site(corpora_dir: Path) -> Iterator[Site]:
    s = Site()
    s.routes["/robots.txt"] = Reply(200, b"User-agent: *\nDisallow: /private/\n")
    pages = corpora_dir / "fundus-pages" / "pages"
    available = [p for p in PAGES if (pages / f"{p}.html").exists()]
    for name in available:
        s.routes[f"/news/{name}"] = Reply(
            200, (pages / f"{name}.html").read_bytes(), {"Content-Type": "text/html; charset=utf-8"}
        )
    latin = (
        "<html><head><title>Tariffs on cheese</title></head><body><article><h1>Tariffs on cheese</h1>"
        + "".join(
            f"<p>Paragraph {i}: les producteurs de Roquefort et de Comté disent que la taxe coûte {20 + i} € "
            f"par caisse, et la coopérative numéro {i} prévoit une baisse des ventes à l'étranger.</p>"
            for i in range(12)
        )
        + "</article></body></html>"
    )
    s.routes["/news/latin"] = Reply(
        200, latin.encode("cp1252"), {"Content-Type": "text/html; charset=windows-1252"}
    )
    items = [(f"/news/{n}", f"Feed title {n}") for n in available] + [("/news/latin", "Cheese")]
    items.append((f"/news/{available[0]}?utm_source=rss&utm_medium=feed", "The same article again"))
    items.append(("/news/missing", "A page that is gone"))
    feed = _rss(s, items)

    def conditional(hit: Hit, n: int) -> Reply:
        if hit.headers.get("If-None-Match") == '"feed-v1"':
            return Reply(304)
        return Reply(200, feed, {"Content-Type": "application/rss+xml", "ETag": '"feed-v1"'})

    s.routes["/feed.xml"] = conditional
    s.routes["/broken.xml"] = Reply(
        200, b"<rss><channel><item><title>unclosed", {"Content-Type": "application/rss+xml"}
    )
    s.routes["/private/feed.xml"] = Reply(200, feed)
    s.routes["/slow.xml"] = Reply(200, feed, delay=3.0)
    s.available = available  # type: ignore[attr-defined]
    busy = Site()  # another host: its pause must not hold this one's feeds
    busy.routes["/robots.txt"] = Reply(404)
    busy.routes["/busy.xml"] = Reply(429, headers={"Retry-After": "3600"})
    s.busy = busy  # type: ignore[attr-defined]
    yield s
    busy.close()
    s.close()


def test_a_feed_is_watched_and_a_second_run_costs_only_conditional_requests(db_url: str, site: Site) -> None:
    install(Runtime(Settings(db_url=db_url, fetch_host_delay=0.0, fetch_timeout=1.0)))
    runner = CliRunner()
    added = runner.invoke(
        app,
        ["sources", "add", site.url("/feed.xml"), "--name", "Loopback News", "--every", "5m", "--db", db_url],
    )
    assert added.exit_code == 0, added.output
    for url in (
        site.url("/broken.xml"),
        site.url("/private/feed.xml"),
        site.busy.url("/busy.xml"),
        site.url("/slow.xml"),
    ):  # type: ignore[attr-defined]
        assert runner.invoke(app, ["sources", "add", url, "--db", db_url]).exit_code == 0
    install(Runtime(Settings(db_url=db_url, fetch_host_delay=0.0, fetch_timeout=1.0)))

    first = monitor()
    available = site.available  # type: ignore[attr-defined]
    assert first["sources_polled"] == 5 and first["sources_failed"] == 4, first["errors"]
    assert first["articles_new"] == len(available) + 1  # the page listed twice is one article
    engine = open_engine(db_url)
    articles = {a["url"]: a for a in list_articles(engine)}
    assert len(articles) == len(available) + 1
    assert "Comté disent que la taxe coûte 25 €" in articles[site.url("/news/latin")]["text"]  # cp1252
    for name in available:
        stored = articles[site.url(f"/news/{name}")]
        assert stored["outlet"] == "Loopback News" and stored["title"] and len(stored["text"].split()) > 100
        assert stored["published"]
    assert articles[site.url("/news/APNews_0")]["author"] == "MELISSA GOLDIN"  # the page's metadata
    assert len(site.asked(f"/news/{available[0]}")) == 1  # never fetched twice
    assert any(e["source_id"].endswith("/news/missing") and "404" in e["error"] for e in first["errors"])

    state = {s["url"].split("/", 3)[3]: s for s in list_sources(engine)}
    assert len(site.busy.asked("/busy.xml")) == 1  # type: ignore[attr-defined]
    assert state["feed.xml"]["error_count"] == 0 and state["feed.xml"]["last_status"].startswith("200")
    for path, error in (
        ("broken.xml", "not a readable RSS or Atom feed"),
        ("private/feed.xml", "robots.txt"),
        ("busy.xml", "retry after"),
        ("slow.xml", "timed out"),
    ):
        assert state[path]["error_count"] == 1 and error in state[path]["last_error"], state[path]
        assert state[path]["next_poll_at"] > state["feed.xml"]["last_polled_at"]
    busy_next = datetime.fromisoformat(state["busy.xml"]["next_poll_at"])
    assert (busy_next - datetime.now(UTC)).total_seconds() > 3000  # Retry-After respected

    pages_before = sum(1 for h in site.hits if h.path.startswith("/news/"))
    second = monitor(every=True)
    assert second["articles_new"] == 0 and second["sources_not_modified"] == 1
    assert sum(1 for h in site.hits if h.path.startswith("/news/")) == pages_before  # no page fetched again
    assert site.asked("/feed.xml")[-1].headers.get("If-None-Match") == '"feed-v1"'
    listed = json.loads(runner.invoke(app, ["sources", "list", "--db", db_url, "--json"]).stdout)
    assert {s["error_count"] for s in listed if s["url"].endswith("/broken.xml")} == {2}  # never abandoned
