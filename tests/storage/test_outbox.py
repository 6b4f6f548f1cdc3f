"""The outbox against a real loopback webhook receiver, on SQLite and
PostgreSQL: pacing (digests, hourly budgets), dry runs, a receiver that is down,
and a process killed between a send and its record."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from extractors.adapters.notify import Notifier
from extractors.articles import content_hash
from extractors.messages import Message
from extractors.models import ArticleDoc, Mention
from extractors.routing import RouteOptions
from storage.database import open_engine
from storage.ingest import ensure_source, record_mentions, store_articles
from storage.models import utcnow
from storage.outbox import DeliveryPolicy, alert_message, deliver_pending
from storage.queries import list_alerts

from ..conftest import Receiver

NOW = DeliveryPolicy(backoff_base=timedelta(0))  # a failed alert is due again at once


def _alerts(url: str, n: int, channels: list[str]) -> Any:
    """``n`` distinct tariff events, each alerting every channel."""
    engine = open_engine(url)
    source = ensure_source(engine, "corpus", "/outbox")
    docs = [
        ArticleDoc(source_id=f"a{i}", text=f"Article {i} " * 30, content_hash=content_hash(f"article {i}"))
        for i in range(n)
    ]
    stored = store_articles(engine, source, docs)
    found = [
        (
            s.article_id,
            [
                Mention(
                    "tariff", "imposed", "US", "CN", f"k{i}", amount_usd=(i + 1) * 1e9, evidence=(f"s{i}",)
                )
            ],
        )
        for i, s in enumerate(stored)
    ]
    record_mentions(engine, found, routes=channels)
    return engine


def _ids(receiver: Receiver) -> Counter[str]:
    return Counter(b["title"] for b in receiver.bodies)


def test_a_receiver_down_for_two_cycles_then_back_gets_every_alert_once(
    db_url: str, receiver: Receiver
) -> None:
    engine = _alerts(db_url, 3, ["hook"])
    notifier = Notifier({"hook": receiver.url})
    receiver.fail = True
    for _ in range(2):
        report = deliver_pending(engine, notifier, NOW)
        assert report.failed == 3 and report.sent == 0
    receiver.fail = False
    assert deliver_pending(engine, notifier, NOW).sent == 3
    assert deliver_pending(engine, notifier, NOW).sent == 0
    assert len(receiver.bodies) == 3 and set(_ids(receiver).values()) == {1}
    assert {(a["status"], a["attempts"]) for a in list_alerts(engine)} == {("sent", 3)}


def test_one_failing_channel_does_not_resend_the_others(db_url: str, receiver: Receiver) -> None:
    down = Receiver()
    down.fail = True
    try:
        engine = _alerts(db_url, 2, ["up", "down"])
        notifier = Notifier({"up": receiver.url, "down": down.url})
        for _ in range(3):
            deliver_pending(engine, notifier, NOW)
        assert len(receiver.bodies) == 2
        assert Counter(a["status"] for a in list_alerts(engine)) == {"sent": 2, "failed": 2}
    finally:
        down.close()


def test_a_digest_route_sends_one_message_per_interval(db_url: str, receiver: Receiver) -> None:
    engine = _alerts(db_url, 3, ["desk"])
    notifier = Notifier({"desk": receiver.url})
    pacing = {"desk": RouteOptions(digest=timedelta(seconds=1))}.__getitem__
    first = deliver_pending(engine, notifier, pacing=pacing)
    assert first.deferred == 3 and receiver.bodies == []  # the first digest waits one interval
    time.sleep(1.1)
    second = deliver_pending(engine, notifier, pacing=pacing)
    assert (second.sent, second.messages) == (3, 1)
    [digest] = receiver.bodies
    assert digest["title"] == "3 new trade events" and digest["message"].count("• Tariff imposed") == 3


def test_an_hourly_budget_holds_the_rest_back(db_url: str, receiver: Receiver) -> None:
    engine = _alerts(db_url, 3, ["desk"])
    notifier = Notifier({"desk": receiver.url})
    report = deliver_pending(engine, notifier, pacing=lambda route: RouteOptions(per_hour=2))
    assert (report.sent, report.deferred) == (2, 1) and len(receiver.bodies) == 2
    assert deliver_pending(engine, notifier, pacing=lambda route: RouteOptions(per_hour=2)).sent == 0
    assert Counter(a["status"] for a in list_alerts(engine)) == {"sent": 2, "pending": 1}


def test_a_dry_run_lists_what_would_be_sent_and_sends_nothing(db_url: str) -> None:
    engine = _alerts(db_url, 2, ["a", "b"])

    def never(channel: str, message: Message) -> None:
        raise AssertionError("a dry run sent something")

    report = deliver_pending(engine, never, dry_run=True)
    assert sorted(c for c, _ in report.planned) == ["a", "a", "b", "b"]
    assert all(t.startswith("Tariff imposed: US on CN goods worth $") for _, t in report.planned)
    assert {(a["status"], a["attempts"]) for a in list_alerts(engine)} == {("pending", 0)}


def _deliver_then_die(url: str, hook: str) -> None:
    """Send the first alert, then die before recording it (like a kill -9)."""
    notifier = Notifier({"hook": hook})

    def send_and_die(channel: str, message: Message) -> None:
        notifier(channel, message)
        os._exit(9)

    deliver_pending(open_engine(url), send_and_die)


def test_a_process_killed_between_send_and_record_resends_that_alert_once(
    db_url: str, receiver: Receiver
) -> None:
    engine = _alerts(db_url, 3, ["hook"])
    worker = multiprocessing.get_context("spawn").Process(
        target=_deliver_then_die, args=(db_url, receiver.url)
    )
    worker.start()
    worker.join(60)
    assert worker.exitcode == 9 and len(receiver.bodies) == 1
    notifier = Notifier({"hook": receiver.url})
    # issue 17, finding 6: the killed process is seen to be gone, so its claim is
    # taken back now, not when its 5-minute lease ends
    assert deliver_pending(engine, notifier).sent == 3
    counts = _ids(receiver)
    assert sorted(counts.values()) == [1, 1, 2]  # at-least-once: the killed send is repeated, once
    assert deliver_pending(engine, notifier, DeliveryPolicy(lease=timedelta(0))).sent == 0
    assert {a["status"] for a in list_alerts(engine)} == {"sent"}


def test_a_claim_from_another_host_waits_for_its_lease(db_url: str, receiver: Receiver) -> None:
    """A process of another host cannot be seen from here: its claim holds until the lease ends."""
    engine = _alerts(db_url, 1, ["hook"])
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE alerts SET status = 'sending', claimed_at = :t, claimed_by = 'elsewhere:1:1'"),
            {"t": utcnow()},
        )
    notifier = Notifier({"hook": receiver.url})
    assert deliver_pending(engine, notifier).sent == 0
    assert deliver_pending(engine, notifier, DeliveryPolicy(lease=timedelta(0))).sent == 1


def test_an_alert_tells_the_earlier_states_of_its_measure(db_url: str) -> None:
    engine = open_engine(db_url)
    source = ensure_source(engine, "corpus", "/thread")
    docs = [
        ArticleDoc(source_id=f"t{i}", text=f"Thread {i} " * 30, content_hash=content_hash(f"t{i}"))
        for i in range(2)
    ]
    a, b = store_articles(engine, source, docs)
    threat = Mention(
        "tariff", "threatened", "US", "CN", "t1", rate_to=10.0, amount_usd=200e9, evidence=("x",)
    )
    raised = Mention(
        "tariff",
        "increased",
        "US",
        "CN",
        "t2",
        rate_from=10.0,
        rate_to=25.0,
        amount_usd=200e9,
        evidence=("y",),
    )
    first = record_mentions(engine, [(a.article_id, [threat])], routes=["r"])
    second = record_mentions(engine, [(b.article_id, [raised])], routes=["r"])
    message = alert_message(engine, second.new_event_ids[0])
    assert message.title == "Tariff raised: US on CN goods worth $200B, 10% → 25%"
    assert "Earlier: Tariff threatened: US on CN goods worth $200B, 10%" in message.text
    assert "Earlier" not in alert_message(engine, first.new_event_ids[0]).text


def test_a_hanging_channel_holds_up_only_itself_and_the_run_keeps_its_deadline(
    sqlite_url: str, receiver: Receiver
) -> None:
    """Issue 17, finding 5: delivery was serial, so a webhook that never answers
    held every other channel (184 alerts took 12 minutes)."""
    import socket
    import threading

    hang = socket.socket()
    hang.bind(("127.0.0.1", 0))
    hang.listen(64)  # accepts, never answers
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.extend(iter(lambda: hang.accept()[0], None)), daemon=True).start()
    try:
        engine = _alerts(sqlite_url, 6, ["good", "hanging"])
        notifier = Notifier(
            {"good": receiver.url, "hanging": f"json://127.0.0.1:{hang.getsockname()[1]}/hook"}
        )
        started = time.monotonic()
        report = deliver_pending(engine, notifier, DeliveryPolicy(deadline=timedelta(seconds=3)))
        took = time.monotonic() - started
    finally:
        hang.close()
        for s in held:
            s.close()
    assert len(receiver.bodies) == 6 and report.sent == 6  # the good channel got everything
    assert took < 3 + 10  # the deadline, plus at most one send in progress
    statuses = Counter(a["status"] for a in list_alerts(engine) if a["route"] == "hanging")
    assert statuses["sent"] == 0 and statuses["pending"] >= 3  # the rest waits for the next run
