"""The rules: what each sentence of an article says, read by type.

For each sentence (:func:`found_by_sentence`), each trigger found is read by
the reader of its type: :func:`_tariff`, :func:`_sanction`, :func:`_talks`,
:func:`_deal`, :func:`_deadline`, :func:`_exemption` (a tariff exemption:
relief for each country it names), :func:`_investigation` (a trade
investigation: a tariff threatened) and :func:`_preferences` (a duty-free
status ended: a tariff imposed). A reader takes the trigger's window
(:mod:`.candidates`), its action and modality (:mod:`.classification`), who
acts on whom (:mod:`.roles`) and the numbers (:mod:`.attributes`), and
returns its readings (:class:`~.candidates.Found`); negation (``did not``), a
question, a trigger inside an ``if`` clause and a demand by the other side
(``demand ... remove 20% tariffs``) never become imposed or lifted.

These readings are candidates: :mod:`extractors.signals.extraction` lets the
learned models decide which are events of the article and which are news.
:func:`rule_mentions` and :func:`mentions_by_sentence` are the rules alone (the
sentence evaluation sets score them: ``tradewatch eval sentences``).
"""

from __future__ import annotations

from ..gazetteer import Match, gazetteer
from ..models import Mention, plain_text
from ..vocabulary import ACTIONS, ALERTABLE_TYPES
from .attributes import amount_in, as_number, changed_to, rates_in
from .candidates import (
    _BARE_DEAL,
    _CLAUSE_BREAK,
    _DEADLINE,
    _DEAL,
    _EXEMPTION,
    _INVESTIGATION,
    _PREFERENCES,
    _TALKS,
    _TARIFF,
    SANCTION_TRIGGERS,
    Article,
    Found,
    Window,
    actor_codes,
    live_triggers,
    names_goods,
    split_sentences,
    window_around,
)
from .classification import (
    _PREFERENCE_VERBS,
    _SANCTION_VERBS,
    _TALKS_ACTIONS,
    _TARIFF_VERBS,
    condition_after,
    nearest_verb,
    not_in_office,
    other_sense,
    own_clause,
    speculation,
)
from .cues import IN_TRADE_STORY, Trigger, cues
from .merging import event_key, join_same_sentence, mention_of, merge, merge_actions
from .roles import (
    SANCTIONERS,
    coordinated_actors,
    goods_origin,
    head_matches,
    hub_pairs,
    is_trade_talk,
    listed,
    modifiers,
    named_companies,
    object_targets,
    object_text,
    two_parties,
)

_CUES = cues()
# trade in the sentence, or a trade story and nothing that says the talks are about something else
_TRADE_CONTEXT = _CUES.cue("trade_context")
_ANNOUNCE = _CUES.cue("announce")
_MODAL = _CUES.cue("modal")
# a decided measure that is not in force yet: "will impose ... from July 1"
_FUTURE = _CUES.cue("future")
_FUTURE_MODAL = _CUES.cue("future_modal")
_NEGATION = _CUES.cue("negation")
# what a measure's subject says next ("and warning that ..."): its negations are not the measure's
_NEXT_ACT = _CUES.cue("next_act")
_SAID_AT_END = _CUES.cue("said_at_end")
# "imports from China and restrictions on ...": another phrase's object, not who takes the measure
_AFTER_PREPOSITION = _CUES.cue("after_preposition")
_DEMAND = _CUES.cue("demand")
# "any further tariff increases", "any new sanctions": no measure in particular
_ANY = _CUES.cue("any")
_DEMAND_TO = _CUES.cue("demand_to")
_DECIDED = _CUES.cue("decided")
_CONDITION = _CUES.cue("condition")
# the measure's own rate, right next to its trigger: "a 10% levy", "duties of up to 25%"
_RATE_BEFORE = _CUES.cue("rate_before")
_RATE_AFTER = _CUES.cue("rate_after")
_RATE_PHRASE = _CUES.cue("rate_phrase")
_AMOUNT_PHRASE = _CUES.cue("amount_phrase")
_STEP_UP = _CUES.cue("step_up")
_AND_ANOTHER = _CUES.cue("and_another")
_COMPANY_PRONOUN = _CUES.cue("company_pronoun")
# a sanction's object or where the restricted goods go: "exports to China"
_OBJECT_OR_DESTINATION = _CUES.cue("object_or_destination")
_PLANNED = _CUES.cue("planned")
_HIT_BY = _CUES.cue("hit_by")
# "tariffs on dozens of trading partners": a measure on many, with no one target
_MANY = _CUES.cue("many")
_EXPORTER = _CUES.cue("exporter")
_LISTING = _CUES.cue("listing")
_PASSIVE = _CUES.cue("passive")
_SANCTION_CONTEXT = _CUES.cue("sanction_context")
_NON_TRADE_SANCTION = _CUES.cue("non_trade_sanction")
_STRONG_HELD = _CUES.cue("strong_held")
# "Japan's top negotiator Ryosei Akazawa told reporters": a source, not talks
_SOURCE = _CUES.cue("source")
# "met in Argentina", "will travel to London for talks with": where, not who
_VENUE = _CUES.cue("venue")
_BY_AGENT = _CUES.cue("by_agent")
_LEGISLATION = _CUES.cue("legislation")
_GENERIC_MEASURE = _CUES.cue("generic_measure")
_POSSESSED_DECISION = _CUES.cue("possessed_decision")
_DECISION_CLAUSE_BREAK = _CUES.cue("decision_clause_break")
_LEGISLATURE = _CUES.cue("legislature")
_LEGISLATION_AFTER = _CUES.cue("legislation_after")
_WOULD = _CUES.cue("would")
_RECIPROCAL = _CUES.cue("reciprocal")
_EXEMPTED_SUBJECT = _CUES.cue("exempted_subject")
_NOT_EXEMPTION = _CUES.cue("not_exemption")
_CONCESSIONS_AFTER = _CUES.cue("concessions_after")
_NO_TARIFF_BEFORE = _CUES.cue("no_tariff_before")
_HIT_WITH = _CUES.cue("hit_with")
_WITH = _CUES.cue("with")
_FROM_THE = _CUES.cue("from_the")
_LIST_GLUE = _CUES.cue("list_glue")
_DATIVE = _CUES.cue("dative")
_TRADE_INVESTIGATION = _CUES.cue("trade_investigation")
_INVESTIGATED = _CUES.cue("investigated")
# what a measure is against or on, not when: "on Saturday", "on March 8"
_AGAINST = _CUES.cue("against")
_INVESTMENT_HOST = _CUES.cue("investment_host")
_LOST = _CUES.cue("lost")
_STATUS_HOLDER = _CUES.cue("status_holder")
_REMOVED_FROM = _CUES.cue("removed_from")
_FROM_OR_OF = _CUES.cue("from_or_of")
_BY_THE = _CUES.cue("by_the")
_NOT_DONE = _CUES.cue("not_done")
_ITS = _CUES.cue("its")


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


