"""Trade-dispute signals: typed events found in one article's text.

``extract_mentions(text)`` returns one :class:`Mention` per distinct action the
article states, each with the sentences that prove it and a canonical ``key``
built from its normalised parts (type, action, actor, target, rates, amount).

How a sentence becomes an event:

1. The text is split into sentences (blingfire), each sentence into clauses at
   ``;`` and ``, and``/``, but``/``, while``.
2. A *trigger* (``tariffs``, ``duties``; ``sanctions``, ``banned``, ``export
   controls``, ``entity list``...; ``talks``; ``signed a deal``) opens a window of
   words around it, cut at subordinate-clause markers (``because``, ``after``,
   ``, which``...).
3. The *action* comes from the verb nearest the trigger in that window
   (``slapped``/``imposed`` → imposed, ``raise``/``hike`` or ``from 10% to 25%`` →
   increased, ``delay``/``extend the deadline`` → delayed, ...). *Modality* then
   decides what it means: a threat, a plan or a condition (``is considering``,
   ``would``, ``threat to``, ``proposed``) turns it into ``threatened``; negation
   (``did not``), a question, a trigger inside an ``if`` clause, and a demand by
   the other side (``demand ... remove 20% tariffs``) never become imposed or
   lifted.
4. *Actor* is the first country, bloc or official before the trigger (gazetteer:
   ``Washington``, ``Mnuchin`` → US); *target* the country named in the object
   (``on $50 billion of Chinese goods`` → CN) or, for sanctions, the company
   (``ZTE``; ``it`` resolves to the last company named).
5. *Attributes*: rates (``10% to 25%``, ``25 percent``, ``up to 200%``, ``100
   pct``), dollar amounts (``$50 billion``, ``$200bn``, ``300 mln dlrs``) and
   products from the gazetteer.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import blingfire

from .gazetteer import Match, gazetteer
from .models import Mention

__all__ = [
    "ACTIONS",
    "ALERTABLE_TYPES",
    "event_key",
    "extract_mentions",
    "mentions_by_sentence",
    "split_sentences",
]

ACTIONS: dict[str, tuple[str, ...]] = {
    "tariff": ("threatened", "announced", "imposed", "increased", "delayed", "reduced", "lifted"),
    "sanction": ("threatened", "imposed", "eased", "lifted"),
    "trade_talks": ("scheduled", "held", "stalled", "agreed"),
    "trade_deal": ("agreed",),
}
ALERTABLE_TYPES = frozenset({"tariff", "sanction"})

_I = re.IGNORECASE

# --- triggers -------------------------------------------------------------
_TARIFF = re.compile(r"\b(?:tariffs?|duties|duty|levies)\b", _I)
# (pattern, inherent action or None when the verb must be found around it)
_SANCTION_TRIGGERS: list[tuple[re.Pattern[str], str | None]] = [
    (re.compile(r"\b(?:easing|lifting|relief) of (?:the )?(?:sanctions?|ban|penalt\w+)\b", _I), "eased"),
    (re.compile(r"\b(?:get|getting|go|going)\W+back into business\b", _I), "eased"),
    (re.compile(r"\balternative remedies\b", _I), "eased"),
    (re.compile(r"\bcut(?:s|ting)? off (?:its |their )?access\b", _I), "imposed"),
    (re.compile(r"\b(?:banned|blacklisted|sanctioned)\b", _I), "imposed"),
    (
        re.compile(
            r"\b(?:bar|bars|barred|barring|ban|bans|banning)\s+(?:[\w.'’-]+\s+){0,3}?(?:from|companies|firms)\b",
            _I,
        ),
        "imposed",
    ),
    (re.compile(r"\bpenali[sz]e[sd]?\b", _I), "imposed"),
    (
        re.compile(
            r"\b(?:sanctions?|export controls?|export bans?|import bans?|entity list|denial orders?"
            r"|embargo(?:es)?|blacklist|export restrictions?)\b",
            _I,
        ),
        None,
    ),
    (
        re.compile(
            r"\b(?:curbs?|restrictions?|limits?) on (?:[\w.'’-]+\s+){0,3}?"
            r"(?:investments?|exports?|purchases|acquisitions|sales)\b",
            _I,
        ),
        None,
    ),
]
_TALKS = re.compile(r"\b(?:talks|negotiations?|consultations|discussions)\b", _I)
_TRADE_CONTEXT = re.compile(r"\b(?:trade|tariffs?|economic|commerce|negotiators?|deficit|surplus)\b", _I)
_DEAL = re.compile(
    r"\b(?:signed|reached|struck|clinched|sealed|agreed (?:on|to))\s+(?:an?\s+|the\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:trade\s+)?(?:deal|agreement|pact)\b",
    _I,
)

# --- verbs and modality ---------------------------------------------------
_TARIFF_VERBS: list[tuple[str, re.Pattern[str]]] = [
    (
        "delayed",
        re.compile(
            r"\b(?:delay(?:s|ed|ing)?|postpon\w*|extend(?:s|ed|ing)?\s+(?:the\s+|a\s+)?(?:\w+\s+\d+\s+)?deadline|extension|push(?:ed|es)?\s+back|suspend\w*|pause[sd]?)\b",
            _I,
        ),
    ),
    (
        "lifted",
        re.compile(
            r"\b(?:lift(?:s|ed|ing)?|remov(?:e|es|ed|ing|al)|scrap(?:s|ped|ping)?|drop(?:s|ped|ping)?|rescind\w*|repeal\w*|roll(?:s|ed)?\s+back|eliminat\w*|waive[sd]?|end(?:s|ed)?)\b",
            _I,
        ),
    ),
    (
        "reduced",
        re.compile(
            r"\b(?:cut(?:s|ting)?|reduc\w+|lower(?:s|ed|ing)?|slash\w*|bring\s+down|halve[sd]?)\b", _I
        ),
    ),
    (
        "increased",
        re.compile(
            r"\b(?:rais(?:e|es|ed|ing)|hikes?|hiked|hiking|increas\w+|higher|ramp(?:s|ed)?\s+up|doubl\w+|tripl\w+)\b",
            _I,
        ),
    ),
    (
        "imposed",
        re.compile(
            r"\b(?:impos\w+|slap(?:s|ped)?|levie[sd]|levy|hit|go(?:es|ing)?\s+ahead\s+with|went\s+ahead\s+with|took\s+effect|take\s+effect|in\s+effect|enact\w*|retaliat(?:e|es|ed|ing)\b|counter(?:punch\w*|ed|s)?|responded\s+with|introduc\w+|appl(?:y|ied|ies)|placed|put)\b",
            _I,
        ),
    ),
]
_SANCTION_VERBS: list[tuple[str, re.Pattern[str]]] = [
    ("eased", re.compile(r"\b(?:eas(?:e|es|ed|ing)|loosen\w*|relax\w*|soften\w*|waive\w*|leniency)\b", _I)),
    (
        "lifted",
        re.compile(
            r"\b(?:lift(?:s|ed|ing)?|remov(?:e|es|ed|ing)|rescind\w*|revok\w*|drop(?:s|ped)?|scrap\w*|end(?:s|ed)?)\b",
            _I,
        ),
    ),
    (
        "imposed",
        re.compile(
            r"\b(?:impos\w+|hit|slap(?:s|ped)?|add(?:s|ed)?|placed|put|expand\w*|tighten\w*|announc\w+|issued|enforc\w+)\b",
            _I,
        ),
    ),
]
_ANNOUNCE = re.compile(r"\b(?:announc\w+|unveil\w*)\b", _I)
_MODAL = re.compile(
    r"\b(?:threat(?:s|en|ens|ened|ening)?|consider(?:s|ed|ing)?|mull(?:s|ed|ing)?|weigh(?:s|ed|ing)?|"
    r"propos(?:e|ed|es|al)|could|would|may|might|plan(?:s|ned)?\s+to|warn(?:s|ed)?|unless|without\s+a\s+deal|"
    r"vow(?:s|ed)?|prepar(?:e|es|ed|ing)\s+to|poised\s+to|ready\s+to|possible|potential(?:ly)?|reserved\s+the\s+right)\b",
    _I,
)
_NEGATION = re.compile(
    r"\b(?:did\s+not|does\s+not|do\s+not|didn[’']t|doesn[’']t|don[’']t|will\s+not|won[’']t|would\s+not|wouldn[’']t|"
    r"has\s+not|hasn[’']t|have\s+not|haven[’']t|never|declined\s+to|refused\s+to|ruled\s+out|oppos(?:e|es|ed|ing)|no\s+plans?)\b",
    _I,
)
_DEMAND = re.compile(
    r"\b(?:demand(?:s|ed|ing)?|urg(?:e|es|ed|ing)|call(?:s|ed)?\s+(?:on|for)|ask(?:s|ed)?|push(?:es|ed|ing)?\s+for|"
    r"press(?:es|ed|ing)?\s+for|seek(?:s|ing)?|sought|want(?:s|ed)?)\b",
    _I,
)
_CONDITION = re.compile(r"\b(?:if|unless)\b", _I)
# words that open a new clause: the window around a trigger stops there
_BEFORE_CUT = re.compile(
    r"(?:\b(?:because|after|before|since|when|although|though|while)\b|[;:—–]|,\s*(?:which|who)\b)", _I
)
_AFTER_CUT = re.compile(
    r"(?:\b(?:because|after|before|since|when|although|though|while|if|unless)\b|[;—–]|,\s*(?:which|who)\b|,\s*(?:and|but)\b|"
    r",\s*(?!including\b)\w+ing\b|"
    r"\b(?:and|but)\s+(?:also\s+)?(?:would|will|could|may|might|said|says|is|was|has|have|had|did|gave)\b)",
    _I,
)

_TALKS_ACTIONS: list[tuple[str, re.Pattern[str]]] = [
    (
        "stalled",
        re.compile(
            r"\b(?:stall\w*|broke\s+down|collaps\w+|far\s+apart|impasse|deadlock\w*|gap\s+remains|called\s+off)\b",
            _I,
        ),
    ),
    (
        "agreed",
        re.compile(r"\b(?:agreed|reached\s+(?:an?\s+)?(?:important\s+)?(?:agreement|consensus))\b", _I),
    ),
    (
        "held",
        re.compile(
            r"\b(?:held|concluded|wrapped\s+up|\w+\s+days\s+of|arrived|productive|made\s+(?:headway|progress)|progress\s+had\s+been\s+made)\b",
            _I,
        ),
    ),
    (
        "scheduled",
        re.compile(
            r"\b(?:will|set\s+to|scheduled|plan(?:s|ned)?\s+to|next\s+(?:week|month|round)|sending|send|resume|travel|visit|expected\s+to)\b",
            _I,
        ),
    ),
]

# --- attributes -----------------------------------------------------------
_NUM = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_PCT = r"\s?(?:%|percent\b|per\s+cent\b|pct\b|percentage\s+points?\b)"
_RATE_RANGE = re.compile(rf"\bfrom\s+{_NUM}(?:{_PCT})?\s+to\s+{_NUM}{_PCT}", _I)
_RATE = re.compile(rf"(?<![\w.$]){_NUM}{_PCT}", _I)
_SCALE = {
    "trillion": 1e12,
    "tn": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "bln": 1e9,
    "b": 1e9,
    "million": 1e6,
    "mln": 1e6,
    "mn": 1e6,
    "m": 1e6,
}
_AMOUNT = re.compile(
    rf"(?:(?:US)?\$\s?{_NUM}\s*(trillion|billion|million|tn|bn|bln|mln|mn|b|m)\b"
    rf"|{_NUM}\s*(trillion|billion|million|bln|mln|mn)\s+(?:dlrs|dollars|usd)\b)",
    _I,
)
_COMPANY_PRONOUN = re.compile(r"\b(?:it|its|the company|the firm)\b", _I)
_WORD = re.compile(r"\S+")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; paragraphs (lines) never share a sentence."""
    out: list[str] = []
    for para in text.split("\n"):
        para = para.strip()
        if para:
            out.extend(s for s in blingfire.text_to_sentences(para).split("\n") if s.strip())
    return out


