"""An article's events: the rules read candidates, the models decide.

:func:`extract_mentions` reads the title and text of an article:

1. the rules (:mod:`extractors.signals.rules`) read each sentence: type,
   action, actor, target, rates, amounts, products;
2. the ``event`` model (:mod:`extractors.signals.model`) keeps the readings
   that are events of the article, from the sentence's words, the rules'
   reading, its place and support in the article and the times it names;
3. the ``recap`` model marks the kept ones the article only recaps (placed
   more than a week before ``published``); they carry ``background=True`` and
   never alert as new; news alerts (``alertable``) when the event model's
   confidence reaches its ``alert_threshold``, once per measure in an article
   (:func:`one_alert_per_measure`);
4. readings of one action join into one :class:`~extractors.models.Mention`
   with every sentence that states it; ``occurred`` is the day it happened or
   was first reported, when the article says (the day a sentence names, else
   the article's date for news).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime

from ..gazetteer import CONTEXT, Match
from ..models import EARLIEST, LATEST, Mention, plain_text
from ..vocabulary import action_class, is_company, parties
from .candidates import Found
from .dateline import (
    RECENT_DAYS,
    Precision,
    When,
    a_month_before,
    days_back,
    days_before,
    earliest,
    in_clause,
    times,
)
from .features import Candidate, candidate_features, time_buckets
from .merging import merge
from .model import SignalModel, default_model
from .rules import read_article

__all__ = [
    "Group",
    "Reading",
    "article_text",
    "extract_mentions",
    "groups",
    "one_alert_per_measure",
    "readings",
]


def article_text(text: str, title: str | None) -> str:
    """The title as the article's first paragraph, unless the text begins with it."""
    if not title or not title.strip() or text.lstrip().startswith(title.strip()):
        return text
    return f"{title.strip()}\n\n{text}"


@dataclass(slots=True)
class Reading:
    """A rules' reading of one sentence, with the features the models see."""

    found: Found
    candidate: Candidate
    features: list[str]
    whens: list[When]  # the times its sentence names, against the article's date


def _day(published: date | datetime | None) -> date | None:
    if published is None:
        return None
    if not isinstance(published, date):
        # a string ("2018-06-01") would fail deep in the dateline reader
        raise TypeError(f"published must be a date or datetime, not {type(published).__name__}")
    day = published.date() if isinstance(published, datetime) else published
    if not EARLIEST.year <= day.year < LATEST.year:
        # the dateline reads a year either side of it: date(1, 1, 1) overflowed there
        raise ValueError(f"published must fall in {EARLIEST.year}-{LATEST.year - 1}, not {day.isoformat()}")
    return day


def readings(
    text: str, *, title: str | None = None, published: date | datetime | None = None
) -> list[Reading]:
    """Every reading the rules make of the article, with its features."""
    day = _day(published)
    full = plain_text(article_text(text, title))
    per_sentence, art = read_article(full)
    top = art.top[0] if art.top else None  # the country the article names most
    out: list[tuple[Found, Candidate]] = []
    for index, (sentence, found) in enumerate(per_sentence):
        names = [m for m in art.names(sentence) if m.value != CONTEXT] if found else []
        named = list(dict.fromkeys(m.value for m in names))
        for f in found:
            c = Candidate(
                sentence,
                index,
                f.type,
                f.action,
                f.actor,
                f.target,
                f.rate_to,
                f.amount_usd,
                len(f.products),
                f.actor in named,
                actor_rank=named.index(f.actor) if f.actor in named else 0,
                at=f.at,
                actor_span=_nearest_span(names, f.actor, f.at),
            )
            out.append((f, c))
    support = Counter((c.type, c.action_class, c.actor) for _, c in out)
    whens: dict[int, list[When]] = {}
    buckets: dict[int, frozenset[str]] = {}

    def whens_at(index: int) -> list[When]:
        if index not in whens:
            whens[index] = times(per_sentence[index][0], day)
        return whens[index]

    def at(index: int) -> frozenset[str]:
        if index < 0:
            return frozenset()
        if index not in buckets:
            buckets[index] = time_buckets(per_sentence[index][0], day, whens_at(index))
        return buckets[index]

    key_times: dict[tuple[str, str, str | None], frozenset[str]] = {}
    for _, c in out:
        k = (c.type, c.action_class, c.actor)
        key_times[k] = key_times.get(k, frozenset()) | at(c.index)
    return [
        Reading(
            f,
            c,
            candidate_features(
                c,
                published=day,
                support=support[(c.type, c.action_class, c.actor)],
                top_actor=top,
                sentences=len(per_sentence),
                key_times=key_times[(c.type, c.action_class, c.actor)],
                previous_times=at(c.index - 1),
                whens=whens_at(c.index),
            ),
            whens_at(c.index),
        )
        for f, c in out
    ]


def _nearest_span(names: list[Match], code: str | None, at: int | None) -> tuple[int, int] | None:
    """Where the sentence names ``code`` nearest the trigger at ``at``."""
    spans = [(m.start, m.end) for m in names if m.value == code]
    if not spans or at is None:
        return None
    return min(spans, key=lambda s: min(abs(s[0] - at), abs(s[1] - at)))


def _occurred(whens: list[When], day: date | None, recap: bool) -> date | None:
    when = earliest(whens)
    if when is not None and when.precision is Precision.DAY:
        ahead = (days_before(when, day) or 0) < 0
        return day if ahead else when.day
    return None if recap else day


@dataclass(slots=True)
class Group:
    """One action of the article as the rules read it: every reading of one
    type, action class and parties (evaluation rule 5), and the features the
    models see of them together."""

    readings: list[Reading]
    features: list[str]


