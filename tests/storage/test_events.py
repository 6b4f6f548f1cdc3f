"""Events across articles: compatible mentions join, changes of state thread."""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from extractors.articles import content_hash
from extractors.events import THREAD_WINDOW
from extractors.models import ArticleDoc, Mention
from extractors.routing import parse_rules
from extractors.signals import event_key
from storage.database import open_engine
from storage.ingest import ensure_source, record_mentions, store_articles
from storage.queries import list_events, list_stories
from storage.search import event_detail

from .race import race


def _tariff(action: str = "imposed", rate: float | None = 25.0, amount: float | None = 50e9) -> Mention:
    key = event_key("tariff", action, "US", "CN", None, rate, amount)
    return Mention(
        "tariff", action, "US", "CN", key, rate_to=rate, amount_usd=amount, evidence=(f"{action} {rate}",)
    )


def _articles(engine: sa.Engine, n: int, published: datetime | None = None) -> list[int]:
    source = ensure_source(engine, "corpus", "/events")
    docs = [
        ArticleDoc(
            source_id=f"a{i}-{published}",
            text=f"Article {i} {published}: " + " ".join(f"w{i}x{j}" for j in range(80)),
            content_hash=content_hash(f"{i}{published}"),
            published=published,
        )
        for i in range(n)
    ]
    return [a.article_id for a in store_articles(engine, source, docs)]


def test_a_mention_with_fewer_details_joins_the_event(db_url: str) -> None:
    engine = open_engine(db_url)
    a, b, c = _articles(engine, 3)
    first = record_mentions(engine, [(a, [_tariff(rate=None)])], routes=["r"])
    more = record_mentions(engine, [(b, [_tariff()]), (c, [_tariff(amount=None)])], routes=["r"])
    assert len(first.new_event_ids) == 1 and more.new_event_ids == [] and more.alerts_created == 0
    [event] = list_events(engine)
    # the vaguer first report gained the rate that a later one stated
    assert (event["rate_to"], event["amount_usd"], len(event["articles"])) == (25.0, 50e9, 3)


def test_a_conflicting_detail_is_another_event(db_url: str) -> None:
    engine = open_engine(db_url)
    a, b = _articles(engine, 2)
    record_mentions(engine, [(a, [_tariff()])], routes=["r"])
    other = record_mentions(engine, [(b, [_tariff(amount=200e9)])], routes=["r"])
    assert len(other.new_event_ids) == 1 and other.alerts_created == 1
    assert {e["thread"] for e in list_events(engine)} == {None}  # another measure: no thread


def test_a_change_of_state_is_a_new_event_in_the_measures_thread(db_url: str) -> None:
    engine = open_engine(db_url)
    a, b, c = _articles(engine, 3)
    threat = record_mentions(engine, [(a, [_tariff("threatened", rate=10.0)])], routes=["r"])
    imposed = record_mentions(engine, [(b, [_tariff("imposed", rate=10.0)])], routes=["r"])
    raised = record_mentions(
        engine,
        [(c, [replace(_tariff("increased", rate=25.0), rate_from=10.0)])],
        routes=["r"],
    )
    root = threat.new_event_ids[0]
    events = {e["id"]: e for e in list_events(engine)}
    assert [events[i]["thread"] for i in (root, imposed.new_event_ids[0], raised.new_event_ids[0])] == [
        None,
        root,
        root,
    ]
    assert imposed.alerts_created == raised.alerts_created == 1  # each change alerts, once


def test_a_vaguer_mention_months_later_is_not_joined(db_url: str) -> None:
    engine = open_engine(db_url)
    (a,) = _articles(engine, 1, datetime(2018, 7, 6, tzinfo=UTC))
    (b,) = _articles(engine, 1, datetime(2019, 5, 10, tzinfo=UTC))
    record_mentions(engine, [(a, [_tariff(rate=None)])], routes=["r"])
    later = record_mentions(engine, [(b, [_tariff(rate=None, amount=50e9)])], routes=["r"])
    assert later.new_event_ids == []  # the same key: the same event, whenever
    (c,) = _articles(engine, 1, datetime(2019, 5, 11, tzinfo=UTC))
    vague = record_mentions(engine, [(c, [_tariff(rate=None, amount=None)])], routes=["r"])
    # ... but a vaguer mention joins only an event seen within the window: it was (May 2019)
    assert vague.new_event_ids == []
    (d,) = _articles(engine, 1, datetime(2019, 5, 10, tzinfo=UTC) + timedelta(days=200))
    late = record_mentions(engine, [(d, [_tariff(rate=None, amount=None)])], routes=["r"])
    assert len(late.new_event_ids) == 1


def test_a_change_of_state_links_only_to_a_measure_seen_within_the_thread_window(db_url: str) -> None:
    engine = open_engine(db_url)
    (a,) = _articles(engine, 1, datetime(2018, 1, 10, tzinfo=UTC))
    (b,) = _articles(engine, 1, datetime(2018, 1, 10, tzinfo=UTC) + THREAD_WINDOW + timedelta(days=5))
    (c,) = _articles(engine, 1, datetime(2018, 1, 10, tzinfo=UTC) + THREAD_WINDOW + timedelta(days=9))
    record_mentions(engine, [(a, [_tariff("threatened", rate=10.0)])], routes=["r"])
    record_mentions(engine, [(b, [_tariff("imposed", rate=10.0)])], routes=["r"])
    record_mentions(engine, [(c, [_tariff("delayed", rate=10.0)])], routes=["r"])
    threads = [e["thread"] for e in list_events(engine)]
    imposed_id = list_events(engine)[1]["id"]
    assert threads == [None, None, imposed_id]  # too late for the threat; in time for the imposition


