"""Who acts on whom.

The *actor* is the first country, bloc or official before the trigger
(gazetteer: ``Washington``, ``Mnuchin`` → US), or the subjects coordinated
right before it; the *target* the country named in the measure's object (``on
$50 billion of Chinese goods`` → CN) or, for a sanction, the company
(``ZTE``); talks and deals have two parties, either way round.
"""

from __future__ import annotations

import itertools
import re

from ..gazetteer import Match, gazetteer
from .candidates import Article, Window, actor_codes, names_goods
from .cues import cues

__all__ = [
    "coordinated_actors",
    "goods_origin",
    "head_matches",
    "hub_pairs",
    "is_trade_talk",
    "listed",
    "modifiers",
    "named_companies",
    "object_targets",
    "object_text",
    "two_parties",
]

_CUES = cues()
# trade in the sentence, or a trade story and nothing that says the talks are about something else
_TRADE_CONTEXT = _CUES.cue("trade_context")
_OTHER_DOMAIN = _CUES.cue("other_domain")
_OBJECT = _CUES.cue("object")
_INCLUDING = _CUES.cue("including")
_MANY_INCLUDING = _CUES.cue("many_including")
_MODIFIER_GAP = _CUES.cue("modifier_gap")
# the powers whose name before "sanctions" says who takes them ("U.S. sanctions",
# "U.N. sanctions"); another country's says who is hit ("Russia sanctions")
SANCTIONERS = _CUES.codes("sanctioners")
# a company named in a sanction's object slot that the gazetteer does not know
_NAMED_OBJECT = _CUES.exact("named_object")
_NOT_COMPANY = _CUES.exact("not_company")
# the words of named_object that open a phrase, not a listing verb
_OBJECT_PREPOSITION = _CUES.cue("object_preposition")
_ORIGIN = _CUES.cue("origin")
_RELATIVE_CLAUSE = _CUES.cue("relative_clause")


def object_targets(art: Article, clause: str, lo: int, hi: int) -> list[str]:
    """Countries named in the object of a measure, ``clause[lo:hi]``: ``on ...
    Chinese goods``; not those named as examples of many (``on imports from
    countries including China``)."""
    m = _OBJECT.search(clause[lo:hi])
    if m is None:
        return []
    examples = _MANY_INCLUDING.search(clause, lo + m.start(), hi)  # "from countries including China"
    # "on steel imports that infuriated America's trading partners": a relative
    # clause says what the measure did, not what it is on
    relative = _RELATIVE_CLAUSE.search(clause, lo + m.start(), hi)
    cut = min((x.start() for x in (examples, relative) if x is not None), default=hi)
    return actor_codes(art.actors(clause, lo + m.start(), cut))


def object_text(sentence: str, start: int, w: Window) -> str:
    """What a measure applies to: the words after the trigger (a list opened
    by ``including`` runs to the end of the sentence) and the three before it
    (``steel tariffs``)."""
    after = w.after
    if _INCLUDING.search(after):
        after = sentence[start:]
    return " ".join(w.before.split()[-3:]) + " " + after


_AND = re.compile(r"\s*(?:,|and|,\s*and)\s+(?:the\s+)?")  # between two names of one list
_WITH_LIST = re.compile(r"\bwith\s+(?:the\s+)?$")


def _runs(names: list[Match], text: str) -> list[list[Match]]:
    """``names`` (in ``text``, in order) cut into lists: ``Canada, Mexico and
    the EU`` is one run, a name that no comma or "and" joins starts another."""
    runs: list[list[Match]] = []
    for m in names:
        if runs and _AND.fullmatch(text[runs[-1][-1].end : m.start]):
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs


def goods_origin(names: list[Match], text: str) -> list[Match]:
    """The ``names`` (in ``text``, in order) that say where goods come from,
    with the rest of their list: ``goods originating in India, South Korea
    and Laos``, ``products made in China``. They are what a measure hits,
    not who takes it."""
    out: list[Match] = []
    for run in _runs(names, text):
        if _ORIGIN.search(text, max(0, run[0].start - 30), run[0].start):
            out += run
    return out


# how far (characters) a coordinated subject may stand before its measure;
# 35 cut "Canada, Mexico and the EU ... their own levies" to Canada (measured
# on the development folds 2026-12-02: 100 gives 6 more right events, 5 more
# right alerts)
_SUBJECT_REACH = 100


