"""A measure's numbers: rates (``10% to 25%``, ``25 percent``, ``up to 200%``,
``100 pct``) and dollar amounts (``$50 billion``, ``$200bn``, ``300 mln dlrs``),
from the ``[cue]`` patterns of ``data/signals.toml`` and its ``[scale]`` words.
"""

from __future__ import annotations

from .cues import cues

__all__ = ["amount_in", "as_number", "changed_to", "rates_in"]

_CUES = cues()
# --- attributes -----------------------------------------------------------
_RATE_RANGE = _CUES.cue("rate_range")
_RATE_TO_FROM = _CUES.cue("rate_to_from")
_RATE_CHANGED_TO = _CUES.cue("rate_changed_to")
_RATE = _CUES.cue("rate")
_NOT_A_RATE_BEFORE = _CUES.cue("not_a_rate_before")
_NOT_A_RATE_AFTER = _CUES.cue("not_a_rate_after")
_AMOUNT = _CUES.cue("amount")


_SCALE = _CUES.scale()


def as_number(text: str) -> float:
    return float(text.replace(",", ""))


def changed_to(text: str) -> bool:
    """Whether ``text`` names the level a change brings a rate to (``slashed to
    15 percent``): that level is the measure's rate, not one named before it."""
    return _RATE_CHANGED_TO.search(text) is not None


def rates_in(text: str) -> tuple[float | None, float | None]:
    m = _RATE_TO_FROM.search(text)
    if m:
        return as_number(m.group(2)), as_number(m.group(1))
    m = _RATE_RANGE.search(text)
    if m:
        if m.group(1) != "from":  # "ranging from 5% to 25%", "between 15% and 25%": a range, not a change
            return None, max(as_number(m.group(2)), as_number(m.group(3)))  # its highest (guide rule 2)
        return as_number(m.group(2)), as_number(m.group(3))
    m = _RATE_CHANGED_TO.search(text)
    if m:
        return None, as_number(m.group(1))
    # the first rate named (the labelling guide's rule 2: "25% on steel and 10% on aluminum")
    # that is a level, not a change by it or a price's ("prices rose 20 percent")
    rates = [as_number(r.group(1)) for r in _RATE.finditer(text) if _a_level(text, r.start(), r.end())]
    return (None, rates[0]) if rates else (None, None)


def _a_level(text: str, start: int, end: int) -> bool:
    return not (
        _NOT_A_RATE_BEFORE.search(text, max(0, start - 40), start)
        or _NOT_A_RATE_AFTER.search(text[end : end + 40])
    )


def amount_in(text: str) -> float | None:
    m = _AMOUNT.search(text)
    if not m:
        return None
    if m.group(1):
        return as_number(m.group(1)) * _SCALE[m.group(2).lower()]
    return as_number(m.group(3)) * _SCALE[m.group(4).lower()]
