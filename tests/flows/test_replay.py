"""The seeds replayed through the real flows, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.ingest import replay
from flows.runtime import Runtime, install
from flows.settings import Settings
from storage.database import open_engine
from storage.queries import list_alerts, list_articles, list_events, list_stories

from ..conftest import Receiver, SMTPServer

B = 1e9


def _has(events: list[dict], **want: object) -> bool:
    return any(all(e[k] == v for k, v in want.items()) for e in events)


def test_seeds_replay_end_to_end_and_a_second_replay_adds_nothing(
    db_url: str, seeds_dir: Path, receiver: Receiver, smtp: SMTPServer, tmp_path: Path, caplog: Any
) -> None:
    """An SMTP route and a webhook route: one alert per new tariff or sanction
    event on each; a second replay, and copies under other names, send none."""
    install(Runtime(Settings(db_url=db_url, apprise_urls=[receiver.url, smtp.url])))
    summary = replay(str(seeds_dir))
    assert summary["articles_seen"] == 5 and summary["articles_new"] == 5
    assert summary["errors"] == []
    engine = open_engine(db_url)

    events = list_events(engine)
    assert summary["events_new"] == len(events)
    for want in [
        dict(type="sanction", action="imposed", actor="US", target="ZTE"),
        dict(type="sanction", action="eased", actor="US", target="ZTE"),
        dict(type="tariff", action="threatened", actor="US", target="CN", amount_usd=150 * B),
        dict(type="tariff", action="threatened", actor="CN", target="US", amount_usd=50 * B),
        dict(type="tariff", action="threatened", actor="US", target="CN", amount_usd=100 * B),
        dict(type="tariff", action="threatened", rate_from=10.0, rate_to=25.0, amount_usd=200 * B),
        dict(type="tariff", action="threatened", actor="US", rate_to=200.0),
        dict(type="tariff", action="imposed", actor="US", target="CN", rate_to=20.0),
        dict(type="tariff", action="imposed", actor="US", target="CN", amount_usd=50 * B),
    ]:
        assert _has(events, **want), want
    # 000 recaps March's steel and aluminium tariffs (no target); 004 reports the decision
    # to go ahead with them on Canada, Europe and Mexico: news, an event per target (the
    # evaluation rules' rule 5) and one alert for the list. Until 2026-12-02 004's was read
    # with no target and joined 000's recap, and that news never alerted.
    steel = {e["target"]: e for e in events if {"steel", "aluminum"} <= set(e["products"])}
    assert sorted(steel, key=str) == ["CA", "EU", "MX", None]
    assert {a["source_id"][:3] for a in steel[None]["articles"]} == {"000"} and steel[None]["background"]
    assert all({a["source_id"][:3] for a in steel[c]["articles"]} == {"004"} for c in ("CA", "EU", "MX"))
    assert [steel[c]["alertable"] for c in ("CA", "EU", "MX")].count(True) == 1
    zte_ban = next(e for e in events if e["target"] == "ZTE" and e["action"] == "imposed")
    assert {a["source_id"][:3] for a in zte_ban["articles"]} == {"000", "002"}

    # the stories: 000 with 002 (Liu He's visit, the ZTE reversal); 001, 003, 004 apart
    stories = sorted(sorted(a["source_id"][:3] for a in st["articles"]) for st in list_stories(engine))
    assert stories == [["000", "002"], ["001"], ["003"], ["004"]]
    assert summary["stories"] == 4

    stored = {a["source_id"][:3]: a["text"] for a in list_articles(engine)}
    assert "Created with Sketch" not in stored["002"] and "free article" not in stored["002"]

    alertable = [e for e in events if e["type"] in ("tariff", "sanction") and e["alertable"]]
    assert summary["alerts_sent"] == 2 * len(alertable)
    assert len(receiver.bodies) == len(smtp.messages) == len(alertable)
    assert sorted(b["title"] for b in receiver.bodies) == sorted(str(m["Subject"]) for m in smtp.messages)
    titles = [b["title"] for b in receiver.bodies]
    assert "Tariff increase threatened: US on CN goods worth $200B, 10% → 25%" in titles
    assert all(a["status"] == "sent" for a in list_alerts(engine))

    renamed = tmp_path / "renamed"
    renamed.mkdir()
    for n, path in enumerate(sorted(seeds_dir.glob("*.txt"))):
        shutil.copy(path, renamed / f"copy-{n}.txt")
    for corpus in (seeds_dir, renamed):  # the same files again, and copies under other names
        again = replay(str(corpus))
        assert (again["articles_new"], again["events_new"], again["alerts_sent"]) == (0, 0, 0)
        assert again["stories"] == 4
    assert len(receiver.bodies) == len(smtp.messages) == len(alertable)
    assert len(list_events(engine)) == len(events)
    assert len(list_stories(engine)) == 4
    shown = json.dumps(list_alerts(engine)) + caplog.text
    assert SMTPServer.PASSWORD not in shown and str(smtp.port) not in json.dumps(list_alerts(engine))


def test_bad_input_is_reported_and_the_rest_stored(tmp_path: Path, sqlite_url: str, seeds_dir: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(next(seeds_dir.glob("004_*.txt")), corpus / "good.txt")
    (corpus / "empty.txt").write_text("")
    (corpus / "binary.txt").write_bytes(b"\xff\xfe\x00tariff")
    (corpus / "nav.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (corpus / "big.txt").write_text("tariffs " * 500_000)
    (corpus / "feed.jsonl").write_text('{"id": "j1", "text": "too short"}\n{broken\n')

    runner = CliRunner()
    result = runner.invoke(app, ["replay", str(corpus), "--db", sqlite_url, "--json"])
    assert result.exit_code == 3, result.output
    summary = json.loads(result.stdout)
    failed = {e["source_id"] for e in summary["errors"]}
    assert failed == {"empty", "binary", "nav", "big", "j1", "feed#2"}
    assert all(e["error"] for e in summary["errors"])
    assert summary["articles_new"] == 1 and summary["articles_seen"] == 7

    listed = runner.invoke(app, ["articles", "--db", sqlite_url, "--json"])
    assert [a["source_id"] for a in json.loads(listed.stdout)] == ["good"]


def test_cli_json_contract(sqlite_url: str, seeds_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["replay", str(seeds_dir), "--db", sqlite_url, "--json"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)) == {
        "articles_seen",
        "articles_new",
        "stories",
        "events_new",
        "alerts_sent",
        "alerts_failed",
        "errors",
        "alert_errors",
    }
    events = json.loads(runner.invoke(app, ["events", "--db", sqlite_url, "--json"]).stdout)
    assert events and set(events[0]) == {
        "id",
        "type",
        "action",
        "actor",
        "target",
        "rate_from",
        "rate_to",
        "amount_usd",
        "products",
        "entities",
        "first_seen",
        "occurred",
        "background",
        "confidence",
        "alertable",
        "thread",
        "articles",
        "evidence",
    }
    assert set(events[0]["articles"][0]) == {"source_id", "url", "outlet"}
    stories = json.loads(runner.invoke(app, ["stories", "--db", sqlite_url, "--json"]).stdout)
    assert set(stories[0]) == {"id", "title", "articles"}
    assert set(stories[0]["articles"][0]) == {"source_id", "url", "outlet", "title"}
    alerts = json.loads(runner.invoke(app, ["alerts", "--db", sqlite_url, "--json"]).stdout)
    assert set(alerts[0]) == {"id", "event_id", "route", "status", "attempts", "sent_at", "last_error"}
    arts = json.loads(runner.invoke(app, ["articles", "--db", sqlite_url, "--json"]).stdout)
    assert set(arts[0]) == {
        "source_id",
        "url",
        "outlet",
        "title",
        "author",
        "language",
        "published",
        "story_id",
        "text",
        "pruned",
    }


@pytest.mark.parametrize("args", [["replay", "/no/such/path"], ["events", "--db", "nonsense"], ["bogus"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert CliRunner().invoke(app, args).exit_code == 2


@pytest.mark.parametrize("url", ["mysql://u:secret@127.0.0.1/db", "postgresql://u:secret@host:abc/db"])
def test_unusable_database_urls_exit_2_without_the_password(url: str) -> None:
    result = CliRunner().invoke(app, ["events", "--db", url])
    assert result.exit_code == 2
    assert "secret" not in result.output


def test_alerts_retry_uses_the_db_given_to_alerts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    result = CliRunner().invoke(app, ["alerts", "--db", url, "retry"], catch_exceptions=False)
    assert result.exit_code == 0
    assert (tmp_path / "other.db").exists()
    assert not Path("data/tradewatch.db").exists() or Path("data").resolve() != tmp_path


def test_rebuild_stories_places_an_old_database_again(
    sqlite_url: str, seeds_dir: Path, receiver: Receiver
) -> None:
    """A database from before story matching had one story per article: the
    rebuild gives the seeds their four stories and leaves events and alerts."""
    import sqlalchemy as sa

    from flows.maintenance import rebuild_stories

    install(Runtime(Settings(db_url=sqlite_url, apprise_urls=[receiver.url])))
    replay(str(seeds_dir))
    engine = open_engine(sqlite_url)
    events, sent = len(list_events(engine)), len(receiver.bodies)
    with engine.begin() as conn:  # what revision 0005 found: a story per article, nothing indexed
        conn.execute(sa.text("UPDATE articles SET story_terms = NULL"))
        conn.execute(sa.text("DELETE FROM story_keys"))
        conn.execute(sa.text("UPDATE stories SET profile = NULL, size = 0"))
        for (article_id,) in conn.execute(sa.text("SELECT id FROM articles")).all():
            new = conn.execute(
                sa.text(
                    "INSERT INTO stories (title, created_at, size)"
                    " VALUES ('old', CURRENT_TIMESTAMP, 0) RETURNING id"
                )
            ).scalar_one()
            conn.execute(
                sa.text("UPDATE articles SET story_id = :s WHERE id = :a"), {"s": new, "a": article_id}
            )
    assert len(list_stories(engine)) == 5 + 4  # the old per-article stories, and the emptied ones
    assert rebuild_stories() == 4
    stories = sorted(sorted(a["source_id"][:3] for a in st["articles"]) for st in list_stories(engine))
    assert stories == [["000", "002"], ["001"], ["003"], ["004"]]
    assert (len(list_events(engine)), len(receiver.bodies)) == (events, sent)


def test_failed_deliveries_are_counted_and_fail_the_exit_status(
    sqlite_url: str, seeds_dir: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17, finding 8: failed deliveries gave "alerts_sent": 0, "errors": [] and exit 0."""
    receiver.fail = True
    monkeypatch.setenv("TRADEWATCH_APPRISE_URLS", receiver.url)
    result = CliRunner().invoke(app, ["replay", str(seeds_dir), "--db", sqlite_url, "--json"])
    assert result.exit_code == 3, result.output
    summary = json.loads(result.stdout)
    events = json.loads(CliRunner().invoke(app, ["events", "--db", sqlite_url, "--json"]).stdout)
    alertable = [e for e in events if e["type"] in ("tariff", "sanction") and e["alertable"]]
    assert summary["alerts_sent"] == 0 and summary["errors"] == []
    assert summary["alerts_failed"] == len(alertable) > 5
    assert summary["alert_errors"] and all("503" in e or "failed" in e for e in summary["alert_errors"])
