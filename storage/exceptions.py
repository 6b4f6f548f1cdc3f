"""Errors raised by ``storage``.

Hierarchy::

    StorageError
    ├── SchemaError      the database schema is newer than this code
    └── NotFoundError    a row asked for by id does not exist
"""

__all__ = ["NotFoundError", "SchemaError", "StorageError"]


class StorageError(Exception):
    """Base of every error raised by ``storage``."""


class SchemaError(StorageError):
    """The database's schema cannot be used by this version of tradewatch."""


class NotFoundError(StorageError):
    """A row asked for by id does not exist."""
