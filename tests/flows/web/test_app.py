"""The workbench's pages and exports on the seeds database (the issue's
"Done when"), its filters, escaping and token, through the ASGI app."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from flows.cli import app as cli
from flows.web.app import create_app
from storage.database import open_engine
from storage.queries import list_events

HTML = {"accept": "text/html"}


@pytest.fixture
def client(seeds_db: str) -> Iterator[TestClient]:
    engine = open_engine(seeds_db)
    with TestClient(create_app(engine, channels=["console"])) as c:
        yield c
    engine.dispose()


def _events(seeds_db: str) -> list[dict[str, Any]]:
    engine = open_engine(seeds_db)
    try:
        return [dict(e) for e in list_events(engine)]
    finally:
        engine.dispose()


def test_events_json_lists_the_same_events_as_the_cli(client: TestClient, seeds_db: str) -> None:
    cli_rows = json.loads(CliRunner().invoke(cli, ["events", "--db", seeds_db, "--json"]).stdout)
    web_rows = client.get("/events.json").json()
    assert len(web_rows) >= 10
    assert [r["id"] for r in web_rows] == [r["id"] for r in cli_rows]
    assert web_rows == cli_rows  # the same contract, field for field


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("actor=CN", lambda e: e["actor"] == "CN"),
        ("type=sanction", lambda e: e["type"] == "sanction"),
        ("target=us&type=tariff", lambda e: e["target"] == "US" and e["type"] == "tariff"),
        ("product=soybeans", lambda e: "soybeans" in e["products"]),
        ("q=ZTE", lambda e: any("zte" in s.lower() for s in e["evidence"])),
    ],
)
def test_filters_keep_exactly_the_matching_events(
    client: TestClient, seeds_db: str, query: str, keep: Any
) -> None:
    expected = {e["id"] for e in _events(seeds_db) if keep(e)}
    assert expected, "the seeds hold such events"
    assert {r["id"] for r in client.get(f"/events.json?{query}").json()} == expected
    page = client.get(f"/?{query}", headers=HTML)
    assert page.status_code == 200
    assert {int(i) for i in _links(page.text, "/events/")} == expected


def _links(html: str, prefix: str) -> set[str]:
    import re

    return set(re.findall(rf'href="{re.escape(prefix)}(\d+)"', html))


def test_csv_has_one_row_per_event_and_atom_one_entry(client: TestClient, seeds_db: str) -> None:
    events = _events(seeds_db)
    rows = list(csv.DictReader(io.StringIO(client.get("/events.csv").text)))
    assert [int(r["id"]) for r in rows] == [e["id"] for e in events]
    assert all(r["title"] and r["type"] for r in rows)
    feed = feedparser.parse(client.get("/events.atom").content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == len(events)
    assert {e.link.rsplit("/", 1)[1] for e in feed.entries} == {str(e["id"]) for e in events}
    filtered = feedparser.parse(client.get("/events.atom?type=sanction").content)
    assert len(filtered.entries) == sum(e["type"] == "sanction" for e in events)


def test_an_event_page_shows_its_evidence_timeline_stories_and_alerts(
    client: TestClient, seeds_db: str
) -> None:
    events = _events(seeds_db)
    threaded = next(e for e in events if e["thread"])  # a measure with more than one state
    page = client.get(f"/events/{threaded['id']}", headers=HTML)
    assert page.status_code == 200
    for sentence in threaded["evidence"]:
        assert sentence.replace("'", "&#39;").replace('"', "&#34;") in page.text
    assert "<svg" in page.text and f'href="/events/{threaded["thread"]}"' in page.text  # the earlier state
    assert "/stories/" in page.text
    story = _links(page.text, "/stories/").pop()
    assert client.get(f"/stories/{story}", headers=HTML).status_code == 200
    for path in ("/sources", "/alerts", "/alerts?status=sent", "/backtest"):
        assert client.get(path, headers=HTML).status_code == 200


def test_bad_filters_and_unknown_ids_say_what_is_wrong(client: TestClient) -> None:
    bad = client.get("/?type=tarif", headers=HTML)
    assert bad.status_code == 400 and "tariff" in bad.text and "sanction" in bad.text
    assert client.get("/?since=yesterday", headers=HTML).status_code == 400
    assert client.get("/alerts?status=lost", headers=HTML).status_code == 400
    assert client.get("/events/999999", headers=HTML).status_code == 404


def test_article_text_is_escaped_everywhere(tmp_path: Any) -> None:
    """Article text is hostile input: a script in an evidence sentence or a
    title reaches no page as markup."""
    from extractors.models import Mention, RawItem
    from flows.pipeline import ingest_items
    from storage.ingest import ensure_source, record_mentions

    engine = open_engine(f"sqlite:///{tmp_path / 'hostile.db'}")
    source = ensure_source(engine, "corpus", "/hostile")
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    text = f"Washington imposed 25% tariffs on Chinese steel {attack}. " * 8
    got = ingest_items(engine, source, [RawItem("evil", "text", text, title=attack)], routes=[])
    mention = Mention("tariff", "imposed", "US", "CN", "evil-key", products=(attack,), evidence=(attack,))
    record_mentions(engine, [(got.article_ids[0], [mention])], routes=[])
    with TestClient(create_app(engine)) as c:
        pages = [c.get(p, headers=HTML).text for p in ("/", "/?q=script", "/sources", "/alerts")]
        event_ids = [e["id"] for e in c.get("/events.json").json()]
        pages += [c.get(f"/events/{i}", headers=HTML).text for i in event_ids]
    assert event_ids
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
    assert any("&lt;script&gt;" in html for html in pages)
    engine.dispose()


def test_no_secret_reaches_a_page(tmp_path: Any) -> None:
    """A watched feed's credentials and a failed poll's error that repeats them
    show hidden on the sources page."""
    from storage.sources import add_source, claim_due, record_failure

    engine = open_engine(f"sqlite:///{tmp_path / 'secrets.db'}")
    url = "https://reader:hunter2-secret@feeds.example.test/private.xml?token=abc123def456"
    add_source(engine, url, "feed", name="private")
    (source,) = claim_due(engine, every=True)
    record_failure(engine, source, f"failed: {url} (timeout)")
    with TestClient(create_app(engine)) as c:
        html = c.get("/sources", headers=HTML).text
    assert "feeds.example.test" in html and "private" in html
    assert "hunter2" not in html and "abc123def456" not in html
    engine.dispose()


def test_with_a_token_every_page_asks_for_it(seeds_db: str) -> None:
    engine = open_engine(seeds_db)
    with TestClient(create_app(engine, token="s3cret-token-for-tests")) as c:
        assert c.get("/events.json").status_code == 401
        assert c.get("/", headers=HTML, follow_redirects=False).status_code == 303
        assert c.get("/events.json", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert (
            c.get("/events.json", headers={"authorization": "Bearer s3cret-token-for-tests"}).status_code
            == 200
        )
        assert c.post("/login", content="token=wrong&next=/", headers=HTML).status_code == 401
        signed = c.post("/login", content="token=s3cret-token-for-tests&next=/alerts", follow_redirects=False)
        assert signed.status_code == 303 and signed.headers["location"] == "/alerts"
        assert c.get("/alerts", headers=HTML).status_code == 200  # the cookie now
        assert "s3cret-token-for-tests" not in c.get("/alerts", headers=HTML).text
    engine.dispose()


def test_web_beyond_loopback_needs_a_token(seeds_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRADEWATCH_WEB_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["web", "--host", "0.0.0.0", "--db", seeds_db])
    assert result.exit_code == 2
    assert "TRADEWATCH_WEB_TOKEN" in result.output
