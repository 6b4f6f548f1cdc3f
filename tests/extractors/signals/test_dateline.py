"""The times a sentence names, read against the article's date."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.signals import dateline
from extractors.signals.dateline import Precision, days_before, placed, times
from extractors.signals.features import time_buckets

PUBLISHED = date(2018, 5, 20)  # a Sunday


@pytest.mark.parametrize(
    ("sentence", "day", "precision", "before"),
    [
        ("Last year the United States imposed 25% tariffs.", date(2017, 1, 1), Precision.YEAR, 140),
        ("The tariffs took effect in March.", date(2018, 3, 1), Precision.MONTH, 50),
        ("On May 10 the US raised tariffs.", date(2018, 5, 10), Precision.DAY, 10),
        ("Trump on Monday raised tariffs.", date(2018, 5, 14), Precision.DAY, 6),
        ("China has retaliated since July 2017.", date(2017, 7, 1), Precision.MONTH, 323),
        # "since" the article's own month: begun on its first day, not ahead of the article
        ("China's tariff cuts have lifted sales since May.", date(2018, 5, 1), Precision.MONTH, 19),
        # "earlier this month": before the article, placed midway (not on its last day)
        ("Trump imposed the tariffs earlier this month.", date(2018, 5, 1), Precision.MONTH, 10),
        ("The tariffs took effect this month.", date(2018, 5, 1), Precision.MONTH, -11),
        ("The US will impose tariffs on June 1.", date(2018, 6, 1), Precision.DAY, -12),
        ("Two weeks ago China said it would retaliate.", date(2018, 5, 6), Precision.DAY, 14),
        ("The tariffs imposed in 2016 still stand.", date(2016, 1, 1), Precision.YEAR, 505),
        ("Sanctions imposed yesterday hit ZTE.", date(2018, 5, 19), Precision.DAY, 1),
        # a season is its three months: "last fall" is the latest one over
        ("Last fall, the EU imposed minimum import duties.", date(2017, 9, 1), Precision.MONTH, 171),
        # "last spring" in May: the spring still under way is not over, so a year back
        ("Last spring China cut tariffs.", date(2017, 3, 1), Precision.MONTH, 354),
        # no "last": the nearest spring, this one; it ends ahead of the article
        ("China cut tariffs in the spring.", date(2018, 3, 1), Precision.MONTH, -11),
        ("Tariffs took effect over the winter of 2016.", date(2016, 12, 1), Precision.MONTH, 446),
        ("The US will decide this summer.", date(2018, 6, 1), Precision.MONTH, -103),
        ("Exports have fallen since the winter.", date(2017, 12, 1), Precision.MONTH, 170),
        # a month's name as a noun's modifier
        ("After the March tariff cut, car prices fell.", date(2018, 3, 1), Precision.MONTH, 50),
        ("The April tariff cut lowered car prices.", date(2018, 4, 1), Precision.MONTH, 20),
        # a month after "will" in its clause is ahead, though last year's is nearer
        ("Tariffs will double to 50% from December.", date(2018, 12, 1), Precision.MONTH, -225),
        ("The ban is set to take effect on Dec. 5.", date(2018, 12, 5), Precision.DAY, -199),
        ("The EU will ban Russian oil from 5 December.", date(2018, 12, 5), Precision.DAY, -199),
        # ... but not a month named after a past participle, or with "would"
        ("The EU will answer the tariffs imposed in December.", date(2017, 12, 1), Precision.MONTH, 140),
        ("Trump said he would raise tariffs in December.", date(2017, 12, 1), Precision.MONTH, 140),
        ("Starting from December, China has exempted duties.", date(2017, 12, 1), Precision.MONTH, 140),
        # already in force: a month or day not far back stays this year's
        ("The tariffs, which will stay, took effect on April 1.", date(2018, 4, 1), Precision.DAY, 49),
        ("The tariffs will stay in place from March.", date(2018, 3, 1), Precision.MONTH, 50),
        # a month named as the time of something done is behind, though next year's is nearer
        ("China imposed 25% tariffs on U.S. soybeans in September.", date(2017, 9, 1), Precision.MONTH, 232),
        ("The tariffs took effect on Sept. 24.", date(2017, 9, 24), Precision.DAY, 238),
        # ... but not one still to come, nor one said to be this year's
        ("China announced tariff cuts starting September 1.", date(2018, 9, 1), Precision.DAY, -104),
        (
            "China said the cuts, approved in May, will start in September.",
            date(2018, 5, 1),
            Precision.MONTH,
            -11,
        ),
        ("The transitional period ends in September this year.", date(2018, 9, 1), Precision.MONTH, -133),
        (
            "Trump raised the risks for Republicans in November's elections.",
            date(2018, 11, 1),
            Precision.MONTH,
            -194,
        ),
        # "between 2016 and 2017": from the first year
        ("Imports of steel fell between 2016 and 2017.", date(2016, 1, 1), Precision.YEAR, 505),
        # numbers in words, and decades, counted back
        (
            "Ten years ago, Washington slapped tariffs on Chinese tires.",
            date(2008, 5, 22),
            Precision.MONTH,
            3641,
        ),
        ("Two decades ago, the EU banned hormone-treated beef.", date(1998, 5, 21), Precision.MONTH, 7294),
        # "last May" in May: a year back, not this month
        ("Last May, the US imposed tariffs on washing machines.", date(2017, 5, 1), Precision.MONTH, 354),
    ],
)
def test_times_against_the_articles_date(sentence: str, day: date, precision: Precision, before: int) -> None:
    when = placed(sentence, PUBLISHED)
    assert when is not None and (when.day, when.precision) == (day, precision)
    assert days_before(when, PUBLISHED) == before


@pytest.mark.parametrize(
    "sentence",
    [
        "Tariffs may rise, analysts said.",  # "may" the verb is no month
        "The United States imposed 25% tariffs on $50 billion of Chinese goods.",
        "Beijing said it would march ahead with its plans.",
        "Sales rose before the summer Olympics.",  # a season alone is no time
        "The may rise in duties worries farmers.",
        # a month's abbreviation only as a whole word
        "Stocks fell in markets across Asia.",
        "The tariffs are the highest in decades.",
        "Trade grew over the last decade.",
        "The two sides met in separate rooms.",
        # "a year" as a length, not a time back
        "The EU imposed tariffs on Chinese EVs after a year-long investigation.",
        "Exports rose 6 percent on a year-on-year basis.",
    ],
)
def test_a_sentence_without_a_time_is_placed_nowhere(sentence: str) -> None:
    assert placed(sentence, PUBLISHED) is None


@pytest.mark.parametrize("before", ["", "İstanbul: "])  # "İ" lower-cases to two characters
def test_the_words_of_a_time_are_kept_as_written(before: str) -> None:
    sentence = f"{before}Last Fall and on MONDAY, May 10, the US raised tariffs In March, it said."
    assert sorted(w.words for w in times(sentence, PUBLISHED)) == [
        "In March",
        "Last Fall",
        "May 10",
        "on MONDAY",
    ]


def test_last_week_is_kept_as_written() -> None:
    assert [w.words for w in times("Tariffs rose Last Week.", PUBLISHED)] == ["Last Week"]


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("The ministry said on FRİDAY it would act.", date(2018, 5, 18)),  # İ reads as i
        ("Tariffs rose in APRİL.", date(2018, 4, 1)),
        ("Tariffs rose on Tueſday.", None),  # a long s is no s
    ],
)
def test_letters_outside_ascii_in_time_words(sentence: str, day: date | None) -> None:
    when = placed(sentence, PUBLISHED)
    assert (when and when.day) == day


def test_without_the_articles_date_nothing_is_placed() -> None:
    assert placed("Last year the United States imposed tariffs.", None) is None
    assert days_before(None, PUBLISHED) is None


def test_the_earliest_time_a_sentence_names_places_it() -> None:
    when = placed("On Monday Trump raised the tariffs he imposed in 2017.", PUBLISHED)
    assert when is not None and when.day == date(2017, 1, 1)


def test_a_month_before_the_articles_counts_from_its_middle() -> None:
    # "last month" in an article of April 4: weeks before, though March 31 is four days before
    assert time_buckets("Trump signed a memorandum last month.", date(2018, 4, 4)) == {"month"}
    # mid-March is 46 days before April 30: more than a month
    assert time_buckets("Trump signed a memorandum last month.", date(2018, 4, 30)) == {"year"}
    # the article's own month is not wholly before it: it may lie ahead
    assert time_buckets("Tariffs take effect this month.", date(2018, 4, 4)) == {"ahead"}


# what opens a time expression, and words of every kind of one, words that look
# like them, and others
LEADS = [
    "in",
    "since",
    "last",
    "early",
    "late",
    "end",
    "of",
    "the",
    "on",
    "next",
    "this",
    "earlier",
    "past",
    "a",
    "two",
    "10",
    "3rd",
    ",",
    "-",
]
TIME_WORDS = [
    "January",
    "Sept.",
    "sept",
    "mar",
    "marketing",
    "MARCH",
    "May",
    "may",
    "decades",
    "Monday",
    "mondays",
    "tonight",
    "year",
    "years",
    "months",
    "month",
    "weeks",
    "week",
    "days",
    "day",
    "ago",
    "earlier",
    "yesterday",
    "today",
    "tonight",
    "tomorrow",
    "Sunday",
    "fall",
    "Fall",
    "spring",
    "autumn",
    "winter",
    "summertime",
    "2018",
    "1987",
    "20180",
    "10",
    "tariffs",
    "China",
    "İstanbul",
    "FRİDAY",
    "APRİL",
    "Tueſday",
    "frıday",
]
phrases = st.tuples(st.sampled_from(LEADS), st.sampled_from(TIME_WORDS)).map(" ".join)


@pytest.mark.parametrize("lead", LEADS)
def test_the_quick_look_for_a_time_word_misses_no_phrase(lead: str) -> None:
    for word in TIME_WORDS:
        for sentence in (f"{lead} {word}", f"{lead} {word} ago"):
            assert times(sentence, PUBLISHED) == dateline._read(PUBLISHED, sentence), sentence


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.lists(phrases, max_size=6).map(" ".join))
def test_the_quick_look_for_a_time_word_never_hides_a_time(sentence: str) -> None:
    """A sentence is read only when it holds a word some time expression holds:
    whatever the sentence, that look finds every time the full reading does."""
    assert times(sentence, PUBLISHED) == dateline._read(PUBLISHED, sentence)


def test_the_times_of_a_clause_are_those_between_its_punctuation() -> None:
    sentence = "Mexico, which slapped tariffs on pork last year, said on Monday it would talk."
    found = times(sentence, PUBLISHED)
    at = sentence.index("tariffs")
    assert [w.words for w in dateline.in_clause(sentence, at, found)] == ["last year"]
    assert [w.words for w in dateline.in_clause(sentence, sentence.index("talk"), found)] == ["on Monday"]
    # a clause that names no time: all of the sentence's
    plain = "Mexico, which slapped tariffs on pork, said on Monday it would talk last year."
    assert dateline.in_clause(plain, plain.index("tariffs"), times(plain, PUBLISHED)) == times(
        plain, PUBLISHED
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "Japan's trade surplus narrowed in March 0.2 pct as the 100 pct U.S. tariffs took effect.",
        "The quota was filled on 0 March, so duties rose.",
        "Duties rose on March 00.",
    ],
)
def test_a_day_0_is_no_day(sentence: str) -> None:
    # "March 0" raised ValueError, and the whole article's extraction with it
    assert all(w.precision is not Precision.DAY for w in times(sentence, PUBLISHED))
