"""Alert messages: a title a person reads at a glance, then the proof.

Text taken from articles cannot act in a chat channel or a terminal: control
and bidirectional-formatting characters are dropped (no escape sequences, no
right-to-left override), a quote is cut at ``MAX_QUOTE`` characters, ``<`` and
``>`` become ``‹`` and ``›`` (so no Slack link, mention or markup can be formed;
the chat services escape ``&`` themselves), a Markdown link ``[text](url)``
is broken, and ``@channel``/``@here``/``@everyone`` cannot ping anyone. The HTML
body (email) escapes everything it quotes. Links to the sources are the only
links a message holds.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .vocabulary import Action, EventType

__all__ = ["MAX_QUOTE", "MAX_TITLE", "Message", "headline", "money", "neutralise", "render", "render_digest"]

MAX_QUOTE = 600  # characters of an evidence sentence in a message
MAX_TITLE = 200
_PING = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
# controls (C0 but line feed, DEL, C1) and the bidirectional formatting characters
_UNSHOWABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_MD_LINK = re.compile(r"\]\s*\(")

# how a title says each action, and each type (tests hold them to the vocabulary)
_VERB: dict[Action, str] = {
    Action.THREATENED: "threatened",
    Action.ANNOUNCED: "announced",
    Action.IMPOSED: "imposed",
    Action.INCREASED: "raised",
    Action.DELAYED: "delayed",
    Action.REDUCED: "cut",
    Action.LIFTED: "lifted",
    Action.EASED: "eased",
    Action.SCHEDULED: "scheduled",
    Action.HELD: "held",
    Action.STALLED: "stalled",
    Action.AGREED: "agreed",
}
_TYPE: dict[EventType, str] = {
    EventType.TARIFF: "Tariff",
    EventType.SANCTION: "Sanction",
    EventType.TRADE_TALKS: "Trade talks",
    EventType.TRADE_DEAL: "Trade deal",
}


def _showable(text: str, limit: int) -> str:
    """``text`` without unshowable characters, cut at ``limit`` characters."""
    text = _UNSHOWABLE.sub("", text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def neutralise(text: str, limit: int = MAX_QUOTE) -> str:
    """Text from an article made inert for chat and terminals: no control or
    bidirectional characters, at most ``limit`` characters, no ``<``/``>``
    (links, mentions, ``<!channel>``), no Markdown links, no mass pings."""
    text = _showable(text, limit).replace("<", "\u2039").replace(">", "\u203a")
    text = _MD_LINK.sub("]\u200b(", text)
    return _PING.sub("@\u200b", text)


def money(amount: float) -> str:
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if amount >= scale:
            return f"${amount / scale:g}{suffix}"
    return f"${amount:,.0f}"


def _rate(value: float) -> str:
    return f"{value:g}%"


def headline(event: Mapping[str, Any]) -> str:
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
    return _showable(line, MAX_TITLE)  # actor, target and goods may come from an article


@dataclass(frozen=True, slots=True)
class Message:
    """One alert as each kind of channel takes it: a title, a plain-text body
    (chat, webhooks, the console) and an HTML body (email)."""

    title: str
    text: str
    html: str
    events: tuple[int, ...] = ()  # the ids of the events it tells


def _sources(event: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    return [
        (_showable(a.get("outlet") or a.get("source_id") or "?", MAX_TITLE), a.get("url"))
        for a in event["articles"]
    ]


def _link(name: str, url: str | None) -> str:
    if url and url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(url, quote=True)}">{html.escape(name)}</a>'
    return html.escape(name)


def render(event: Mapping[str, Any], history: Sequence[Mapping[str, Any]] = ()) -> Message:
    """The alert for one event: its headline, the sentence that proves it, its
    sources (outlet and link), how many stories carry it, and the earlier
    states of its measure (``history``, oldest first)."""
    title = headline(event)
    stories = event.get("stories", 0)
    carried = f"Carried by {stories} stor{'y' if stories == 1 else 'ies'}."
    quote = _showable(event["evidence"][0], MAX_QUOTE) if event["evidence"] else None
    sources = _sources(event)[:5]
    earlier = [headline(h) for h in history]
    lines = [f"“{neutralise(quote)}”"] if quote else []
    if sources:
        lines.append("Sources: " + "; ".join(neutralise(" ".join(filter(None, s))) for s in sources))
    lines.append(carried)
    if earlier:
        lines.append("Earlier: " + " ← ".join(neutralise(h, MAX_TITLE) for h in reversed(earlier)))
    parts = [f"<p><b>{html.escape(title)}</b></p>"]
    if quote:
        parts.append(f"<blockquote>{html.escape(quote)}</blockquote>")
    if sources:
        items = "".join(f"<li>{_link(name, url)}</li>" for name, url in sources)
        parts.append(f"<p>Sources:</p><ul>{items}</ul>")
    parts.append(f"<p>{carried}</p>")
    if earlier:
        items = "".join(f"<li>{html.escape(h)}</li>" for h in earlier)
        parts.append(f"<p>Earlier states of this measure:</p><ol>{items}</ol>")
    return Message(neutralise(title, MAX_TITLE), "\n".join(lines), "\n".join(parts), (int(event["id"]),))


def render_digest(events: Sequence[Mapping[str, Any]]) -> Message:
    """One message listing several events (a route in digest mode)."""
    title = f"{len(events)} new trade event{'s' if len(events) != 1 else ''}"
    lines, items = [], []
    for e in events:
        name, url = (_sources(e) or [("?", None)])[0]
        line = headline(e)
        lines.append(f"• {neutralise(line)} ({neutralise(' '.join(filter(None, (name, url))))})")
        items.append(f"<li>{html.escape(line)} ({_link(name, url)})</li>")
    ids = tuple(int(e["id"]) for e in events)
    return Message(title, "\n".join(lines), f"<p><b>{title}</b></p><ul>{''.join(items)}</ul>", ids)
