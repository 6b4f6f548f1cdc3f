"""The signal rules' vocabulary, kept as data (``extractors/data/signals.toml``)
and looked up by name, as :mod:`extractors.cleaning` keeps its furniture.

- ``trigger(name)``: a word family that opens a candidate (``tariff``,
  ``talks``, ``deal``...), with the literal stems one of which every match holds;
- ``sanction_triggers()``: the sanction triggers in order, each with what it
  means by itself (an action, :data:`FROM_VERB` or :data:`IN_TRADE_STORY`);
- ``verbs(kind)``: the verbs that give an action (``slapped`` → imposed), in
  order: of two at one distance from the trigger, the earlier wins;
- ``cue(name)``: any other cue (modality, negation, clause cuts, rates,
  amounts...), matched in any case; ``exact(name)``: one matched as written;
- ``scale()``: the multiplier of each amount word (``billion``, ``bn``...);
- ``codes(name)``: a set of actor codes the rules treat alike (``sanctioners``).

The file is read once per process (:func:`cues`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..exceptions import InvalidRecord
from ..patterns import Caseless

__all__ = ["FROM_VERB", "IN_TRADE_STORY", "Cues", "Trigger", "cues"]

# what a sanction trigger means by itself, besides an action of the vocabulary
FROM_VERB = None  # the verb around it says ("sanctions" in "imposed sanctions")
IN_TRADE_STORY = "in-trade-story"  # "the ban": a sanction only in an article about trade


@dataclass(frozen=True, eq=False)
class Trigger:
    """A trigger pattern and literal stems (lower case), one of which every match
    contains: a clause holding none of them is passed over without running the
    pattern, which is most clauses of most articles."""

    name: str
    pattern: Caseless
    stems: frozenset[str]

    def finditer(self, text: str, live: set[Trigger]) -> list[re.Match[str]]:
        """The matches in ``text``, for which the rules found ``live``."""
        return list(self.pattern.finditer(text)) if self in live else []

    def search(self, text: str, live: set[Trigger]) -> re.Match[str] | None:
        return self.pattern.search(text) if self in live else None


class Cues:
    """The vocabulary file, compiled."""

    def __init__(self, raw: dict[str, Any], where: str = "signals.toml") -> None:
        self._raw = raw
        self._where = where

    def _get(self, section: str, name: str) -> Any:
        try:
            return self._raw[section][name]
        except KeyError:
            raise InvalidRecord(f"{self._where}: no [{section}] {name}") from None

    def trigger(self, name: str) -> Trigger:
        entry = self._get("trigger", name)
        return Trigger(name, Caseless(entry["pattern"]), frozenset(entry["stems"]))

    def sanction_triggers(self) -> list[tuple[Trigger, str | None]]:
        out = []
        for n, entry in enumerate(self._raw.get("sanction_trigger", [])):
            action = entry["action"]
            trigger = Trigger(f"sanction-{n}", Caseless(entry["pattern"]), frozenset(entry["stems"]))
            out.append((trigger, FROM_VERB if action == "from-verb" else action))
        return out

    def verbs(self, kind: str) -> list[tuple[str, Caseless]]:
        return [(entry["action"], Caseless(entry["pattern"])) for entry in self._get("verb", kind)]

    def cue(self, name: str) -> Caseless:
        return Caseless(self._get("cue", name))

    def exact(self, name: str) -> re.Pattern[str]:
        return re.compile(self._get("exact", name))

    def codes(self, name: str) -> frozenset[str]:
        return frozenset(str(c) for c in self._get("codes", name))

    def scale(self) -> dict[str, float]:
        return {str(k): float(v) for k, v in self._raw["scale"].items()}


@cache
def cues() -> Cues:
    """The package's vocabulary file (read once per process)."""
    text = resources.files("extractors").joinpath("data/signals.toml").read_text("utf-8")
    return Cues(tomllib.loads(text))
