"""Offline corpora: a folder of .txt/.html/.json/.jsonl files, or one such file.

``read_corpus`` yields a :class:`RawItem` for each article found and an
:class:`ItemFailure` for each item that cannot be read, so one bad file or line
never stops the others. The source id of an item is the record's ``id`` for
JSON, else the file's stem (``stem#line`` for a JSONL line without an id).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from .encoding import decode
from .exceptions import DecodeError, EmptyItem, InvalidRecord, ItemError, ItemTooLarge, UnreadableItem
from .models import EARLIEST, LATEST, ItemFailure, RawItem, plain_text

__all__ = ["SUFFIXES", "CorpusRecord", "Shard", "parse_datetime", "read_corpus"]

TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSON_SUFFIXES = frozenset({".json", ".jsonl"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES


def parse_datetime(value: Any) -> datetime | None:
    """A timezone-aware UTC datetime from ISO 8601 or RFC 2822 text; None if
    unparseable or outside 1900-2200 (no news date; year 1 at +01:00 is not
    even a datetime in UTC). Every date from outside goes through here."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip()
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                parsed = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError, OverflowError):
                return None
    try:
        parsed = parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (OverflowError, ValueError):
        return None
    return parsed if EARLIEST <= parsed < LATEST else None


class CorpusRecord(BaseModel):
    """One JSON/JSONL record; every field optional but one of ``text``/``html``."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str | None = None
    url: str | None = None
    title: str | None = None
    text: str | None = None
    html: str | None = None
    published: datetime | None = None
    outlet: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, data: Any) -> Any:
        """Text from outside, cleaned before pydantic reads it (it refuses a
        lone surrogate): :func:`extractors.models.plain_text`."""
        if isinstance(data, dict):
            return {k: plain_text(v) if isinstance(v, str) else v for k, v in data.items()}
        return data

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("published", mode="before")
    @classmethod
    def _lenient_date(cls, value: Any) -> datetime | None:
        return parse_datetime(value)

    @model_validator(mode="after")
    def _has_body(self) -> CorpusRecord:
        if not (self.text or self.html):
            raise ValueError("record has neither 'text' nor 'html'")
        return self


def _decode_text(data: bytes) -> str:
    """A plain-text file in whatever charset it is (UTF-8, else a BOM, else
    detection: a latin-1 or windows-1252 file keeps its accents)."""
    text = decode(data)
    if text is None:
        raise DecodeError("not text in any charset tradewatch can recognise")
    return text


def _decode(data: bytes) -> str:
    """JSON, which must be UTF-8 (RFC 8259)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}") from None


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ItemTooLarge(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableItem(f"cannot read file: {exc.strerror or exc}") from None
    if not data.strip():
        raise EmptyItem("file is empty")
    return data


MAX_SOURCE_ID = 512  # the length of the stored column


def _record_item(record: CorpusRecord, source_id: str, origin: str) -> RawItem:
    if len(source_id) > MAX_SOURCE_ID:
        raise InvalidRecord(f"id is {len(source_id)} characters long, over the limit of {MAX_SOURCE_ID}")
    if record.html:
        return RawItem(
            source_id, "html", record.html, record.url, record.title, record.published, record.outlet, origin
        )
    assert record.text is not None
    return RawItem(
        source_id, "text", record.text, record.url, record.title, record.published, record.outlet, origin
    )


def _record_id(obj: Any, fallback_id: str) -> str:
    if isinstance(obj, dict) and obj.get("id") not in (None, ""):
        return str(obj["id"])
    return fallback_id


def _parse_record(obj: Any, fallback_id: str, origin: str) -> RawItem:
    source_id = _record_id(obj, fallback_id)
    if not isinstance(obj, dict):
        raise InvalidRecord(f"{source_id}: a record must be a JSON object, not {type(obj).__name__}")
    try:
        record = CorpusRecord.model_validate(obj)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'record'}: {e['msg']}" for e in exc.errors())
        raise InvalidRecord(problems) from None
    return _record_item(record, record.id or fallback_id, origin)


