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
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

import blingfire

from ..gazetteer import CONTEXT, Match, gazetteer
from ..models import Mention, plain_text
from ..patterns import Caseless
from ..vocabulary import PAIRED_TYPES, action_class

__all__ = [
    "ACTIONS",
    "ALERTABLE_TYPES",
    "event_key",
    "found_by_sentence",
    "mentions_by_sentence",
    "merge",
    "rule_mentions",
    "split_sentences",
]

ACTIONS: dict[str, tuple[str, ...]] = {
    "tariff": ("threatened", "announced", "imposed", "increased", "delayed", "reduced", "lifted"),
    "sanction": ("threatened", "imposed", "eased", "lifted"),
    "trade_talks": ("scheduled", "held", "stalled", "agreed"),
    "trade_deal": ("agreed",),
}
ALERTABLE_TYPES = frozenset({"tariff", "sanction"})


# --- triggers -------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class _Trigger:
    """A trigger pattern and literal stems (lower case), one of which every match
    contains: a clause holding none of them is passed over without running the
    pattern, which is most clauses of most articles."""

    pattern: Caseless
    stems: frozenset[str]

    def finditer(self, text: str, live: set[_Trigger]) -> list[re.Match[str]]:
        """The matches in ``text``, for which :func:`_live` found ``live``."""
        return list(self.pattern.finditer(text)) if self in live else []

    def search(self, text: str, live: set[_Trigger]) -> re.Match[str] | None:
        return self.pattern.search(text) if self in live else None


def _trigger(pattern: str, *stems: str) -> _Trigger:
    return _Trigger(Caseless(pattern), frozenset(stems))