def _record_in_process(
    url: str, article_id: int, mention: Mention, start: multiprocessing.synchronize.Event
) -> None:
    engine = open_engine(url)
    start.wait()
    record_mentions(engine, [(article_id, [mention])], routes=["r"])


def test_two_workers_recording_one_event_at_once_make_one_event(pg_url: str) -> None:
    engine = open_engine(pg_url)
    ids = _articles(engine, 8)
    # the same event with different details (so different keys): only the lock keeps it one
    mentions = [_tariff(rate=None), _tariff()] * 4
    race(_record_in_process, [(pg_url, i, m) for i, m in zip(ids, mentions, strict=True)])
    with engine.connect() as conn:
        events = conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one()
        alerts = conn.execute(sa.text("SELECT count(*) FROM alerts")).scalar_one()
    assert (events, alerts) == (1, 1)


def test_a_recap_joins_the_event_it_recaps_however_old_and_never_alerts(db_url: str) -> None:
    engine = open_engine(db_url)
    [old] = _articles(engine, 1, published=datetime(2018, 7, 6, tzinfo=UTC))
    [recap] = _articles(engine, 1, published=datetime(2019, 6, 1, tzinfo=UTC))
    first = record_mentions(
        engine, [(old, [replace(_tariff(), occurred=datetime(2018, 7, 6).date())])], routes=["r"]
    )
    later = record_mentions(
        engine, [(recap, [replace(_tariff(amount=None), background=True, alertable=False)])], routes=["r"]
    )
    assert first.alerts_created == 1
    assert later.new_event_ids == [] and later.alerts_created == 0  # joined, eleven months on
    [event] = list_events(engine)
    assert (len(event["articles"]), event["occurred"], event["background"]) == (2, "2018-07-06", False)


def test_a_recap_of_a_measure_never_stored_is_a_background_event_without_alert(db_url: str) -> None:
    engine = open_engine(db_url)
    [a] = _articles(engine, 1, published=datetime(2019, 6, 1, tzinfo=UTC))
    result = record_mentions(
        engine, [(a, [replace(_tariff(), background=True, alertable=False)])], routes=["r"]
    )
    assert len(result.new_event_ids) == 1 and result.alerts_created == 0
    [event] = list_events(engine)
    assert event["background"] is True


def test_news_the_extractor_is_unsure_of_is_stored_without_alert(db_url: str) -> None:
    engine = open_engine(db_url)
    [a] = _articles(engine, 1)
    result = record_mentions(
        engine, [(a, [replace(_tariff(), confidence=0.4, alertable=False)])], routes=["r"]
    )
    assert len(result.new_event_ids) == 1 and result.alerts_created == 0
    assert list_events(engine)[0]["confidence"] == 0.4


def test_a_route_asking_for_more_confidence_gets_the_event_once_a_report_reaches_it(db_url: str) -> None:
    rules = parse_rules({"rules": [{"route": "board", "min_confidence": 0.9}, {"route": "desk"}]})
    engine = open_engine(db_url)
    a, b, c, d = _articles(engine, 4)
    first = record_mentions(
        engine, [(a, [replace(_tariff(), confidence=0.7)])], routes=["board", "desk"], rules=rules
    )
    recap = replace(_tariff(), confidence=0.97, background=True, alertable=False)
    told_as_recap = record_mentions(engine, [(b, [recap])], routes=["board", "desk"], rules=rules)
    surer = record_mentions(
        engine, [(c, [replace(_tariff(), confidence=0.95)])], routes=["board", "desk"], rules=rules
    )
    again = record_mentions(
        engine, [(d, [replace(_tariff(), confidence=0.99)])], routes=["board", "desk"], rules=rules
    )
    assert (first.alerts_created, told_as_recap.alerts_created) == (1, 0)  # desk only; a recap never alerts
    assert (surer.new_event_ids, surer.alerts_created, again.alerts_created) == ([], 1, 0)
    with engine.connect() as conn:
        routes = sorted(r for (r,) in conn.execute(sa.text("SELECT route FROM alerts")))
    assert routes == ["board", "desk"]


def test_the_events_and_stories_views_never_read_article_texts(db_url: str) -> None:
    """A view shows each mention's article by its id, URL, outlet and title: reading
    whole rows made ``events --json`` hold the text of every mention (80 MiB
    for the 123 events of a 100,000-article replay)."""
    engine = open_engine(db_url)
    a, b = _articles(engine, 2)
    record_mentions(engine, [(a, [_tariff()]), (b, [_tariff()])], routes=["r"])
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        [event] = list_events(engine)
        list_stories(engine)
        detail = event_detail(engine, event["id"])
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert [x["source_id"] for x in event["articles"]] == ["a0-None", "a1-None"]
    assert event["evidence"] == ["imposed 25.0"]
    assert [(x["source_id"], x["sentence"]) for x in detail["evidence"]] == [
        ("a0-None", "imposed 25.0"),
        ("a1-None", "imposed 25.0"),
    ]
    reads = [s for s in statements if "FROM articles" in s or "JOIN articles" in s]
    assert reads and not any("articles.text" in s or "articles.minhash" in s for s in reads)
