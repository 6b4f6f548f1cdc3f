"""A measure's timeline drawn as SVG on the server: its states in order
(threatened → announced → imposed → raised → delayed → lifted), and the rate
over time where rates exist. No script: the page stays readable and safe
with JavaScript off, and nothing has to be fetched."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from html import escape
from typing import Any

from extractors.vocabulary import action_class

__all__ = ["event_date", "timeline_svg"]

WIDTH, ROW = 720, 28
_COLOURS = {  # by action class
    "threat": "#b26a00",
    "imposition": "#b3261e",
    "relief": "#2e7d32",
    "talks": "#1f5fa8",
}


def event_date(event: Mapping[str, Any]) -> date | None:
    """When an event happened, else when it was first seen."""
    text = event.get("occurred") or (event.get("first_seen") or "")[:10]
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _class(event: Mapping[str, Any]) -> str:
    try:
        return action_class(str(event["type"]), str(event["action"]))
    except KeyError:  # not in the vocabulary: drawn in the neutral colour
        return ""


def timeline_svg(states: Sequence[Mapping[str, Any]], current: int | None = None) -> str:
    """The states of one measure (``events --json`` rows), oldest first, as an
    SVG: one dot per state on a time axis with its action and rate; a step line
    of the rate where two or more states carry one. ``current``: the event the
    page shows, ringed."""
    dated = [(event_date(e), e) for e in states]
    days = [d for d, _ in dated if d is not None]
    first, last = (min(days), max(days)) if days else (None, None)
    span = max(1, (last - first).days) if first and last else 1
    left, right = 230, WIDTH - 40
    height = ROW * len(states) + 70

    def x(d: date | None, i: int) -> float:
        if d is None or first is None:
            return left + (right - left) * (i / max(1, len(states) - 1))
        return left + (right - left) * ((d - first).days / span)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" style="max-width: {WIDTH}px" role="img" aria-label="timeline of the measure">',
        f'<line x1="{left}" y1="{height - 40}" x2="{right}" y2="{height - 40}" stroke="#888"/>',
    ]
    if first and last:
        parts.append(f'<text x="{left}" y="{height - 22}" font-size="12">{first.isoformat()}</text>')
        if last != first:
            parts.append(
                f'<text x="{right}" y="{height - 22}" font-size="12" text-anchor="end">'
                f"{last.isoformat()}</text>"
            )
    rates = [(x(d, i), e["rate_to"]) for i, (d, e) in enumerate(dated) if e.get("rate_to") is not None]
    if len(rates) >= 2:
        top = max(r for _, r in rates) or 1.0
        points: list[str] = []
        for px, rate in rates:
            py = (height - 40) - (height - 60) * (rate / top)
            if points:
                points.append(
                    f"{px:.1f},{points[-1].split(',')[1]}"
                )  # a step: the rate holds until it changes
            points.append(f"{px:.1f},{py:.1f}")
        parts.append(
            f'<polyline class="rate" points="{" ".join(points)}" fill="none" stroke="#555" '
            f'stroke-dasharray="4 3"/>'
        )
    for i, (d, e) in enumerate(dated):
        px, py = x(d, i), 20 + ROW * i
        colour = _COLOURS.get(_class(e), "#444")
        rate = e.get("rate_to")
        label = str(e["action"]) + (f" {rate:g}%" if rate is not None else "")
        when = d.isoformat() if d else "undated"
        parts.append(f'<line x1="{px:.1f}" y1="{py}" x2="{px:.1f}" y2="{height - 40}" stroke="#ddd"/>')
        ring = ' stroke="#000" stroke-width="2"' if e.get("id") == current else ""
        parts.append(f'<circle cx="{px:.1f}" cy="{py}" r="6" fill="{colour}"{ring}/>')
        parts.append(
            f'<text x="10" y="{py + 4}" font-size="12">'
            f'<a href="/events/{int(e["id"])}">{escape(when)} {escape(label)}</a></text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
