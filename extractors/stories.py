"""Stories: articles from different outlets about one news event.

An article is described (:func:`describe`) by three bags of terms: its words,
its names (capitalised words inside a sentence, single and in adjacent pairs)
and its numbers, each weighted by rarity: wordfreq's Zipf frequency of the term
in English at large (``the`` weighs little, ``Klitschko`` a lot), so no corpus
statistics are needed and an article is weighed the same way on the first day
as after a million. Years and a date (the article's own, else a dateline in its
first lines) are kept too.

A story keeps a :class:`Profile`: the summed bags of its articles, how many of
them name each name and number, its years and dates. An article joins the story
it scores best against (:func:`score`), if that reaches ``JOIN``: word and name
similarity, plus whether the article names the story's core names and the story
names the article's main name, shares its big numbers and years, and how far
apart their dates are. Names and numbers are what tell two events of one kind
apart (two pirate attacks, two tariff rounds).

A greedy online clusterer cannot undo an early merge, so a story of
``2 * MIN_PART`` to ``MAX_SPLIT`` articles (6 to 64) is checked after each weak
join, one scoring under ``RECHECK`` (:func:`split`): its articles are bisected
on their similarity graph (spectral) and, when the halves score below
``SPLIT`` against each other, they become two stories.

Candidates are only the stories sharing at least one of the article's ``KEYS``
heaviest terms (an inverted index; storage keeps it in a table), the newest
``POSTINGS`` stories per term, best ``CANDIDATES`` of them by shared weight: the
lookup does not grow with the store.

The weights were chosen on ECB+ topics 1-17 and checked on topics 18-35 (see
``eval/stories``). :func:`place_one` is the placement itself, run over a
:class:`StoryIndex`: :class:`StoryClusterer` keeps one in memory (evaluation),
:mod:`storage.stories` in the database.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Protocol

from .gazetteer import topic_names
from .models import Mention

__all__ = [
    "CANDIDATES",
    "JOIN",
    "KEYS",
    "SPLIT",
    "ArticleText",
    "Description",
    "Profile",
    "StoryClusterer",
    "StoryIndex",
    "describe",
    "describe_news",
    "features",
    "lede_subjects",
    "place_one",
    "read_article",
    "recheck",
    "score",
    "split",
    "split_size",
]

JOIN = 0.7  # score to join a story
SPLIT = 1.4  # two halves of a story scoring below this against each other are two stories
MIN_PART = 3  # the smallest half a split makes
MAX_SPLIT = 64  # stories larger than this are not re-split (they have settled)
RECHECK = 2.0  # a story is checked for a split after a join scoring under this
# the sizes at which a story is re-checked after a weak join: from 2 * MIN_PART to MAX_SPLIT,
# each a tenth larger than the last (24 sizes), so the checks' cost per article stays flat as
# stories grow (a check reads and compares every member); checking at every size (59) gave the
# same stories on ECB+ (`tradewatch eval stories`: B-cubed P 0.883, R 0.930 both ways)
SPLIT_GROWTH = 1.1
SPLIT_AT = frozenset(
    size for size in (round(2 * MIN_PART * SPLIT_GROWTH**i) for i in range(64)) if size <= MAX_SPLIT
)
LEDE = 400  # the first characters of an article, which state its news
KEYS = 20  # heaviest terms of an article used as lookup keys
POSTINGS = 20  # newest stories read per key
CANDIDATES = 5  # stories scored per article
WEIGHTS = {  # linear score; see features()
    "words": 1.0,
    "names": 1.0,
    "main_name": 0.2,
    "core_names": 0.6,
    "numbers": 0.1,
    "same_year": 0.1,
    "other_year": -0.2,
    "date_gap": -0.2,
    "subjects": 0.5,
}
_TAU = 0.2  # the article's main name is established if at least this share of the story names it
_RHO = 0.4  # a story's core names are named by at least this share of its articles
_GAP_DAYS = 365  # the date-gap penalty saturates here
_STOP_ZIPF = 5.9  # words this common in English say nothing about a story
_PRUNE = 600  # a profile keeps its heaviest terms when a bag grows past this

_STOP = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "gmt",
        "bst",
        "est",
        "edt",
        "pdt",
        "pst",
        "cdt",
        "cst",
        "pm",
        "am",
        "et",
        "aest",
        "utc",
        "updated",
        "posted",
        "published",
        "http",
        "www",
        "com",
    ]
)
_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_DAYS = frozenset(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
_TOKEN = re.compile(r"[A-Za-z][A-Za-z.']*[A-Za-z]|[A-Za-z]|\d[\d.,:/]*\d|\d")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"'A-Z0-9])")
_YEAR = re.compile(r"19[5-9]\d|20[0-3]\d")
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_MON = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATES = (
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "ymd"),
    (re.compile(r"\b" + _MON + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.IGNORECASE), "mdy"),
    (re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MON + r",?\s+(\d{4})\b", re.IGNORECASE), "dmy"),
    (re.compile(r"\b(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{2,4})\b"), "slash"),  # month first when it can be
)


@lru_cache(maxsize=200_000)
def _zipf(term: str) -> float:
    from wordfreq import zipf_frequency  # here, not at the top: 0.7 s to import, which reads need not

    return zipf_frequency(term.replace("_", " "), "en")


@lru_cache(maxsize=500_000)
def _rare(term: str) -> float:
    """A term's rarity weight (words and names weigh alike): a pure function of
    the term, memoised."""
    return max(0.5, 7.0 - _zipf(term))


def _normalise(text: str) -> str:
    """Undo tokenisation artefacts so differently typeset texts look alike
    ("5. 9" → "5.9", "U. S." → "U.S.", "18 - year - old" == "18-year-old")."""
    for a, b in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(a, b)
    text = re.sub(r"(\d)\s*([.:/])\s+(\d)", r"\1\2\3", text)
    text = re.sub(r"(\d), (\d\d\d)\b(?!\d)", r"\1,\2", text)
    text = re.sub(r"\b([A-Z])\. (?=[A-Z]\.)", r"\1.", text)
    text = re.sub(r"\b([A-Z])\. (?=[A-Z]\.)", r"\1.", text)
    return text.replace("-", " ")


def _tokens(text: str) -> list[tuple[str, bool, bool]]:
    """``(token, sentence_initial, headline_case)``: a headline-case sentence is
    mostly Capitalised, so its capitals say nothing by themselves."""
    out = []
    for line in _normalise(text).split("\n"):
        for sentence in _SENTENCE.split(line):
            found = _TOKEN.findall(sentence)
            alpha = [t for t in found if t[0].isalpha() and len(t) > 3]
            headline = len(alpha) >= 3 and sum(t[0].isupper() for t in alpha) / len(alpha) > 0.6
            for i, t in enumerate(found):
                t = t.replace(".", "") if t[0].isalpha() else t.rstrip(".")
                if t.endswith("'s"):
                    t = t[:-2]
                t = t.strip("'")
                if t:
                    out.append((t, i == 0, headline))
    return out


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


def _stop(word: str) -> bool:
    return word in _STOP or _zipf(word) >= _STOP_ZIPF


def dateline(title: str | None, text: str, window: int = 250) -> date | None:
    """The first full date in the headline or the text's first ``window``
    characters (a dateline)."""
    head = f"{title or ''}\n{text[:window]}"
    best: tuple[int, date] | None = None
    for pattern, kind in _DATES:
        for m in pattern.finditer(head):
            g = m.groups()
            try:
                if kind == "ymd":
                    y, mo, d = int(g[0]), int(g[1]), int(g[2])
                elif kind == "mdy":
                    mo, d, y = _MONTHS[g[0].lower()[:3]], int(g[1]), int(g[2])
                elif kind == "dmy":
                    d, mo, y = int(g[0]), _MONTHS[g[1].lower()[:3]], int(g[2])
                else:
                    a, b, y = int(g[0]), int(g[1]), int(g[2])
                    y = y + 2000 if y < 100 else y
                    mo, d = (a, b) if a <= 12 else (b, a)
                if not 1990 <= y <= 2100:
                    continue
                found = date(y, mo, d)
            except (ValueError, KeyError):
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), found)
            break
    return best[1] if best else None


def _sublinear(counts: Mapping[str, float]) -> dict[str, float]:
    v = {t: 1 + math.log(c) for t, c in counts.items()}
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {t: x / norm for t, x in v.items()}


def _weigh(bag: Mapping[str, float], kind: str) -> dict[str, float]:
    weight = (lambda _: 3.0) if kind == "N" else _rare
    v = {t: x * weight(t) for t, x in bag.items()}
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {t: x / norm for t, x in v.items()}


def _norm(bag: Mapping[str, float], kind: str) -> float:
    """The length of ``bag`` once weighed (what :func:`_weigh` divides by)."""
    if kind == "N":
        return 3.0 * math.sqrt(sum(x * x for x in bag.values())) or 1.0
    return math.sqrt(sum((x * _rare(t)) ** 2 for t, x in bag.items())) or 1.0


def _weighed_dot(v: Mapping[str, float], bag: Mapping[str, float], norm: float) -> float:
    """``v`` · the weighed ``bag`` (words or names), without weighing all of ``bag``."""
    return sum(x * b * _rare(t) for t, x in v.items() if (b := bag.get(t))) / norm


def _big(numbers: Iterable[str]) -> frozenset[str]:
    return frozenset(n for n in numbers if len(n.replace(".", "")) >= 2)


@dataclass(slots=True)
class Description:
    """What story matching reads of an article: its bags of words, names and
    numbers (sublinear term counts, L2-normalised), years and date. The
    rarity-weighted vectors, main name, big numbers and lookup keys derive from
    them; :meth:`to_json` keeps only the bags."""

    words: dict[str, float]
    names: dict[str, float]
    numbers: dict[str, float]
    years: frozenset[str] = frozenset()
    published: date | None = None
    subjects: frozenset[str] = frozenset()
    big_numbers: frozenset[str] | None = None
    wv: dict[str, float] = field(init=False, repr=False)
    ev: dict[str, float] = field(init=False, repr=False)
    nv: dict[str, float] = field(init=False, repr=False)
    main_name: str | None = field(init=False, repr=False)
    _keys: list[str] | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self.wv = _weigh(self.words, "W")
        self.ev = _weigh(self.names, "E")
        self.nv = _weigh(self.numbers, "N")
        single = [(t, x) for t, x in self.ev.items() if "_" not in t]
        self.main_name = max(single, key=lambda tx: tx[1])[0] if single else None
        if self.big_numbers is None:
            self.big_numbers = _big(self.numbers)

    @property
    def keys(self) -> list[str]:
        """The ``KEYS`` heaviest names and words (names first at equal weight),
        sorted once: locking, lookup and indexing all read them."""
        if self._keys is None:
            terms = [("E:" + t, x) for t, x in self.ev.items()] + [
                ("W:" + t, 0.7 * x) for t, x in self.wv.items()
            ]
            self._keys = [t for t, _ in sorted(terms, key=lambda tx: -tx[1])[:KEYS]]
        return self._keys

    def similarity_vector(self) -> dict[tuple[str, str], float]:
        """Words and names in one vector (what split() compares articles on)."""
        v = {("W", t): x for t, x in self.wv.items()}
        v.update({("E", t): x for t, x in self.ev.items()})
        return v

    def to_json(self) -> dict[str, Any]:
        return {
            "words": {t: round(x, 4) for t, x in self.words.items()},
            "names": {t: round(x, 4) for t, x in self.names.items()},
            "numbers": {t: round(x, 4) for t, x in self.numbers.items()},
            "years": sorted(self.years),
            "date": self.published.isoformat() if self.published else None,
            "subjects": sorted(self.subjects),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Description:
        when = data.get("date")
        return cls(
            dict(data["words"]),
            dict(data["names"]),
            dict(data["numbers"]),
            frozenset(data.get("years", ())),
            date.fromisoformat(when) if when else None,
            frozenset(data.get("subjects", ())),
        )


def lede_subjects(text: str, mentions: Iterable[Mention]) -> frozenset[str]:
    """The specific measures an article's first ``LEDE`` characters state: a
    measure on a company, or with its amount, rate or goods. (Talks, and a
    country's tariffs on another's goods in general, are what every story of a
    trade dispute mentions; they do not tell one story from another.)"""
    out: set[str] = set()
    for m in mentions:
        if m.type == "trade_talks" or not any(0 <= text.find(e) < LEDE for e in m.evidence):
            continue
        measure = f"{m.type}|{m.actor}|{m.target}"
        if m.target is not None and len(m.target) > 2:  # a company, not a country code
            out.add(measure)
        if m.amount_usd is not None:
            out.add(f"{measure}|${m.amount_usd:.0f}")
        if m.rate_to is not None:
            out.add(f"{measure}|{m.rate_to:g}%")
        out.update(f"{measure}|{p}" for p in m.products)
    return frozenset(out)


def describe(
    title: str | None,
    text: str,
    published: datetime | date | None = None,
    topic: Collection[str] = frozenset(),
    subjects: Iterable[str] = (),
) -> Description:
    """The bags of words, names and numbers of an article, its years and date
    (``published``, else a dateline found in its first lines).

    ``topic`` holds names (lower case) that every article of the stream shares,
    such as the countries and officials of a trade monitor: they say what the
    stream is about, not which event an article tells, so they count as
    ordinary words, not names."""
    tokens = _tokens(f"{title}\n{text}" if title else text)
    proper = {t for t, initial, headline in tokens if t[0].isupper() and not initial and not headline}
    lower = {t for t, _, _ in tokens if t[0].islower()}
    words: Counter[str] = Counter()
    names: Counter[str] = Counter()
    numbers: Counter[str] = Counter()
    years: set[str] = set()
    previous: str | None = None
    for t, initial, headline in tokens:
        low = t.lower()
        if low.isalpha() and len(low) > 2 and not _stop(low):
            words[_stem(low)] += 1
        if headline:  # Title Case: capitals count where the text also capitalises, or for rare words
            ok = t in proper or t.capitalize() in proper or (low not in lower and _zipf(low) < 4.0)
        else:
            ok = not initial or t in proper
        if (
            ok
            and t[0].isupper()
            and low.isalpha()
            and len(t) > 1
            and not _stop(low)
            and low not in _MONTHS
            and low not in _DAYS
            and low not in topic
        ):
            names[low] += 1
            if previous:
                names[previous + "_" + low] += 1
            previous = low
        else:
            previous = None
        if t[0].isdigit():
            n = t.replace(",", "")
            if _YEAR.fullmatch(n):
                years.add(n)
            elif _PLAIN_NUMBER.fullmatch(n):
                numbers[n] += 1
        elif low in _NUMBER_WORDS:
            numbers[_NUMBER_WORDS[low]] += 1
    if isinstance(published, datetime):
        day: date | None = published.date()
    else:
        day = published if published is not None else dateline(title, text)
    return Description(
        _sublinear(words), _sublinear(names), _sublinear(numbers), frozenset(years), day, frozenset(subjects)
    )


def describe_news(
    title: str | None, text: str, published: datetime | date | None, mentions: Sequence[Mention]
) -> Description:
    """:func:`describe` for a trade monitor: the gazetteer's actors are the
    topic, and the specific measures of the article's lede its subjects."""
    return describe(title, text, published, topic=topic_names(), subjects=lede_subjects(text, mentions))