def _before_next_act(after: str) -> str:
    """``after`` up to what the measure's subject says next ("slapping a 20
    percent tariff on lumber and warning that he will not tolerate ..."): a
    negation, modal, rate or amount there belongs to what is said, not to
    the measure."""
    m = _NEXT_ACT.search(after)
    return after[: m.start()] if m else after


def _tariff(sentence: str, start: int, end: int, art: Article) -> list[Found]:
    if other_sense(sentence, start, end) or _ANY.search(sentence, max(0, start - 40), start):
        return []
    w = window_around(sentence, start, end)
    own, conditional = own_clause(w.before)
    # what the measure's clause says ends where its subject's words of saying begin
    local = own + sentence[start:end] + _before_next_act(w.after)
    if _NEGATION.search(local):
        return []
    adjective = _PLANNED.search(w.before)
    if conditional and own is w.before and not adjective:
        return []  # the measure is the condition: "if tariffs are imposed"
    # "a 5% tariff would take effect on June 10 and rise to 25% by October unless
    # ...": a schedule; the first step is its own event, the rise another
    step = _STEP_UP.search(sentence, end)
    step_rate = as_number(step.group(1)) if step else None
    base = own + sentence[start : step.start()] if step else local
    rate_from, rate_to = rates_in(base)
    if step and (rate_to is None or rate_from is not None or rate_to >= (step_rate or 0)):
        step = None  # no first step stated: the rise is the measure itself
        rate_from, rate_to = rates_in(local)
    own_rate = _RATE_BEFORE.search(own) or _RATE_AFTER.search(w.after)
    if rate_from is None and own_rate is not None and not changed_to(local):
        rate_to = as_number(own_rate.group(1))  # "a 15% tariff on coal and a 10% levy on oil": each its own
    amount = amount_in(w.after) or amount_in(own[-60:]) or _amount_beyond(sentence, w.end)
    demand = _DEMAND.search(own)
    verb = nearest_verb(Window(own, w.after, w.start, w.end), _TARIFF_VERBS)
    if _TARIFF_VERBS[0][1].search(own):
        verb = "delayed"  # "agreed to delay the tariff increase": the delay is the news
    no_tariff = _NO_TARIFF_BEFORE.search(sentence, max(0, start - 30), start) is not None
    if no_tariff:
        verb = "reduced"  # "will impose no tariff on 93.9 percent of products from Georgia"
    if verb in ("delayed", "lifted", "reduced") and _CONCESSIONS_AFTER.match(sentence[end:]):
        verb = "imposed"  # "suspended tariff concessions": the tariffs go up
    if rate_from is not None and rate_to is not None and rate_from != rate_to and verb != "delayed":
        verb = "increased" if rate_to > rate_from else "reduced"  # "hold off on raising ... to 30%": a delay
    decided = list(_DECIDED.finditer(own))
    # "analysts warned ... the decision to go ahead with tariffs": the decision is the news
    scope = own[decided[-1].start() :] + sentence[start:end] + w.after if decided else local
    threat = bool(
        adjective
        or conditional
        or _MODAL.search(scope[: len(scope) - len(sentence) + step.start()] if step else scope)
        or condition_after(sentence, end, step.start() if step else len(sentence))
    )
    future = bool(_FUTURE.search(local))
    if no_tariff and threat:
        return []  # "will impose no tariffs on Mexico if it stops migrants": a promise, no cut

    g = gazetteer()
    clause_actors = art.actors(sentence, w.start, w.end)
    before_actors = [m for m in clause_actors if m.start < start - w.start]
    # "tariffs on ... Chinese goods, on top of duties": goods named before the
    # trigger are a target, not who acts; "hitting the Chinese with new tariffs" too
    hit = [m for m in before_actors if _hit_with(sentence, w.start + m.start, w.start + m.end)]
    # "goods originating in India, South Korea and Laos will have tariffs reduced"
    origin = goods_origin(before_actors, sentence[w.start : w.end])
    hit += [m for m in origin if m not in hit]
    before_actors = [m for m in before_actors if m not in hit and not names_goods(sentence, w.start + m.end)]
    targets = object_targets(art, sentence, end, w.end) or actor_codes(hit)
    actors: list[str]
    each: list[str] | None = None  # the targets of a list, each its own event
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
        agent = _agent(art, sentence, end, w.end) or _decider(art, sentence, start)
        if agent is not None:  # "tariffs imposed by Canada on U.S. foods"
            actors, targets = [agent], [t for t in targets if t != agent]
        else:
            actors = coordinated_actors(
                [m for m in before_actors if m.value not in targets[:1]], text, start - w.start
            ) or ([before_actors[0].value] if before_actors else [])
        if len(targets) > 1 and (
            listed(art.actors(sentence, end, w.end), w.after) or targets == actor_codes(origin)
        ):
            each = targets  # "tariffs on the EU, Canada and Mexico": one event per target (guide)
        target = targets[0] if targets and each is None else None
    if speculation(action, local, sentence, start, end) or not_in_office(sentence, start):
        return []  # "tariffs could rise, economists said": nobody who can act said so
    products = actor_codes(g.products.find(object_text(sentence, start, w)))
    counterpart = art.counterpart(target) if target is not None else None
    said = _speaker(art, sentence, end) if not actors else None
    if said is not None:
        code, said_at = said
        # "The duties would apply from July 4, the European Commission said": who says it
        # takes it, and is no target for being named at the end ("Tariffs on EU goods
        # will rise, the European Commission said" keeps its target)
        if code != target or code not in actor_codes(art.actors(sentence, end, said_at)):
            actors = [code]
            if target == code:
                target, counterpart = None, None
    if not actors:
        actors = [counterpart] if counterpart else [c for c in art.top if c != target][:1]
    entities = actor_codes(g.companies.find(local))
    found = []
    whoever: list[str | None] = [*actors] if actors else [None]  # an actor no one named
    for actor in whoever:
        for tgt in [t for t in each if t != actor] if each else [None if target == actor else target]:
            # a measure that names no target hits the story's other country; a cut
            # or removal that names none keeps no target ("China slashed import
            # tariffs on more than 700 products": its own schedule). "The US lifted
            # tariffs" in a story on China loses China too: on the development
            # folds null was right more often (target 0.812 -> 0.841)
            if (
                tgt is None
                and not targets
                and not products
                and actor is not None
                and not _MANY.search(w.after)
                and action not in ("reduced", "lifted")
            ):
                others = [m.value for m in clause_actors if m.value != actor and m.value not in actors]
                if action == "delayed" and len(actors) == 2:
                    # "Trump and Xi met in Argentina and agreed to delay tariff hikes":
                    # each side's on the other, not on the place they met
                    others = [a for a in actors if a != actor]
                tgt = others[0] if others else art.counterpart(actor)
            extra = [c for c in targets if c not in (actor, tgt)] if len(targets) > 1 else []
            found.append(
                Found(
                    "tariff",
                    action,
                    actor,
                    tgt,
                    rate_from,
                    rate_to,
                    amount,
                    products,
                    extra + entities,
                    listed=bool(each),
                )
            )
    # "the US and China exchanged tariffs": each on the other (read in the sentence,
    # so that what follows the window still counts: "exchanged the first blows")
    reciprocal = _RECIPROCAL.search(sentence, start - len(own))
    if reciprocal is not None and reciprocal.start() < w.end:
        found += _other_way(found)
    if step and action in ("imposed", "announced", "threatened"):
        rest = sentence[step.start() :]
        conditional_rise = condition_after(sentence, step.start(), len(sentence)) or _MODAL.search(rest)
        rise = "threatened" if action == "threatened" or conditional_rise else "announced"
        found += [
            Found("tariff", rise, f.actor, f.target, rate_to, step_rate, amount, products, f.entities)
            for f in list(found)
        ]
    return found