def coordinated_actors(actors: list[Match], text: str, trigger_at: int) -> list[str]:
    """``The United States and the European Union lifted``: every actor of a
    coordinated subject before the measure, its verb phrase between them
    (``Canada, Mexico and the EU also are moving ahead with their own
    levies``); else, past a long clause, just the first actor."""
    if not actors:
        return []
    group = _runs(actors, text)[0]
    if len(group) > 1 and trigger_at - group[-1].end > _SUBJECT_REACH:
        group = group[:1]
    return actor_codes(group)


def modifiers(before: list[Match], text: str) -> tuple[list[str], bool]:
    """The names that modify a sanction right before it, in ``text`` (the
    clause up to the trigger; ``before`` are the names in it), and whether
    they take it: a possessive (``China's sanctions``) or a sanctioning power
    (``U.N. and U.S. sanctions``) does; another country named so is what the
    sanctions hit (``Russia sanctions``, ``North Korea sanctions``)."""
    if not before:
        return [], False
    run = _runs(before, text)[-1]
    gap = text[run[-1].end :]
    if not _MODIFIER_GAP.search(gap):
        return [], False
    codes = actor_codes(run)
    possessive = gap.lstrip().startswith(("'s", "’s"))
    return codes, possessive or set(codes) <= SANCTIONERS


def listed(found: list[Match], after: str) -> bool:
    """Several countries in one list (``from Canada, Europe and Mexico``):
    ``found`` are the actors named in ``after``."""
    return any(
        re.fullmatch(r"\s*(?:,|and|or|,\s*and)\s+(?:the\s+)?", after[a.end : b.start])
        for a, b in itertools.pairwise(found)
    )


def head_matches(matches: list[Match], text: str) -> list[Match]:
    """Names that head their phrase: ``ZTE's rival Huawei`` → Huawei."""
    heads = [m for m in matches if not re.match(r"[’']s\b", text[m.end : m.end + 3])]
    return heads or matches


def named_companies(span: str, trigger_at: int = 0) -> list[str]:
    """Names in a sanction's object slot the gazetteer may not know: after a
    listing verb (``added Fiberhome to``, ``sanctioned Rusal``), or after a
    preposition past the trigger (``sanctions on Rusal``); a preposition
    before it is another phrase's (``speaking on a weekly TV talk show``)."""
    g = gazetteer()
    names = []
    for m in _NAMED_OBJECT.finditer(span):
        if m.start() < trigger_at and _OBJECT_PREPOSITION.match(m.group()):
            continue
        for i, group in enumerate(m.groups(), 1):
            if not group or _NOT_COMPANY.match(group) or g.actors.find(group):
                continue
            known = g.companies.find(group)
            if not known and _modifies_goods(span, m.end(i)):
                continue  # "export restrictions on AI chips": what the goods are, not whom it hits
            names.append(known[0].value if known else group.strip(" .,’'"))
    return names


_NEXT_WORD = re.compile(r"\s+([a-z][\w-]*)")


def _modifies_goods(text: str, end: int) -> bool:
    """Whether the name ending at ``text[end]`` qualifies the goods after it
    ("AI chips", "LNG exports")."""
    word = _NEXT_WORD.match(text, end)
    return names_goods(text, end) or (word is not None and bool(gazetteer().products.find(word.group(1))))


def hub_pairs(found: list[Match], sentence: str, art: Article) -> list[tuple[str, str]]:
    """A deal with a list of countries ("deals with South Korea, Mexico, and
    Canada"): one pair per listed country and the story's main country.
    ``found`` are the actors ``sentence`` names; [] when it names no such list
    (two sides named together are one pair; a list of all the parties, "Canada,
    the United States and Mexico signed", is left to the first two)."""
    run = max(_runs(found, sentence), key=lambda r: len(actor_codes(r)), default=[])
    codes = actor_codes(run)
    hub = art.top[0] if art.top else None
    if hub is None or len(codes) < 2 or hub in codes or not _WITH_LIST.search(sentence[: run[0].start]):
        return []  # "China and Peru inked a deal": the two sides, not the story's country
    return [(min(hub, c), max(hub, c)) for c in codes]


def two_parties(codes: list[str], art: Article) -> tuple[str | None, str | None]:
    pair = codes[:2] if len(codes) >= 2 else (codes + [c for c in art.top if c not in codes])[:2]
    pair = sorted(pair)
    return (pair[0] if pair else None, pair[1] if len(pair) > 1 else None)


def is_trade_talk(sentence: str, art: Article) -> bool:
    if _TRADE_CONTEXT.search(sentence):
        return True
    return art.trade and not _OTHER_DOMAIN.search(sentence)
