"""The model shipped in the package, and what a retrained one must match of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extractors.signals import model

SHIPPED = Path(model.__file__).parents[1] / "data" / model.MODEL_FILE


def assert_the_shipped_model(trained_json: str) -> None:
    """``trained_json`` has the shipped model's features, settings and counts,
    and each weight and bias to the last of its six decimals: another build of
    numpy or scipy may round one the other way (one weight of 27,055 did,
    0.190833 against 0.190834, on 2026-12-02)."""
    shipped: dict[str, Any] = json.loads(SHIPPED.read_text("utf-8"))
    trained: dict[str, Any] = json.loads(trained_json)
    for part in ("event", "recap"):
        got, want = trained.pop(part), shipped.pop(part)
        assert got["weights"].keys() == want["weights"].keys(), f"{part}: not the shipped features"
        for name, weight in want["weights"].items():
            assert got["weights"][name] == pytest.approx(weight, abs=2e-6), (part, name)
        assert got["bias"] == pytest.approx(want["bias"], abs=2e-6), part
    assert trained == shipped, "run `make train` and commit the model"