def _hit_with(sentence: str, start: int, end: int) -> bool:
    """Whether the actor named at ``sentence[start:end]`` is the object of a
    measure's verb: ``hitting the Chinese with new tariffs``."""
    return bool(_HIT_WITH.search(sentence, max(0, start - 30), start) and _WITH.match(sentence, end))


def _agent(art: Article, sentence: str, end: int, stop: int) -> str | None:
    """The actor named after the measure as its agent: ``tariffs imposed by
    Canada``, ``duties levied by the EU``."""
    for m in art.actors(sentence, end, stop):
        if _BY_AGENT.search(sentence, end, end + m.start):
            return m.value
    return None


def _legislature_passed(own: str) -> bool:
    """A legislature passed the measure its clause ends in ("Congress approved
    sanctions"): not one it passed before a comma ("after the House voted to
    fund the government, the Treasury imposed sanctions")."""
    m = _LEGISLATURE.search(own)
    return m is not None and not any(c in own[m.end() :] for c in ",;")


def _speaker(art: Article, sentence: str, end: int) -> tuple[str, int] | None:
    """The country that says ``sentence``, named at its end after the measure
    ending at ``end`` ("The provisional duties would apply from July 4, the
    European Commission said"), and where its words begin: who takes a
    measure whose own clause names no one."""
    m = _SAID_AT_END.search(sentence, end)
    if m is None:
        return None
    named = actor_codes(art.actors(sentence, m.start(1), m.end(1)))
    return (named[0], m.start()) if named else None


