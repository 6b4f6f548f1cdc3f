"""deploy/prefect.yaml declares the deployments flows/deployments.py defines."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from flows.deployments import specs
from flows.settings import Settings

YAML = Path(__file__).resolve().parents[2] / "deploy" / "prefect.yaml"


def _declared() -> dict[str, dict[str, Any]]:
    return {d["name"]: d for d in yaml.safe_load(YAML.read_text("utf-8"))["deployments"]}


def test_prefect_yaml_declares_what_serve_serves_with_the_default_settings() -> None:
    declared = _declared()
    defined = specs(Settings(_env_file=None))  # type: ignore[call-arg]
    assert sorted(declared) == sorted(s.name for s in defined)
    for spec in defined:
        d = declared[spec.name]
        assert d["entrypoint"] == spec.entrypoint, spec.name
        assert d["description"] == spec.description, spec.name
        assert d["tags"] == spec.tags, spec.name
        assert d.get("parameters", {}) == spec.parameters, spec.name
        intervals = [timedelta(seconds=s["interval"]) for s in d.get("schedules", [])]
        assert intervals == ([spec.interval] if spec.interval else []), spec.name
        limit = d.get("concurrency_limit")
        if spec.concurrency is None:
            assert limit is None, spec.name
        else:
            assert limit == {
                "limit": spec.concurrency.limit,
                "collision_strategy": spec.concurrency.collision_strategy.value,
            }, spec.name
        triggers = d.get("triggers", [])
        assert len(triggers) == len(spec.triggers), spec.name
        for t, want in zip(triggers, spec.triggers, strict=True):
            assert t["name"] == want.name
            assert set(t["expect"]) == want.expect
            assert t["match"] == want.match.model_dump()
            assert (t["posture"], t["threshold"]) == (want.posture.value, want.threshold)
            assert timedelta(seconds=t["within"]) == want.within
            assert t["parameters"] == want.parameters


@pytest.mark.parametrize(
    ("env", "want"),
    [
        ({"TRADEWATCH_POLL_EVERY": "30s"}, {"interval": timedelta(seconds=30), "cron": None}),
        ({"TRADEWATCH_POLL_CRON": "*/10 * * * *"}, {"interval": None, "cron": "*/10 * * * *"}),
    ],
)
def test_the_poll_schedule_comes_from_the_settings(
    env: dict[str, str], want: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    poll = next(s for s in specs(Settings(_env_file=None)) if s.name == "poll")  # type: ignore[call-arg]
    assert {"interval": poll.interval, "cron": poll.cron} == want


@pytest.mark.parametrize("bad", ["soon", "0s", "-5m", "-300"])
def test_a_bad_duration_is_refused_with_its_name(bad: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    monkeypatch.setenv("TRADEWATCH_ALERT_WINDOW", bad)
    with pytest.raises(ValidationError, match="alert_window"):
        Settings(_env_file=None)  # type: ignore[call-arg]
