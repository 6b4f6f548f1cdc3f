"""A candidate's action and modality.

The *action* comes from the verb nearest the trigger in its window
(``slapped``/``imposed`` → imposed, ``raise``/``hike`` → increased,
``delay``/``extend the deadline`` → delayed...: the ``[verb]`` lists of
``data/signals.toml``), a verb of the main clause before one in a relative
clause. *Modality* then decides what it means: a threat, a plan or a condition
(``is considering``, ``would``, ``threat to``, ``proposed``) makes it
``threatened``; speculation by those who cannot act, conditions and other
senses of the trigger word (``stamp duty``, ``electricity tariffs``) are no
action at all.
"""

from __future__ import annotations

import re

from ..gazetteer import gazetteer
from ..patterns import Caseless
from .candidates import Window
from .cues import cues

__all__ = ["condition_after", "named_subject", "nearest_verb", "other_sense", "own_clause", "speculation"]

_CUES = cues()
_LEVY_VERB = _CUES.cue("levy_verb")
# "tariff" and "duty" in other senses: prices of utilities, stamp duty, duty as a task
_OTHER_TARIFF = _CUES.cue("other_tariff")
_TARIFF_SENSE_AFTER = _CUES.cue("tariff_sense_after")
_TARIFF_NAME_AFTER = _CUES.cue("tariff_name_after")
_ANNOUNCE = _CUES.cue("announce")
_MODAL = _CUES.cue("modal")
_DECIDED = _CUES.cue("decided")
_REDUCED_RELATIVE = _CUES.cue("reduced_relative")
# what the measure hits, between it and a reduced relative ("tariffs *on Mexico*
# scheduled for Monday have been suspended")
_OBJECT_PHRASE = Caseless(r"\s*(?:on|against)\s+(?:(?!\b[a-z]+ed\b)[^,;])*")
_RELATIVE = _CUES.exact("relative")
_WEAK_MODAL = _CUES.cue("weak_modal")
# a whole sentence whose measure depends on a condition stated after it
_CONDITION_TAIL = _CUES.cue("condition_tail")
# where a condition after the measure stops applying to it: "..., although importers
# will pay only if ...", "hours after talks broke down without a deal"
_CLAUSE_END = _CUES.cue("clause_end")
_CONDITION = _CUES.cue("condition")
_SPECULATORS = _CUES.cue("speculators")
_SPECULATORS_SAY = _CUES.cue("speculators_say")
_NOT_IN_OFFICE = _CUES.cue("not_in_office")
_HYPHEN_DUTY = _CUES.cue("hyphen_duty")
_ON_DUTY = _CUES.cue("on_duty")


# --- verbs and modality ---------------------------------------------------
_TARIFF_VERBS = _CUES.verbs("tariff")


_SANCTION_VERBS = _CUES.verbs("sanction")


_TALKS_ACTIONS = _CUES.verbs("talks")


_PREFERENCE_VERBS = _CUES.verbs("preferences")


def named_subject(text: str) -> bool:
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


# where a verb after the trigger stands: a verb of the main clause outranks one
# right after the measure ("the levies imposed in 2021 will be removed": the
# main verb is the news), which outranks one in a relative clause ("the tariffs
# it imposed")
MAIN_CLAUSE, REDUCED_RELATIVE, RELATIVE_CLAUSE = 0, 1, 2


def nearest_verb(window: Window, verbs: list[tuple[str, Caseless]]) -> str | None:
    """The action of the verb nearest the trigger, in the main clause first;
    before the trigger, a verb wins a tie with one after it."""
    best: tuple[int, int, str] | None = None
    for action, pattern in verbs:
        for m in pattern.finditer(window.before):
            found = (MAIN_CLAUSE, len(window.before) - m.end(), action)
            best = found if best is None or found[:2] < best[:2] else best
        first = pattern.search(window.after)  # the nearest: a later one is no less relative
        if first is not None:
            between = window.after[: first.start()]
            rank = MAIN_CLAUSE
            if _RELATIVE.search(between) or named_subject(between):
                rank = RELATIVE_CLAUSE
            elif (not between.strip() or _OBJECT_PHRASE.fullmatch(between)) and _REDUCED_RELATIVE.match(
                window.after, first.start()
            ):
                rank = REDUCED_RELATIVE
            found = (rank, first.start() + 1, action)
            best = found if best is None or found[:2] < best[:2] else best
    return None if best is None else best[2]


def other_sense(sentence: str, start: int, end: int) -> bool:
    """``electricity tariffs``, ``stamp duty``, ``his duties``, ``levy tariffs`` (a verb)."""
    word = sentence[start:end].lower()
    if word == "levy":
        head = sentence[max(0, start - 12) : start].lower()
        return bool(_LEVY_VERB.match(sentence[end:])) or bool(
            re.search(r"\b(?:to|will|would|could|may)\s+$", head)
        )
    if _HYPHEN_DUTY.search(sentence[max(0, start - 12) : start]) or (
        word == "duty" and _ON_DUTY.search(sentence, max(0, start - 5), start)
    ):
        return True  # "off-duty", "active-duty", "heavy-duty"
    if _OTHER_TARIFF.search(sentence[max(0, start - 40) : start]):
        return True
    if word.startswith("tariff") and _TARIFF_NAME_AFTER.match(sentence, end):
        return True
    return word.startswith("dut") and bool(_TARIFF_SENSE_AFTER.match(sentence[end:]))


def condition_after(sentence: str, end: int, stop: int) -> bool:
    """Whether ``sentence[end:stop]`` puts a condition on the measure before it,
    in the measure's own clause."""
    cut = _CLAUSE_END.search(sentence, end, stop)
    return bool(_CONDITION_TAIL.search(sentence, end, cut.start() if cut else stop))


def own_clause(before: str) -> tuple[str, bool]:
    """The part of ``before`` in the trigger's own clause, and whether a
    condition (``if``/``unless`` clause) governs it."""
    conditions = list(_CONDITION.finditer(before))
    if not conditions:
        return before, False
    comma = before.find(",", conditions[-1].end())
    if comma < 0:
        return before, True  # the trigger is inside the condition
    return before[comma + 1 :], True


def not_in_office(sentence: str, start: int) -> bool:
    """Whether the words before the trigger at ``start`` give the measure to
    someone who holds no office ("President-elect Donald Trump vowed to hit
    China with an additional 10% tariff", "the Democratic candidate would
    lift the sanctions"): no event (the labelling guide's settled call 11)."""
    return _NOT_IN_OFFICE.search(sentence, 0, start) is not None


def speculation(action: str, local: str, sentence: str, start: int, end: int) -> bool:
    """A threat or a coming measure that only analysts, economists, markets or
    estimates voice (``markets are pricing in a chance that the US will slap
    tariffs``, ``a 25% tariff would raise prices, estimates show``): named
    before the measure at ``sentence[start:end]``, or saying it after it
    (not "China will impose 25% tariffs from July 6, sending markets lower")."""
    if action not in ("threatened", "announced"):
        return False
    if not (_SPECULATORS.search(sentence, 0, start) or _SPECULATORS_SAY.search(sentence, end)):
        return False
    if action == "announced":
        return not (_ANNOUNCE.search(sentence) or _DECIDED.search(sentence))
    strong = _MODAL.search(_WEAK_MODAL.sub("", local))
    return strong is None