def _decider(art: Article, sentence: str, start: int) -> str | None:
    """The country whose decision the measure at ``start`` is, when the
    decision's own verb phrase leads to it: "condemned the Trump
    administration's decision to launch an investigation", "the United States'
    decision to impose tariffs". A second clause between them ("Washington's
    decision to blacklist Huawei ... and imposed tariffs") or another name
    makes the decision another measure's."""
    lo = max(0, start - 120)
    m = next(reversed(list(_POSSESSED_DECISION.finditer(sentence, lo, start))), None)  # the nearest
    if m is None or _DECISION_CLAUSE_BREAK.search(sentence, m.end(), start):
        return None
    if art.actors(sentence, m.end(), start) or len(sentence[m.end() : start].split()) > 6:
        return None
    named = art.actors(sentence, lo, m.start())
    if not named:
        return None
    # the name, or its institution right after it ("the U.S. Administration's")
    between = sentence[lo + named[-1].end : m.start()].split()
    return named[-1].value if len(between) <= 2 and all(w.isalpha() for w in between) else None


def _other_way(found: list[Found]) -> list[Found]:
    """Each reading's mirror, for a measure the two sides take on each other."""
    parties = {f.actor for f in found} | {f.target for f in found}
    parties.discard(None)
    if len(parties) != 2:
        return []
    have = {(f.actor, f.target) for f in found}
    out = []
    for f in found:
        if f.actor is not None and f.target is not None and (f.target, f.actor) not in have:
            mirror = Found(f.type, f.action, f.target, f.actor, f.rate_from, f.rate_to, f.amount_usd)
            mirror.products, mirror.entities = list(f.products), list(f.entities)
            out.append(mirror)
            have.add((f.target, f.actor))
    return out


