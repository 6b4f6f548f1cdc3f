"""Agreement between two readers of the article-level labels
(``eval/signals/news/``, ``eval/signals/LABELLING.md``).

Over the articles both readers labelled, the events of each article are paired
by what evaluation scores, action class and parties (``tradewatch eval
signals``: talks and deals as an unordered pair); the first reader is the
reference, so event agreement is precision, recall and F1 of the second
against the first. Over the paired events, each field is compared: type,
action, background, rates, amount, and whether both quote the same sentence.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .evaluation import Agreement, Counts
from .exceptions import InvalidRecord
from .vocabulary import PAIRED_TYPES, action_class

__all__ = ["FIELDS", "ArticleEvent", "ReaderAgreement", "agreement", "load_article_labels"]

FIELDS = ("type", "action", "background", "rate_from", "rate_to", "amount_usd", "evidence")


@dataclass(frozen=True, slots=True)
class ArticleEvent:
    """One labelled event of an article."""

    type: str
    action: str
    actor: str | None
    target: str | None
    rate_from: float | None
    rate_to: float | None
    amount_usd: float | None
    background: bool
    evidence: str

    def key(self) -> tuple[str, object]:
        """What pairs two readers' events: action class and parties."""
        if self.type in PAIRED_TYPES:
            return "talks", frozenset((self.actor, self.target))
        return action_class(self.type, self.action), (self.actor, self.target)


def _event(raw: dict[str, Any], where: str) -> ArticleEvent:
    try:
        return ArticleEvent(
            str(raw["type"]),
            str(raw["action"]),
            raw.get("actor"),
            raw.get("target"),
            raw.get("rate_from"),
            raw.get("rate_to"),
            raw.get("amount_usd"),
            bool(raw.get("background", False)),
            " ".join(str(raw.get("evidence", "")).split()),
        )
    except (KeyError, TypeError) as exc:
        raise InvalidRecord(f"{where}: not an article event ({exc})") from None


def load_article_labels(paths: Iterable[Path]) -> dict[str, list[ArticleEvent]]:
    """``article id → its events`` from JSONL label files."""
    out: dict[str, list[ArticleEvent]] = {}
    for path in paths:
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                record = json.loads(line)
                article = str(record["article"])
                events = [_event(e, where) for e in record["events"]]
            except (ValueError, KeyError, TypeError) as exc:
                raise InvalidRecord(f"{where}: not an article label ({exc})") from None
            out[article] = events
    return out


@dataclass
class ReaderAgreement:
    """How far a second reader agrees with the first (the reference)."""

    articles: int = 0
    events: Counts = field(default_factory=Counts)
    fields: dict[str, Agreement] = field(default_factory=lambda: {f: Agreement() for f in FIELDS})

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "events": {
                "first": self.events.tp + self.events.fn,
                "second": self.events.tp + self.events.fp,
                "paired": self.events.tp,
                "precision": round(self.events.precision, 4),
                "recall": round(self.events.recall, 4),
                "f1": round(self.events.f1, 4),
            },
            "fields": {f: round(a.accuracy, 4) for f, a in self.fields.items()},
        }


def agreement(first: dict[str, list[ArticleEvent]], second: dict[str, list[ArticleEvent]]) -> ReaderAgreement:
    """The second reader against the first, over the articles both labelled."""
    out = ReaderAgreement()
    for article in sorted(first.keys() & second.keys()):
        out.articles += 1
        unpaired = list(second[article])
        for a in first[article]:
            b = next((x for x in unpaired if x.key() == a.key()), None)
            if b is None:
                out.events.fn += 1
                continue
            unpaired.remove(b)
            out.events.tp += 1
            for name in FIELDS:
                out.fields[name].add(getattr(a, name) == getattr(b, name))
        out.events.fp += len(unpaired)
    return out