@dataclass(frozen=True, slots=True)
class ArticleText:
    """What processing reads of a stored article."""

    id: int
    title: str | None
    text: str
    published: datetime | None


def read_article(a: ArticleText) -> tuple[int, list[Mention], Description]:
    """An article's events and its story description (one unit of CPU work)."""
    from .signals import extract_mentions

    mentions = extract_mentions(a.text, title=a.title, published=a.published)
    return a.id, mentions, describe_news(a.title, a.text, a.published, mentions)


def _prune(bag: dict[str, float]) -> dict[str, float]:
    if len(bag) <= _PRUNE:
        return bag
    return dict(sorted(bag.items(), key=lambda tx: -tx[1])[: _PRUNE // 2])


@dataclass(slots=True)
class Profile:
    """What a story keeps to be matched: its articles' summed bags, how many of
    them name each name and number, their years and dates."""

    words: dict[str, float] = field(default_factory=dict)
    names: dict[str, float] = field(default_factory=dict)
    numbers: dict[str, float] = field(default_factory=dict)
    subjects: dict[str, int] = field(default_factory=dict)
    name_counts: dict[str, int] = field(default_factory=dict)
    number_counts: dict[str, int] = field(default_factory=dict)
    years: dict[str, int] = field(default_factory=dict)
    dates: list[date] = field(default_factory=list)
    size: int = 0
    _norms: tuple[float, float] | None = field(default=None, repr=False)
    _view: Description | None = field(default=None, repr=False)
    _core: list[tuple[str, float]] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, members: Iterable[Description]) -> Profile:
        p = cls()
        for d in members:
            p.add(d)
        return p

    def add(self, d: Description) -> None:
        for bag, new in ((self.words, d.words), (self.names, d.names), (self.numbers, d.numbers)):
            for t, x in new.items():
                bag[t] = bag.get(t, 0.0) + x
        for counts, terms in (
            (self.name_counts, d.names),
            (self.number_counts, d.numbers),
            (self.years, d.years),
            (self.subjects, d.subjects),
        ):
            for t in terms:
                counts[t] = counts.get(t, 0) + 1
        self.words, self.names, self.numbers = _prune(self.words), _prune(self.names), _prune(self.numbers)
        if len(self.name_counts) > 2 * _PRUNE:
            self.name_counts = {t: c for t, c in self.name_counts.items() if t in self.names}
            self.number_counts = {t: c for t, c in self.number_counts.items() if t in self.numbers}
        if d.published is not None and d.published not in self.dates:
            self.dates.append(d.published)
            self.dates.sort()
        self.size += 1
        self._view = self._core = self._norms = None

    @property
    def norms(self) -> tuple[float, float]:
        """The lengths of the weighed words and names (stored with the profile)."""
        if self._norms is None:
            self._norms = (_norm(self.words, "W"), _norm(self.names, "E"))
        return self._norms

    def view(self) -> Description:
        """The story seen as one long article (its weighted vectors, its
        names and numbers named by most of its articles, its first date)."""
        if self._view is None:
            common = max(1.0, 0.3 * self.size)
            self._view = Description(
                self.words,
                self.names,
                self.numbers,
                frozenset(self.years),
                self.dates[0] if self.dates else None,
                frozenset(self.subjects),
                _big(t for t, c in self.number_counts.items() if c >= common),
            )
        return self._view

    def core(self) -> list[tuple[str, float]]:
        """The story's four heaviest names that most of its articles name."""
        if self._core is None:
            least = _RHO * self.size
            core = [
                (t, self.names[t] * _rare(t) / self.norms[1])
                for t, c in self.name_counts.items()
                if c >= least and "_" not in t and t in self.names
            ]
            self._core = sorted(core, key=lambda tx: -tx[1])[:4]
        return self._core

    def to_json(self) -> dict[str, Any]:
        return {
            "words": {t: round(x, 4) for t, x in self.words.items()},
            "names": {t: round(x, 4) for t, x in self.names.items()},
            "numbers": {t: round(x, 4) for t, x in self.numbers.items()},
            "subjects": self.subjects,
            "name_counts": self.name_counts,
            "number_counts": self.number_counts,
            "years": self.years,
            "dates": [d.isoformat() for d in self.dates],
            "size": self.size,
            "norms": list(self.norms),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Profile:
        return cls(
            dict(data["words"]),
            dict(data["names"]),
            dict(data["numbers"]),
            dict(data["subjects"]),
            dict(data["name_counts"]),
            dict(data["number_counts"]),
            dict(data["years"]),
            [date.fromisoformat(d) for d in data["dates"]],
            int(data["size"]),
            (float(data["norms"][0]), float(data["norms"][1])) if "norms" in data else None,
        )


def features(d: Description, p: Profile) -> dict[str, float]:
    """How article ``d`` compares with story ``p``, feature by feature (each
    weighed by ``WEIGHTS`` in :func:`score`)."""
    f = {
        "words": _weighed_dot(d.wv, p.words, p.norms[0]),
        "names": _weighed_dot(d.ev, p.names, p.norms[1]),
    }
    # is the article's main name one the story has established?
    main = d.main_name
    f["main_name"] = min(1.0, p.name_counts.get(main, 0) / (_TAU * p.size)) if main and p.size else 1.0
    # the share (by weight) of the story's core names that the article names
    core = p.core()
    total = sum(x for _, x in core)
    f["core_names"] = sum(x for t, x in core if t in d.ev) / total if total else 1.0
    # the share of the article's numbers of two digits or more (tolls, ages, amounts) the story has
    big = d.big_numbers or frozenset()
    f["numbers"] = sum(1 for n in big if p.number_counts.get(n)) / len(big) if big else 0.5
    same = any(y in p.years for y in d.years)
    f["same_year"] = float(same)
    f["other_year"] = float(bool(d.years and p.years and not same))
    # the headline news: the same specific measure (+1), or specific measures, none shared (-1)
    if d.subjects and p.subjects:
        f["subjects"] = 1.0 if any(t in p.subjects for t in d.subjects) else -1.0
    else:
        f["subjects"] = 0.0
    if d.published is not None and p.dates:
        gap = min(abs((d.published - x).days) for x in p.dates)
        f["date_gap"] = min(1.0, gap / _GAP_DAYS)
    else:
        f["date_gap"] = 0.0
    return f


def score(d: Description, p: Profile) -> float:
    """How well article ``d`` fits story ``p``: it joins when this reaches ``JOIN``."""
    return sum(WEIGHTS[k] * v for k, v in features(d, p).items())


def split_size(n: int) -> bool:
    """Whether a story of ``n`` articles may be split (the check is worth its cost)."""
    return n in SPLIT_AT


def split(members: Sequence[Description]) -> list[bool] | None:
    """Whether a story's articles are two stories: a mask over ``members``
    (True: the half holding the first member), or None to keep them together.

    Spectral bisection (the sign of the Fiedler vector of the normalised
    similarity graph) proposes the halves; they are two stories if each half,
    seen as one article, scores below ``SPLIT`` against the other."""
    n = len(members)
    if not split_size(n):
        return None
    import numpy as np  # here, not at the top: the read commands import this module for ArticleText

    vocabulary: dict[tuple[str, str], int] = {}
    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    for row, m in enumerate(members):
        v = m.similarity_vector()
        rows.extend([row] * len(v))
        columns.extend(vocabulary.setdefault(t, len(vocabulary)) for t in v)
        values.extend(v.values())
    matrix = np.zeros((n, len(vocabulary)))
    matrix[rows, columns] = values
    sim = matrix @ matrix.T
    np.fill_diagonal(sim, 0.0)
    degree = sim.sum(axis=1) + 1e-9
    laplacian = np.eye(n) - sim / np.sqrt(np.outer(degree, degree))
    _, vecs = np.linalg.eigh(laplacian)
    side = vecs[:, 1] > 0
    mask = [bool(x == side[0]) for x in side]
    first = [m for m, keep in zip(members, mask, strict=True) if keep]
    second = [m for m, keep in zip(members, mask, strict=True) if not keep]
    if min(len(first), len(second)) < MIN_PART:
        return None
    a, b = Profile.of(first), Profile.of(second)
    if min(score(a.view(), b), score(b.view(), a)) >= SPLIT:
        return None
    return mask


def rank(hits: Iterable[tuple[str, int]]) -> list[int]:
    """The ``CANDIDATES`` stories sharing most key weight with an article, from
    ``(key term, story)`` postings."""
    weight: dict[int, float] = {}
    for term, story in hits:
        weight[story] = weight.get(story, 0.0) + _rare(term[2:])
    return sorted(weight, key=lambda story: -weight[story])[:CANDIDATES]


def best(d: Description, candidates: Iterable[tuple[int, Profile]]) -> tuple[int, float] | None:
    """The story ``d`` joins among ``candidates`` (``(id, profile)``) and its
    score, or None for a new story."""
    found: tuple[int, float] | None = None
    for story, p in candidates:
        s = score(d, p)
        if s >= JOIN and (found is None or s > found[1]):
            found = (story, s)
    return found


def recheck(joined: float) -> bool:
    """Whether a join this strong calls for the split check: a weak join is
    where two events get merged (on ECB+, checking only joins under
    ``RECHECK`` halves the checks and keeps F1: 0.906 against 0.902)."""
    return joined < RECHECK


class StoryIndex(Protocol):
    """Where stories are kept, as :func:`place_one` uses them: in memory
    (:class:`StoryClusterer`) or in the database (:mod:`storage.stories`)."""

    def postings(self, keys: Sequence[str]) -> list[tuple[str, int]]:
        """``(key term, story)`` for the newest ``POSTINGS`` stories of each key."""
        ...

    def profiles(self, stories: Sequence[int]) -> dict[int, Profile]:
        """The profiles of these stories (a story without one is left out)."""
        ...

    def new_story(self, d: Description) -> int:
        """A new story holding the article ``d``."""
        ...

    def join(self, story: int, d: Description) -> None:
        """Put the article ``d`` in ``story``: its profile and index terms."""
        ...

    def members(self, story: int) -> list[Description]:
        """The story's articles, in arrival order."""
        ...

    def split_off(self, story: int, mask: list[bool]) -> int:
        """Move the members ``mask`` marks False to a new story; returns its id."""
        ...


def place_one(d: Description, index: StoryIndex) -> int:
    """Put an arriving article in its story, the one decision both stores run:
    the best-scoring candidate story sharing its key terms, if that reaches
    ``JOIN``, else a new story; a weak join checks whether the story has become
    two (:func:`split`). Returns the story the article was placed in (a split
    may then move it on)."""
    candidates = rank(index.postings(d.keys))
    profiles = index.profiles(candidates)
    found = best(d, ((c, profiles[c]) for c in candidates if c in profiles))
    if found is None:
        return index.new_story(d)
    story, joined = found
    size = profiles[story].size + 1
    index.join(story, d)
    if recheck(joined) and split_size(size):
        mask = split(index.members(story))
        if mask is not None:
            index.split_off(story, mask)
    return story


class StoryClusterer:
    """The online clustering in memory, with its inverted index (for evaluation):
    :func:`place_one` over lists."""

    def __init__(self) -> None:
        self._profiles: list[Profile] = []
        self._members: list[list[Description]] = []
        self.labels: list[int] = []  # article → story, in arrival order
        self._where: list[list[int]] = []  # story → its articles
        self._index: dict[str, list[int]] = {}
        self.compared = 0
        self.splits = 0

    @property
    def stories(self) -> int:
        return sum(1 for m in self._members if m)

    def add(self, d: Description) -> int:
        """Place one arriving article; returns the index of the article."""
        place_one(d, self)
        return len(self.labels) - 1

    # StoryIndex

    def postings(self, keys: Sequence[str]) -> list[tuple[str, int]]:
        return [(k, s) for k in keys for s in self._index.get(k, ())[-POSTINGS:]]

    def profiles(self, stories: Sequence[int]) -> dict[int, Profile]:
        self.compared += len(stories)
        return {s: self._profiles[s] for s in stories}

    def _new(self) -> int:
        self._profiles.append(Profile())
        self._members.append([])
        self._where.append([])
        return len(self._profiles) - 1

    def _post(self, story: int, d: Description) -> None:
        for k in d.keys:
            postings = self._index.setdefault(k, [])
            if story not in postings[-POSTINGS:]:
                postings.append(story)

    def new_story(self, d: Description) -> int:
        story = self._new()
        self.join(story, d)
        return story

    def join(self, story: int, d: Description) -> None:
        self._profiles[story].add(d)
        self._members[story].append(d)
        self._where[story].append(len(self.labels))
        self.labels.append(story)
        self._post(story, d)

    def members(self, story: int) -> list[Description]:
        return self._members[story]

    def split_off(self, story: int, mask: list[bool]) -> int:
        self.splits += 1
        members, where = self._members[story], self._where[story]
        other = self._new()
        self._members[story] = [m for m, keep in zip(members, mask, strict=True) if keep]
        self._members[other] = [m for m, keep in zip(members, mask, strict=True) if not keep]
        self._where[story] = [i for i, keep in zip(where, mask, strict=True) if keep]
        self._where[other] = [i for i, keep in zip(where, mask, strict=True) if not keep]
        self._profiles[story] = Profile.of(self._members[story])
        self._profiles[other] = Profile.of(self._members[other])
        for i in self._where[other]:
            self.labels[i] = other
        for m in self._members[other]:
            self._post(other, m)
        return other
