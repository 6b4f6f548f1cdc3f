"""Defects found in review, kept fixed: on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from extractors.articles import to_article
from extractors.messages import Message
from extractors.models import RawItem
from storage.database import open_engine
from storage.ingest import ensure_source, record_mentions, store_articles
from storage.outbox import DeliveryPolicy, deliver_pending
from storage.queries import list_articles, unprocessed_article_ids

from .test_storage import _mention, _one_alert

TEXT = "Ottawa imposed tariffs of 25% on $16 billion of U.S. goods on Sunday, officials said. " * 3


def test_odd_but_valid_fields_do_not_lose_the_batch(db_url: str) -> None:
    from datetime import datetime

    engine = open_engine(db_url)
    source = ensure_source(engine, "corpus", "/c")
    odd = to_article(
        RawItem(
            "odd",
            "text",
            TEXT + "\x00 nul",
            outlet="O" * 500,
            published=datetime.fromisoformat("2024-05-01T09:00:00+08:00"),
        )
    )
    plain = to_article(RawItem("plain", "text", "Another article. " + TEXT))
    stored = store_articles(engine, source, [odd, plain])
    assert all(s.new for s in stored)
    rows = {a["source_id"]: a for a in list_articles(engine)}
    assert "\x00" not in rows["odd"]["text"] and len(rows["odd"]["outlet"]) == 200
    assert rows["odd"]["published"] == "2024-05-01T01:00:00+00:00"


def test_articles_left_unprocessed_are_found_again(db_url: str) -> None:
    engine = open_engine(db_url)
    source = ensure_source(engine, "corpus", "/c")
    a, b = store_articles(
        engine,
        source,
        [to_article(RawItem("a", "text", TEXT)), to_article(RawItem("b", "text", "More. " + TEXT))],
    )
    assert unprocessed_article_ids(engine) == [a.article_id, b.article_id]
    record_mentions(
        engine,
        [(a.article_id, [_mention()]), (b.article_id, [])],
        routes=["r"],
    )
    assert unprocessed_article_ids(engine) == []


def test_a_slow_queue_is_not_sent_twice_by_two_workers(db_url: str) -> None:
    engine = _one_alert(db_url)
    source = ensure_source(engine, "corpus", "/c2")
    for i in range(3):
        (art,) = store_articles(engine, source, [to_article(RawItem(f"x{i}", "text", f"{i} " + TEXT))])
        record_mentions(
            engine,
            [(art.article_id, [_mention(f"key{i}", amount_usd=(i + 1) * 1e9)])],  # four distinct events
            routes=["r"],
        )
    sends: list[int] = []
    lock = threading.Lock()

    def slow(channel: str, message: Message) -> None:
        with lock:
            sends.extend(message.events)
        time.sleep(0.5)

    policy = DeliveryPolicy(lease=timedelta(seconds=1))
    other = threading.Thread(target=lambda: (time.sleep(1.3), deliver_pending(engine, slow, policy)))
    other.start()
    deliver_pending(engine, slow, policy)
    other.join()
    assert sorted(sends) == sorted(set(sends)) and len(sends) == 4