def _sanction(sentence: str, start: int, end: int, inherent: str | None, art: Article) -> list[Found]:
    if _NON_TRADE_SANCTION.search(sentence) and not (
        _TRADE_CONTEXT.search(sentence) or _SANCTION_CONTEXT.search(sentence)
    ):
        return []
    if _ANY.search(sentence, max(0, start - 40), start):
        return []
    if inherent == IN_TRADE_STORY:  # "the ban": a trade measure only in a trade story
        if not (art.trade or art.last_company or _TRADE_CONTEXT.search(sentence)):
            return []
        inherent = None
    w = window_around(sentence, start, end)
    own, conditional = own_clause(w.before)
    local = own + sentence[start:end] + _before_next_act(w.after)
    if _NEGATION.search(local) or (conditional and own is w.before) or sentence.rstrip().endswith("?"):
        return []
    if _DEMAND.search(own) or _DEMAND_TO.search(sentence, 0, start):
        return []  # "senators urged the Commerce Department ... to add SMIC to the entity list"
    verb = inherent or nearest_verb(Window(own, w.after, w.start, w.end), _SANCTION_VERBS)
    # "a bill imposing sanctions", "sanctions legislation", "Congress approved sanctions",
    # "signed into law new sanctions": a bill, or a law no one is designated under yet,
    # is a threat (event-rules 1, the labelling guide's rule 5)
    bill = _LEGISLATION.search(own) or _LEGISLATION_AFTER.match(sentence, end) or _legislature_passed(own)
    if verb is None:
        if _HIT_BY.search(own) or bill:
            verb = "imposed"
        elif _MODAL.search(own):
            verb = "imposed"  # "threatened sanctions", "is considering sanctions"
        else:
            return []
    modal = bool(
        conditional or _MODAL.search(own) or _MODAL.search(w.after[:40]) or bill or _WOULD.search(own)
    )
    if verb == "imposed" and modal:
        # decided sanctions for later ("will impose sanctions on June 30") are imposed
        # (the labelling guide's rule 9); a threat, plan, condition or bill is not
        action = "threatened"
    elif verb == "lifted" and modal and not _FUTURE.search(local):
        return []
    else:
        action = verb
    if speculation(action, local, sentence, start, end) or not_in_office(sentence, start):
        return []

    g = gazetteer()
    span = sentence[start : w.end]  # the trigger and its object
    companies = actor_codes(head_matches(g.companies.find(span), span)) or actor_codes(
        head_matches(g.companies.find(local), local)
    )
    if not companies:
        companies = named_companies(sentence[w.start : w.end], start - w.start)
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

    # "restrictions on Chinese investment in the United States": the host restricts
    # the investors named in the measure ("a ban on investment in North Korea"
    # names none: there the country invested in is the target)
    hosts = actor_codes(
        [
            m
            for m in named_after
            if _INVESTMENT_HOST.search(sentence, max(0, start + m.start - 30), start + m.start)
        ]
    )
    if not any(m.end <= end - start and m.value not in hosts for m in named_after):
        hosts = []
    named_after = [m for m in named_after if m.value not in hosts]

    def within(lo: int, hi: int) -> list[str]:
        return actor_codes([m for m in named_after if lo - start <= m.start and m.end <= hi - start])

    object_after = within(prep.start(), w.end) if prep else []  # "on ...", "to China"
    candidates = [
        actor_codes(art.actors(sentence, listing.start(1), listing.end(1))) if listing else [],
        within(end, prep.start() if prep else w.end),  # "sanctioned five Venezuelan officials"
        object_after,
        within(start, end),
        actor_codes(named_after),
    ]
    if listing:
        subject_end = listing.start()
        companies = actor_codes(g.companies.find(listing.group(1))) or companies
    # "the licences that allowed Intel and Qualcomm to sell chips to Huawei": the
    # exporters are the actor's own companies; the measure hits the buyer
    exporters = {
        m.value for m in g.companies.find(span) if _EXPORTER.match(span, m.end) and m.value in companies
    }
    if exporters and len(exporters) < len(companies):
        companies = [c for c in companies if c not in exporters]
    homes = {g.company_home.get(c) for c in companies}
    before = [
        m
        for m in art.actors(sentence, w.start, subject_end)
        if m.value not in companies and not _AFTER_PREPOSITION.search(sentence, 0, w.start + m.start)
    ]
    progressive = sentence[start:end].split()[0].lower().endswith("ing")  # "China is banning imports"
    if _PASSIVE.search(own) and before and not listing and not progressive:
        # "Seven Russian banks were cut off from SWIFT, the EU said": the subject is hit
        subjects = actor_codes(before)
        candidates.insert(0, subjects)
        before = [m for m in art.actors(sentence, end) if m.value not in subjects]
    # "U.N. and U.S. sanctions": who takes them; "Russia sanctions": who is hit
    named_before = [m for m in art.actors(sentence, w.start, start) if m.value not in companies]
    noun = inherent is None  # "U.S. sanctions": a name can modify the measure's noun, not a verb
    modifying, takes = (
        modifiers(named_before, sentence[w.start : start]) if noun and not listing else ([], False)
    )
    if modifying and not takes:
        candidates.insert(len(candidates) - 1, modifying)
        before = [m for m in before if m.value not in modifying]
    elif modifying:  # "Turkey is reeling from U.S. sanctions": the country named before is hit
        candidates.append(actor_codes([m for m in named_before if m.value not in modifying]))
    object_countries = next((c for c in candidates if c), [])
    # the sanctioning side: named before the measure, and not the home of the company it hits
    # (unless that company is the restricted exporter: "stop Nvidia from selling chips to China")
    actors = coordinated_actors(
        [m for m in before if m.value not in homes], sentence[w.start : start], start - w.start
    )
    if modifying and takes:
        actors = [a for a in modifying if a not in homes] or actors
    agent = _agent(art, sentence, end, w.end)  # "sanctions imposed by the United Nations"
    if agent is not None:
        actors = [agent]
    if not actors and hosts:
        actors = hosts
    if not actors and before and object_countries:
        actors = [before[0].value]
        companies = [c for c in companies if g.company_home.get(c) != actors[0]]
    # "criticized the imposition of Western sanctions against Russia": what the
    # measure is against is not who takes it, though named before it too
    against = object_after if prep and _AGAINST.match(sentence, prep.start()) else []
    if against and set(actors) & set(against):
        actors = [a for a in actors if a not in against]
        if not actors:
            counterpart = art.counterpart(against[0])
            actors = [counterpart] if counterpart else []
    hit = next(
        ([c for c in cand if c not in actors] for cand in candidates if any(c not in actors for c in cand)),
        [],
    )
    several = len(hit) > 1 and listed(
        [m for m in named_after if m.start >= end - start], sentence[start : w.end]
    )
    named: list[str] = companies or (hit if several else hit[:1])
    targets: list[str | None] = [*named] if named else [None]
    if not actors:
        home = g.company_home.get(targets[0] or "", targets[0])
        counterpart = art.counterpart(home)
        others = [m.value for m in art.actors(sentence) if m.value not in (home, *companies)]
        if home in SANCTIONERS and home in within(end, w.end) and home not in object_after and not companies:
            # a sanctioning power named where no object stands: "sanctions will be
            # implemented through the Treasury Department on ... Russian individuals"
            actors = [home]
            targets = [next((c for c in object_after if c != home), None) or counterpart]
        elif counterpart:
            actors = [counterpart]
        else:
            # no one named takes it: a sanctioning power the sentence names, or the
            # one the story names most, before any other country ("The sanctions
            # target ships that help Pyongyang" in a story of US sanctions: the
            # US's, not North Korea's)
            powers = [c for c in others if c in SANCTIONERS] or [c for c in art.top[:1] if c in SANCTIONERS]
            actors = powers[:1] or others[:1]
    if not actors:
        return []
    products = actor_codes(g.products.find(w.after))
    # "a ban on coal and other exports worth more than $1 billion": the goods it covers
    amount = amount_in(w.after) or _amount_beyond(sentence, w.end)
    found = []
    for actor in actors:
        for target in targets[:8]:
            if actor == target:
                continue
            found.append(
                Found(
                    "sanction",
                    action,
                    actor,
                    target,
                    amount_usd=amount,
                    products=products,
                    entities=[c for c in companies if c != target],
                )
            )
    return found


