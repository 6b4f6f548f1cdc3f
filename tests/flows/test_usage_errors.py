"""Commands that must not mislead (issue 17, finding 8): a wrong value is a
usage error (exit 2) that says what is allowed, and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def test_an_unknown_filter_value_is_a_usage_error_naming_the_allowed_ones(sqlite_url: str) -> None:
    from storage.database import open_engine

    open_engine(sqlite_url).dispose()
    bad_type = runner.invoke(app, ["events", "--type", "bogus", "--db", sqlite_url])
    assert bad_type.exit_code == 2 and "tariff" in bad_type.output and "trade_deal" in bad_type.output
    bad_status = runner.invoke(app, ["alerts", "--status", "lost", "--db", sqlite_url])
    assert bad_status.exit_code == 2 and "dead" in bad_status.output


def test_a_read_command_never_creates_a_database(tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    for command in (["events"], ["stories"], ["articles"], ["alerts"], ["sources", "list"]):
        result = runner.invoke(app, [*command, "--db", f"sqlite:///{typo}"])
        assert result.exit_code == 2 and "no tradewatch database" in result.output, command
    assert not typo.exists()


def test_retrying_an_alert_that_is_not_dead_is_an_error(sqlite_url: str) -> None:
    from storage.database import open_engine

    open_engine(sqlite_url).dispose()
    result = runner.invoke(app, ["alerts", "retry", "999", "--db", sqlite_url])
    assert result.exit_code == 2 and "999" in result.output


def test_a_source_added_again_keeps_what_was_not_given(sqlite_url: str) -> None:
    url = "http://127.0.0.1:9/feed.xml"
    assert (
        runner.invoke(
            app, ["sources", "add", url, "--name", "Wire", "--every", "1h", "--db", sqlite_url]
        ).exit_code
        == 0
    )
    again = runner.invoke(app, ["sources", "add", url, "--db", sqlite_url])
    assert again.exit_code == 0 and "already watched" in again.output
    (source,) = json.loads(runner.invoke(app, ["sources", "list", "--json", "--db", sqlite_url]).stdout)
    assert (source["name"], source["every_seconds"]) == ("Wire", 3600)


def test_one_feed_under_differently_cased_urls_is_one_source(sqlite_url: str) -> None:
    for url in ("HTTP://Feeds.Example.test:80/Trade.xml", "http://feeds.example.test/Trade.xml#top"):
        assert runner.invoke(app, ["sources", "add", url, "--db", sqlite_url]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["sources", "list", "--json", "--db", sqlite_url]).stdout)
    assert [s["url"] for s in listed] == ["http://feeds.example.test/Trade.xml"]
    removed = runner.invoke(
        app, ["sources", "remove", "HTTP://FEEDS.example.test/Trade.xml", "--db", sqlite_url]
    )
    assert removed.exit_code == 0


def test_credentials_in_a_feed_url_are_never_printed(sqlite_url: str) -> None:
    url = "https://reader:hunter2-secret@feeds.example.test/private.xml?token=abc123def456"
    added = runner.invoke(app, ["sources", "add", url, "--db", sqlite_url])
    assert added.exit_code == 0
    table = runner.invoke(app, ["sources", "list", "--db", sqlite_url])
    listed = runner.invoke(app, ["sources", "list", "--json", "--db", sqlite_url])
    for output in (added.output, table.output, listed.stdout):
        assert "hunter2" not in output and "abc123def456" not in output and "reader" not in output
    assert "feeds.example.test" in listed.stdout


def test_a_malformed_apprise_url_is_a_usage_error(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWATCH_APPRISE_URLS", "json://u:p@[::1")
    result = runner.invoke(app, ["alerts", "send", "--dry-run", "--db", sqlite_url])
    assert result.exit_code == 2 and "alert configuration" in result.output
    assert "Traceback" not in result.output
