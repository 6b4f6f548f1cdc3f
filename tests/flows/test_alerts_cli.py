"""``tradewatch alerts send --dry-run`` and ``alerts test``, with real routes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractors.articles import content_hash
from extractors.models import ArticleDoc, Mention
from flows.cli import app
from storage.database import open_engine
from storage.ingest import ensure_source, record_mentions, store_articles

from ..conftest import Receiver, SMTPServer


def _pending(url: str, channels: list[str]) -> None:
    engine = open_engine(url)
    source = ensure_source(engine, "corpus", "/cli")
    (a,) = store_articles(
        engine, source, [ArticleDoc(source_id="a", text="x " * 50, content_hash=content_hash("a"))]
    )
    mention = Mention("sanction", "imposed", "US", "ZTE", "k", evidence=("The U.S. banned ZTE.",))
    record_mentions(engine, [(a.article_id, [mention])], routes=channels)


def test_dry_run_shows_what_would_be_sent(
    sqlite_url: str, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWATCH_APPRISE_URLS", receiver.url)
    _pending(sqlite_url, ["json"])
    result = CliRunner().invoke(app, ["alerts", "send", "--dry-run", "--db", sqlite_url, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "would_send": [{"channel": "json", "title": "Sanction imposed: US on ZTE"}],
        "held_back": 0,
    }
    assert receiver.bodies == []


def test_alerts_test_sends_to_every_channel_of_a_route(
    tmp_path: Path, receiver: Receiver, smtp: SMTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "apprise.yml"
    config.write_text(f"urls:\n  - {receiver.url}:\n      tag: desk\n  - {smtp.url}:\n      tag: desk\n")
    monkeypatch.setenv("TRADEWATCH_APPRISE_CONFIG", str(config))
    result = CliRunner().invoke(app, ["alerts", "test", "desk"])
    assert result.exit_code == 0, result.output
    assert [b["title"] for b in receiver.bodies] == ["tradewatch test message"]
    assert [str(m["Subject"]) for m in smtp.messages] == ["tradewatch test message"]
    assert CliRunner().invoke(app, ["alerts", "test", "nowhere"]).exit_code == 2


def test_a_bad_alert_configuration_is_a_usage_error_without_secrets(
    tmp_path: Path, sqlite_url: str, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = tmp_path / "rules.yml"
    rules.write_text("rules: [{route: desk, colour: red}]")
    monkeypatch.setenv("TRADEWATCH_ALERT_RULES", str(rules))
    result = CliRunner().invoke(app, ["replay", str(seeds_dir), "--db", sqlite_url])
    assert result.exit_code == 2 and "unknown field" in result.output
    monkeypatch.delenv("TRADEWATCH_ALERT_RULES")
    monkeypatch.setenv("TRADEWATCH_APPRISE_URLS", "nosuchscheme://token-s3cret@host")
    result = CliRunner().invoke(app, ["alerts", "send", "--dry-run", "--db", sqlite_url])
    assert result.exit_code == 2 and "s3cret" not in result.output