def _talks(sentence: str, at: int, art: Article) -> list[Found]:
    """Talks named by the trigger at ``at`` (the last one in the sentence)."""
    if not is_trade_talk(sentence, art):
        return []
    negation = _NEGATION.search(sentence)
    if negation and not _TALKS_ACTIONS[0][1].search(sentence):
        return []
    named = art.actors(sentence)
    if len({m.value for m in named}) > 2:  # "met in Argentina": a venue, not a party
        named = [m for m in named if not _VENUE.search(sentence, max(0, m.start - 20), m.start)]
    near = sorted(named, key=lambda m: min(abs(m.start - at), abs(m.end - at)))
    codes = actor_codes(near)
    if not codes and not art.trade:
        return []
    actor, target = two_parties(codes, art)
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
    return [Found("trade_talks", action, actor, target) for action in actions]


def _deal(sentence: str, live: set[Trigger], art: Article) -> list[Found]:
    m = _DEAL.search(sentence, live)
    if m is None and _BARE_DEAL in live and _TRADE_CONTEXT.search(sentence):
        m = _BARE_DEAL.search(sentence, live)  # "struck a deal under which goods will face a 19% tariff"
    if not m or _MODAL.search(sentence[: m.start()]) or _NEGATION.search(sentence):
        return []
    named = art.actors(sentence)
    pairs: list[tuple[str | None, str | None]] = [*hub_pairs(named, sentence, art)]
    pairs = pairs or [two_parties(actor_codes(named), art)]
    if pairs[0][0] is None:
        return []
    return [Found("trade_deal", "agreed", a, b, at=m.start()) for a, b in pairs]


def _sentence_events(sentence: str, art: Article) -> list[Found]:
    found: list[Found] = []
    live = live_triggers(sentence, art.stems)
    if not live or sentence.rstrip().endswith("?"):
        return found
    # "preferential tariff treatment": the tariff word of a duty-free status is its reader's
    status = _PREFERENCES.search(sentence, live)
    tariff_triggers = [
        t
        for t in _TARIFF.finditer(sentence, live)
        if not (status and status.start() <= t.start() < status.end())
    ]
    previous: tuple[int, list[Found]] = (0, [])
    for m in tariff_triggers:
        got = _tariff(sentence, m.start(), m.end(), art) or _joined_measure(
            sentence, m.start(), m.end(), *previous
        )
        if not got:
            _rate_phrase(sentence, m.start(), m.end(), previous[1])
        found.extend(_at(got, m.start()))
        previous = (m.end(), got)
    taken: list[tuple[int, int]] = []
    # "countermeasures to impose additional tariffs": a measure named in general
    # is taken for the tariffs its sentence names by the same actor (one event,
    # rule 3), whichever tariffs of that actor they are
    tariff_actors = {f.actor for f in found}
    for trigger, inherent in SANCTION_TRIGGERS:
        for m in trigger.finditer(sentence, live):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            got = _sanction(sentence, m.start(), m.end(), inherent, art)
            if _GENERIC_MEASURE.search(sentence, m.start(), m.end()):
                got = [f for f in got if f.actor not in tariff_actors]
            found.extend(_at(got, m.start()))
    talk_triggers = [m for m in _TALKS.finditer(sentence, live) if not _SOURCE.match(sentence, m.start())]
    if talk_triggers:
        found.extend(_at(_talks(sentence, talk_triggers[-1].start(), art), talk_triggers[-1].start()))
    found.extend(_deal(sentence, live, art))
    if not tariff_triggers:  # else the tariff trigger speaks for itself
        found.extend(_deadline(sentence, live, art))
    found.extend(_exemption(sentence, live, bool(tariff_triggers), art))
    found.extend(_investigation(sentence, live, art))
    found.extend(_preferences(sentence, live, art))
    return join_same_sentence(found)


def _exemption(sentence: str, live: set[Trigger], tariffs: bool, art: Article) -> list[Found]:
    """``exempt Canada and Mexico from the tariffs``, ``temporary exemptions for
    the EU``, ``Canada has been exempted``, ``offer Mexico a 30-day exemption``:
    in a sentence or story about tariffs, a tariff relief (``reduced``) for each
    country exempted, by the country whose tariffs they are (named in the
    sentence and not exempted, else the story's)."""
    m = _EXEMPTION.search(sentence, live)
    if m is None or not (tariffs or "tariff" in art.stems) or _NEGATION.search(sentence):
        return []
    near = sentence[max(0, m.start() - 60) : m.end() + 20]
    if _NOT_EXEMPTION.search(near) or _DEMAND.search(sentence, max(0, m.start() - 60), m.start()):
        return []  # the sanctions', asked for, or ended
    w = window_around(sentence, m.start(), m.end())
    names = art.actors(sentence)  # read once; each part below is a slice of it
    # the list after it runs past the window's cuts ("Canada, the EU, and South Korea")
    hi = min(len(sentence), m.end() + 200)
    after_names = [a for a in names if a.start >= m.end() and a.end <= hi]
    listed_after = _first_run(after_names, sentence)
    after = actor_codes(listed_after) if listed_after and listed_after[0].start - m.end() <= 60 else []
    run = _first_run([a for a in names if a.start >= w.start and a.end <= m.start()][::-1], sentence)
    before = actor_codes(run)
    # "Canada has been exempted", "the EU would get exemptions", "offer Mexico a 30-day exemption"
    subject = _EXEMPTED_SUBJECT.search(sentence, max(0, m.start() - 60), m.end() + 40) or (
        run and _DATIVE.search(sentence, max(0, run[-1].start - 30), run[-1].start)
    )
    exempted = before if before and subject else after
    exempted = [c for c in exempted if not _owner_of_tariffs(sentence, after_names, c, m.end())]
    # whose tariffs: the nearest country named before the exemption, else after it
    named = [a.value for a in names if a.end <= m.start()][::-1]
    named += [a.value for a in names if a.start >= m.end()]
    actor = next((c for c in named if c not in exempted), None) or next(
        (c for c in art.top if c not in exempted), None
    )
    if actor is None:
        return []
    targets: list[str | None] = [*exempted] if exempted else [None]  # "tariff waivers" for companies
    return [Found("tariff", "reduced", actor, c, at=m.start()) for c in targets]