def _number(text: str) -> float:
    return float(text.replace(",", ""))


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


@dataclass
class _Found:
    type: str
    action: str
    actor: str | None
    target: str | None
    rate_from: float | None = None
    rate_to: float | None = None
    amount_usd: float | None = None
    products: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    @property
    def specific(self) -> bool:
        return bool(self.rate_to is not None or self.amount_usd is not None or self.products)


@dataclass(frozen=True)
class _Window:
    before: str  # text from the clause cut to the trigger
    after: str  # text from the trigger's end to the next cut
    start: int  # sentence offsets of the window
    end: int


def _window(sentence: str, start: int, end: int, *, words_before: int = 12, words_after: int = 16) -> _Window:
    head = sentence[:start]
    tokens = list(_WORD.finditer(head))
    lo = tokens[-words_before].start() if len(tokens) > words_before else 0
    cuts = list(_BEFORE_CUT.finditer(head, lo))
    if cuts:
        lo = cuts[-1].end()
    tail = sentence[end:]
    cut = _AFTER_CUT.search(tail)
    tail = tail[: cut.start()] if cut else tail
    tail_tokens = list(_WORD.finditer(tail))
    hi = end + (tail_tokens[words_after - 1].end() if len(tail_tokens) >= words_after else len(tail))
    return _Window(sentence[lo:start], sentence[end:hi], lo, hi)


