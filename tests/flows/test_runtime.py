"""The runtime: the settings' parts built once, on first use, and passed down."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extractors.adapters.notify import DeliveryError
from flows.runtime import Runtime, current, install
from flows.settings import Settings


def test_each_part_is_built_once_on_first_use(sqlite_url: str) -> None:
    runtime = Runtime(Settings(db_url=sqlite_url, apprise_urls=["json://127.0.0.1:9/hook"], workers=2))
    assert not Path(sqlite_url.removeprefix("sqlite:///")).exists()  # nothing opened yet
    assert runtime.engine is runtime.engine
    assert Path(sqlite_url.removeprefix("sqlite:///")).exists()
    assert runtime.notifier is runtime.notifier and runtime.fetcher is runtime.fetcher
    assert list(runtime.channels) == runtime.notifier.channels == ["json"]
    assert runtime.pool.workers == 2 and not runtime.pool.started  # workers start with the first batch
    runtime.close()


def test_a_bad_alert_configuration_fails_when_alerts_are_first_needed(sqlite_url: str) -> None:
    runtime = Runtime(Settings(db_url=sqlite_url, apprise_urls=["nosuchscheme://x"]))
    assert runtime.engine is not None  # what does not need alerts still works
    with pytest.raises(DeliveryError, match="nosuchscheme"):
        runtime.notifier  # noqa: B018
    runtime.close()


def test_installing_a_runtime_closes_the_one_before(sqlite_url: str, tmp_path: Path) -> None:
    first = install(Runtime(Settings(db_url=sqlite_url, workers=2)))
    assert current() is first
    first.pool.map(abs, list(range(-20, 0)))
    assert first.pool.started
    second = install(Runtime(Settings(db_url=f"sqlite:///{tmp_path / 'other.db'}")))
    assert current() is second and not first.pool.started


CHILD = "from flows.runtime import current; print(current().settings.database_url)"


def test_a_process_with_no_runtime_builds_one_from_the_environment(tmp_path: Path) -> None:
    """A flow run a deployment starts gets its settings (secrets included)
    from the environment the serving process exported, never as parameters."""
    exported = Settings(db_url=f"sqlite:///{tmp_path / 'served.db'}", batch_size=7).environment()
    assert (
        exported.items()
        >= {  # with whatever this process's environment set
            "TRADEWATCH_BATCH_SIZE": "7",
            "TRADEWATCH_DB_URL": f"sqlite:///{tmp_path / 'served.db'}",
        }.items()
    )
    out = subprocess.run(
        [sys.executable, "-c", CHILD], env=exported, capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert out.stdout.strip() == f"sqlite:///{tmp_path / 'served.db'}"