_TARIFF = _trigger(
    r"\b(?:tariffs?|duties|duty|levies|levy|surtax(?:es)?|surcharges?)\b",
    *("tariff", "dut", "lev", "surtax", "surcharge"),
)
_LEVY_VERB = Caseless(r"^\s+(?!of\b)(?:\w+\s+){0,2}?(?:tariffs?|duties|levies|surtax\w*|a|an|\d)")
# "tariff" and "duty" in other senses: prices of utilities, stamp duty, duty as a task
_OTHER_TARIFF = Caseless(
    r"\b(?:electricity|energy|power|gas|phone|mobile|prepaid|postpaid|data|broadband|water|feed-in|household|"
    r"utility|heating|retail|hotel|taxi|fare|stamp|death|estate|jury|guard|customs\s+officers?|"
    r"fiduciary|moral|civic|official|his|her|their\s+official)\s+"
    r"(?:(?:price|network|retail|data|supply|distribution|transmission|grid|connection|consumer|official|"
    r"and\s+\w+)\s+)?$"  # "electricity network tariffs", "his official duties"
)
_TARIFF_SENSE_AFTER = Caseless(
    r"^(?:-free|\s+(?:to|as|of\s+care|holiday|free|roster|station|officers?|"
    r"of\s+(?:the|his|her|their|a)\s+(?:\w+\s+)?(?:chairman|president|office|post|role|job|position|minister|head))\b)"
)
# (pattern, inherent action or None when the verb must be found around it)
_SANCTION_TRIGGERS: list[tuple[_Trigger, str | None]] = [
    # licences taken away
    (
        _trigger(
            r"\b(?:revok(?:e|es|ed|ing)|cancel(?:s|led|ed|ling|ing)?|withdr(?:ew|aw|awn|aws))\s+(?:\w+\s+){0,3}?licen[cs]es?\b",
            "licen",
        ),
        "imposed",
    ),
    (
        _trigger(
            r"\b(?:easing|lifting|relief) of (?:the )?(?:sanctions?|ban|penalt\w+)\b",
            "sanction",
            "ban",
            "penalt",
        ),
        "eased",
    ),
    (_trigger(r"\b(?:get|getting|go|going)\W+back into business\b", "back into business"), "eased"),
    (
        _trigger(
            r"\b(?:allowed\s+to|permitted\s+to|could|can|may|be\s+able\s+to)\s+resume\s+"
            r"(?:business|trading|sales|selling|purchases|buying|exports|exporting|imports|shipments|shipping|supplying)\b",
            "resume",
        ),
        "eased",
    ),
    (_trigger(r"\balternative remedies\b", "alternative remedies"), "eased"),
    (
        _trigger(
            r"\b(?:grant\w*|issu\w+|extend\w*|renew\w*)\s+(?:[\w.,'’-]+\s+){0,6}?(?:licen[cs]es?|waivers?|reprieve)\b"
            r"|\b(?:licen[cs]es?|waivers?)\s+(?:allowing|exempting|permitting|that\s+allow)\b"
            r"|\bexempt\w*\s+(?:\w+\s+){0,3}from\s+(?:the\s+)?sanctions\b",
            *("licen", "waiver", "reprieve", "exempt"),
        ),
        "eased",
    ),
    (
        _trigger(
            r"\bsuspend\w*\s+(?:its\s+|the\s+|a\s+|their\s+)?(?:\w+\s+)?(?:ban|embargo|sanctions?|export\s+controls?)\b",
            "suspend",
        ),
        "eased",
    ),
    (
        _trigger(
            r"\b(?:need|needs|needed|require|requires|required|must\s+(?:obtain|apply\s+for|get))\s+"
            r"(?:to\s+(?:obtain|apply\s+for|seek|get)\s+)?(?:an?\s+)?(?:\w+\s+)?licen[cs]es?\s+"
            r"(?:to|for|before)\s+(?:\w+\s+)?(?:ship|export|sell|supply|send)\w*",
            "licen",
        ),
        "imposed",
    ),
    (_trigger(r"\bcut(?:s|ting)? off (?:its |their )?access\b", "access"), "imposed"),
    # asset freezes; unfreezing lifts them
    (
        _trigger(
            r"\b(?:unfroze|unfreez(?:e|es|ing)|unfrozen)\s+(?:the\s+|any\s+|their\s+|its\s+)?(?:[\w.'’-]+\s+){0,4}?assets?\b",
            "unfr",
        ),
        "lifted",
    ),
    (
        _trigger(
            r"\b(?:froze|freez(?:e|es|ing)|frozen)\s+(?:the\s+|any\s+|all\s+|their\s+|its\s+)?(?:[\w.'’-]+\s+){0,4}?assets?\b"
            r"|\basset\s+freezes?\b",
            "froze",
            "freez",
            "frozen",
        ),
        "imposed",
    ),
    # a price cap on a country's exports; a bank cut off from SWIFT
    (
        _trigger(
            r"\bcap(?:s|ped|ping)?\s+the\s+price\s+of\b|\bprice\s+caps?\s+on\b",
            "price",
        ),
        "imposed",
    ),
    (
        _trigger(
            r"\b(?:cut|cuts|cutting|excluded?|excluding|expelled|disconnected|removed?|banned)\s+(?:\w+\s+){0,4}?"
            r"(?:off\s+)?from\s+(?:the\s+)?swift\b",
            "swift",
        ),
        "imposed",
    ),
    # designations in a sanctions sentence: "designated 14 Russian traders under its sanctions regime"
    (
        _trigger(
            r"\bdesignat(?:ed|es|ing)\s+(?!as\b|by\b|for\b|to\b)(?=.*\b(?:sanction|asset|blacklist|entity\s+list|sdn)\w*)",
            "designat",
        ),
        "imposed",
    ),
    (_trigger(r"\b(?:banned|blacklisted|sanctioned)\b", "banned", "blacklisted", "sanctioned"), "imposed"),
    (
        _trigger(
            r"\b(?:sanction|sanctioning)\s+(?=any\b|all\b|those\b|(?:\w+\s+)?(?:companies|firms|banks|entities|individuals)\b)",
            "sanction",
        ),
        "imposed",
    ),
    (
        _trigger(
            r"\b(?:bar|bars|barred|barring|ban|bans|banning|block|blocks|blocked|blocking|prohibit(?:s|ed|ing)?)\s+"
            r"(?:[\w.'’-]+\s+){0,3}?(?:from|companies|firms)\b",
            "bar",
            "ban",
            "block",
            "prohibit",
        ),
        "imposed",
    ),
    (
        _trigger(
            r"\bstop(?:s|ped|ping)?\s+(?:[\w.'’-]+\s+){0,3}?from\s+(?:sell|selling|ship|shipping|export|exporting|"
            r"supplying|buying|importing|doing\s+business)\b",
            "stop",
        ),
        "imposed",
    ),
    (_trigger(r"\bpenali[sz]e[sd]?\b", "penali"), "imposed"),
    (
        _trigger(
            r"\b(?:restrict(?:s|ed|ing)?|prohibit(?:s|ed|ing)?|halt(?:s|ed|ing)?|suspend(?:s|ed|ing)?|stop(?:s|ped|ping)?|"
            r"bar(?:s|red|ring)?|block(?:s|ed|ing)?)\s+(?:[\w.'’-]+\s+){0,3}?"
            r"(?:investments?|exports?|sales|purchases|imports?|shipments)\b",
            "restrict",
            "prohibit",
            "halt",
            "suspend",
            "stop",
            "bar",
            "block",
        ),
        "imposed",
    ),
    (
        _trigger(
            r"\b(?:sanctions?|export controls?|export bans?|import bans?|(?:unreliable\s+)?entity list"
            r"|denial orders?|embargo(?:es)?|blacklist|export restrictions?|import restrictions?"
            r"|sanctions list|specially\s+designated\s+nationals(?:\s+list)?|sdn\s+list"
            r"|controls?\s+on\s+(?:[\w.'’-]+\s+){0,3}?(?:exports?|imports?|sales|shipments)"
            r"|bans?\s+on\s+(?:[\w.'’-]+\s+){0,3}?(?:exports?|imports?|sales|shipments|purchases))\b",
            *("sanction", "export", "import", "entity list", "denial order", "embargo", "blacklist", "ban"),
            *("specially designated", "sdn list", "control"),
        ),
        None,
    ),
    (
        _trigger(
            r"\b(?:curbs?|restrictions?|limits?) on (?:[\w.'’-]+\s+){0,3}?"
            r"(?:investments?|exports?|purchases|acquisitions|sales)\b",
            *("curb", "restriction", "limit"),
        ),
        None,
    ),
    (_trigger(r"\b(?:the|its|a|this|their)\s+ban\b", "ban"), "?"),  # trade stories only
    # measures named by what they answer or punish: "countermeasures of equal scale",
    # "trade reprisals", "penalties on China", "import quotas", "investment restrictions"
    (
        _trigger(
            r"\b(?:penalties|reprisals?|counter-?measures?|tit-for-tat\s+(?:measures?|steps|actions?|tariffs?)"
            r"|retaliatory\s+(?:measures?|steps|actions?)|(?:import|export)\s+quotas?|quotas?\s+on"
            r"|import\s+controls?|(?:investment|export|import)\s+(?:restrictions?|curbs?|limits?))\b",
            *("penalties", "reprisal", "countermeasure", "counter-measure", "tit-for-tat", "retaliatory"),
            *("quota", "import control", "restriction", "curb", "limit"),
        ),
        None,
    ),
]
_TALKS = _trigger(
    r"\b(?:talks|negotiations?|negotiating\s+(?:session|round)s?|consultations|discussions|"
    r"(?:round|session)s?\s+of\s+(?:\w+\s+){0,3}?(?:talks|negotiations|dialogue)|"
    r"(?:met|meet|meets|meeting|meetings)\s+(?:with|between)\b|(?:met|meet|meets)\s+(?:[\w.'’-]+\s+){0,8}?to\s+discuss\b|"
    r"(?:visit|trip)\s+(?:by|to)\b|envoy|negotiators?|negotiat(?:e|es|ed|ing)|(?:to|will|would)\s+meet|"
    r"reached\s+(?:an?\s+)?(?:\w+\s+){0,2}?(?:understanding|consensus|agreement\s+in\s+principle|framework))\b",
    *(
        "talks",
        "negotiat",
        "consultations",
        "discussions",
        "met",
        "meet",
        "visit",
        "trip",
        "envoy",
        "reached",
        "dialogue",
    ),
)
# trade in the sentence, or a trade story and nothing that says the talks are about something else
_TRADE_CONTEXT = Caseless(
    r"\b(?:trade|tariffs?|economic|commerce|negotiators?|deficit|surplus|purchases|exports?|imports?|"
    r"market\s+access|soybeans?|truce|deal)\b"
)
_TRADE_WORDS = Caseless(r"\b(?:trade|tariffs?|duties|exports?|imports?|sanctions?)\b")
_OTHER_DOMAIN = Caseless(
    r"\b(?:peace|nuclear|missiles?|arms|ceasefire|cease-fire|hostages?|climate|security|military|"
    r"troops?|war\s+crimes|election|refugees?|independence|civil\s+war|rebels?)\b"
)
_DEAL = _trigger(
    r"\b(?:signed|sign|signs|reached|reach|struck|strike|clinched|sealed|concluded|finali[sz]ed|agreed"
    r"(?:\s+(?:on|to|upon))?)\s+(?:an?\s+|the\s+|their\s+)?"
    r"(?:[\w-]+\s+){0,3}?(?:trade|free-trade|commercial|tariff|economic\s+partnership)\s+(?:deal|agreement|pact|accord)\b"
    r"|\b(?:signed|ratified|reached|struck|clinched|sealed)\s+(?:the\s+)?(?:usmca|nafta|cptpp|tpp|rcep|ceta)\b"
    r"|\b(?:signed|reached|struck|clinched|sealed|agreed(?:\s+(?:on|upon))?)\s+(?:an?\s+|the\s+)?"
    r"(?:deal|agreement|pact|accord)\s+(?:\w+\s+){0,4}?(?:to\s+(?:increase|expand|boost)\s+trade|on\s+trade|"
    r"to\s+(?:cut|lower|remove|eliminate)\s+tariffs)\b",
    *("deal", "agreement", "pact", "accord", "usmca", "nafta", "cptpp", "tpp", "rcep", "ceta"),
)

