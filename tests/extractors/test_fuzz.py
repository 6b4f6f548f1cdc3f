"""Property-based fuzzing of every parser and pure stage (issue 17): whatever
comes from outside, each raises only its documented error types, and what it
gives is bounded and clean. Derandomized and bounded, so CI keeps its time and
a failure reproduces."""

from __future__ import annotations

import json
import re
import tempfile
from datetime import UTC
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.articles import to_article
from extractors.cleaning import clean_text
from extractors.corpus import EARLIEST, LATEST, SUFFIXES, parse_datetime, read_corpus
from extractors.deduplication import canonical_url
from extractors.exceptions import FeedError, ItemError
from extractors.feeds import parse_feed
from extractors.messages import MAX_QUOTE, MAX_TITLE, render, render_digest
from extractors.models import ItemFailure, RawItem
from extractors.signals import extract_mentions
from extractors.urls import source_url
from extractors.vocabulary import ACTIONS

FUZZ = settings(
    max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
UNSHOWABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# text with what hurts: controls, surrogates, bidi overrides, markup, mentions, long runs
nasty = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(
            ["\x00", "\x1b[2J", "\u202e", "<", ">", "@here", "](x)", "<!channel>", "\ud800", "\n"]
        ),
    ),
    max_size=150,
).map("".join)
VOCABULARY = (
    "the United States China imposed tariffs of 25% on $50 billion steel sanctions Huawei will lift "
    "talks Beijing Washington threatened raise from 10% to 25% EU retaliated ."
)
words = st.lists(st.sampled_from([*VOCABULARY.split(" "), "\n", "\x00", "\u202e"]), max_size=120).map(
    " ".join
)
dates = st.one_of(
    st.none(),
    st.integers(),
    nasty,
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(
        ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "Tue, 01 May 9999 23:59:59 -2359"]
    ),
)


def _strings_clean(item: Any) -> bool:
    return all(not CONTROL.search(v) for v in vars_of(item) if isinstance(v, str))


def vars_of(item: Any) -> list[Any]:
    return [getattr(item, name) for name in item.__slots__]


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(sorted(SUFFIXES)))
def test_any_file_becomes_items_or_failures(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / f"f{suffix}").write_bytes(data)
        for item in read_corpus(Path(tmp), max_bytes=1_000_000):
            assert isinstance(item, RawItem | ItemFailure)
            assert _strings_clean(item)


@FUZZ
@given(
    record=st.fixed_dictionaries(
        {},
        optional={
            "id": st.one_of(nasty, st.integers(), st.none()),
            "url": nasty,
            "title": nasty,
            "text": st.one_of(nasty, words),
            "html": nasty,
            "published": dates,
            "outlet": nasty,
        },
    )
)
def test_any_json_record_becomes_an_item_or_a_failure(record: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "r.jsonl").write_text(json.dumps(record) + "\n", "utf-8", "surrogatepass")
        (item,) = list(read_corpus(Path(tmp), max_bytes=1_000_000))
        assert _strings_clean(item)
        if isinstance(item, RawItem) and item.published is not None:
            assert item.published.tzinfo is UTC and EARLIEST <= item.published < LATEST


@FUZZ
@given(value=dates)
def test_dates_are_utc_in_range_or_none(value: Any) -> None:
    parsed = parse_datetime(value)
    assert parsed is None or (parsed.tzinfo is UTC and EARLIEST <= parsed < LATEST)


@FUZZ
@given(
    body=st.one_of(
        st.binary(max_size=2000),
        nasty.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.recursive(st.none() | st.text(max_size=20) | st.integers(), lambda c: st.lists(c, max_size=4)).map(
            lambda v: json.dumps({"items": v}).encode()
        ),
    ),
    content_type=st.sampled_from([None, "application/feed+json", "application/rss+xml", "text/html"]),
)
def test_any_feed_body_gives_entries_or_a_feed_error(body: bytes, content_type: str | None) -> None:
    try:
        entries = parse_feed(body, "https://example.test/feed", content_type)
    except FeedError:
        return
    for entry in entries:
        assert entry.url.startswith(("http://", "https://"))
        assert entry.published is None or EARLIEST <= entry.published < LATEST


@FUZZ
@given(
    body=st.one_of(nasty, words, words.map(lambda w: f"<html><body><p>{w}</p></body></html>")),
    html=st.booleans(),
)
def test_any_item_becomes_an_article_or_an_item_error(body: str, html: bool) -> None:
    raw = RawItem("x", "html" if html else "text", body.encode("utf-8", "surrogatepass") if html else body)
    try:
        doc = to_article(raw)
    except ItemError:
        return
    assert doc.text and _strings_clean(doc)


@FUZZ
@given(text=st.one_of(nasty, words))
def test_cleaning_never_grows_text(text: str) -> None:
    cleaned = clean_text(text)
    assert isinstance(cleaned, str) and len(cleaned) <= len(text)


@FUZZ
@given(text=st.one_of(nasty, words))
def test_signals_are_typed_events_with_their_evidence(text: str) -> None:
    for m in extract_mentions(text):
        assert m.action in ACTIONS[m.type]  # type: ignore[index]
        assert m.evidence and all(e.strip() for e in m.evidence)


@FUZZ
@given(
    url=st.one_of(
        nasty, st.from_regex(r"[A-Za-z]{2,6}://[\w.:@\[\]-]{0,30}(/[\w./?=&#%-]{0,30})?", fullmatch=True)
    )
)
def test_urls_are_canonical_or_refused(url: str) -> None:
    canonical = canonical_url(url)
    assert canonical is None or canonical.split("://")[0] in ("http", "https")
    try:
        stored = source_url(url)
    except ValueError:
        return
    assert stored.split("://")[0] in ("http", "https") and source_url(stored) == stored


@FUZZ
@given(
    evidence=st.lists(nasty, min_size=0, max_size=3),
    actor=st.one_of(st.none(), nasty),
    target=st.one_of(st.none(), nasty),
    products=st.lists(nasty, max_size=5),
    outlet=nasty,
)
def test_rendered_messages_are_inert_and_bounded(
    evidence: list[str], actor: str | None, target: str | None, products: list[str], outlet: str
) -> None:
    event = {
        "id": 1,
        "type": "sanction",
        "action": "imposed",
        "actor": actor,
        "target": target,
        "rate_from": None,
        "rate_to": 25.0,
        "amount_usd": 5e10,
        "products": products,
        "entities": [],
        "evidence": evidence,
        "articles": [{"source_id": "s", "outlet": outlet, "url": "https://example.test/a"}],
        "stories": 1,
    }
    for message in (render(event, [event]), render_digest([event, event])):
        for text in (message.title, message.text):
            assert not UNSHOWABLE.search(text)
            assert "<" not in text and ">" not in text and "](" not in text
            assert not re.search(r"@(channel|here|everyone)\b", text, re.IGNORECASE)
        assert len(message.title) <= MAX_TITLE + 20
        assert len(message.text) <= 3 * MAX_QUOTE + 5 * MAX_TITLE
        assert not UNSHOWABLE.search(message.html)