def _nearest_verb(window: _Window, verbs: list[tuple[str, re.Pattern[str]]]) -> str | None:
    best: tuple[int, str] | None = None
    for action, pattern in verbs:
        for m in pattern.finditer(window.before):
            distance = len(window.before) - m.end()
            if best is None or distance < best[0]:
                best = (distance, action)
        for m in pattern.finditer(window.after):
            distance = m.start() + 1  # a verb before the trigger wins a tie
            if best is None or distance < best[0]:
                best = (distance, action)
    return None if best is None else best[1]


def _in_condition(before: str) -> bool:
    """The trigger stands inside an ``if``/``unless`` clause."""
    conditions = list(_CONDITION.finditer(before))
    return bool(conditions) and "," not in before[conditions[-1].end() :]


def _rates(text: str) -> tuple[float | None, float | None]:
    m = _RATE_RANGE.search(text)
    if m:
        return _number(m.group(1)), _number(m.group(2))
    rates = [_number(r.group(1)) for r in _RATE.finditer(text)]
    return (None, max(rates)) if rates else (None, None)


def _amount(text: str) -> float | None:
    m = _AMOUNT.search(text)
    if not m:
        return None
    if m.group(1):
        return _number(m.group(1)) * _SCALE[m.group(2).lower()]
    return _number(m.group(3)) * _SCALE[m.group(4).lower()]


