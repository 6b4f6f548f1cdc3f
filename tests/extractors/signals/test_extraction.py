"""An article's events: the rules' readings, kept or dropped by the models,
marked news or recap against the article's date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from extractors.models import Mention
from extractors.signals import extract_mentions
from extractors.signals.extraction import article_text, one_alert_per_measure
from extractors.signals.model import LinearModel, SignalModel
from extractors.vocabulary import Action, EventType

NEWS = "The United States raised tariffs on $200 billion of Chinese goods from 10% to 25% on Friday."


def _model(event_bias: float, recap_bias: float, alert_threshold: float = 0.5) -> SignalModel:
    return SignalModel(LinearModel({}, event_bias), LinearModel({}, recap_bias), 0.35, alert_threshold, {})


def test_the_event_model_keeps_or_drops_what_the_rules_read() -> None:
    kept = extract_mentions(NEWS, published=date(2019, 5, 12), model=_model(5.0, -5.0))
    assert [(m.type, m.action, m.actor, m.target, m.rate_from, m.rate_to) for m in kept] == [
        ("tariff", "increased", "US", "CN", 10.0, 25.0)
    ]
    assert kept[0].alertable and not kept[0].background
    assert extract_mentions(NEWS, published=date(2019, 5, 12), model=_model(-5.0, -5.0)) == []


def test_a_recap_is_an_event_that_never_alerts() -> None:
    [m] = extract_mentions(NEWS, published=date(2019, 5, 12), model=_model(5.0, 5.0))
    assert m.background and not m.alertable


def test_news_under_the_alert_threshold_is_kept_without_alert() -> None:
    [m] = extract_mentions(NEWS, model=_model(0.0, -5.0, alert_threshold=0.9))  # confidence 0.5
    assert m.confidence == 0.5 and not m.alertable and not m.background


def test_occurred_is_the_day_the_sentence_names_else_the_articles_date() -> None:
    [m] = extract_mentions(NEWS, published=date(2019, 5, 12), model=_model(5.0, -5.0))
    assert m.occurred == date(2019, 5, 10)  # "on Friday", two days before a Sunday
    [m] = extract_mentions(
        NEWS.replace(" on Friday", ""), published=date(2019, 5, 12), model=_model(5.0, -5.0)
    )
    assert m.occurred == date(2019, 5, 12)
    [m] = extract_mentions(NEWS, model=_model(5.0, -5.0))
    assert m.occurred is None


def test_a_published_date_that_is_not_a_date_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="published must be a date or datetime, not str"):
        extract_mentions(NEWS, published="2019-05-12")  # type: ignore[arg-type]


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1899, 12, 31), date(2200, 1, 1), date(9999, 12, 31)])
def test_a_published_date_no_news_can_have_is_a_clear_error(day: date) -> None:
    with pytest.raises(ValueError, match=f"published must fall in 1900-2199, not {day.isoformat()}"):
        extract_mentions(NEWS, published=day)
    assert extract_mentions(NEWS, published=date(1900, 1, 1)) is not None


def test_the_title_is_read_as_the_first_paragraph() -> None:
    assert article_text("Body.", "Title") == "Title\n\nBody."
    assert article_text("Title\n\nBody.", "Title") == "Title\n\nBody."
    [m] = extract_mentions("Officials spoke on Sunday.", title=NEWS, model=_model(5.0, -5.0))
    assert m.evidence == (NEWS,)


def test_the_shipped_model_reads_a_recap_of_last_year_as_no_news() -> None:
    found = extract_mentions(
        "Last year the United States imposed 25% tariffs on $250 billion of Chinese goods.",
        published=date(2019, 6, 1),
    )
    assert not any(m.alertable for m in found)


def test_an_active_duty_soldier_is_no_tariff() -> None:
    """A real AP page once alerted "tariff imposed US on IL" (issue 14)."""
    text = (
        "An active-duty member of the military set himself on fire outside the Israeli Embassy "
        "in Washington on Sunday, police said."
    )
    assert extract_mentions(text, published=date(2024, 2, 26)) == []


def test_an_action_every_sentence_places_over_a_week_back_is_a_recap_whatever_the_model() -> None:
    old = "In March 2018 the United States raised tariffs on $200 billion of Chinese goods from 10% to 25%."
    [m] = extract_mentions(old, published=date(2019, 5, 12), model=_model(5.0, -5.0))
    assert m.background and not m.alertable and m.occurred is None
    recent = old.replace("In March 2018", "On Friday")
    [m] = extract_mentions(recent, published=date(2019, 5, 12), model=_model(5.0, -5.0))
    assert not m.background and m.alertable


def test_an_action_dated_over_a_week_back_is_a_recap_unless_a_sentence_dates_it_within() -> None:
    text = (
        "On September 24, the US imposed tariffs on $200 billion of Chinese goods."
        " The US imposed the tariffs on $200 billion of Chinese goods to punish Beijing, officials said."
    )
    found = extract_mentions(text, published=date(2018, 10, 10), model=_model(5.0, -5.0))
    assert found and all(m.background and not m.alertable for m in found)
    assert {m.occurred for m in found} == {date(2018, 9, 24)}
    within = text.replace("to punish Beijing", "on Monday")  # Monday, October 8
    found = extract_mentions(within, published=date(2018, 10, 10), model=_model(5.0, -5.0))
    assert any(not m.background for m in found)


def test_an_action_dated_last_month_is_a_recap_counted_from_the_months_middle() -> None:
    text = (
        "Early last month, Trump threatened to slap 25 percent tariffs on $150 billion of Chinese goods."
        " The US threatened the tariffs on $150 billion of Chinese goods to punish Beijing, officials said."
    )
    # April 15 is 19 days before May 4, though April 30 is four
    found = extract_mentions(text, published=date(2018, 5, 4), model=_model(5.0, -5.0))
    assert found and all(m.background and not m.alertable for m in found)
    # the article's own month may still lie ahead: no recap
    this_month = text.replace("Early last month", "This month")
    found = extract_mentions(this_month, published=date(2018, 5, 4), model=_model(5.0, -5.0))
    assert any(not m.background for m in found)
    # its end may be within the week
    late = text.replace("Early last month", "Late last month")
    found = extract_mentions(late, published=date(2018, 5, 4), model=_model(5.0, -5.0))
    assert any(not m.background for m in found)


@pytest.mark.parametrize(
    ("text", "published", "recap"),
    [
        # the measure's clause places it last year, whenever its actor spoke
        (
            "The United States, which imposed 25% tariffs on $250 billion of Chinese goods last year,"
            " said on Monday it would resume talks with Beijing.",
            date(2019, 7, 2),
            True,
        ),
        ("The US imposed tariffs on Chinese steel in March, Trump said on Monday.", date(2019, 6, 5), True),
        # in force today, announced a month back: the clause that holds it says today
        (
            "U.S. tariffs on $112 billion of Chinese goods took effect on Sunday,"
            " the first stage of the levies Trump announced in August.",
            date(2019, 9, 1),
            False,
        ),
        # with no time in its clause, the sentence's earliest still places it
        (
            "Trump said on Monday that the US imposed tariffs on Chinese steel in March.",
            date(2019, 6, 5),
            True,
        ),
    ],
)
def test_the_times_of_the_measures_own_clause_tell_news_from_recap(
    text: str, published: date, recap: bool
) -> None:
    found = [
        m for m in extract_mentions(text, published=published, model=_model(5.0, -5.0)) if m.type == "tariff"
    ]
    assert found and all(m.background is recap for m in found)
    assert all(m.alertable is not recap for m in found)


def test_two_amounts_of_one_measure_are_two_events_and_one_alert() -> None:
    text = (
        "President Trump threatened on Thursday to impose tariffs on $50 billion of Chinese goods."
        " Trump also threatened tariffs on an additional $100 billion of Chinese goods."
    )
    found = extract_mentions(text, published=date(2018, 4, 6), model=_model(5.0, -5.0))
    measure = ("tariff", "threatened", "US", "CN")
    threats = [m for m in found if (m.type, m.action, m.actor, m.target) == measure]
    assert sorted(m.amount_usd or 0 for m in threats) == [50e9, 100e9]  # each its own event
    assert [m.alertable for m in threats].count(True) == 1  # one alert for the measure


def _alert(type_: str, action: str, target: str | None, confidence: float = 0.9) -> Mention:
    return Mention(
        EventType(type_), Action(action), "US", target, key=f"{type_}-{target}", confidence=confidence
    )


def test_a_measure_on_no_country_does_not_alert_beside_the_same_on_a_country() -> None:
    found = one_alert_per_measure(
        [
            _alert("sanction", "imposed", "IR", 0.8),
            _alert("sanction", "imposed", "Ayatollah Sadeq Larijani", 0.95),  # one of the sanctioned
            _alert("sanction", "imposed", None),
            _alert("tariff", "reduced", "CA"),  # an exemption for each country: one alert each
            _alert("tariff", "reduced", "MX"),
        ]
    )
    assert [(m.type, m.target) for m in found if m.alertable] == [
        ("sanction", "IR"),
        ("tariff", "CA"),
        ("tariff", "MX"),
    ]
    assert len(found) == 5  # the others stay events


def test_companies_sanctioned_with_no_country_alert_each() -> None:
    found = one_alert_per_measure(
        [_alert("sanction", "imposed", "Huawei"), _alert("sanction", "imposed", "ZTE")]
    )
    assert [m.alertable for m in found] == [True, True]


def test_a_measure_on_a_list_of_countries_is_an_event_each_and_one_alert() -> None:
    listed = ("Trump slapped steel tariffs on the EU, Canada and Mexico.",)
    found = one_alert_per_measure(
        [
            replace(_alert("tariff", "imposed", "EU", 0.8), evidence=listed),
            replace(_alert("tariff", "imposed", "CA", 0.9), evidence=listed),
            replace(_alert("tariff", "imposed", "MX", 0.8), evidence=listed),
            replace(_alert("tariff", "imposed", "CN", 0.7), evidence=("Trump hit China too.",)),
        ]
    )
    assert [m.target for m in found if m.alertable] == ["CA", "CN"]  # the most confident of the list
    assert len(found) == 4  # each target stays an event