# --- verbs and modality ---------------------------------------------------
_TARIFF_VERBS: list[tuple[str, Caseless]] = [
    (
        "delayed",
        Caseless(
            r"\b(?:delay(?:s|ed|ing)?|postpon\w*|extend(?:s|ed|ing)?\s+(?:by\s+\d+\s+\w+\s+)?(?:the\s+|a\s+|its\s+)?"
            r"(?:[\w.'’-]+\s+){0,4}?(?:deadline|exemptions?|exclusions?|truce|pause|reprieve)|extension|push(?:ed|es)?\s+back|"
            r"suspend\w*|pause[sd]?|deferr?\w*|put\s+off|hold\s+off)\b"
        ),
    ),
    (
        "lifted",
        Caseless(
            r"\b(?:lift(?:s|ed|ing)?|remov(?:e|es|ed|ing|al)|scrap(?:s|ped|ping)?|drop(?:s|ped|ping)?|rescind\w*|"
            r"repeal\w*|roll(?:s|ed)?\s+back|eliminat\w*|waive[sd]?|end(?:s|ed|ing)?|withdr(?:ew|aw|awn|aws|awing)|"
            r"abolish\w*|revok\w*|terminat\w*|exempt(?:s|ed)?)\b"
        ),
    ),
    (
        "reduced",
        Caseless(r"\b(?:cut(?:s|ting)?|reduc\w+|lower(?:s|ed|ing)?|slash\w*|bring\s+down|halve[sd]?)\b"),
    ),
    (
        "increased",
        Caseless(
            r"\b(?:rais(?:e|es|ed|ing)|ris(?:e|es|en|ing)|rose|climb(?:s|ed|ing)?|jump(?:s|ed|ing)?|hikes?|hiked|hiking|increas\w+|higher|ramp(?:s|ed)?\s+up|doubl\w+|tripl\w+|"
            r"quadrupl\w+|boost(?:s|ed)?|escalat\w+)\b"
        ),
    ),
    (
        "imposed",
        Caseless(
            r"\b(?:impos\w+|slap(?:s|ped)?|levie[sd]|levy(?!\s+of)|hit|go(?:es|ing)?\s+ahead\s+with|went\s+ahead\s+with|"
            r"took\s+effect|take(?:s)?\s+effect|taking\s+effect|in\s+effect|enact\w*|retaliat(?:e|es|ed|ing)\b|"
            r"counter(?:punch\w*|ed|s)?(?!-)|responded\s+with|introduc\w+|appl(?:y|ied|ies)|placed|put|charg(?:e|es|ed)|"
            r"set|start(?:s|ed)?\s+at|subject(?:s|ed|ing)?|fac(?:e|es|ing)|(?:have|has|had)\s+to\s+pay|kick(?:s|ed)?\s+in|came\s+into\s+force|enter(?:s|ed)?\s+into\s+force|extend(?:s|ed)?\s+(?:the\s+)?(?:tariffs?|duties)\s+to)\b"
        ),
    ),
]
_SANCTION_VERBS: list[tuple[str, Caseless]] = [
    (
        "eased",
        Caseless(
            r"\b(?:eas(?:e|es|ed|ing)|loosen\w*|relax\w*|soften\w*|waive\w*|leniency|suspend\w*|exempt\w*|"
            r"grant\w*|partial\w*)\b"
        ),
    ),
    (
        "lifted",
        Caseless(
            r"\b(?:lift(?:s|ed|ing)?|remov(?:e|es|ed|ing)|rescind\w*|revok\w*|drop(?:s|ped)?|scrap\w*|end(?:s|ed)?|"
            r"delist\w*|unfr[eo]\w+|terminat\w*|withdr(?:ew|aw|awn))\b"
        ),
    ),
    (
        "imposed",
        Caseless(
            r"\b(?:impos\w+|hit|slap(?:s|ped)?|add(?:s|ed|ing)?|placed|put|expand\w*|tighten\w*|announc\w+|issued|"
            r"introduc\w+|adopt\w*|extend(?:s|ed)?\s+(?:the\s+)?(?:sanctions|ban)|freez\w*|froze\w*|"
            r"designat\w+|target(?:s|ed|ing)?|tougher|tighter|stricter|new|broaden\w*|widen\w*|escalat\w+)\b"
        ),
    ),
]
_ANNOUNCE = Caseless(r"\b(?:announc\w+|unveil\w*)\b")
_MODAL = Caseless(
    r"\b(?:threat(?:s|en|ens|ened|ening)?|consider(?:s|ed|ing)?|mull(?:s|ed|ing)?|weigh(?:s|ed|ing)?|"
    r"propos(?:e|ed|es|al|als)|could|may(?!\s+\d)|might|plan(?:s|ned|ning)?\s+to|warn(?:s|ed|ing)?|unless|without\s+a\s+deal|"
    r"vow(?:s|ed)?|prepar(?:e|es|ed|ing)\s+(?:to|an?|the)|preparing|poised\s+to|ready\s+to|possible|possibility|potential(?:ly)?|"
    r"reserved\s+the\s+right|promis(?:e|es|ed|ing)|pledg(?:e|es|ed|ing)|campaign\w*|or\s+fac(?:e|ing)|risk\s+facing|"
    r"looking\s+at|exploring|studying|draft(?:ed|ing)?|envisag\w+|intend(?:s|ed)?\s+to|aims?\s+to|seeks?\s+to|"
    r"if\s+elected|willing\s+to|option)\b"
)
# a decided measure that is not in force yet: "will impose ... from July 1"
_FUTURE = Caseless(
    r"\b(?:will|would|shall|is\s+to|are\s+to|set\s+to|due\s+to|scheduled|from\s+(?:\w+\.?\s+\d|next|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday)|starting|effective|take\s+effect|taking\s+effect|takes\s+effect)\b"
)
_FUTURE_MODAL = Caseless(r"\b(?:will|would|shall|is\s+to|are\s+to|set\s+to|due\s+to|scheduled\s+to)\b")
_NEGATION = Caseless(
    r"\b(?:did\s+not|does\s+not|do\s+not|didn[’']t|doesn[’']t|don[’']t|will\s+not|won[’']t|would\s+not|wouldn[’']t|"
    r"has\s+not|hasn[’']t|have\s+not|haven[’']t|never|declined\s+to|refused\s+to|ruled\s+out|oppos(?:e|es|ed|ing)|no\s+plans?|"
    r"out\s+of\s+the\s+question|not\s+(?:yet\s+)?(?:impose|imposed|lift|lifted|decided)|denied|rejected|dismissed)\b"
)
_DEMAND = Caseless(
    r"\b(?:demand(?:s|ed|ing)?|urg(?:e|es|ed|ing)|call(?:s|ed)?\s+(?:on|for)|ask(?:s|ed)?|push(?:es|ed|ing)?\s+for|"
    r"press(?:es|ed|ing)?\s+for|seek(?:s|ing)?|sought|want(?:s|ed)?)\b"
)
# "any further tariff increases", "any new sanctions": no measure in particular
_ANY = Caseless(r"\bany\s+(?:(?:further|new|more|additional|retaliatory|such|future)\s+)?$")
_DEMAND_TO = Caseless(
    r"\b(?:urg(?:e|es|ed|ing)|call(?:s|ed|ing)?\s+on|ask(?:s|ed|ing)?|press(?:es|ed|ing)?|lobb(?:y|ies|ied|ying)|"
    r"demand(?:s|ed|ing)?|petition(?:s|ed|ing)?)\b[^.;]{0,100}?\bto\s+\w+"
)
_DECIDED = Caseless(r"\b(?:decision|decided|decree|order(?:ed)?)\b")
_REDUCED_RELATIVE = Caseless(
    r"\w+ed\s+(?:in|on|last|since|by|earlier|during|against|from|under|over|at|after|before)\b"
)
_RELATIVE = re.compile(r"\b(?:it|they|that|which|who|we|he|she|Washington|Beijing)\b")
_WEAK_MODAL = Caseless(r"\b(?:could|may(?!\s+\d)|might|possible|possibly|potential(?:ly)?|option)\b")
# a whole sentence whose measure depends on a condition stated after it
_CONDITION_TAIL = Caseless(r"\b(?:unless|without\s+a\s+deal|if\s+(?!elected))\b")
# where a condition after the measure stops applying to it: "..., although importers
# will pay only if ...", "hours after talks broke down without a deal"
_CLAUSE_END = Caseless(r"\b(?:although|though|whereas|because|after|before|since|when)\b|[;—–]")
_CONDITION = Caseless(r"\b(?:if|unless|whether)\b")
_SPECULATORS = Caseless(
    r"\b(?:analysts?|analysis|economists?|strategists?|investors?|traders?|markets?|observers?|experts?|forecasters?|"
    r"banks?\s+said|note\s+to\s+clients|estimates?|projections?|pricing\s+in|odds|chance|bets?)\b"
)
# words that open a new clause: the window around a trigger stops there
_BEFORE_CUT = Caseless(
    r"(?:\b(?:because|after|before|since|when|although|though|while)\b|[;:—–]|,\s*(?:which|who)\b|"
    r",\s*(?=(?!including\b)\w+ing\b))"  # ", raising the levy": the participle stays with its object
)
_AFTER_CUT = Caseless(
    r"(?:\b(?:because|after|before|since|when|although|though|while|if|unless)\b|[;—–]|,\s*(?:which|who)\b|,\s*(?:and|but)\b|"
    r",\s*(?!including\b)\w+ing\b|"
    r"\b(?:and|but)\s+(?:also\s+)?(?:would|will|could|may|might|said|says|is|was|has|have|had|did|gave)\b)"
)