def _read_jsonl(path: Path, max_bytes: int) -> Iterator[RawItem | ItemFailure]:
    stem = path.stem
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield ItemFailure(stem, f"cannot read file: {exc.strerror or exc}")
        return
    with handle:
        empty = True
        for lineno, raw in enumerate(handle, start=1):
            fallback = source_id = f"{stem}#{lineno}"
            if not raw.strip():
                continue
            empty = False
            try:
                if len(raw) > max_bytes:
                    raise ItemTooLarge(f"line is {len(raw):,} bytes, over the {max_bytes:,}-byte limit")
                try:
                    obj = json.loads(_decode(raw))
                except (RecursionError, ValueError) as exc:
                    if not isinstance(exc, json.JSONDecodeError):
                        raise InvalidRecord(f"unreadable JSON on line {lineno}: {exc}"[:300]) from None
                    raise InvalidRecord(
                        f"invalid JSON on line {lineno}: {exc.msg} (column {exc.colno})"
                    ) from None
                source_id = _record_id(obj, fallback)
                yield _parse_record(obj, fallback, str(path))
            except ItemError as exc:
                yield ItemFailure(source_id, str(exc))
        if empty:
            yield ItemFailure(stem, "file is empty")


def _read_json(path: Path, max_bytes: int) -> Iterator[RawItem | ItemFailure]:
    stem = path.stem
    try:
        data = _read_bytes(path, max_bytes)
        try:
            obj = json.loads(_decode(data))
        except json.JSONDecodeError as exc:
            raise InvalidRecord(f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
        except (RecursionError, ValueError) as exc:
            raise InvalidRecord(f"unreadable JSON: {exc}"[:300]) from None
    except ItemError as exc:
        yield ItemFailure(stem, str(exc))
        return
    records = obj if isinstance(obj, list) else [obj]
    if not records:
        yield ItemFailure(stem, "file holds an empty list of records")
    for index, record in enumerate(records, start=1):
        fallback = stem if len(records) == 1 else f"{stem}#{index}"
        try:
            yield _parse_record(record, fallback, str(path))
        except ItemError as exc:
            yield ItemFailure(_record_id(record, fallback), str(exc))


def _read_file(path: Path, max_bytes: int) -> Iterator[RawItem | ItemFailure]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _read_jsonl(path, max_bytes)
        return
    if suffix == ".json":
        yield from _read_json(path, max_bytes)
        return
    try:
        data = _read_bytes(path, max_bytes)
        if suffix in HTML_SUFFIXES:
            # bytes: the HTML parser reads the charset from the page itself
            yield RawItem(path.stem, "html", data, origin=str(path))
        else:
            yield RawItem(path.stem, "text", _decode_text(data), origin=str(path))
    except ItemError as exc:
        yield ItemFailure(path.stem, str(exc))


def corpus_files(path: Path) -> list[Path]:
    """The files of a corpus, in a stable order (hidden files skipped)."""
    if path.is_file():
        return [path]
    return sorted(
        p
        for p in path.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )


@dataclass(frozen=True, slots=True)
class Shard:
    """One of ``count`` disjoint parts of a corpus (``"2/4"``: the second of
    four): every ``count``-th item of the corpus's stable order, so that
    ``count`` workers replaying one part each read every item once."""

    number: int  # 1 to count
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= self.count:
            raise ValueError(f"not a shard: {self}: K/N with 1 <= K <= N")

    @classmethod
    def parse(cls, text: str) -> Shard:
        number, sep, count = text.partition("/")
        if not sep or not number.strip().isdigit() or not count.strip().isdigit():
            raise ValueError(f"not a shard: {text!r}: K/N, as 2/4")
        return cls(int(number), int(count))

    def __str__(self) -> str:
        return f"{self.number}/{self.count}"

    def holds(self, position: int) -> bool:
        """Whether the item at ``position`` (from 0) of the corpus is this shard's."""
        return position % self.count == self.number - 1


def read_corpus(path: Path, *, max_bytes: int, shard: Shard | None = None) -> Iterator[RawItem | ItemFailure]:
    """Every item of the corpus at ``path`` (or of its ``shard``), or the
    failure that stands for it.

    Raises ``FileNotFoundError`` when ``path`` does not exist.
    """
    if not path.exists():
        raise FileNotFoundError(f"no such file or folder: {path}")
    items = (item for file in corpus_files(path) for item in _read_file(file, max_bytes))
    if shard is None:
        yield from items
    else:
        yield from (item for n, item in enumerate(items) if shard.holds(n))