def _codes(matches: list[Match]) -> list[str]:
    seen: list[str] = []
    for m in matches:
        if m.value not in seen:
            seen.append(m.value)
    return seen


class _Article:
    """State kept across the sentences of one article."""

    def __init__(self, text: str) -> None:
        g = gazetteer()
        counts = Counter(m.value for m in g.actors.find(text))
        self.top = [code for code, _ in counts.most_common(2)]
        self.last_company: str | None = None

    def counterpart(self, code: str | None) -> str | None:
        others = [c for c in self.top if c != code]
        return others[0] if others and code in self.top else None


def _object_targets(after: str) -> list[str]:
    """Countries named in the object of a measure: ``on ... Chinese goods``."""
    m = re.search(r"\b(?:on|against|from|targeting|of)\b", after, _I)
    return _codes(gazetteer().actors.find(after[m.start() :])) if m else []


def _object_text(sentence: str, start: int, w: _Window) -> str:
    """What a measure applies to: the words after the trigger (a list opened
    by ``including`` runs to the end of the sentence) and the three before it
    (``steel tariffs``)."""
    after = w.after
    if re.search(r"\bincluding\b", after, _I):
        after = sentence[start:]
    return " ".join(w.before.split()[-3:]) + " " + after


def _tariff(sentence: str, start: int, end: int, art: _Article) -> _Found | None:
    w = _window(sentence, start, end)
    local = w.before + sentence[start:end] + w.after
    if _NEGATION.search(local) or _in_condition(w.before):
        return None
    rate_from, rate_to = _rates(local)
    amount = _amount(w.after) or _amount(w.before[-60:])
    demand = _DEMAND.search(w.before)
    verb = _nearest_verb(w, _TARIFF_VERBS)
    if _TARIFF_VERBS[0][1].search(w.before):
        verb = "delayed"  # "agreed to delay the tariff increase": the delay is the news
    if rate_from is not None and rate_to is not None and rate_from != rate_to:
        verb = "increased" if rate_to > rate_from else "reduced"
    modal = bool(_MODAL.search(local))

    g = gazetteer()
    clause_actors = g.actors.find(sentence[w.start : w.end])
    before_actors = [m for m in clause_actors if m.start < start - w.start]
    targets = _object_targets(w.after)
    if demand and verb in ("lifted", "reduced"):
        # "China demands the US remove its 20% tariffs": the tariffs stand; the
        # actor is whoever is asked, the target whoever asks.
        if rate_to is None and amount is None:
            return None
        asked = [m for m in before_actors if m.start > demand.start()]
        askers = [m for m in before_actors if m.start < demand.start()]
        actor = asked[0].value if asked else None
        target = askers[0].value if askers else art.counterpart(actor)
        action = "imposed"
    else:
        if demand and not verb:
            return None
        if verb is None and not modal:
            return None
        if verb in (None, "imposed", "increased") and modal:
            action = "threatened"
        elif verb in ("lifted", "reduced") and modal:
            return None
        elif _ANNOUNCE.search(w.before) and verb in ("imposed", "increased"):
            action = "announced"
        else:
            assert verb is not None
            action = verb
        actor = before_actors[0].value if before_actors else None
        target = targets[0] if len(targets) == 1 else None
    products = _codes(g.products.find(_object_text(sentence, start, w)))
    if actor is None:
        if target is not None:
            actor = art.counterpart(target)
        elif art.top:
            actor = art.top[0]
    if target == actor:
        target = None
    if target is None and not targets and not products and actor is not None:
        others = [m.value for m in clause_actors if m.value != actor]
        target = others[0] if others else art.counterpart(actor)
    entities = [c for c in targets if c not in (actor, target)] if len(targets) > 1 else []
    entities += _codes(g.companies.find(local))
    return _Found("tariff", action, actor, target, rate_from, rate_to, amount, products, entities)


