"""Event resolution without a database: join, recap, thread, new."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from extractors.events import JOIN_WINDOW, THREAD_WINDOW, Join, New, candidate_window, resolve
from extractors.models import Mention

WHEN = datetime(2019, 5, 10, tzinfo=UTC)


@dataclass
class Stored:
    id: int
    type: str = "tariff"
    action: str = "imposed"
    actor: str | None = "US"
    target: str | None = "CN"
    rate_from: float | None = None
    rate_to: float | None = 25.0
    amount_usd: float | None = 50e9
    products: list[str] = field(default_factory=list)
    first_seen: datetime = WHEN
    last_seen: datetime | None = None
    thread_id: int | None = None


def _mention(**kw: object) -> Mention:
    base: dict[str, object] = dict(
        type="tariff", action="imposed", actor="US", target="CN", key="k", rate_to=25.0, amount_usd=50e9
    )
    return Mention(**(base | kw))  # type: ignore[arg-type]


def test_the_event_with_the_key_takes_the_mention() -> None:
    keyed = Stored(1)
    assert resolve(_mention(), keyed, [Stored(2)], WHEN) == Join(keyed)


def test_a_vaguer_mention_joins_a_compatible_event_seen_lately_only() -> None:
    recent = Stored(2, last_seen=WHEN - timedelta(days=10))
    assert resolve(_mention(rate_to=None), None, [recent], WHEN) == Join(recent)
    old = Stored(3, last_seen=WHEN - JOIN_WINDOW - timedelta(days=1))
    assert isinstance(resolve(_mention(rate_to=None), None, [old], WHEN), New)


def test_a_recap_joins_the_event_it_recaps_however_old() -> None:
    old = Stored(3, last_seen=WHEN - timedelta(days=700))
    assert resolve(_mention(rate_to=None, background=True), None, [old], WHEN) == Join(old)
    assert candidate_window(_mention(background=True), WHEN) is None
    assert candidate_window(_mention(), WHEN) == (WHEN - THREAD_WINDOW, WHEN + THREAD_WINDOW)


def test_a_change_of_state_is_new_and_continues_the_measures_thread() -> None:
    threat = Stored(4, action="threatened", rate_to=10.0, thread_id=None, last_seen=WHEN - timedelta(days=30))
    raised = resolve(_mention(action="increased", rate_from=10.0, amount_usd=None), None, [threat], WHEN)
    assert raised == New(4)
    later = Stored(5, action="imposed", rate_to=10.0, thread_id=4, last_seen=WHEN - timedelta(days=3))
    assert resolve(_mention(action="increased", rate_from=10.0, amount_usd=None), None, [later], WHEN) == New(
        4
    )


def test_another_measure_is_a_new_event_with_no_thread() -> None:
    other = Stored(6, amount_usd=200e9, rate_to=None)
    assert resolve(_mention(), None, [other], WHEN) == New(None)