def _investigation(sentence: str, live: set[Trigger], art: Article) -> list[Found]:
    """``launched a Section 301 investigation into China's ...``, ``a probe into
    U.S. imports of sorghum``: a trade investigation is a tariff threatened (the
    evaluation rules' rule 2), by the country named before it, on the one it
    is into."""
    m = _INVESTIGATION.search(sentence, live)
    if m is None or _NEGATION.search(sentence) or sentence.rstrip().endswith("?"):
        return []
    w = window_around(sentence, m.start(), m.end())
    if not _TRADE_INVESTIGATION.search(sentence, w.start, w.end):
        return []
    before = [a.value for a in art.actors(sentence, w.start, m.start())]
    target = None
    for a in art.actors(sentence, m.end(), w.end):
        if _INVESTIGATED.search(sentence, max(m.end(), m.end() + a.start - 30), m.end() + a.start) or (
            _FROM_THE.search(sentence, max(m.end(), m.end() + a.start - 12), m.end() + a.start)
        ):
            target = a.value
            break
    actor = next((c for c in before[::-1] if c != target), None) or next(
        (c for c in art.top if c != target), None
    )
    if actor is None:
        return []
    return [Found("tariff", "threatened", actor, target, at=m.start())]


def _preferences(sentence: str, live: set[Trigger], art: Article) -> list[Found]:
    """``ended India's preferential trade status``, ``will remove Turkey from the
    Generalized System of Preferences``, ``Rwanda lost its duty-free access``:
    the end of a duty-free status is a tariff imposed (the evaluation rules'
    rule 2), by the country that grants it on the one that held it; a status
    restored or granted is a tariff reduced. A plan or threat to end it is a
    threat; a restoration to come, or one that failed, no measure yet."""
    m = _PREFERENCES.search(sentence, live)
    if m is None or sentence.rstrip().endswith("?"):
        return []
    w = window_around(sentence, m.start(), m.end())
    own, conditional = own_clause(w.before)
    local = own + sentence[m.start() : m.end()] + w.after
    if _NEGATION.search(local) or _NOT_DONE.search(own) or _DEMAND.search(own):
        return []  # not done, or asked for
    verb = nearest_verb(Window(own, w.after, w.start, w.end), _PREFERENCE_VERBS)
    if verb is None:
        return []
    # the measure's own clause says whether it is done, to come or threatened
    head = own + sentence[m.start() : m.end()]
    threat = conditional or bool(_MODAL.search(head)) or condition_after(sentence, m.end(), w.end)
    future = bool(_FUTURE.search(head))
    if verb == "reduced" and (threat or future):
        return []  # a restoration hoped for or promised is no relief yet
    action = "threatened" if threat else "announced" if verb == "imposed" and future else verb
    before = art.actors(sentence, w.start, m.start())
    after = art.actors(sentence, m.end(), w.end)
    agent = next((a.value for a in after if _BY_THE.search(sentence, m.end(), m.end() + a.start)), None)
    held = [
        a
        for a in before
        if _STATUS_HOLDER.match(sentence, w.start + a.end)
        or (
            _FROM_OR_OF.match(sentence, w.start + a.end)
            and _REMOVED_FROM.search(sentence, max(0, w.start + a.start - 30), w.start + a.start)
        )
    ]
    target: str | None
    if held:
        target = held[-1].value
    elif before and (_LOST.search(own) or agent is not None):
        target = before[0].value  # "India lost its GSP benefits", "Turkey was removed ... by"
    else:
        target = next((a.value for a in after if a.value != agent), None)  # "preferences for Cambodia"
    named = [a.value for a in before if a.value != target][::-1]  # the nearest first
    actor = agent or next(iter(named), None) or next((c for c in art.top if c != target), None)
    if target is None and _ITS.search(sentence, 0, m.start()):
        # "India warned that the U.S. could end its GSP benefits": India's
        target = next((a.value for a in before if a.value != actor), None)
    if actor is None or actor == target:
        return []
    return [Found("tariff", action, actor, target, at=m.start())]