def _heads(matches: list[Match], text: str) -> list[Match]:
    """Names that head their phrase: ``ZTE's rival Huawei`` → Huawei."""
    heads = [m for m in matches if not re.match(r"[’']s\b", text[m.end : m.end + 3])]
    return heads or matches


def _sanction(sentence: str, start: int, end: int, inherent: str | None, art: _Article) -> _Found | None:
    w = _window(sentence, start, end)
    local = w.before + sentence[start:end] + w.after
    if _NEGATION.search(local) or _in_condition(w.before) or sentence.rstrip().endswith("?"):
        return None
    if _DEMAND.search(w.before):
        return None
    verb = inherent or _nearest_verb(w, _SANCTION_VERBS)
    if verb is None:
        if re.search(r"\bhit\s+(?:by|with)\b", w.before, _I):
            verb = "imposed"
        else:
            return None
    modal = bool(_MODAL.search(w.before) or _MODAL.search(w.after[:40]))
    if verb == "imposed" and modal:
        action = "threatened"
    elif verb == "lifted" and modal:
        return None
    else:
        action = verb

    g = gazetteer()
    span = sentence[start : w.end]  # the trigger and its object
    companies = _codes(_heads(g.companies.find(span), span)) or _codes(_heads(g.companies.find(local), local))
    if not companies and art.last_company and (_COMPANY_PRONOUN.search(local) or inherent == "eased"):
        companies = [art.last_company]
    object_countries = _codes(g.actors.find(sentence[start:end])) + [
        c for c in _object_targets(sentence[end : w.end]) or _codes(g.actors.find(span))
    ]
    target = companies[0] if companies else (object_countries[0] if object_countries else None)
    excluded = {target, g.company_home.get(target or "")}
    actors = [a for a in _codes(g.actors.find(sentence[w.start : start])) if a not in excluded]
    actor = actors[0] if actors else None
    if actor is None and target is not None:
        actor = art.counterpart(g.company_home.get(target, target))
    if actor is None or actor == target:
        return None
    products = _codes(g.products.find(w.after))
    return _Found(
        "sanction", action, actor, target, products=products, entities=[c for c in companies if c != target]
    )


def _pair(codes: list[str], art: _Article) -> tuple[str | None, str | None]:
    pair = codes[:2] if len(codes) >= 2 else (codes + [c for c in art.top if c not in codes])[:2]
    pair = sorted(pair)
    return (pair[0] if pair else None, pair[1] if len(pair) > 1 else None)


