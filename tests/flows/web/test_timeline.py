"""A measure's timeline as SVG: states in time order, the rate as a step line."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from flows.web.timeline import event_date, timeline_svg

NS = "{http://www.w3.org/2000/svg}"


def _state(i: int, action: str, day: str | None, rate: float | None = None) -> dict[str, Any]:
    return {
        "id": i,
        "type": "tariff",
        "action": action,
        "occurred": day,
        "first_seen": "2026-01-01T00:00:00+00:00",
        "rate_to": rate,
    }


def test_states_are_placed_by_date_with_the_rate_as_a_step_line() -> None:
    states = [
        _state(1, "threatened", "2018-03-01", 10.0),
        _state(2, "imposed", "2018-07-06", 10.0),
        _state(3, "increased", "2019-05-10", 25.0),
    ]
    svg = ET.fromstring(timeline_svg(states, current=3))
    dots = svg.findall(f".//{NS}circle")
    xs = [float(c.get("cx", 0)) for c in dots]
    assert xs == sorted(xs) and xs[0] < xs[1] < xs[2]  # later states further right
    assert (xs[1] - xs[0]) / (xs[2] - xs[1]) < 0.5  # 4 months, then 10: spaced by time
    assert [c.get("stroke") for c in dots] == [None, None, "#000"]  # the page's own event ringed
    (line,) = svg.findall(f".//{NS}polyline")
    points = [tuple(map(float, p.split(","))) for p in (line.get("points") or "").split()]
    assert points[-1][1] < points[0][1]  # the rate went up: the line ends higher
    labels = "".join(svg.itertext())
    assert "2018-03-01 threatened 10%" in labels and "2019-05-10 increased 25%" in labels


def test_undated_states_and_text_from_outside_are_safe() -> None:
    states = [_state(1, "<script>", None), _state(2, "imposed", None)]
    svg = timeline_svg(states)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)  # well-formed
    assert (
        event_date({"occurred": None, "first_seen": "2026-01-02T03:04:05+00:00"}).isoformat() == "2026-01-02"
    )
    assert event_date({"occurred": "not a date", "first_seen": None}) is None