def groups(found: list[Reading]) -> list[Group]:
    """The readings grouped by type, action class and parties."""
    by_key: dict[tuple[str, str, object], list[Reading]] = {}
    for r in found:
        c = r.candidate
        by_key.setdefault((c.type, c.action_class, parties(c.type, c.actor, c.target)), []).append(r)
    out = []
    for members in by_key.values():
        features = {f for r in members for f in r.features}
        features.add(f"readings={min(len(members), 4)}")
        features.add(f"first={min(min(r.candidate.index for r in members), 4)}")
        out.append(Group(members, sorted(features)))
    return out


def _placed_before(g: Group, published: date | None) -> bool:
    """Every sentence of the action places it more than a week before the
    article's date, and none within it or ahead (the labelling guide's rule 3)."""
    if published is None:
        return False
    for r in g.readings:
        c = r.candidate
        spans = time_buckets(c.sentence, published, in_clause(c.sentence, c.at, r.whens))
        if not spans or spans & {"week", "ahead", "this_year"}:
            return False
    return True


def _dated_before(g: Group, published: date | None) -> bool:
    """Some sentence of the action dates it, by the earliest day it names (the
    day :func:`_occurred` reports), more than a week before the article's date
    ("On September 24, new US levies ... came into force" in an article of
    October 10), and no sentence's earliest day is within the week: a recap
    by the labelling guide's rule 3, whatever else the sentences say. A later
    day beside the earliest in one sentence does not count (measured on the
    development folds: counting it, alert precision 0.709 -> 0.704). A month
    wholly before the article's counts from its middle ("Early last month,
    Trump threatened ..." in an article of May 4), as the models' features
    do: on three partitions of the development folds, alert precision 0.722
    -> 0.734 (higher in each), for 9 fewer right alerts of 379 and news/recap
    0.828 -> 0.823."""
    if published is None:
        return False
    days = [
        d
        for r in g.readings
        if (w := earliest(in_clause(r.candidate.sentence, r.candidate.at, r.whens))) is not None
        and (d := _days_back(w, published, r.candidate.sentence)) is not None
    ]
    return bool(days) and min(days) > RECENT_DAYS


def _days_back(w: When, published: date, sentence: str) -> int | None:
    """How many days before ``published`` ``w`` places an action: a day, or a
    month wholly before the article's (its middle unless the sentence says its
    end: :func:`~extractors.signals.dateline.days_back`); None for a year, a
    span or the article's own month."""
    if w.precision is Precision.DAY or a_month_before(w, published):
        return days_back(w, published, sentence)
    return None


def decide(found: list[Reading], model: SignalModel, published: date | None) -> list[Found]:
    """The readings of the actions the model rates events of the article,
    marked news or recap."""
    kept = []
    for g in groups(found):
        score = model.event.probability(g.features)
        if score < model.threshold:
            continue
        recap = (
            _placed_before(g, published)
            or _dated_before(g, published)
            or model.recap.probability(g.features) >= model.recap_threshold
        )
        for r in g.readings:
            f = r.found
            f.score, f.recap = score, recap
            f.occurred = _occurred(r.whens, published, recap)
            kept.append(f)
    return kept


def extract_mentions(
    text: str,
    *,
    title: str | None = None,
    published: date | datetime | None = None,
    model: SignalModel | None = None,
) -> list[Mention]:
    """The trade-dispute events an article states, one per distinct action."""
    day = _day(published)
    model = model or default_model()
    mentions = merge(decide(readings(text, title=title, published=day), model, day))
    return one_alert_per_measure(
        [replace(m, alertable=not m.background and m.confidence >= model.alert_threshold) for m in mentions]
    )


def one_alert_per_measure(mentions: list[Mention]) -> list[Mention]:
    """At most one alert per type, action class, actor and target in an article
    (what the evaluation rules call one measure, rule 5): of mentions that
    differ only in rates or amounts ("$100 billion more" beside "$50 billion"),
    the most confident alerts. A measure that names no target, or hits a
    company or person, does not alert beside one of the same type, class and
    actor on a country ("Washington announced sanctions against 14 Iranian
    entities, including ... Larijani" beside the sanctions on Iran): it is
    that one told again. A measure on a list of targets, an event for each,
    alerts once: of the events of one type, class and actor that share a
    sentence, the most confident (the others are its ``entities``). The
    others stay events, shown but not alerted."""
    best: dict[tuple[str, str, str | None, str | None], Mention] = {}
    for m in mentions:
        if m.alertable:
            k = (m.type, action_class(m.type, m.action), m.actor, m.target)
            if k not in best or m.confidence > best[k].confidence:
                best[k] = m
    on_a_country = {k[:3] for k in best if _a_country(k[3])}
    keep = {id(m) for k, m in best.items() if _a_country(k[3]) or k[:3] not in on_a_country}
    # one measure on a list ("tariffs on the EU, Canada and Mexico"): an event per
    # target, one alert for the list (the events share its sentence); the others
    # are its entities
    told: list[tuple[tuple[str, ...], set[str]]] = []
    for key, m in sorted(best.items(), key=lambda km: -km[1].confidence):
        if id(m) in keep:
            head = tuple(map(str, key[:3]))
            if any(h == head and said.intersection(m.evidence) for h, said in told):
                keep.discard(id(m))
            else:
                told.append((head, set(m.evidence)))
    return [m if not m.alertable or id(m) in keep else replace(m, alertable=False) for m in mentions]


def _a_country(target: str | None) -> bool:
    return target is not None and not is_company(target)
