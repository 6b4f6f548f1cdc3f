"""``tradewatch prune`` on a copy of the seeds database."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def _json(*args: str) -> object:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_prune_by_date_keeps_every_event(seeds_db: str, tmp_path: Path) -> None:
    path = tmp_path / "copy.db"
    shutil.copy(str(make_url(seeds_db).database), path)
    db = f"sqlite:///{path}"
    engine = sa.create_engine(db)
    with engine.begin() as conn:  # the seeds as news of 2020
        conn.execute(sa.text("UPDATE articles SET published = '2020-05-01 12:00:00.000000'"))
    engine.dispose()
    events = _json("events", "--db", db)
    articles = _json("articles", "--db", db)
    assert isinstance(articles, list) and articles

    future = runner.invoke(app, ["prune", "--db", db, "--before", "2999-01-01"])
    assert future.exit_code == 2 and "future" in future.output
    dry = _json("prune", "--db", db, "--before", "2021-01-01", "--dry-run")
    assert dry == {**dict(dry), "dry_run": True, "articles": len(articles)}  # type: ignore[arg-type]
    assert _json("articles", "--db", db) == articles
    done = _json("prune", "--db", db, "--before", "2021-01-01")
    assert {**dict(done), "dry_run": True} == dry  # type: ignore[arg-type]
    assert _json("events", "--db", db) == events
    after = _json("articles", "--db", db)
    assert isinstance(after, list)
    assert all(a["text"] == "" and a["pruned"] for a in after)
    assert [a["title"] for a in after] == [a["title"] for a in articles]
    missing = runner.invoke(
        app, ["prune", "--db", f"sqlite:///{tmp_path / 'none.db'}", "--before", "2021-01-01"]
    )
    assert missing.exit_code == 2
