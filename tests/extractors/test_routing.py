"""Alert rules: which routes an event alerts, and how routes are paced."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from extractors.backtest import backtest
from extractors.models import Mention
from extractors.routing import AlertRules, RouteOptions, RulesError, load_rules, parse_rules

RULES = """
rules:
  - route: compliance
    type: sanction
    target_kind: company
  - route: trade-desk
    type: tariff
    actor: [US, CN]
  - route: trade-desk
    type: trade_talks
    action: stalled
  - route: farm
    products: soybeans
routes:
  trade-desk: {digest: 15m, per_hour: 20}
"""
CHANNELS = ["compliance/mailto", "compliance/slack", "trade-desk", "farm", "json"]


def _m(type_: str, action: str, actor: str, target: str | None, products: tuple[str, ...] = ()) -> Mention:
    return Mention(type_, action, actor, target, f"{type_}{action}{actor}{target}", products=products)


@pytest.fixture
def rules(tmp_path: Path) -> AlertRules:
    path = tmp_path / "rules.yml"
    path.write_text(RULES)
    return load_rules(path)


def test_rules_choose_routes_by_type_actor_target_and_goods(rules: AlertRules) -> None:
    assert rules.channels_for(_m("sanction", "imposed", "US", "ZTE"), CHANNELS) == [
        "compliance/mailto",
        "compliance/slack",
    ]
    assert (
        rules.channels_for(_m("sanction", "imposed", "US", "RU"), CHANNELS) == []
    )  # a country: not compliance
    assert rules.channels_for(_m("tariff", "increased", "CN", "US", ("soybeans",)), CHANNELS) == [
        "trade-desk",
        "farm",
    ]
    assert rules.channels_for(_m("tariff", "imposed", "EU", "US"), CHANNELS) == []
    assert rules.channels_for(_m("trade_talks", "stalled", "CN", "US"), CHANNELS) == ["trade-desk"]
    assert rules.channels_for(_m("trade_talks", "held", "CN", "US"), CHANNELS) == []


def test_a_target_rule_matches_every_target_of_a_list() -> None:
    rules = parse_rules({"rules": [{"route": "mexico", "target": "MX"}]})
    listed = replace(_m("tariff", "imposed", "US", "EU"), entities=("CA", "MX"))  # one alert for the list
    assert rules.channels_for(listed, ["mexico"]) == ["mexico"]
    assert rules.channels_for(_m("tariff", "imposed", "US", "MX"), ["mexico"]) == ["mexico"]
    assert rules.channels_for(_m("tariff", "imposed", "US", "EU"), ["mexico"]) == []


def test_a_route_can_ask_for_the_events_the_extractor_is_surest_of() -> None:
    rules = parse_rules(
        {
            "rules": [
                {"route": "board", "type": ["tariff", "sanction"], "min_confidence": 0.9},
                {"route": "desk", "type": "tariff"},
            ]
        }
    )
    assert rules.ask_confidence and not parse_rules({"rules": [{"route": "desk"}]}).ask_confidence
    sure, unsure = _m("tariff", "imposed", "US", "CN"), _m("tariff", "imposed", "US", "MX")
    assert rules.channels_for(replace(sure, confidence=0.93), ["board", "desk"]) == ["board", "desk"]
    assert rules.channels_for(replace(unsure, confidence=0.72), ["board", "desk"]) == ["desk"]
    # a stored event with no confidence recorded is not known to be sure
    row = {"id": 1, "type": "tariff", "action": "imposed", "actor": "US", "target": "CN", "rate_from": None}
    row |= {"rate_to": None, "amount_usd": None, "products": [], "first_seen": "2026-12-01T10:00:00+00:00"}
    assert backtest([row], rules, ["board", "desk"]).alerted == {1: ["desk"]}
    assert backtest([row | {"confidence": 0.95}], rules, ["board", "desk"]).alerted == {1: ["board", "desk"]}


def test_without_rules_tariffs_and_sanctions_alert_everywhere_and_talks_nowhere() -> None:
    default = AlertRules()
    assert default.channels_for(_m("tariff", "imposed", "EU", "US"), CHANNELS) == CHANNELS
    assert default.channels_for(_m("trade_talks", "held", "CN", "US"), CHANNELS) == []


def test_route_pacing_is_read(rules: AlertRules) -> None:
    assert rules.for_route("trade-desk") == RouteOptions(timedelta(minutes=15), 20)
    assert rules.for_route("farm") == RouteOptions()


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("rules: [{type: tariff}]", "needs a 'route'"),
        ("rules: [{route: a, colour: red}]", "unknown field"),
        ("rules: [{route: a, target_kind: planet}]", "target_kind"),
        ("rules: [{route: a, type: tarif}]", "unknown type tarif"),
        ("rules: [{route: a, action: raised}]", "unknown action raised"),
        ("rules: [{route: a, min_confidence: high}]", "min_confidence is a number"),
        ("rules: [{route: a, min_confidence: 1.5}]", "min_confidence is a number"),
        ("routes: {a: {digest: soon}}", "not a duration"),
        ("routes: {a: {per_hour: 0}}", "per_hour"),
        ("[1, 2]", "expected a mapping"),
    ],
)
def test_a_bad_rules_file_says_where_and_why(tmp_path: Path, text: str, error: str) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(text)
    with pytest.raises(RulesError, match=error) as failure:
        load_rules(path)
    assert str(path) in str(failure.value)
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "missing.yml")
    assert parse_rules(None) == AlertRules()
