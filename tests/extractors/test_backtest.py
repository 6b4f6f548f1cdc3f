"""Backtesting alert rules: which events alert where, and the messages pacing leaves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from extractors.backtest import backtest
from extractors.routing import AlertRules, RouteOptions, held_until, parse_rules, simulate

T0 = datetime(2019, 5, 10, 9, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def test_without_pacing_each_alert_is_a_message_at_once() -> None:
    arrivals = [T0, T0 + 5 * MIN, T0 + 5 * MIN]
    assert [(s.at, s.alerts) for s in simulate(arrivals, RouteOptions())] == [(t, 1) for t in arrivals]


def test_a_digest_sends_one_message_per_interval_with_what_waited() -> None:
    arrivals = [T0, T0 + 2 * MIN, T0 + 20 * MIN, T0 + 21 * MIN, T0 + 200 * MIN]
    sent = simulate(arrivals, RouteOptions(digest=15 * MIN))
    # the first digest one interval after the oldest alert; the next one interval after it;
    # a later one as soon as its alert comes, the interval since the last being over
    assert [(s.at, s.alerts) for s in sent] == [(T0 + 15 * MIN, 2), (T0 + 30 * MIN, 2), (T0 + 200 * MIN, 1)]


def test_per_hour_holds_messages_until_the_hour_has_room() -> None:
    arrivals = [T0 + i * MIN for i in range(5)]
    sent = simulate(arrivals, RouteOptions(per_hour=2))
    assert [s.at for s in sent] == [T0, T0 + MIN, T0 + 60 * MIN, T0 + 61 * MIN, T0 + 120 * MIN]
    assert held_until(
        RouteOptions(per_hour=2), oldest=T0, last_sent=None, recent=[T0, T0 + MIN], now=T0 + 2 * MIN
    ) == (T0 + 60 * MIN)


def _event(i: int, type_: str, actor: str, target: str, seen: datetime, **kw: Any) -> dict[str, Any]:
    return {
        "id": i,
        "type": type_,
        "action": kw.pop("action", "imposed"),
        "actor": actor,
        "target": target,
        "rate_from": None,
        "rate_to": None,
        "amount_usd": None,
        "products": kw.pop("products", []),
        "entities": [],
        "first_seen": seen.isoformat(),
        "alertable": kw.pop("alertable", True),
        "background": kw.pop("background", False),
    }


def test_backtest_routes_paces_and_counts_per_day_sending_nothing() -> None:
    rules = parse_rules(
        {
            "rules": [
                {"route": "compliance", "type": "sanction", "target_kind": "company"},
                {"route": "desk", "type": "tariff"},
            ],
            "routes": {"desk": {"digest": "1h"}},
        }
    )
    day2 = T0 + timedelta(days=1)
    events = [
        _event(1, "tariff", "US", "CN", T0),
        _event(2, "tariff", "CN", "US", T0 + 10 * MIN),
        _event(3, "sanction", "US", "ZTE", T0 + 20 * MIN),
        _event(4, "sanction", "US", "RU", T0 + 30 * MIN),  # a country: not compliance's
        _event(5, "tariff", "EU", "US", day2, alertable=False),  # not judged news: never alerts
        _event(6, "tariff", "EU", "US", day2 + MIN, background=True),  # a recap
        _event(7, "trade_talks", "US", "CN", day2, action="held"),  # no rule wants talks
        _event(8, "tariff", "EU", "US", day2 + 5 * MIN),
    ]
    result = backtest(events, rules, ["compliance/mailto", "desk"])
    assert result.considered == 8
    assert result.alerted == {1: ["desk"], 2: ["desk"], 3: ["compliance/mailto"], 8: ["desk"]}
    plans = {c.channel: c for c in result.channels}
    assert plans["desk"].events == [1, 2, 8] and plans["compliance/mailto"].events == [3]
    assert plans["desk"].per_day == {"2019-05-10": 1, "2019-05-11": 1}  # a digest carried 1 and 2
    assert [m.alerts for m in plans["desk"].messages] == [2, 1]
    assert plans["compliance/mailto"].as_dict()["messages_per_day"] == {"2019-05-10": 1}
    # without rules, tariffs and sanctions alert every channel
    default = backtest(events, AlertRules(), ["console"])
    assert set(default.alerted) == {1, 2, 3, 4, 8}