def _first_run(found: list[Match], text: str) -> list[Match]:
    """The names of the first list in ``found`` (in the order given; offsets
    into ``text``):
    names joined by commas, ``and``, ``as well as``; the list ends at any
    other word (``Canada and Mexico as he seeks to revise NAFTA``)."""
    run: list[Match] = []
    for m in found:
        if run and m.value == run[-1].value:
            run[-1] = m  # "the European Union (EU)": the list goes on from its last name
            continue
        if run:
            lo, hi = sorted((run[-1], m), key=lambda x: x.start)
            if not _LIST_GLUE.fullmatch(text[lo.end : hi.start]):
                break
        run.append(m)
    return run


def _owner_of_tariffs(sentence: str, names: list[Match], code: str, lo: int) -> bool:
    """``code`` is named (first, among ``names``, after ``lo``) as the owner of
    the tariffs (``exemptions from U.S. tariffs``), not as one exempted."""
    for m in names:
        if m.value == code:
            tariff = _TARIFF.pattern.search(sentence[m.end : m.end + 40])
            return bool(tariff and _FROM_THE.search(sentence, max(lo, m.start - 12), m.start))
    return False


def _amount_beyond(sentence: str, end: int) -> float | None:
    """The worth of the goods a measure covers, named just past its window:
    ``additional tariffs, which covers Chinese exports worth 50 billion dollars``,
    ``tariffs, covering goods valued at $34 billion``."""
    m = _AMOUNT_PHRASE.search(sentence[end:])
    if m is None:
        return None
    return amount_in(sentence[end + m.end() : end + m.end() + 40])


def _rate_phrase(sentence: str, start: int, end: int, before: list[Found]) -> None:
    """``proposed tariffs on $50 billion of goods, with a suggested tariff rate
    of 25 percent``: a tariff trigger with no reading of its own, in a phrase
    that gives a rate, gives it to the measure read before it, if that one has none."""
    if not _RATE_PHRASE.search(sentence, max(0, start - 40), start):
        return
    rate = _RATE_AFTER.search(sentence[end:])
    if rate is None:
        return
    for f in before:
        if f.type == "tariff" and f.rate_to is None:
            f.rate_to = as_number(rate.group(1))


def _at(found: list[Found], start: int) -> list[Found]:
    for f in found:
        if f.at is None:
            f.at = start
    return found


def _joined_measure(sentence: str, start: int, end: int, after: int, first: list[Found]) -> list[Found]:
    """``a 15% tariff on coal and a 10% levy on crude oil``: a measure joined by
    ``and`` to the one before it (ending at ``after``), with no verb of its own,
    shares that one's action, actor and target and has its own rate and goods."""
    joint = _AND_ANOTHER.search(sentence, after, start)
    if not first or joint is None:
        return []
    head = sentence[joint.end() : start]
    if any(pattern.search(head) for _, pattern in _TARIFF_VERBS):
        return []
    w = window_around(sentence, start, end)
    text = head + sentence[start : w.end]
    rate_from, rate_to = rates_in(text)
    products = actor_codes(gazetteer().products.find(sentence[end : w.end]))
    return [
        Found(f.type, f.action, f.actor, f.target, rate_from, rate_to, amount_in(text), products)
        for f in first
        if f.type == "tariff"
    ]


def _deadline(sentence: str, live: set[Trigger], art: Article) -> list[Found]:
    """``extend the March 1 deadline``: in a trade story with no tariff trigger in
    the sentence, the tariffs that wait on the deadline are delayed."""
    m = _DEADLINE.search(sentence, live)
    if not m or not (art.trade or _TRADE_CONTEXT.search(sentence)) or _NEGATION.search(sentence):
        return []
    named = actor_codes(art.actors(sentence, 0, m.start())) or art.top[:1]
    if not named:
        return []
    return [Found("tariff", "delayed", named[0], art.counterpart(named[0]), at=m.start())]


def found_by_sentence(text: str) -> list[tuple[str, list[Found]]]:
    """Each sentence of ``text`` with what the rules read in it."""
    return read_article(text)[0]


def read_article(text: str) -> tuple[list[tuple[str, list[Found]]], Article]:
    """:func:`found_by_sentence`, and the article's context as the rules saw it."""
    art = Article(text)
    return _read_sentences(text, art), art


def _read_sentences(text: str, art: Article) -> list[tuple[str, list[Found]]]:
    out: list[tuple[str, list[Found]]] = []
    for sentence in split_sentences(text):
        found: list[Found] = []
        offset = 0
        for clause in _CLAUSE_BREAK.split(sentence) if ";" in sentence else (sentence,):
            offset = sentence.find(clause, offset)
            for f in _sentence_events(clause, art):
                f.evidence.append(sentence)
                if f.at is not None:
                    f.at += offset
                found.append(f)
        out.append((sentence, found))
        art.done.append(sentence)
    return out


def mentions_by_sentence(text: str) -> list[tuple[str, list[Mention]]]:
    """Each sentence of ``text`` with the events it states by itself.

    The article is still the context (who ``it`` is, which two countries the
    story is about), but events are not merged across sentences: this is the
    view the evaluation scores.
    """
    return [
        (sentence, [mention_of(f) for f in merge_actions(found)])
        for sentence, found in found_by_sentence(text)
    ]


def rule_mentions(text: str) -> list[Mention]:
    """What the rules alone read in ``text``, one mention per measure (every
    reading kept, none marked a recap)."""
    return merge([f for _, fs in found_by_sentence(plain_text(text)) for f in fs])
