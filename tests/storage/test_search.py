"""Filtered, paged event search and one event's detail, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from extractors.articles import content_hash
from extractors.models import ArticleDoc, Mention
from extractors.stories import describe
from extractors.vocabulary import Action, EventType
from storage.database import open_engine
from storage.exceptions import NotFoundError
from storage.ingest import ensure_source, record_mentions, store_articles
from storage.search import EventFilter, event_detail, find_events, story_detail


def _store(engine: sa.Engine) -> dict[str, int]:
    """Four events from four articles of three outlets (one a second state of a measure)."""
    source = ensure_source(engine, "corpus", "/search")
    specs = [
        (
            "a",
            "Reuters",
            "US slaps tariffs",
            datetime(2018, 3, 1, tzinfo=UTC),
            Mention(
                "tariff",
                "threatened",
                "US",
                "CN",
                "t1",
                rate_to=10.0,
                amount_usd=2e11,
                products=("steel",),
                evidence=("The US threatened 10% tariffs on steel.",),
            ),
        ),
        (
            "b",
            "AP",
            "Tariffs take effect",
            datetime(2018, 9, 24, tzinfo=UTC),
            Mention(
                "tariff",
                "increased",
                "US",
                "CN",
                "t2",
                rate_from=10.0,
                rate_to=25.0,
                amount_usd=2e11,
                products=("steel",),
                evidence=("Tariffs on $200 billion rose from 10% to 25%.",),
            ),
        ),
        (
            "c",
            "AP",
            "Beijing answers",
            datetime(2018, 9, 25, tzinfo=UTC),
            Mention(
                "tariff",
                "imposed",
                "CN",
                "US",
                "t3",
                rate_to=25.0,
                products=("soybeans",),
                evidence=("China imposed 25% tariffs on soybeans.",),
            ),
        ),
        (
            "d",
            "Xinhua",
            "Sanctions on ZTE_x",
            datetime(2019, 5, 1, tzinfo=UTC),
            Mention("sanction", "imposed", "US", "ZTE", "s1", evidence=("The US banned sales to ZTE 100%.",)),
        ),
    ]
    ids = {}
    for name, outlet, title, published, mention in specs:
        text = f"{title}. " + " ".join(f"w{name}{j}" for j in range(80))
        doc = ArticleDoc(name, text, content_hash(text), title=title, outlet=outlet, published=published)
        (stored,) = store_articles(engine, source, [doc])
        placed = [(stored.article_id, describe(title, text))]
        record_mentions(engine, [(stored.article_id, [mention])], routes=["r"], stories=placed)
    for e in find_events(engine, EventFilter(), limit=None).events:
        ids[e["evidence"][0].split()[1]] = e["id"]  # "US", "Tariffs", "China", "US"...
    return ids


def test_filters_paging_and_states(db_url: str) -> None:
    engine = open_engine(db_url)
    _store(engine)
    every = find_events(engine, EventFilter(), limit=None)
    assert every.total == 4 and [e["id"] for e in every.events] == sorted(
        (e["id"] for e in every.events), reverse=True
    )

    def ids(**kw: object) -> set[int]:
        return {e["id"] for e in find_events(engine, EventFilter(**kw), limit=None).events}  # type: ignore[arg-type]

    by = {(e["type"], e["action"], e["actor"]): e["id"] for e in every.events}
    assert ids(type=EventType.SANCTION) == {by["sanction", "imposed", "US"]}
    assert ids(action=Action.INCREASED) == {by["tariff", "increased", "US"]}
    assert ids(actor="cn") == {by["tariff", "imposed", "CN"]}  # codes match in any case
    assert ids(target="US") == {by["tariff", "imposed", "CN"]}
    assert ids(product="steel") == {by["tariff", "threatened", "US"], by["tariff", "increased", "US"]}
    assert ids(product="stee") == set()  # goods match whole, not as a substring
    assert ids(q="SOYBEANS") == {by["tariff", "imposed", "CN"]}  # evidence, any case
    assert ids(q="answers") == {by["tariff", "imposed", "CN"]}  # an article title
    assert ids(q="ZTE_") == {by["sanction", "imposed", "US"]}  # LIKE's wildcards are literal
    assert ids(q="100%") == {by["sanction", "imposed", "US"]}
    # the event's date is when it was first seen here (no article gave another): today
    assert ids(since=date(2000, 1, 1), until=date(2999, 1, 1)) == set(by.values())
    assert ids(until=date(2000, 1, 1)) == set()

    first, second = (
        find_events(engine, EventFilter(), limit=3),
        find_events(engine, EventFilter(), limit=3, offset=3),
    )
    assert first.total == second.total == 4
    assert [e["id"] for e in first.events + second.events] == [e["id"] for e in every.events]
    assert every.outlets[by["tariff", "increased", "US"]] == 1
    # the threat was followed by the increase: the measure's current state, for both
    assert every.states[by["tariff", "threatened", "US"]] == Action.INCREASED
    assert every.states[by["tariff", "increased", "US"]] == Action.INCREASED


def test_an_event_in_full_and_a_story(db_url: str) -> None:
    engine = open_engine(db_url)
    _store(engine)
    every = {(e["action"], e["actor"]): e for e in find_events(engine, EventFilter(), limit=None).events}
    raised = event_detail(engine, every["increased", "US"]["id"])
    assert [s["sentence"] for s in raised["evidence"]] == ["Tariffs on $200 billion rose from 10% to 25%."]
    assert raised["evidence"][0]["outlet"] == "AP" and raised["evidence"][0]["published"].startswith(
        "2018-09-24"
    )
    assert [t["action"] for t in raised["timeline"]] == ["threatened", "increased"]
    assert [a["route"] for a in raised["alerts"]] == ["r"]
    (story,) = raised["stories"]
    detail = story_detail(engine, story["id"])
    assert every["increased", "US"]["id"] in {e["id"] for e in detail["events"]}
    with pytest.raises(NotFoundError):
        event_detail(engine, 10**9)
    with pytest.raises(NotFoundError):
        story_detail(engine, 10**9)
