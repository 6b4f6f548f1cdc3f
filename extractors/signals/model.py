"""The learned decisions: linear models over :mod:`~extractors.signals.features`.

Two logistic-regression models, trained by :mod:`extractors.signals.training`
from the labelled articles of ``eval/signals/news/`` and stored as plain JSON
weights (``extractors/data/signals-model.json``, no pickle):

- ``event``: is a candidate the rules read an event of the article (right type,
  action class and actor)? Candidates under ``threshold`` are dropped; news
  under ``alert_threshold`` is stored and shown, but does not alert.
- ``recap``: is a kept event news, or an older action the article only recaps
  (the evaluation rules' "background")? Kept events at ``recap_threshold`` or
  above are recaps, which never alert.

Scoring a candidate is a sum of the weights of its features: no numerical
library is loaded at run time, and the result does not depend on the machine.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import repeat
from pathlib import Path
from typing import Any

from ..exceptions import InvalidRecord

__all__ = ["LinearModel", "SignalModel", "default_model"]

MODEL_FILE = "signals-model.json"


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A binary logistic regression: ``P(yes) = σ(bias + Σ weights[f])``."""

    weights: dict[str, float]
    bias: float

    def probability(self, features: Iterable[str]) -> float:
        z = self.bias + sum(map(self.weights.get, features, repeat(0.0)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def as_dict(self) -> dict[str, Any]:
        return {
            "bias": round(self.bias, 6),
            "weights": {k: round(v, 6) for k, v in sorted(self.weights.items())},
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> LinearModel:
        return cls({str(k): float(v) for k, v in raw["weights"].items()}, float(raw["bias"]))


@dataclass(frozen=True, slots=True)
class SignalModel:
    """The two decisions and the event threshold, with what they were trained on."""

    event: LinearModel
    recap: LinearModel
    threshold: float
    alert_threshold: float
    trained_on: dict[str, Any]
    # a kept event at or above it is a recap; 0.5 for models saved before the setting
    # (training sets it: extractors.signals.training.fit)
    recap_threshold: float = 0.5

    def as_json(self) -> str:
        body = {
            "trained_on": self.trained_on,
            "threshold": self.threshold,
            "alert_threshold": self.alert_threshold,
            "recap_threshold": self.recap_threshold,
            "event": self.event.as_dict(),
            "recap": self.recap.as_dict(),
        }
        return json.dumps(body, indent=0, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str = MODEL_FILE) -> SignalModel:
        try:
            raw = json.loads(text)
            return cls(
                LinearModel.from_dict(raw["event"]),
                LinearModel.from_dict(raw["recap"]),
                float(raw["threshold"]),
                float(raw["alert_threshold"]),
                dict(raw.get("trained_on") or {}),
                float(raw.get("recap_threshold", 0.5)),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidRecord(f"{where}: not a signal model ({exc})") from None

    @classmethod
    def load(cls, path: Path) -> SignalModel:
        return cls.from_json(path.read_text("utf-8"), str(path))


@cache
def default_model() -> SignalModel:
    """The model shipped with the package (loaded once per process)."""
    text = resources.files("extractors").joinpath(f"data/{MODEL_FILE}").read_text("utf-8")
    return SignalModel.from_json(text)
