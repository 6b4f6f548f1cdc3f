"""``tradewatch events`` with the web view's filters, --limit and --csv, and
``alerts backtest``, on the seeds database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def _json(*args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["events", *args, "--json"])
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


def test_filters_limit_and_csv(seeds_db: str) -> None:
    every = _json("--db", seeds_db)
    assert {e["id"] for e in _json("--db", seeds_db, "--actor", "CN")} == {
        e["id"] for e in every if e["actor"] == "CN"
    }
    threats = _json("--db", seeds_db, "--type", "tariff", "--action", "threatened")
    assert threats and all((e["type"], e["action"]) == ("tariff", "threatened") for e in threats)
    newest = _json("--db", seeds_db, "--limit", "3")
    assert [e["id"] for e in newest] == sorted(e["id"] for e in every)[-3:]  # the newest 3, oldest first
    assert _json("--db", seeds_db, "--since", "2999-01-01") == []
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["events", "--db", seeds_db, "--csv"]).stdout)))
    assert [int(r["id"]) for r in rows] == [e["id"] for e in every]


@pytest.mark.parametrize(
    ("option", "value", "allowed"),
    [("--type", "tarif", "sanction"), ("--action", "raised", "increased"), ("--since", "May", "%Y-%m-%d")],
)
def test_unknown_filter_values_exit_2_with_the_allowed_ones(
    seeds_db: str, option: str, value: str, allowed: str
) -> None:
    result = runner.invoke(app, ["events", "--db", seeds_db, option, value])
    assert result.exit_code == 2
    assert allowed in result.output


def test_the_table_has_date_and_title_and_fits_80_columns(seeds_db: str) -> None:
    result = CliRunner(env={"COLUMNS": "80"}).invoke(app, ["events", "--db", seeds_db])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "date" in lines[2] and "event" in lines[2]
    assert "Tariff threatened: US on CN" in result.stdout.replace("\n│    │            │ ", " ")


def test_alerts_backtest_counts_without_sending(seeds_db: str, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yml"
    rules.write_text("rules:\n  - route: console\n    type: tariff\nroutes:\n  console: {digest: 1h}\n")
    result = runner.invoke(app, ["alerts", "backtest", "--rules", str(rules), "--db", seeds_db, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    every = _json("--db", seeds_db)
    wanted = {e["id"] for e in every if e["type"] == "tariff" and e["alertable"] and not e["background"]}
    assert {int(k) for k in report["alerted"]} == wanted
    (console,) = report["channels"]
    assert console["alerts"] == len(wanted) and console["messages"] == 1  # one digest: they came at once
    bad = tmp_path / "bad.yml"
    bad.write_text("rules: [{route: a, action: raised}]")
    assert runner.invoke(app, ["alerts", "backtest", "--rules", str(bad), "--db", seeds_db]).exit_code == 2