def _talks(sentence: str, art: _Article) -> list[_Found]:
    if not _TRADE_CONTEXT.search(sentence) or sentence.rstrip().endswith("?"):
        return []
    if _NEGATION.search(sentence):
        return []
    actor, target = _pair(_codes(gazetteer().actors.find(sentence)), art)
    found = []
    for action, pattern in _TALKS_ACTIONS:
        if pattern.search(sentence):
            found.append(_Found("trade_talks", action, actor, target))
            if action in ("stalled", "agreed"):
                break
    return found


def _deal(sentence: str, art: _Article) -> list[_Found]:
    m = _DEAL.search(sentence)
    if not m or _MODAL.search(sentence[: m.start()]) or _NEGATION.search(sentence):
        return []
    actor, target = _pair(_codes(gazetteer().actors.find(sentence)), art)
    return [_Found("trade_deal", "agreed", actor, target)]


# one pass that rules out the many sentences with no trigger at all
_ANY_TRIGGER = re.compile(
    "|".join(
        f"(?:{p.pattern})" for p in [_TARIFF, _TALKS, _DEAL, *(pattern for pattern, _ in _SANCTION_TRIGGERS)]
    ),
    _I,
)


def _sentence_events(sentence: str, art: _Article) -> list[_Found]:
    found: list[_Found] = []
    if sentence.rstrip().endswith("?") or not _ANY_TRIGGER.search(sentence):
        return found
    for m in _TARIFF.finditer(sentence):
        f = _tariff(sentence, m.start(), m.end(), art)
        if f:
            found.append(f)
    taken: list[tuple[int, int]] = []
    for pattern, inherent in _SANCTION_TRIGGERS:
        for m in pattern.finditer(sentence):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            f = _sanction(sentence, m.start(), m.end(), inherent, art)
            if f:
                found.append(f)
    if _TALKS.search(sentence):
        found.extend(_talks(sentence, art))
    found.extend(_deal(sentence, art))
    return found


def _merge(found: list[_Found]) -> list[_Found]:
    """One event per distinct action: repeats join, vague ones join a specific twin."""
    merged: dict[str, _Found] = {}
    for f in found:
        key = _key(f)
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


def _absorb(into: _Found, other: _Found) -> None:
    for s in other.evidence:
        if s not in into.evidence:
            into.evidence.append(s)
    for p in other.products:
        if p not in into.products:
            into.products.append(p)
    for e in other.entities:
        if e not in into.entities:
            into.entities.append(e)


def _key(f: _Found) -> str:
    if f.type in ("trade_talks", "trade_deal"):
        return event_key(f.type, f.action, f.actor, f.target, None, None, None)
    return event_key(f.type, f.action, f.actor, f.target, f.rate_from, f.rate_to, f.amount_usd, f.products)


def _found_by_sentence(text: str) -> list[tuple[str, list[_Found]]]:
    art = _Article(text)
    companies = gazetteer().companies
    out: list[tuple[str, list[_Found]]] = []
    for sentence in split_sentences(text):
        found: list[_Found] = []
        for clause in re.split(r";\s+", sentence):
            for f in _sentence_events(clause, art):
                f.evidence.append(sentence)
                found.append(f)
        out.append((sentence, found))
        named = companies.find(sentence)
        if named:
            art.last_company = named[-1].value
    return out


def _mention(f: _Found) -> Mention:
    return Mention(
        type=f.type,
        action=f.action,
        actor=f.actor,
        target=f.target,
        key=_key(f),
        rate_from=f.rate_from,
        rate_to=f.rate_to,
        amount_usd=f.amount_usd,
        products=tuple(f.products),
        entities=tuple(f.entities),
        evidence=tuple(f.evidence),
    )


def mentions_by_sentence(text: str) -> list[tuple[str, list[Mention]]]:
    """Each sentence of ``text`` with the events it states by itself.

    The article is still the context (who ``it`` is, which two countries the
    story is about), but events are not merged across sentences: this is the
    view the evaluation scores.
    """
    return [(sentence, [_mention(f) for f in _merge(found)]) for sentence, found in _found_by_sentence(text)]


def extract_mentions(text: str) -> list[Mention]:
    """The trade-dispute events stated in ``text``, one per distinct action."""
    found = [f for _, fs in _found_by_sentence(text) for f in fs]
    return [_mention(f) for f in _merge(found)]
