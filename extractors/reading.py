"""Raw item → article → what it says, in one call: the unit of CPU work that
worker processes do for the live and offline paths (:func:`read_item`).

Extraction, copy fingerprint, signals and story description all run where the
item is, so one round trip to a worker process carries an item in and a
ready-to-store result out, and the database side only writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .articles import article_or_failure
from .models import ArticleDoc, ItemFailure, Mention, RawItem
from .stories import ArticleText, Description, read_article

__all__ = ["ReadItem", "read_item", "warm_up"]


@dataclass(frozen=True, slots=True)
class ReadItem:
    """An item's article, the events it states and its story description."""

    doc: ArticleDoc
    mentions: list[Mention]
    description: Description


def read_item(item: RawItem | ItemFailure) -> ReadItem | ItemFailure:
    """:func:`extractors.articles.to_article`, then
    :func:`extractors.stories.read_article` of the article; an item's error
    (any exception a parser raises on it), or one passed in, comes back as its
    :class:`ItemFailure`."""
    try:
        doc = article_or_failure(item)
        if isinstance(doc, ItemFailure):
            return doc
        _, mentions, description = read_article(ArticleText(0, doc.title, doc.text, doc.published))
    except Exception as exc:  # a page that breaks a parser loses itself, not its batch
        return ItemFailure(item.source_id, f"could not read the item: {type(exc).__name__}: {exc}")
    return ReadItem(doc, mentions, description)


_WARM_UP = RawItem("warm-up", "text", "Washington imposed 25% tariffs on $34 billion of Chinese steel.")


def warm_up() -> None:
    """Read one short item, so that a worker process has imported and loaded
    what reading needs (the word frequencies, MinHash, the gazetteers) before
    its first real item."""
    read_item(_WARM_UP)
