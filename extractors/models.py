"""Plain value types passed between the pipeline's stages.

The types that carry values from outside (:class:`RawItem`, what a source
gave; :class:`ArticleDoc`, what is stored; :class:`ItemFailure`, what is
reported) clean every string they are given with :func:`plain_text`: the one
place where text from outside loses what no column, terminal or JSON reader
should get (PostgreSQL refuses a NUL byte; a lone surrogate cannot be encoded).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Literal, Protocol

from .vocabulary import ACTIONS, Action, EventType

if TYPE_CHECKING:
    from .deduplication import Fingerprint

__all__ = [
    "EARLIEST",
    "LATEST",
    "ArticleDoc",
    "EventHead",
    "EventLike",
    "ItemFailure",
    "Mention",
    "RawItem",
    "plain_text",
]

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
"""The span a news date may fall in: ingestion reads any other as no date
(:func:`extractors.corpus.parse_datetime`); extraction refuses one."""

# C0 and C1 controls but tab, line feed and carriage return; DEL; lone surrogates
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def plain_text(value: str) -> str:
    """``value`` without control characters (tab and line breaks stay) and
    lone surrogates."""
    return _CONTROL.sub("", value)


def _clean_strings(obj: object, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, str):
            object.__setattr__(obj, name, plain_text(value))  # frozen: set once, while being built


@dataclass(frozen=True, slots=True)
class RawItem:
    """An item as read from a source, before extraction.

    ``body`` is text (``kind="text"``) or HTML (``kind="html"``; bytes when the
    encoding is left to the HTML parser).
    """

    source_id: str
    kind: Literal["text", "html"]
    body: str | bytes
    url: str | None = None
    title: str | None = None
    published: datetime | None = None
    outlet: str | None = None
    origin: str | None = None

    def __post_init__(self) -> None:
        _clean_strings(self, ("source_id", "body", "url", "title", "outlet", "origin"))


@dataclass(frozen=True, slots=True)
class ItemFailure:
    """An item that could not be processed, and why."""

    source_id: str
    error: str

    def __post_init__(self) -> None:
        _clean_strings(self, ("source_id", "error"))


@dataclass(frozen=True, slots=True)
class ArticleDoc:
    """An article's clean text and metadata, ready to store."""

    source_id: str
    text: str
    content_hash: str
    url: str | None = None
    title: str | None = None
    published: datetime | None = None
    outlet: str | None = None
    language: str | None = None
    author: str | None = None
    fingerprint: Fingerprint | None = None  # computed with the text, where CPU is spread (or at store)

    def __post_init__(self) -> None:
        _clean_strings(self, ("source_id", "text", "url", "title", "outlet", "language", "author"))


@dataclass(frozen=True, slots=True)
class Mention:
    """A trade-dispute event as stated in one article (type and action are
    checked against the vocabulary: a string outside it raises ValueError)."""

    type: EventType
    action: Action
    actor: str | None
    target: str | None
    key: str
    rate_from: float | None = None
    rate_to: float | None = None
    amount_usd: float | None = None
    products: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    evidence: tuple[str, ...] = field(default=())
    # an older action the article only recaps (more than a week before it): never alerted as new
    background: bool = False
    occurred: date | None = None  # when it happened or was first reported, when the article says
    confidence: float = 1.0  # the event model's probability that this is an event of the article
    # news the extractor is sure enough of to alert on (not a recap, confidence at
    # the model's alert threshold or above); an event all the same when not
    alertable: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", EventType(self.type))
        object.__setattr__(self, "action", Action(self.action))
        if self.action not in ACTIONS[self.type]:
            raise ValueError(f"{self.type} has no action {self.action!r}")


class EventHead(Protocol):
    """What tells events apart as evaluation scores them: type, action, parties."""

    @property
    def type(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def actor(self) -> str | None: ...
    @property
    def target(self) -> str | None: ...


class EventLike(EventHead, Protocol):
    """What event matching reads: a stored event or a fresh mention."""

    @property
    def rate_from(self) -> float | None: ...
    @property
    def rate_to(self) -> float | None: ...
    @property
    def amount_usd(self) -> float | None: ...
    @property
    def products(self) -> Sequence[str]: ...
