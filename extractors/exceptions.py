"""Errors raised by ``extractors``.

Each carries a message a person can act on; the pipeline records it against the
item's source id and goes on with the other items.

Hierarchy::

    ExtractorError
    └── ItemError                  one input item cannot become an article
        ├── UnreadableItem         the file cannot be read (permissions, I/O)
        ├── EmptyItem              the file or record holds no text
        ├── ItemTooLarge           over the configured size cap
        ├── DecodeError            bytes that are not valid UTF-8 text
        ├── InvalidRecord          a JSON line that is not a valid record
        └── NoArticleText          no article text could be found (e.g. HTML
                                   that is all navigation)
"""

__all__ = [
    "DecodeError",
    "EmptyItem",
    "ExtractorError",
    "InvalidRecord",
    "ItemError",
    "ItemTooLarge",
    "NoArticleText",
    "UnreadableItem",
]


class ExtractorError(Exception):
    """Base of every error raised by ``extractors``."""


class ItemError(ExtractorError):
    """One input item cannot become an article."""


class UnreadableItem(ItemError):
    pass


class EmptyItem(ItemError):
    pass


class ItemTooLarge(ItemError):
    pass


class DecodeError(ItemError):
    pass


class InvalidRecord(ItemError):
    pass


class NoArticleText(ItemError):
    pass