_TALKS_ACTIONS: list[tuple[str, Caseless]] = [
    (
        "stalled",
        Caseless(
            r"\b(?:stall\w*|broke\s+down|break\s+down|collaps\w+|far\s+apart|impasse|deadlock\w*|gap\s+remains|"
            r"called\s+off|terminat\w+|pull(?:ed|s)?\s+out\s+of|failed\s+to\s+(?:reach|produce|yield|make)|without\s+(?:an?\s+)?(?:agreement|deal|breakthrough)|"
            r"walked\s+(?:out|away)|suspend(?:ed|s)?\s+(?:the\s+)?(?:talks|negotiations)|no\s+(?:progress|breakthrough)|"
            r"ended\s+in\s+(?:failure|acrimony))\b"
        ),
    ),
    (
        "agreed",
        Caseless(
            r"\b(?:agreed|reached\s+(?:an?\s+)?(?:\w+\s+)?(?:agreement|consensus|deal|framework|truce|understanding)|"
            r"(?:agreement|consensus|deal|framework|truce)\s+(?:was|had\s+been|has\s+been)\s+reached|"
            r"agreement\s+in\s+principle)\b"
        ),
    ),
    (
        "held",
        Caseless(
            r"\b(?:held|holding|met|concluded|wrapped\s+up|ended|\w+\s+days\s+of|arrived|productive|constructive|"
            r"made\s+(?:headway|progress)|progress\s+(?:had|has)\s+been\s+made|during\s+(?:the\s+)?(?:talks|negotiations)|"
            r"(?:in|after)\s+(?:the\s+)?talks\s+(?:on|in|with)|(?:were|are|was|is|been)\s+(?:discussing|negotiating)|"
            r"discussed|continu(?:e|es|ed|ing)|under\s*way|ongoing|focus(?:es|ed)?\s+on|(?:have|has|had)\s+been|"
            r"in\s+talks\s+\w+\s+\d|resumed)\b"
        ),
    ),
    (
        "scheduled",
        Caseless(
            r"\b(?:will|set\s+to|are\s+to|is\s+to|scheduled|plan(?:s|ned)?\s+to|next\s+(?:week|month|round)|sending|send|"
            r"resume|travel|expected\s+to|to\s+begin|upcoming|ahead\s+of|in\s+advance\s+of|later\s+this\s+(?:week|month)|"
            r"to\s+be\s+held|invited|would\s+(?:reportedly\s+)?meet|due\s+to|agreed\s+to\s+(?:hold|meet|resume))\b"
        ),
    ),
]

# --- attributes -----------------------------------------------------------
_NUM = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_PCT = r"\s?(?:%|percent\b|per\s+cent\b|pct\b|percentage\s+points?\b)"
_RATE_RANGE = Caseless(
    rf"\b(ranging\s+|range\s+|between\s+)?from\s+{_NUM}(?:{_PCT})?\s+(?:to|and)\s+{_NUM}{_PCT}"
)
# the measure's own rate, right next to its trigger: "a 10% levy", "duties of up to 25%"
_RATE_BEFORE = Caseless(rf"(?<![\w.$]){_NUM}{_PCT}\s+(?:[\w-]+\s+){{0,2}}$")
_RATE_AFTER = Caseless(rf"^\s+(?:of\s+)?(?:up\s+to\s+|as\s+much\s+as\s+|about\s+|around\s+)?{_NUM}{_PCT}")
_RATE_TO_FROM = Caseless(rf"\bto\s+{_NUM}{_PCT}\s+from\s+{_NUM}{_PCT}")
_STEP_UP = Caseless(
    rf"(?:\band\s+(?:then\s+)?|\bbefore\s+|,\s*|\b(?:that|which)\s+)(?:(?:would|will|could|may)\s+)?(?:ris(?:e|es|ing)|increas(?:e|es|ing)|climb(?:s|ing)?|go(?:es|ing)?\s+up|"
    rf"jump(?:s|ing)?|step(?:s|ping)?\s+up)\s+(?:\w+\s+){{0,2}}?to\s+{_NUM}{_PCT}"
)
_RATE = Caseless(rf"(?<![\w.$]){_NUM}{_PCT}")
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
_AMOUNT = Caseless(
    rf"(?:(?<![a-z])(?:us)?\$\s?{_NUM}\s*(trillion|billion|million|tn|bn|bln|mln|mn|b|m)\b"
    rf"|{_NUM}\s*(trillion|billion|million|bln|mln|mn)\s+(?:dlrs|dollars|usd)\b)"
)
_AND_ANOTHER = Caseless(r"\band\s+(?=(?:an?\s+|the\s+)?(?:[\w$.,%-]+\s+){0,5}?$)")
_BARE_DEAL = _trigger(
    r"\b(?:signed|reached|struck|clinched|sealed|finali[sz]ed)\s+(?:an?|the|their)\s+(?:\w+\s+)?(?:deal|agreement|pact)\b"
    r"(?!\s+(?:in\s+principle|to\s+(?:hold|meet|resume|continue|talk)))",
    *("deal", "agreement", "pact"),
)
_DEADLINE = _trigger(
    r"\b(?:extend\w*\s+(?:the\s+|a\s+|its\s+)?(?:\w+\.?\s+\d+\s+)?deadline|extension\s+(?:on|of|to)\s+the\s+deadline|"
    r"deadline\s+(?:was|has\s+been|had\s+been)\s+(?:extended|pushed\s+back))\b",
    "deadline",
)
_COMPANY_PRONOUN = Caseless(r"\b(?:it|its|the company|the firm)\b")
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
    # set by the learned decisions (extractors.signals.extraction)
    score: float = 1.0
    recap: bool = False
    occurred: date | None = None

    @property
    def specific(self) -> bool:
        return bool(self.rate_to is not None or self.amount_usd is not None or self.products)


@dataclass(frozen=True)
class _Window:
    before: str  # text from the clause cut to the trigger
    after: str  # text from the trigger's end to the next cut
    start: int  # sentence offsets of the window
    end: int


def _window(sentence: str, start: int, end: int, *, words_before: int = 16, words_after: int = 16) -> _Window:
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


def _named_subject(text: str) -> bool:
    """``the tariffs [China] imposed``: only a named actor between a measure and a
    verb makes the verb a relative clause's."""
    if len(text) > 40 or text.islower():
        return False
    named = gazetteer().actors.find(text)
    return (
        len(named) == 1
        and re.fullmatch(r"\s*(?:the\s+)?", text[: named[0].start]) is not None
        and not text[named[0].end :].strip(" ’'s")
    )


def _nearest_verb(window: _Window, verbs: list[tuple[str, Caseless]]) -> str | None:
    best: tuple[int, str] | None = None
    for action, pattern in verbs:
        for m in pattern.finditer(window.before):
            distance = len(window.before) - m.end()
            if best is None or distance < best[0]:
                best = (distance, action)
        first = pattern.search(window.after)  # the nearest: a later one is no less relative
        if first is not None:
            distance = first.start() + 1  # a verb before the trigger wins a tie
            if _RELATIVE.search(window.after[: first.start()]) or _named_subject(
                window.after[: first.start()]
            ):
                distance += 1000  # "the tariffs it imposed": a relative clause, not the news
            elif not window.after[: first.start()].strip() and _REDUCED_RELATIVE.match(
                window.after, first.start()
            ):
                distance += 500  # "the levies imposed in 2021 will be removed": the main verb is the news
            if best is None or distance < best[0]:
                best = (distance, action)
    return None if best is None else best[1]


