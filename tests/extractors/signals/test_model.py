"""The learned decisions' weights: stored as JSON, read back exactly."""

from __future__ import annotations

import math

import pytest

from extractors.exceptions import InvalidRecord
from extractors.signals.model import LinearModel, SignalModel, default_model


def test_a_linear_model_is_a_logistic_of_its_summed_weights() -> None:
    m = LinearModel({"a": 1.0, "b": -2.0}, 0.5)
    assert m.probability([]) == pytest.approx(1 / (1 + math.exp(-0.5)))
    assert m.probability(["a", "b", "unseen"]) == pytest.approx(1 / (1 + math.exp(0.5)))
    assert m.probability(["a"] * 1000) == pytest.approx(1.0)  # clamped, no overflow


def test_a_model_round_trips_through_its_json() -> None:
    model = SignalModel(
        LinearModel({"w=tariffs": 1.25}, -0.5), LinearModel({}, 0.0), 0.35, 0.5, {"articles": 3}
    )
    again = SignalModel.from_json(model.as_json())
    assert again == model
    assert again.as_json() == model.as_json()


def test_a_file_that_is_not_a_model_is_a_clear_error() -> None:
    with pytest.raises(InvalidRecord, match="not a signal model"):
        SignalModel.from_json('{"event": {}}', "broken.json")


def test_the_shipped_model_is_trained_and_its_thresholds_are_probabilities() -> None:
    model = default_model()
    assert model.event.weights and model.recap.weights
    assert 0 < model.threshold <= model.alert_threshold < 1
    assert model.trained_on["articles"] >= 300
