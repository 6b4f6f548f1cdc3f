"""What the learned decisions see of a candidate event: features as strings.

A *candidate* is what the rules (:mod:`extractors.signals.rules`) read in one
sentence: a type, an action, who acts on whom, rates and amounts. The models
(:mod:`extractors.signals.model`) decide whether it is an event of the article
and whether it is news or a recap; they see the candidate through
:func:`candidate_features`: the sentence's words, the words around the
trigger the rules read it from (the trigger itself, six words each side), the rules'
reading of it, where its actor stands against the trigger and the words on either
side of the actor's name, where the sentence sits in the article, how many sentences say
the same, and the times the sentence names against the article's date
(:mod:`extractors.signals.dateline`).

Training (:mod:`extractors.signals.training`) and extraction call the same
function, so a model always sees what it was trained on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..vocabulary import action_class, is_company
from .dateline import RECENT_DAYS, Precision, When, days_back, earliest, times

__all__ = ["Candidate", "candidate_features", "time_buckets", "tokens"]

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*|[$%]")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One reading the rules made of one sentence of an article."""

    sentence: str
    index: int  # the sentence's place in the article (0: the title, when there is one)
    type: str
    action: str
    actor: str | None
    target: str | None
    rate_to: float | None
    amount_usd: float | None
    products: int
    actor_named: bool  # the sentence itself names the actor (not the article's context)
    actor_rank: int = 0  # the actor's place among the countries the sentence names (0: first)
    at: int | None = None  # where its trigger begins in the sentence (None: not known)
    actor_span: tuple[int, int] | None = None  # where the sentence names the actor, nearest the trigger

    @property
    def action_class(self) -> str:
        return action_class(self.type, self.action)


def tokens(sentence: str) -> list[str]:
    """Lower-case words, numbers folded to ``0``."""
    return ["0" if t[0].isdigit() else t for t in _TOKEN.findall(sentence.lower())]


def _bucket(days: int | None) -> str:
    if days is None:
        return "none"
    if days < 0:
        return "ahead"
    if days <= RECENT_DAYS:
        return "week"
    if days <= 31:
        return "month"
    if days <= 366:
        return "year"
    return "older"


def _when_bucket(w: When, published: date | None, sentence: str = "") -> str:
    """How long before ``published`` the time ``w`` lies. A month wholly before
    the article's ("last month", "in March" in an April article) counts from
    its middle, not its last day: an action told of "last month" in an article
    of April 4 more likely lies weeks than days before (measured on the
    development folds: its last day, alert precision 0.709 and news/recap
    0.817; its middle, 0.718 and 0.833), unless ``sentence`` says its end
    ("late last month"): :func:`~extractors.signals.dateline.days_back`."""
    if published is None:
        return "none"
    if w.precision is Precision.YEAR and w.day.year == published.year:
        return "this_year"  # "this year", "in early 2018" in a 2018 article: before or after
    return _bucket(days_back(w, published, sentence))


def time_buckets(sentence: str, published: date | None, whens: list[When] | None = None) -> frozenset[str]:
    """How long before ``published`` the times ``sentence`` names (or ``whens``)
    lie: ``ahead``, ``week``, ``month``, ``year``, ``older``, or ``this_year``."""
    found = times(sentence, published) if whens is None else whens
    return frozenset(_when_bucket(w, published, sentence) for w in found)


NEAR = 6  # words each side of the trigger that count as its own context


