"""When a sentence places what it reports, relative to the article's date.

News articles recap: "Last year the United States imposed 25% tariffs" in a
2019 article is not news. The article's ``published`` date is "now"; the
sentence's own time expressions ("last year", "in March", "on May 10", "since
July", "in 2017", "on Monday", "last fall", "the July tariff cut") say how
long before it the action is placed.
:func:`placed` reads them and returns the earliest date a sentence names, at
the precision it names it (a day, a month or a year), as a :class:`When`.

Only the sentence's own words count (the labelling guide's rule 3), never
outside knowledge; a sentence with no time expression returns ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum

from ..patterns import Caseless
from .cues import cues

__all__ = [
    "MID_MONTH",
    "RECENT_DAYS",
    "Precision",
    "When",
    "a_month_before",
    "days_back",
    "days_before",
    "earliest",
    "placed",
    "times",
]

RECENT_DAYS = 7
"""News: an action at most this many days before the article's date; one
placed earlier is a recap (the labelling guide's "more than about a week")."""

_MONTHS = {
    name: n
    for n, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    d: n for n, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}
# a month's name or abbreviation as a whole word: "in markets" is not "in mar(ch)",
# "last decade" not "last dec(ember)"
_MONTH = rf"({'|'.join(_MONTHS)})\b\.?"
_YEAR = r"((?:19|20)\d\d)"

# "May 10, 2018", "May 10", "10 May 2018"
# a day of a month, 1 to 31: "in March 0.5 pct" names no day (day 0 raised ValueError)
_DAY = r"(0?[1-9]|[12]\d|3[01])"
_DAY_MONTH = Caseless(rf"\b{_MONTH}\s+{_DAY}(?:st|nd|rd|th)?\b(?:,?\s+{_YEAR}\b)?")
_MONTH_DAY = Caseless(rf"\b{_DAY}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+{_YEAR}\b)?")
# "in March", "since July 2018", "last March"; a month alone needs a preposition,
# so "may" the verb is never a month
_IN_MONTH = Caseless(
    rf"\b(in|since|from|until|through|by|last|early|mid|late|end\s+of|beginning\s+of)[\s-]+{_MONTH}(?:\s+{_YEAR}\b)?",
)
_YEAR_ALONE = Caseless(rf"\b(in|since|from|during|of|early|late|mid|until|by|through|between)[\s-]+{_YEAR}\b")
# "ten years ago", "two decades ago": the numbers a time back is counted in
_NUMBERS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "several": 3,
}
_RELATIVE = Caseless(
    r"\b(last|this|next|earlier\s+this|later\s+this|past|previous|a)\s+(year|month|week)\b(?!-)"
    r"|\b(yesterday|today|tonight|tomorrow)\b"
    rf"|\b(\d+|{'|'.join(_NUMBERS)})\s+(days?|weeks?|months?|years?|decades?)\s+(ago|earlier)\b",
)
_WEEKDAY = Caseless(
    r"\b(?:on\s+|last\s+|this\s+|next\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)
# "last fall", "in the summer", "over the winter of 2017": a season is three months
# (winter runs from December into the next year's February); alone ("summer
# Olympics") it is no time
_SEASON = Caseless(
    rf"\b(last|this|next|since(?:\s+the)?|(?:in|over|during|through|until|by)\s+the|early|late|mid)[\s-]+"
    rf"(spring|summer|fall|autumn|winter)\b(?:\s+(?:of\s+)?{_YEAR}\b)?",
)
_SEASON_START = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
# "the July tariff reduction", "its June offer": a month's name written as a
# modifier of a noun (capitalised, so "the may" is never one)
_MONTH_NOUN = re.compile(
    r"\b(?i:the|a|an|its|their|his|her|our)\s+"
    r"(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"(?:\s+((?:19|20)\d\d))?\s+(?=[a-z])"
)
# which searches a word of a time expression calls for (a year's digits: NUMBER)
MONTH, WEEKDAY, SEASON, RELATIVE, NUMBER = "month", "weekday", "season", "relative", "number"
KINDS = frozenset({MONTH, WEEKDAY, SEASON, RELATIVE, NUMBER})
_KINDS = {
    **dict.fromkeys(_MONTHS, MONTH),
    **dict.fromkeys(_WEEKDAYS, WEEKDAY),
    **dict.fromkeys(_SEASON_START, SEASON),
    **dict.fromkeys(
        ["year", "years", "month", "months", "week", "weeks", "day", "days", "decade", "decades"], RELATIVE
    ),
    **dict.fromkeys(("yesterday", "today", "tonight", "tomorrow"), RELATIVE),
}
# a word every time expression above holds, whole: most sentences hold none, and
# one search for them spares those the searches for each kind of expression, and
# the others the searches for kinds whose words they do not hold
_ANY_TIME = Caseless(rf"\b(?:{'|'.join(_KINDS)}|(?:19|20)\d\d)\b")


class Precision(IntEnum):
    DAY = 0
    MONTH = 1
    YEAR = 2


@dataclass(frozen=True, slots=True)
class When:
    """A date a sentence names, the first day of its month or year when it
    names no finer, and how precise it is."""

    day: date
    precision: Precision
    words: str  # the expression, as written
    # the last day it can mean, where the words narrow its span: "since July"
    # places the action's start on July 1; "earlier this month" is before today
    until: date | None = None

    def latest(self) -> date:
        """The last day the expression can mean."""
        if self.until is not None:
            return self.until
        if self.precision is Precision.DAY:
            return self.day
        if self.precision is Precision.MONTH:
            nxt = date(self.day.year + (self.day.month == 12), self.day.month % 12 + 1, 1)
            return nxt - timedelta(days=1)
        return date(self.day.year, 12, 31)


MID_MONTH = 14  # days from a month's first to its middle
_MONTH_END = re.compile(r"\b(?:late|end\s+of)\b")  # "late last month", "end of March"


def _safe(year: int, month: int, day: int = 1) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _nearest_year(month: int, day: int, now: date) -> int:
    """The year that puts ``month``/``day`` nearest to ``now``: "in March" in a
    May article is two months ago, "on June 10" in the same article is ahead."""
    return min(
        (now.year - 1, now.year, now.year + 1), key=lambda y: abs((date(y, month, min(day, 28)) - now).days)
    )


_CUES = cues()

# a measure still to come: "will double to 50% from January", "is set to take
# effect in December"; a month named after it in its clause is ahead ("would",
# "starting" and "effective" are not enough: "announced it would raise tariffs
# ... in March", "Starting from May 1, China has exempted duties")
_FUTURE = _CUES.cue("still_to_come")
STILL_AHEAD_DAYS = 91
"""How far behind the article's date a month or day read after a future
marker may still fall ("will take effect from May 10" in a June article:
already in force); further back, it is next year's."""


# a measure already taken: "China imposed 25% tariffs on U.S. soybeans in July"
# in a March article is last July's; the clause says nothing of what is to come
_PAST = _CUES.cue("done")
_TO_COME = _CUES.cue("not_done_once")
# where a month or day is named as the time of what was done: "in July", "on July 6"
_DONE_AT = _CUES.cue("done_at")
# "in July this year", "in November's midterm elections": not the time of the deed
_NOT_DONE_AFTER = _CUES.cue("not_done_after")
STILL_BEHIND_DAYS = 14
"""How far ahead of the article's date a month or day read after a past
tense may fall and still be this year's ("took effect on May 28" in an
article of May 20: a week ahead is a slip of the nearest year; further, last
year's)."""


def _year(month: int, day: int, now: date, sentence: str, start: int, end: int) -> int:
    """The year of ``month``/``day`` named at ``sentence[start:end]`` with no
    year: the nearest to ``now`` (:func:`_nearest_year`); the next after it
    when the words before it in its clause say the action is still to come and
    the nearest is more than :data:`STILL_AHEAD_DAYS` back ("from December" in
    a June article that says the tariffs "will" rise); the one before it when
    it is named as the time of something done ("in July", "on July 6" after
    "imposed", "took effect" and the like, with nothing in the clause still to
    come) and the nearest is more than :data:`STILL_BEHIND_DAYS` ahead ("China
    imposed 25% tariffs on U.S. soybeans in July" in a March article)."""
    year = _nearest_year(month, day, now)
    back = (now - date(year, month, min(day, 28))).days
    lo = max(0, start - 120)
    if back > STILL_AHEAD_DAYS and _FUTURE.search(sentence, lo, start):
        year += 1
    elif (
        back < -STILL_BEHIND_DAYS
        and _DONE_AT.search(sentence, max(0, start - 4), start)
        and not _NOT_DONE_AFTER.match(sentence, end)
        and _PAST.search(sentence, lo, start)
        and not _TO_COME.search(sentence, lo, start)
    ):
        year -= 1
    return year


def _earlier(start: date, now: date, words: str) -> When:
    """ "Earlier this month": some day between ``start`` and ``now``, placed
    at the middle of that span (not at its end: the words say "not lately")."""
    return When(start, Precision.MONTH, words, start + (now - start) / 2)


def _season(which: str, name: str, year: int | None, now: date, words: str) -> When:
    """The season named, as the span of its three months: with a year, that
    year's (winter: the one that begins in its December); ``last``, the latest
    one already over; ``this``, the one of ``now``'s year (winter: that begins
    in the December before it ends); ``next``, the first one ahead; otherwise
    the one whose middle is nearest ``now``."""

    def span(y: int) -> tuple[date, date]:
        first = _SEASON_START[name]
        start = date(y, first, 1)
        last_month = first + 2
        end_year, end_month = (y + 1, last_month - 12) if last_month > 12 else (y, last_month)
        nxt = date(end_year + (end_month == 12), end_month % 12 + 1, 1)
        return start, nxt - timedelta(days=1)

    which = which.split()[0].lower()
    if year is not None:
        y = year
    elif which == "last":
        y = max(y for y in (now.year - 2, now.year - 1, now.year) if span(y)[1] < now)
    elif which == "next":
        y = min(y for y in (now.year - 1, now.year, now.year + 1) if span(y)[0] > now)
    elif which == "this":
        y = now.year - 1 if name == "winter" and now.month <= 2 else now.year
    else:
        y = min(
            (now.year - 1, now.year, now.year + 1),
            key=lambda y: abs((span(y)[0] + (span(y)[1] - span(y)[0]) / 2 - now).days),
        )
    start, end = span(y)
    if which == "since" and start <= now:
        end = start  # "since the summer": it began then
    return When(start, Precision.MONTH, words, end)


def _spelt(m: re.Match[str], sentence: str) -> str:
    """The words ``m`` matched, as ``sentence`` writes them (a
    :class:`~extractors.patterns.Caseless` match's own text is lower case)."""
    return sentence[m.start() : m.end()]


def _found(now: date, sentence: str) -> list[When]:
    kinds = {_KINDS.get(word.lower(), NUMBER) for word in _ANY_TIME.findall(sentence)}
    return _read(now, sentence, kinds) if kinds else []


def _read(now: date, sentence: str, kinds: Collection[str] = KINDS) -> list[When]:
    """The times ``sentence`` names, of the ``kinds`` of expression whose words
    it holds (:data:`KINDS`: every kind)."""
    out: list[When] = []
    if MONTH in kinds:
        for m in _DAY_MONTH.finditer(sentence):
            month, day = _MONTHS[m.group(1).lower()], int(m.group(2))
            year = int(m.group(3)) if m.group(3) else _year(month, day, now, sentence, m.start(), m.end())
            if (d := _safe(year, month, day)) is not None:
                out.append(When(d, Precision.DAY, _spelt(m, sentence)))
        for m in _MONTH_DAY.finditer(sentence):
            day, month = int(m.group(1)), _MONTHS[m.group(2).lower()]
            year = int(m.group(3)) if m.group(3) else _year(month, day, now, sentence, m.start(), m.end())
            if (d := _safe(year, month, day)) is not None:
                out.append(When(d, Precision.DAY, _spelt(m, sentence)))
        for m in _IN_MONTH.finditer(sentence):
            prep = m.group(1).split()[0]
            month = _MONTHS[m.group(2).lower()]
            year = int(m.group(3)) if m.group(3) else _year(month, 15, now, sentence, m.start(2), m.end())
            if prep.lower() in ("last", "since") and not m.group(3) and (year, month) > (now.year, now.month):
                year -= 1
            elif prep.lower() == "last" and not m.group(3) and (year, month) == (now.year, now.month):
                year -= 1  # "last March" in a March article: a year back
            start = date(year, month, 1)
            since = prep.lower() == "since" and start <= now
            out.append(When(start, Precision.MONTH, _spelt(m, sentence), start if since else None))
        for m in _MONTH_NOUN.finditer(sentence):
            month = _MONTHS[m.group(1).lower()]
            year = int(m.group(2)) if m.group(2) else _nearest_year(month, 15, now)
            out.append(When(date(year, month, 1), Precision.MONTH, m.group(0).strip()))
    seasons: list[tuple[int, int]] = []
    if SEASON in kinds:
        for m in _SEASON.finditer(sentence):
            named = int(m.group(3)) if m.group(3) else None
            out.append(_season(m.group(1), m.group(2).lower(), named, now, _spelt(m, sentence)))
            seasons.append(m.span())
    if NUMBER in kinds:
        for m in _YEAR_ALONE.finditer(sentence):
            if any(a <= m.start() < b for a, b in seasons):
                continue  # "the winter of 2016" is the season, not the year
            out.append(When(date(int(m.group(2)), 1, 1), Precision.YEAR, _spelt(m, sentence)))
    if RELATIVE in kinds:
        for m in _RELATIVE.finditer(sentence):
            said = _spelt(m, sentence)
            if m.group(3):
                shift = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[m.group(3).lower()]
                out.append(When(now + timedelta(days=shift), Precision.DAY, said))
            elif m.group(4):
                n = int(m.group(4)) if m.group(4).isdigit() else _NUMBERS[m.group(4).lower()]
                unit = m.group(5).lower().rstrip("s")
                days = n * {"day": 1, "week": 7, "month": 30, "year": 365, "decade": 3652}[unit]
                out.append(
                    When(
                        now - timedelta(days=days),
                        Precision.DAY if unit in ("day", "week") else Precision.MONTH,
                        said,
                    )
                )
            else:
                which, unit = m.group(1).lower().split()[0], m.group(2).lower()
                step = {
                    "last": -1,
                    "past": -1,
                    "previous": -1,
                    "a": -1,
                    "this": 0,
                    "earlier": 0,
                    "later": 0,
                    "next": 1,
                }[which]
                if unit == "year":
                    when = When(date(now.year + step, 1, 1), Precision.YEAR, said)
                    if which in ("past", "a"):  # "the past year": the twelve months up to now
                        when = When(now - timedelta(days=365), Precision.MONTH, said)
                    if which == "earlier":  # some time between New Year and now
                        when = _earlier(date(now.year, 1, 1), now, said)
                elif unit == "month":
                    y, mo = (
                        (now.year, now.month + step)
                        if 1 <= now.month + step <= 12
                        else (now.year + step, 12 if step < 0 else 1)
                    )
                    when = When(date(y, mo, 1), Precision.MONTH, said)
                    if which == "earlier":  # between the month's first day and now
                        when = _earlier(date(y, mo, 1), now, said)
                else:
                    when = When(now + timedelta(days=7 * step), Precision.DAY, said)
                out.append(when)
    if WEEKDAY in kinds:
        for m in _WEEKDAY.finditer(sentence):
            back = (now.weekday() - _WEEKDAYS[m.group(1).lower()]) % 7
            ahead = m.group(0).lower().startswith("next")
            on = now + timedelta(days=(7 - back) % 7 or 7) if ahead else now - timedelta(days=back or 0)
            out.append(When(on, Precision.DAY, _spelt(m, sentence)))
    return out


def times(sentence: str, published: date | None) -> list[When]:
    """Every time ``sentence`` names, read against ``published`` (none without
    a date to read them against)."""
    return [] if published is None else _found(published, sentence)


# what bounds a clause: "The United States, which imposed 25% tariffs ... last
# year, said on Monday ..."
_CLAUSE_EDGE = re.compile(r"[,;:()\u2014\u2013]|\s-\s")


def in_clause(sentence: str, at: int | None, found: list[When]) -> list[When]:
    """Of the times ``sentence`` names (``found``), those in the clause around
    ``sentence[at]`` (between the punctuation that bounds it), or all of them
    when that clause names none: "The United States, which imposed 25%
    tariffs on $250 billion of Chinese goods last year, said on Monday ...":
    the tariffs are last year's, whenever it was said."""
    if at is None or len(found) < 2:
        return found
    lo = max((m.end() for m in _CLAUSE_EDGE.finditer(sentence, 0, at)), default=0)
    edge = _CLAUSE_EDGE.search(sentence, at)
    hi = edge.start() if edge else len(sentence)
    near = [w for w in found if lo <= sentence.find(w.words) < hi]
    return near or found


def earliest(found: list[When]) -> When | None:
    """Of the times a sentence names, the one that ends first."""
    return min(found, key=lambda w: w.latest()) if found else None


def placed(sentence: str, published: date | None) -> When | None:
    """The earliest time ``sentence`` names, read against ``published`` (None
    when it names none, or there is no date to read it against)."""
    return earliest(times(sentence, published))


def days_back(when: When | None, published: date | None, sentence: str = "") -> int | None:
    """How many days before ``published`` the action ``when`` places most
    likely lies: for a month wholly before the article's ("last month", "in
    March" in an April article) its middle, not its last day, unless
    ``sentence`` says its end ("late last month", "end of March"); else as
    :func:`days_before`."""
    if when is None or published is None:
        return None
    if a_month_before(when, published):
        low, words = sentence.lower(), when.words.lower()
        at = low.find(words)
        said = low[max(0, at - 8) : at + len(words)] if at >= 0 else words
        if not _MONTH_END.search(said):
            return (published - when.day).days - MID_MONTH
    return days_before(when, published)


def a_month_before(when: When, published: date) -> bool:
    """Whether ``when`` is a whole month before the article's own ("last
    month", "in March" in an April article), not a span or the month itself."""
    return when.precision is Precision.MONTH and when.until is None and when.latest() < published


def days_before(when: When | None, published: date | None) -> int | None:
    """How many days before ``published`` the latest day ``when`` can mean
    lies (negative: after it); None when either is unknown."""
    if when is None or published is None:
        return None
    return (published - when.latest()).days