def _rates(text: str) -> tuple[float | None, float | None]:
    m = _RATE_TO_FROM.search(text)
    if m:
        return _number(m.group(2)), _number(m.group(1))
    m = _RATE_RANGE.search(text)
    if m:
        if m.group(1):  # "ranging from 5% to 25%": a range of rates, not a change
            return None, max(_number(m.group(2)), _number(m.group(3)))
        return _number(m.group(2)), _number(m.group(3))
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
        counts = Counter(m.value for m in g.actors.find(text) if m.value != CONTEXT)
        self.top = [code for code, _ in counts.most_common(2)]
        self.stems = _stems(text)  # the only ones its clauses can hold
        self.done: list[str] = []  # the sentences before the current one
        self._scanned = 0
        self._last_company: str | None = None
        # a trade story: talks in it are trade talks unless a sentence says otherwise
        enough = min(3, 1 + len(text) // 2000)
        self.trade = len(list(itertools.islice(_TRADE_WORDS.finditer(text), enough))) >= enough

    def actors(self, clause: str, lo: int = 0, hi: int | None = None) -> list[Match]:
        """Actors named in ``clause[lo:hi]``, at offsets from ``lo``. A government's
        institution (``the commerce ministry``) is the country named first in the
        clause, else the story's main country."""
        found = gazetteer().actors.find(clause[lo:hi])
        if not any(m.value == CONTEXT for m in found):
            return found
        named = [m.value for m in gazetteer().actors.find(clause) if m.value != CONTEXT]
        home = named[0] if named else (self.top[0] if self.top else None)
        if home is None:
            return [m for m in found if m.value != CONTEXT]
        return [m if m.value != CONTEXT else Match(m.start, m.end, home) for m in found]

    @property
    def last_company(self) -> str | None:
        """The last company named before the current sentence (who ``it`` is);
        looked up only when a sanction asks, which few sentences do."""
        companies = gazetteer().companies
        for sentence in self.done[self._scanned :]:
            named = companies.find(sentence)
            if named:
                self._last_company = named[-1].value
        self._scanned = len(self.done)
        return self._last_company

    def counterpart(self, code: str | None) -> str | None:
        others = [c for c in self.top if c != code]
        return others[0] if others and code in self.top else None


_OBJECT = Caseless(r"\b(?:on|against|from|targeting|of)\b")
# a sanction's object or where the restricted goods go: "exports to China"
_OBJECT_OR_DESTINATION = Caseless(r"\b(?:on|against|from|targeting|of|to|in)\b")
_INCLUDING = Caseless(r"\bincluding\b")
_HYPHEN_DUTY = Caseless(r"\b(?:off|on)-$")
_ON_DUTY = Caseless(r"\b(?:off|on)\s+$")
_PLANNED = Caseless(
    r"\b(?:threatened|proposed|planned|promised|mooted|possible|potential)\s+(?:\S+\s+){0,3}$"
)
_HIT_BY = Caseless(r"\bhit\s+(?:by|with)\b")


def _object_targets(art: _Article, clause: str, lo: int, hi: int) -> list[str]:
    """Countries named in the object of a measure, ``clause[lo:hi]``: ``on ...
    Chinese goods``."""
    m = _OBJECT.search(clause[lo:hi])
    return _codes(art.actors(clause, lo + m.start(), hi)) if m else []


def _object_text(sentence: str, start: int, w: _Window) -> str:
    """What a measure applies to: the words after the trigger (a list opened
    by ``including`` runs to the end of the sentence) and the three before it
    (``steel tariffs``)."""
    after = w.after
    if _INCLUDING.search(after):
        after = sentence[start:]
    return " ".join(w.before.split()[-3:]) + " " + after


def _other_sense(sentence: str, start: int, end: int) -> bool:
    """``electricity tariffs``, ``stamp duty``, ``his duties``, ``levy tariffs`` (a verb)."""
    word = sentence[start:end].lower()
    if word == "levy":
        head = sentence[max(0, start - 12) : start].lower()
        return bool(_LEVY_VERB.match(sentence[end:])) or bool(
            re.search(r"\b(?:to|will|would|could|may)\s+$", head)
        )
    if _HYPHEN_DUTY.search(sentence[max(0, start - 4) : start]) or (
        word == "duty" and _ON_DUTY.search(sentence, max(0, start - 5), start)
    ):
        return True  # "off-duty"
    if _OTHER_TARIFF.search(sentence[max(0, start - 40) : start]):
        return True
    return word.startswith("dut") and bool(_TARIFF_SENSE_AFTER.match(sentence[end:]))


def _condition_after(sentence: str, end: int, stop: int) -> bool:
    """Whether ``sentence[end:stop]`` puts a condition on the measure before it,
    in the measure's own clause."""
    cut = _CLAUSE_END.search(sentence, end, stop)
    return bool(_CONDITION_TAIL.search(sentence, end, cut.start() if cut else stop))


def _own_clause(before: str) -> tuple[str, bool]:
    """The part of ``before`` in the trigger's own clause, and whether a
    condition (``if``/``unless`` clause) governs it."""
    conditions = list(_CONDITION.finditer(before))
    if not conditions:
        return before, False
    comma = before.find(",", conditions[-1].end())
    if comma < 0:
        return before, True  # the trigger is inside the condition
    return before[comma + 1 :], True


def _coordinated(actors: list[Match], text: str, trigger_at: int) -> list[str]:
    """``The United States and the European Union lifted``: every actor of a
    coordinated subject right before the measure (else just the first actor)."""
    if not actors:
        return []
    group = [actors[0]]
    for cur in actors[1:]:
        if re.fullmatch(r"\s*(?:,|and|,\s*and)\s+(?:the\s+)?", text[group[-1].end : cur.start]):
            group.append(cur)
        else:
            break
    if len(group) > 1 and trigger_at - group[-1].end > 35:
        group = group[:1]
    return _codes(group)


def _listed(found: list[Match], after: str) -> bool:
    """Several countries in one list (``from Canada, Europe and Mexico``):
    ``found`` are the actors named in ``after``."""
    return any(
        re.fullmatch(r"\s*(?:,|and|or|,\s*and)\s+(?:the\s+)?", after[a.end : b.start])
        for a, b in itertools.pairwise(found)
    )


def _speculation(action: str, local: str, sentence: str) -> bool:
    """A threat or a coming measure that only analysts, economists, markets or
    estimates voice (``markets are pricing in a chance that the US will slap
    tariffs``, ``a 25% tariff would raise prices, estimates show``)."""
    if action not in ("threatened", "announced") or not _SPECULATORS.search(sentence):
        return False
    if action == "announced":
        return not (_ANNOUNCE.search(sentence) or _DECIDED.search(sentence))
    strong = _MODAL.search(_WEAK_MODAL.sub("", local))
    return strong is None


# "tariffs on dozens of trading partners": a measure on many, with no one target
_MANY = Caseless(
    r"\b(?:trading\s+partners|countries|nations|economies|the\s+world|everyone|all\s+imports|every\s+country|allies)\b"
)


def _tariff(sentence: str, start: int, end: int, art: _Article) -> list[_Found]:
    if _other_sense(sentence, start, end) or _ANY.search(sentence, max(0, start - 40), start):
        return []
    w = _window(sentence, start, end)
    own, conditional = _own_clause(w.before)
    local = own + sentence[start:end] + w.after
    if _NEGATION.search(local):
        return []
    adjective = _PLANNED.search(w.before)
    if conditional and own is w.before and not adjective:
        return []  # the measure is the condition: "if tariffs are imposed"
    # "a 5% tariff would take effect on June 10 and rise to 25% by October unless
    # ...": a schedule; the first step is its own event, the rise another
    step = _STEP_UP.search(sentence, end)
    step_rate = _number(step.group(1)) if step else None
    base = own + sentence[start : step.start()] if step else local
    rate_from, rate_to = _rates(base)
    if step and (rate_to is None or rate_from is not None or rate_to >= (step_rate or 0)):
        step = None  # no first step stated: the rise is the measure itself
        rate_from, rate_to = _rates(local)
    own_rate = _RATE_BEFORE.search(own) or _RATE_AFTER.search(w.after)
    if rate_from is None and own_rate is not None:
        rate_to = _number(own_rate.group(1))  # "a 15% tariff on coal and a 10% levy on oil": each its own
    amount = _amount(w.after) or _amount(own[-60:])
    demand = _DEMAND.search(own)
    verb = _nearest_verb(_Window(own, w.after, w.start, w.end), _TARIFF_VERBS)
    if _TARIFF_VERBS[0][1].search(own):
        verb = "delayed"  # "agreed to delay the tariff increase": the delay is the news
    if rate_from is not None and rate_to is not None and rate_from != rate_to and verb != "delayed":
        verb = "increased" if rate_to > rate_from else "reduced"  # "hold off on raising ... to 30%": a delay
    decided = list(_DECIDED.finditer(own))
    # "analysts warned ... the decision to go ahead with tariffs": the decision is the news
    scope = own[decided[-1].start() :] + sentence[start:end] + w.after if decided else local
    threat = bool(
        adjective
        or conditional
        or _MODAL.search(scope[: len(scope) - len(sentence) + step.start()] if step else scope)
        or _condition_after(sentence, end, step.start() if step else len(sentence))
    )
    future = bool(_FUTURE.search(local))

    g = gazetteer()
    clause_actors = art.actors(sentence, w.start, w.end)
    before_actors = [m for m in clause_actors if m.start < start - w.start]
    targets = _object_targets(art, sentence, end, w.end)
    actors: list[str]
    if demand and verb in ("lifted", "reduced"):
        # "China demands the US remove its 20% tariffs": the tariffs stand; the
        # actor is whoever is asked, the target whoever asks.
        asked = [m for m in before_actors if m.start > demand.start()]
        if not asked or (rate_to is None and amount is None):
            return []
        askers = [m for m in before_actors if m.start < demand.start()]
        actors = [asked[0].value]
        target = askers[0].value if askers else art.counterpart(actors[0])
        action = "imposed"
    else:
        if demand and not verb:
            return []
        if verb is None and not threat:
            return []
        if verb in (None, "imposed", "increased") and threat:
            action = "threatened"
        elif verb in ("lifted", "reduced") and threat and not future:
            return []
        elif verb in ("imposed", "increased") and (future or _ANNOUNCE.search(own)):
            action = "announced"
        else:
            assert verb is not None
            action = verb
        text = sentence[w.start : w.end]
        actors = _coordinated(
            [m for m in before_actors if m.value not in targets[:1]], text, start - w.start
        ) or ([before_actors[0].value] if before_actors else [])
        target = (
            targets[0]
            if len(targets) == 1 or (targets and not _listed(art.actors(sentence, end, w.end), w.after))
            else None
        )
    if _speculation(action, local, sentence):
        return []  # "tariffs could rise, economists said": nobody who can act said so
    products = _codes(g.products.find(_object_text(sentence, start, w)))
    counterpart = art.counterpart(target) if target is not None else None
    if not actors:
        actors = [counterpart] if counterpart else [c for c in art.top if c != target][:1]
    entities = _codes(g.companies.find(local))
    found = []
    whoever: list[str | None] = [*actors] if actors else [None]  # an actor no one named
    for actor in whoever:
        tgt = None if target == actor else target
        if tgt is None and not targets and not products and actor is not None and not _MANY.search(w.after):
            others = [m.value for m in clause_actors if m.value != actor and m.value not in actors]
            tgt = others[0] if others else art.counterpart(actor)
        extra = [c for c in targets if c not in (actor, tgt)] if len(targets) > 1 else []
        found.append(
            _Found("tariff", action, actor, tgt, rate_from, rate_to, amount, products, extra + entities)
        )
    if step and action in ("imposed", "announced", "threatened"):
        rest = sentence[step.start() :]
        conditional_rise = _condition_after(sentence, step.start(), len(sentence)) or _MODAL.search(rest)
        rise = "threatened" if action == "threatened" or conditional_rise else "announced"
        found += [
            _Found("tariff", rise, f.actor, f.target, rate_to, step_rate, amount, products, f.entities)
            for f in list(found)
        ]
    return found


def _heads(matches: list[Match], text: str) -> list[Match]:
    """Names that head their phrase: ``ZTE's rival Huawei`` → Huawei."""
    heads = [m for m in matches if not re.match(r"[’']s\b", text[m.end : m.end + 3])]
    return heads or matches


# a company named in a sanction's object slot that the gazetteer does not know
_NAME = r"[A-Z][\w&.’'-]*(?:\s+(?:[A-Z][\w&.-]*|of|&)){0,3}"
_NAMED_OBJECT = re.compile(
    rf"\b(?:add(?:s|ed|ing)?|blacklist(?:s|ed|ing)?|sanction(?:s|ed|ing)?|remov(?:e|es|ed|ing)|delist(?:s|ed|ing)?|"
    rf"penali[sz]\w*|target(?:s|ed|ing)?|including|granted|against|on)\s+(?:[a-z][\w-]*\s+){{0,2}}?({_NAME})"
    rf"(?:(?:,\s*|\s+and\s+)({_NAME}))?"
)
_NOT_COMPANY = re.compile(
    r"^(?:The|A|An|It|Its|This|That|Commerce|Treasury|State|Department|Ministry|Secretary|President|Prime|"
    r"Minister|Congress|Senate|House|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|"
    r"February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|"
    r"Aug|Sept?|Oct|Nov|Dec|Section|Article|Chapter|Mr|Mrs|Ms)\b"
)


def _named_companies(span: str) -> list[str]:
    g = gazetteer()
    names = []
    for m in _NAMED_OBJECT.finditer(span):
        for group in m.groups():
            if not group or _NOT_COMPANY.match(group) or g.actors.find(group):
                continue
            known = g.companies.find(group)
            names.append(known[0].value if known else group.strip(" .,’'"))
    return names


_EXPORTER = Caseless(
    r"(?:\s+(?:and|,)\s+[\w&.-]+)*\s+(?:\w+\s+){0,2}?(?:to|from)\s+(?:sell|selling|ship|shipping|supply|supplying|export|exporting)\b"
)
_LISTING = Caseless(
    r"\b(?:add|adds|added|adding|place|places|placed|placing|put|puts|putting)\s+(.{1,100}?)\s+"
    r"(?:on|to|onto)\s+(?:its|the|their|a|an|an\s+expanded)?\s*(?:[\w-]+\s+){0,2}$"
)
_PASSIVE = Caseless(r"\b(?:was|were|been|being|is|are|be|got|get)\s+(?:\w+\s+)?$")
_SANCTION_CONTEXT = Caseless(r"\b(?:assets?|swift|price\s+cap|entity\s+list|embargo|export\s+controls?)\b")
_NON_TRADE_SANCTION = Caseless(
    r"\b(?:fifa|uefa|ioc|ncaa|league|federation|court|judge|disciplinary|referee|club|athletes?|players?|"
    r"doping|marriages?|parties|party|candidates|movement|protests?|rally|voting|elections?|smoking|books?|police|"
    r"crore|lakh|rupees|funding|budget|loans?|grants?|scheme|posts)\b"
)


def _sanction(sentence: str, start: int, end: int, inherent: str | None, art: _Article) -> list[_Found]:
    if _NON_TRADE_SANCTION.search(sentence) and not (
        _TRADE_CONTEXT.search(sentence) or _SANCTION_CONTEXT.search(sentence)
    ):
        return []
    if _ANY.search(sentence, max(0, start - 40), start):
        return []
    if inherent == "?":  # "the ban": a trade measure only in a trade story
        if not (art.trade or art.last_company or _TRADE_CONTEXT.search(sentence)):
            return []
        inherent = None
    w = _window(sentence, start, end)
    own, conditional = _own_clause(w.before)
    local = own + sentence[start:end] + w.after
    if _NEGATION.search(local) or (conditional and own is w.before) or sentence.rstrip().endswith("?"):
        return []
    if _DEMAND.search(own) or _DEMAND_TO.search(sentence, 0, start):
        return []  # "senators urged the Commerce Department ... to add SMIC to the entity list"
    verb = inherent or _nearest_verb(_Window(own, w.after, w.start, w.end), _SANCTION_VERBS)
    if verb is None:
        if _HIT_BY.search(own):
            verb = "imposed"
        elif _MODAL.search(own):
            verb = "imposed"  # "threatened sanctions", "is considering sanctions"
        else:
            return []
    modal = bool(conditional or _MODAL.search(own) or _MODAL.search(w.after[:40]))
    if verb == "imposed" and (modal or _FUTURE_MODAL.search(local)):
        # sanctions announced for later are still a threat; "restricted ... from Aug. 1" is done
        action = "threatened"
    elif verb == "lifted" and modal and not _FUTURE.search(local):
        return []
    else:
        action = verb
    if _speculation(action, local, sentence):
        return []

    g = gazetteer()
    span = sentence[start : w.end]  # the trigger and its object
    companies = _codes(_heads(g.companies.find(span), span)) or _codes(_heads(g.companies.find(local), local))
    if not companies:
        companies = _named_companies(sentence[w.start : w.end])
    bare_ban = sentence[start:end].lower().endswith(" ban")
    if (
        not companies
        and art.last_company
        and (_COMPANY_PRONOUN.search(local) or inherent == "eased" or bare_ban)
    ):
        companies = [art.last_company]
    subject_end = start
    listing = _LISTING.search(sentence, w.start, start)  # "placed 33 Chinese companies on its entity list"
    prep = _OBJECT_OR_DESTINATION.search(sentence, end, w.end)
    named_after = art.actors(sentence, start, w.end)  # at offsets from start

    def within(lo: int, hi: int) -> list[str]:
        return _codes([m for m in named_after if lo - start <= m.start and m.end <= hi - start])

    candidates = [
        _codes(art.actors(sentence, listing.start(1), listing.end(1))) if listing else [],
        within(end, prep.start() if prep else w.end),  # "sanctioned five Venezuelan officials"
        within(prep.start(), w.end) if prep else [],  # "on ...", "to China"
        within(start, end),
        _codes(named_after),
    ]
    if listing:
        subject_end = listing.start()
        companies = _codes(g.companies.find(listing.group(1))) or companies
    # "the licences that allowed Intel and Qualcomm to sell chips to Huawei": the
    # exporters are the actor's own companies; the measure hits the buyer
    exporters = {
        m.value for m in g.companies.find(span) if _EXPORTER.match(span, m.end) and m.value in companies
    }
    if exporters and len(exporters) < len(companies):
        companies = [c for c in companies if c not in exporters]
    homes = {g.company_home.get(c) for c in companies}
    before = [m for m in art.actors(sentence, w.start, subject_end) if m.value not in companies]
    if _PASSIVE.search(own) and before and not listing:
        # "Seven Russian banks were cut off from SWIFT, the EU said": the subject is hit
        subjects = _codes(before)
        candidates.insert(0, subjects)
        before = [m for m in art.actors(sentence, end) if m.value not in subjects]
    object_countries = next((c for c in candidates if c), [])
    # the sanctioning side: named before the measure, and not the home of the company it hits
    # (unless that company is the restricted exporter: "stop Nvidia from selling chips to China")
    actors = _coordinated(
        [m for m in before if m.value not in homes], sentence[w.start : start], start - w.start
    )
    if not actors and before and object_countries:
        actors = [before[0].value]
        companies = [c for c in companies if g.company_home.get(c) != actors[0]]
    hit = next(
        ([c for c in cand if c not in actors] for cand in candidates if any(c not in actors for c in cand)),
        [],
    )
    several = len(hit) > 1 and _listed(
        [m for m in named_after if m.start >= end - start], sentence[start : w.end]
    )
    named: list[str] = companies or (hit if several else hit[:1])
    targets: list[str | None] = [*named] if named else [None]
    if not actors:
        home = g.company_home.get(targets[0] or "", targets[0])
        counterpart = art.counterpart(home)
        others = [m.value for m in art.actors(sentence) if m.value not in (home, *companies)]
        actors = [counterpart] if counterpart else others[:1]
    if not actors:
        return []
    products = _codes(g.products.find(w.after))
    found = []
    for actor in actors:
        for target in targets[: 1 if action == "threatened" else 8]:
            if actor == target:
                continue
            found.append(
                _Found(
                    "sanction",
                    action,
                    actor,
                    target,
                    products=products,
                    entities=[c for c in companies if c != target],
                )
            )
    return found


def _pair(codes: list[str], art: _Article) -> tuple[str | None, str | None]:
    pair = codes[:2] if len(codes) >= 2 else (codes + [c for c in art.top if c not in codes])[:2]
    pair = sorted(pair)
    return (pair[0] if pair else None, pair[1] if len(pair) > 1 else None)


_STRONG_HELD = Caseless(
    r"\b(?:held|met|concluded|ended|days\s+of|during|were\s+discussing|arrived|resumed)\b"
)


# "Japan's top negotiator Ryosei Akazawa told reporters": a source, not talks
_SOURCE = Caseless(
    r"(?:negotiators?|envoys?)\b(?:\s+[\w.'’-]+){0,4}?\s+(?:said|says|told|tells|added|wrote|posted|warned|argued)\b"
)
# "met in Argentina", "will travel to London for talks with": where, not who
_VENUE = Caseless(r"(?:\b(?:in|at)|\btravel(?:s|led|ling|ed|ing)?\s+to)\s+$")


def _is_trade_talk(sentence: str, art: _Article) -> bool:
    if _TRADE_CONTEXT.search(sentence):
        return True
    return art.trade and not _OTHER_DOMAIN.search(sentence)


def _talks(sentence: str, at: int, art: _Article) -> list[_Found]:
    """Talks named by the trigger at ``at`` (the last one in the sentence)."""
    if not _is_trade_talk(sentence, art):
        return []
    negation = _NEGATION.search(sentence)
    if negation and not _TALKS_ACTIONS[0][1].search(sentence):
        return []
    named = art.actors(sentence)
    if len({m.value for m in named}) > 2:  # "met in Argentina": a venue, not a party
        named = [m for m in named if not _VENUE.search(sentence, max(0, m.start - 20), m.start)]
    near = sorted(named, key=lambda m: min(abs(m.start - at), abs(m.end - at)))
    codes = _codes(near)
    if not codes and not art.trade:
        return []
    actor, target = _pair(codes, art)
    if actor is None or target is None:
        return []
    actions: list[str] = []
    for action, pattern in _TALKS_ACTIONS:
        if action == "agreed" and _DEMAND.search(sentence):
            continue
        m = pattern.search(sentence)
        if m and action == "stalled" and _CONDITION.search(sentence, max(0, m.start() - 60), m.start()):
            continue  # "could apply if negotiations collapse": not (yet) stalled
        if m:
            actions.append(action)
            if action in ("stalled", "agreed"):
                break
    if "held" in actions and "scheduled" in actions and not _STRONG_HELD.search(sentence):
        actions.remove("held")  # "the next round ... constructive outcomes": still to come
    return [_Found("trade_talks", action, actor, target) for action in actions]


def _deal(sentence: str, live: set[_Trigger], art: _Article) -> list[_Found]:
    m = _DEAL.search(sentence, live)
    if m is None and _BARE_DEAL in live and _TRADE_CONTEXT.search(sentence):
        m = _BARE_DEAL.search(sentence, live)  # "struck a deal under which goods will face a 19% tariff"
    if not m or _MODAL.search(sentence[: m.start()]) or _NEGATION.search(sentence):
        return []
    actor, target = _pair(_codes(art.actors(sentence)), art)
    if actor is None:
        return []
    return [_Found("trade_deal", "agreed", actor, target)]


_TRIGGERS = [_TARIFF, _TALKS, _DEAL, _BARE_DEAL, _DEADLINE, *(trigger for trigger, _ in _SANCTION_TRIGGERS)]
_BY_STEM: dict[str, list[_Trigger]] = {}
for _t in _TRIGGERS:
    for _stem in _t.stems:
        _BY_STEM.setdefault(_stem, []).append(_t)
_ALL_STEMS = tuple(sorted(_BY_STEM))


def _stems(text: str, among: Iterable[str] = _ALL_STEMS) -> tuple[str, ...]:
    """The trigger stems (of ``among``) that occur in ``text``, in any case."""
    low = text.lower()
    return tuple(stem for stem in among if stem in low)


def _live(text: str, among: Iterable[str]) -> set[_Trigger]:
    """The triggers that may match in ``text``: those with a stem in it."""
    low = text.lower()
    live: set[_Trigger] = set()
    for stem in among:
        if stem in low:
            live.update(_BY_STEM[stem])
    return live


def _sentence_events(sentence: str, art: _Article) -> list[_Found]:
    found: list[_Found] = []
    live = _live(sentence, art.stems)
    if not live or sentence.rstrip().endswith("?"):
        return found
    tariff_triggers = _TARIFF.finditer(sentence, live)
    previous: tuple[int, list[_Found]] = (0, [])
    for m in tariff_triggers:
        got = _tariff(sentence, m.start(), m.end(), art) or _joined_measure(
            sentence, m.start(), m.end(), *previous
        )
        found.extend(got)
        previous = (m.end(), got)
    taken: list[tuple[int, int]] = []
    for trigger, inherent in _SANCTION_TRIGGERS:
        for m in trigger.finditer(sentence, live):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.extend(_sanction(sentence, m.start(), m.end(), inherent, art))
    talk_triggers = [m for m in _TALKS.finditer(sentence, live) if not _SOURCE.match(sentence, m.start())]
    if talk_triggers:
        found.extend(_talks(sentence, talk_triggers[-1].start(), art))
    found.extend(_deal(sentence, live, art))
    if not tariff_triggers:  # else the tariff trigger speaks for itself
        found.extend(_deadline(sentence, live, art))
    return _same_sentence(found)


def _joined_measure(sentence: str, start: int, end: int, after: int, first: list[_Found]) -> list[_Found]:
    """``a 15% tariff on coal and a 10% levy on crude oil``: a measure joined by
    ``and`` to the one before it (ending at ``after``), with no verb of its own,
    shares that one's action, actor and target and has its own rate and goods."""
    joint = _AND_ANOTHER.search(sentence, after, start)
    if not first or joint is None:
        return []
    head = sentence[joint.end() : start]
    if any(pattern.search(head) for _, pattern in _TARIFF_VERBS):
        return []
    w = _window(sentence, start, end)
    text = head + sentence[start : w.end]
    rate_from, rate_to = _rates(text)
    products = _codes(gazetteer().products.find(sentence[end : w.end]))
    return [
        _Found(f.type, f.action, f.actor, f.target, rate_from, rate_to, _amount(text), products)
        for f in first
        if f.type == "tariff"
    ]


def _deadline(sentence: str, live: set[_Trigger], art: _Article) -> list[_Found]:
    """``extend the March 1 deadline``: in a trade story with no tariff trigger in
    the sentence, the tariffs that wait on the deadline are delayed."""
    m = _DEADLINE.search(sentence, live)
    if not m or not (art.trade or _TRADE_CONTEXT.search(sentence)) or _NEGATION.search(sentence):
        return []
    named = _codes(art.actors(sentence, 0, m.start())) or art.top[:1]
    if not named:
        return []
    return [_Found("tariff", "delayed", named[0], art.counterpart(named[0]))]


def _same_sentence(found: list[_Found]) -> list[_Found]:
    """Two triggers of one measure in one sentence (``doubled tariffs ..., raising the
    levy to 120 pct``) are one event: join those whose attributes do not conflict."""
    return _join(found, _compatible)


# within one action class, the action a joined event keeps: the furthest along
_FURTHER = {"announced": 1, "increased": 2, "imposed": 3, "delayed": 1, "reduced": 2, "eased": 2, "lifted": 3}


def _join(found: list[_Found], fits: Callable[[_Found, _Found], bool]) -> list[_Found]:
    """Each reading joined into the first before it that ``fits`` it: the
    missing attributes filled, the furthest action of the class kept."""
    out: list[_Found] = []
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


def _compatible(a: _Found, b: _Found) -> bool:
    if (a.type, a.action, a.actor) != (b.type, b.action, b.actor) or a.type not in ALERTABLE_TYPES:
        return False
    pairs = [
        (a.target, b.target),
        (a.rate_to, b.rate_to),
        (a.rate_from, b.rate_from),
        (a.amount_usd, b.amount_usd),
    ]
    return all(x is None or y is None or x == y for x, y in pairs)


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


def _key(f: _Found) -> str:
    if f.type in ("trade_talks", "trade_deal"):
        return event_key(f.type, f.action, f.actor, f.target, None, None, None)
    return event_key(f.type, f.action, f.actor, f.target, f.rate_from, f.rate_to, f.amount_usd, f.products)


_CLAUSE_BREAK = re.compile(r";\s+")


def found_by_sentence(text: str) -> list[tuple[str, list[_Found]]]:
    """Each sentence of ``text`` with what the rules read in it."""
    return _found_by_sentence(text)


def merge(found: list[_Found]) -> list[Mention]:
    """One mention per measure of an article's readings: readings of one
    action join (:func:`_merge`), then readings of one action class by the same
    parties whose attributes do not conflict (evaluation rule 5: "imposed",
    "announced" and "raised" of one measure are one event of the article)."""
    return [_mention(f) for f in _join_classes(_merge(found))]


def _class_of(f: _Found) -> str:
    return action_class(f.type, f.action)


def _parties(f: _Found) -> object:
    return frozenset((f.actor, f.target)) if f.type in PAIRED_TYPES else f.actor


def _fits(a: _Found, b: _Found) -> bool:
    if (a.type, _class_of(a), _parties(a)) != (b.type, _class_of(b), _parties(b)):
        return False
    pairs = [(a.target, b.target), (a.rate_to, b.rate_to), (a.amount_usd, b.amount_usd)]
    return all(x is None or y is None or x == y for x, y in pairs)


def _join_classes(found: list[_Found]) -> list[_Found]:
    return _join(found, _fits)


def _found_by_sentence(text: str) -> list[tuple[str, list[_Found]]]:
    art = _Article(text)
    out: list[tuple[str, list[_Found]]] = []
    for sentence in split_sentences(text):
        found: list[_Found] = []
        for clause in _CLAUSE_BREAK.split(sentence) if ";" in sentence else (sentence,):
            for f in _sentence_events(clause, art):
                f.evidence.append(sentence)
                found.append(f)
        out.append((sentence, found))
        art.done.append(sentence)
    return out


def _mention(f: _Found) -> Mention:
    return Mention(
        background=f.recap,
        occurred=f.occurred,
        confidence=round(f.score, 4),
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


def rule_mentions(text: str) -> list[Mention]:
    """What the rules alone read in ``text``, one mention per measure (every
    reading kept, none marked a recap)."""
    return merge([f for _, fs in _found_by_sentence(plain_text(text)) for f in fs])
