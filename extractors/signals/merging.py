"""Readings of one action joined within an article, and an event's key.

:func:`event_key` is an event's identity from its normalised parts (type,
action, parties, rates, amount; products when nothing else tells measures
apart). Within one sentence, two triggers of one measure join
(:func:`join_same_sentence`); across the article, repeats of one action join
(:func:`merge_actions`), and then readings of one action class by the same
parties whose attributes do not conflict (:func:`merge`: "imposed",
"announced" and "raised" of one measure are one event, the evaluation rules'
rule 5), keeping the action furthest along.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from ..models import Mention
from ..vocabulary import ALERTABLE_TYPES, PAIRED_TYPES, Action, EventType, action_class, parties
from .candidates import Found

__all__ = ["event_key", "join_same_sentence", "key_of", "mention_of", "merge", "merge_actions"]


def event_key(
    type_: str,
    action: str,
    actor: str | None,
    target: str | None,
    rate_from: float | None,
    rate_to: float | None,
    amount_usd: float | None,
    products: Iterable[str] = (),
) -> str:
    """Canonical identity of an event from its normalised parts.

    Products count only when neither an amount nor a rate tells the measure
    apart (``tariffs on steel and aluminum``).
    """
    parts = [
        type_,
        action,
        actor or "",
        target or "",
        "" if rate_from is None else f"{rate_from:g}",
        "" if rate_to is None else f"{rate_to:g}",
        "" if amount_usd is None else f"{amount_usd:.6g}",
    ]
    if amount_usd is None and rate_to is None:
        parts.append(",".join(sorted(products)))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def join_same_sentence(found: list[Found]) -> list[Found]:
    """Two triggers of one measure in one sentence (``doubled tariffs ..., raising the
    levy to 120 pct``) are one event: join those whose attributes do not conflict.
    Rates may differ: ``25% on steel and 10% on aluminum`` is one measure with
    the first rate named (the labelling guide's rule 2)."""
    return _join(found, lambda a, b: _compatible(a, b, rates=False))


# within one action class, the action a joined event keeps: the furthest along
_FURTHER = {"announced": 1, "increased": 2, "imposed": 3, "delayed": 1, "reduced": 2, "eased": 2, "lifted": 3}


def _join(found: list[Found], fits: Callable[[Found, Found], bool]) -> list[Found]:
    """Each reading joined into the first before it that ``fits`` it: the
    missing attributes filled, the furthest action of the class kept."""
    out: list[Found] = []
    for f in found:
        twin = next((o for o in out if fits(o, f)), None)
        if twin is None:
            out.append(f)
            continue
        if _FURTHER.get(f.action, 0) > _FURTHER.get(twin.action, 0):
            twin.action = f.action
        twin.target = twin.target or f.target
        twin.rate_from = twin.rate_from if twin.rate_from is not None else f.rate_from
        twin.rate_to = twin.rate_to if twin.rate_to is not None else f.rate_to
        twin.amount_usd = twin.amount_usd or f.amount_usd
        _absorb(twin, f)
    return out


def _compatible(a: Found, b: Found, *, rates: bool = True) -> bool:
    if (a.type, a.action, a.actor) != (b.type, b.action, b.actor) or a.type not in ALERTABLE_TYPES:
        return False
    pairs = [(a.target, b.target), (a.amount_usd, b.amount_usd)]
    if rates:
        pairs += [(a.rate_to, b.rate_to), (a.rate_from, b.rate_from)]
    return all(x is None or y is None or x == y for x, y in pairs)


def merge_actions(found: list[Found]) -> list[Found]:
    """One event per distinct action: repeats join, vague ones join a specific twin."""
    merged: dict[str, Found] = {}
    for f in found:
        key = key_of(f)
        if key in merged:
            _absorb(merged[key], f)
        else:
            merged[key] = f
    out = list(merged.values())
    specific = [f for f in out if f.specific]
    result = []
    for f in out:
        if not f.specific and f.type in ("tariff", "sanction"):
            twin = next(
                (
                    s
                    for s in specific
                    if (s.type, s.action, s.actor, s.target) == (f.type, f.action, f.actor, f.target)
                ),
                None,
            )
            if twin is not None:
                _absorb(twin, f)
                continue
        result.append(f)
    return result


def _absorb(into: Found, other: Found) -> None:
    if into.recap and not other.recap:  # news when any sentence tells it as news
        into.recap, into.occurred = False, other.occurred
    into.score = max(into.score, other.score)
    for s in other.evidence:
        if s not in into.evidence:
            into.evidence.append(s)
    for p in other.products:
        if p not in into.products:
            into.products.append(p)
    for e in other.entities:
        if e not in into.entities:
            into.entities.append(e)


def key_of(f: Found) -> str:
    if f.type in PAIRED_TYPES:
        return event_key(f.type, f.action, f.actor, f.target, None, None, None)
    return event_key(f.type, f.action, f.actor, f.target, f.rate_from, f.rate_to, f.amount_usd, f.products)


def merge(found: list[Found]) -> list[Mention]:
    """One mention per measure of an article's readings: readings of one
    action join (:func:`merge_actions`), then readings of one action class by the same
    parties whose attributes do not conflict (evaluation rule 5: "imposed",
    "announced" and "raised" of one measure are one event of the article)."""
    return [mention_of(f) for f in _share_rates(_join_classes(merge_actions(found)))]


def _share_rates(found: list[Found]) -> list[Found]:
    """A measure on a list of targets has one rate: each target's event that
    names none takes the one another target's has from the sentences they
    share, or the one the measure has where a sentence names no target
    ("tariffs on the EU, Canada and Mexico"; "25% on steel" said before)."""
    for f in found:
        if f.rate_to is not None:
            continue
        said = set(f.evidence)
        twin = next(
            (
                o
                for o in found
                if o.rate_to is not None
                and o.target != f.target
                and (o.type, _class_of(o), o.actor) == (f.type, _class_of(f), f.actor)
                and (said.intersection(o.evidence) or (f.listed and o.target is None))
            ),
            None,
        )
        if twin is not None:
            f.rate_from, f.rate_to = twin.rate_from, twin.rate_to
    return found


def _class_of(f: Found) -> str:
    return action_class(f.type, f.action)


def _fits(a: Found, b: Found) -> bool:
    if (a.type, _class_of(a), parties(a.type, a.actor, a.target)) != (
        b.type,
        _class_of(b),
        parties(b.type, b.actor, b.target),
    ):
        return False
    if (a.target is None) != (b.target is None) and (a.listed or b.listed):
        return False  # one target of a list is not the measure another sentence names with none
    pairs = [(a.target, b.target), (a.rate_to, b.rate_to), (a.amount_usd, b.amount_usd)]
    return all(x is None or y is None or x == y for x, y in pairs)


def _join_classes(found: list[Found]) -> list[Found]:
    return _join(found, _fits)


def mention_of(f: Found) -> Mention:
    return Mention(
        background=f.recap,
        occurred=f.occurred,
        confidence=round(f.score, 4),
        type=EventType(f.type),
        action=Action(f.action),
        actor=f.actor,
        target=f.target,
        key=key_of(f),
        rate_from=f.rate_from,
        rate_to=f.rate_to,
        amount_usd=f.amount_usd,
        products=tuple(f.products),
        entities=tuple(f.entities),
        evidence=tuple(f.evidence),
    )
