"""Errors raised by ``extractors``.

Each carries a message a person can act on; the pipeline records it against the
item's source id and goes on with the other items.

Hierarchy::

    ExtractorError
    ├── ItemError                  one input item cannot become an article
    │   ├── UnreadableItem         the file cannot be read (permissions, I/O)
    │   ├── EmptyItem              the file or record holds no text
    │   ├── ItemTooLarge           over the configured size cap
    │   ├── DecodeError            bytes that are not valid UTF-8 text
    │   ├── InvalidRecord          a JSON line that is not a valid record
    │   └── NoArticleText          no article text could be found (e.g. HTML
    │                              that is all navigation)
    ├── FeedError                  a feed that cannot be read as RSS, Atom or JSON Feed
    └── FetchError                 a URL could not be fetched
        ├── FetchTimeout           no answer within the timeout
        ├── TransportError         connection refused or reset, name not found...
        ├── HTTPStatusError        an error status (``.status``)
        │   └── RetryLater         429/503 with a Retry-After too long to wait (``.retry_after``)
        ├── BodyTooLarge           over the size cap, once decompressed
        ├── RedirectLoop           a redirect back to a URL already visited
        ├── TooManyRedirects       more redirects than allowed
        └── RobotsDisallowed       robots.txt says no
"""

__all__ = [
    "BodyTooLarge",
    "DecodeError",
    "EmptyItem",
    "ExtractorError",
    "FeedError",
    "FetchError",
    "FetchTimeout",
    "HTTPStatusError",
    "InvalidRecord",
    "ItemError",
    "ItemTooLarge",
    "NoArticleText",
    "RedirectLoop",
    "RetryLater",
    "RobotsDisallowed",
    "TooManyRedirects",
    "TransportError",
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


class FeedError(ExtractorError):
    """A feed that cannot be read as RSS, Atom or JSON Feed."""


class FetchError(ExtractorError):
    """A URL could not be fetched (the message names it and says why)."""


class FetchTimeout(FetchError):
    pass


class TransportError(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class RetryLater(HTTPStatusError):
    def __init__(self, message: str, status: int, retry_after: float) -> None:
        super().__init__(message, status)
        self.retry_after = retry_after


class BodyTooLarge(FetchError):
    pass


class RedirectLoop(FetchError):
    pass


class TooManyRedirects(FetchError):
    pass


class RobotsDisallowed(FetchError):
    pass
