"""Alert messages: a title a person reads at a glance, then the proof.

Text taken from articles is made safe for chat channels: ``<``, ``>`` and ``&``
are escaped (no smuggled links or markup) and ``@channel``/``@here``/
``@everyone`` cannot ping anyone.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["format_alert", "headline", "money", "neutralise"]

_PING = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)

_VERB = {
    "threatened": "threatened",
    "announced": "announced",
    "imposed": "imposed",
    "increased": "raised",
    "delayed": "delayed",
    "reduced": "cut",
    "lifted": "lifted",
    "eased": "eased",
    "scheduled": "scheduled",
    "held": "held",
    "stalled": "stalled",
    "agreed": "agreed",
}
_TYPE = {"tariff": "Tariff", "sanction": "Sanction", "trade_talks": "Trade talks", "trade_deal": "Trade deal"}


def neutralise(text: str) -> str:
    """Escape ``&<>`` and break mass pings in text from an article."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _PING.sub("@\u200b", text)


def money(amount: float) -> str:
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if amount >= scale:
            return f"${amount / scale:g}{suffix}"
    return f"${amount:,.0f}"


def _rate(value: float) -> str:
    return f"{value:g}%"


def headline(event: dict[str, Any]) -> str:
    """``Tariff increase threatened: US on CN goods worth $200B, 10% → 25%``."""
    kind = _TYPE.get(event["type"], event["type"])
    increase = event["rate_from"] is not None and event["rate_to"] is not None
    if event["type"] == "tariff" and increase and event["action"] == "threatened":
        kind = "Tariff increase"
    title = f"{kind} {_VERB.get(event['action'], event['action'])}"
    who = event["actor"] or "?"
    if event["target"]:
        goods = "goods" if event["type"] == "tariff" else ""
        who += f" on {event['target']} {goods}".rstrip()
    details = []
    if event["amount_usd"]:
        details.append(f"worth {money(event['amount_usd'])}")
    if increase:
        details.append(f"{_rate(event['rate_from'])} → {_rate(event['rate_to'])}")
    elif event["rate_to"] is not None:
        details.append(_rate(event["rate_to"]))
    if event["products"]:
        details.append(", ".join(event["products"][:4]))
    line = f"{title}: {who}"
    if details:
        line += (" " if details[0].startswith("worth") else ", ") + ", ".join(details)
    return line


def format_alert(event: dict[str, Any]) -> tuple[str, str]:
    """(title, plain-text body) for one event."""
    lines = []
    if event["evidence"]:
        lines.append(f"“{neutralise(event['evidence'][0])}”")
    sources = [
        " ".join(filter(None, [a.get("outlet") or a.get("source_id"), a.get("url")]))
        for a in event["articles"]
    ]
    if sources:
        lines.append("Sources: " + "; ".join(neutralise(s) for s in sources[:5]))
    stories = event.get("stories", 0)
    lines.append(f"Carried by {stories} stor{'y' if stories == 1 else 'ies'}.")
    return neutralise(headline(event)), "\n".join(lines)
