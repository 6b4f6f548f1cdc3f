"""Alert titles speak the vocabulary: every type and action has its words."""

from __future__ import annotations

import pytest

from extractors.messages import headline
from extractors.vocabulary import ACTIONS, Action, EventType

PAIRS = [(t, a) for t, actions in ACTIONS.items() for a in actions]
WORDS = {Action.INCREASED: "raised", Action.REDUCED: "cut"}  # the rest read as themselves


@pytest.mark.parametrize(("type_", "action"), PAIRS, ids=[f"{t}-{a}" for t, a in PAIRS])
def test_every_type_and_action_reads_as_words(type_: EventType, action: Action) -> None:
    event = {
        "type": type_,
        "action": action,
        "actor": "US",
        "target": "CN",
        "rate_from": None,
        "rate_to": None,
        "amount_usd": None,
        "products": [],
    }
    title = headline(event)
    label = type_.replace("_", " ").capitalize()
    assert title == f"{label} {WORDS.get(action, action)}: US on CN{' goods' if type_ == 'tariff' else ''}"