def _around_trigger(sentence: str, at: int, cls: str) -> list[str]:
    """The trigger's word, the words just before and after it (alone and with
    the action class), and the word right before it: "would impose *tariffs*",
    "*sanctions* that could cost" say more about the measure than the rest of
    the sentence."""
    span = 25 * NEAR  # characters enough for NEAR words; words cut at its edge are dropped
    lo, hi = max(0, at - span), at + span
    head, tail = tokens(sentence[lo:at]), tokens(sentence[at:hi])
    left = (head[1:] if lo else head)[-NEAR:]
    right = tail[:-1] if hi < len(sentence) else tail
    out = [
        f"trig={right[0] if right else ''}",
        f"l1={left[-1] if left else ''}",
        f"{cls}|l1={left[-1] if left else ''}",
    ]
    for side, words in (("l", set(left)), ("r", set(right[1 : 1 + NEAR]))):
        out += [f"{side}|w={w}" for w in words]
        out += [f"{cls}|{side}|w={w}" for w in words]
    return out


_ROLE_WORD = re.compile(r"[a-z]+|[,;:()]|'s")


def _actor_role(c: Candidate) -> list[str]:
    """Where the actor stands against the trigger and the words on either side
    of its name: "tariffs *by* China", "*on* Chinese goods", "China *'s*
    tariffs", "*,* China said": who acts and who is acted on show in them."""
    if c.at is None or c.actor is None:
        return []
    if c.actor_span is None:
        return ["actor_role=unnamed"]
    start, end = c.actor_span
    side = "before" if end <= c.at else "after"
    before = _ROLE_WORD.findall(c.sentence[max(0, start - 20) : start].lower())
    after = _ROLE_WORD.findall(c.sentence[end : end + 20].lower())
    word_before = before[-1] if before else ""
    return [
        f"actor_side={side}",
        f"actor_before={side}/{word_before}",
        f"actor_after={side}/{after[0] if after else ''}",
        f"{c.action_class}|actor_before={side}/{word_before}",
    ]


def candidate_features(
    c: Candidate,
    *,
    published: date | None,
    support: int,
    top_actor: str | None,
    sentences: int,
    key_times: frozenset[str] = frozenset(),
    previous_times: frozenset[str] = frozenset(),
    whens: list[When] | None = None,
) -> list[str]:
    """The features of candidate ``c``: ``support`` is how many sentences of the
    article the rules read the same (type, class, actor) in, ``key_times`` the
    :func:`time_buckets` of those sentences, ``previous_times`` those of the
    sentence before; ``top_actor`` is the country the article names most;
    ``whens``, the times the sentence names (read again when not given)."""
    words = tokens(c.sentence)
    cls = c.action_class
    out = [f"type={c.type}", f"class={c.type}/{cls}", f"action={c.type}/{c.action}"]
    out.append(f"actor_rank={min(c.actor_rank, 3)}")
    out += [f"w={w}" for w in set(words)]
    out += [f"{cls}|w={w}" for w in set(words)]
    if c.at is not None:
        out += _around_trigger(c.sentence, c.at, cls)
    out.append("actor=none" if c.actor is None else ("actor=named" if c.actor_named else "actor=context"))
    out += _actor_role(c)
    out.append(f"actor_top={c.actor is not None and c.actor == top_actor}")
    out.append(
        "target=none"
        if c.target is None
        else ("target=company" if is_company(c.target) else "target=country")
    )
    out.append(f"same_parties={c.actor is not None and c.actor == c.target}")
    if c.rate_to is not None:
        out.append("rate")
    if c.amount_usd is not None:
        out.append("amount")
    if c.products:
        out.append("products")
    out.append(f"pos={min(c.index, 4)}")
    out.append(f"late={c.index > sentences * 2 // 3}")
    out.append(f"support={min(support, 4)}")
    out.append(f"{cls}|support={min(support, 4)}")
    found = times(c.sentence, published) if whens is None else whens
    first = earliest(found)
    if first is None:
        out.append("time=none")
    else:
        spans = sorted(time_buckets(c.sentence, published, found))
        out += [f"time={s}" for s in spans]
        out.append(f"earliest={_when_bucket(first, published, c.sentence)}")
        out += [f"{cls}|time={s}" for s in spans]
    out += [f"key_time={t}" for t in sorted(key_times)] or ["key_time=none"]
    out += [f"previous_time={t}" for t in sorted(previous_times)]
    return out
