"""Each stage of the rules on its own: candidates, attributes, classification,
roles, merging, and the vocabulary file they read."""

from __future__ import annotations

import blingfire
import pytest

from extractors.exceptions import InvalidRecord
from extractors.gazetteer import gazetteer
from extractors.signals.attributes import amount_in, rates_in
from extractors.signals.candidates import (
    MAX_SENTENCE,
    Article,
    Found,
    live_triggers,
    split_sentences,
    window_around,
)
from extractors.signals.classification import nearest_verb, other_sense
from extractors.signals.cues import Cues, cues
from extractors.signals.merging import event_key, merge
from extractors.signals.roles import head_matches, two_parties
from extractors.signals.rules import rule_mentions


def test_sentences_and_the_triggers_that_may_match_them() -> None:
    assert split_sentences("Washington imposed tariffs. Beijing replied.") == [
        "Washington imposed tariffs.",
        "Beijing replied.",
    ]
    art = Article("The United States imposed tariffs on China. China held talks.")
    assert {t.name for t in live_triggers("The tariffs stay.", art.stems)} == {"tariff"}
    assert live_triggers("Nothing here.", art.stems) == set()


@pytest.mark.parametrize(
    "paragraph",
    [
        "Trump blasts GM for Mexican-made Chevy Cruze",
        "USA TODAY",
        "Tariffs  on   steel, aluminum and “washing machines” rise",
        "Is this a trade war?",
        "U.S. tariffs rise. China answers",
        "Talks resume Monday! Markets rally",
    ],
)
def test_a_paragraph_splits_as_the_sentence_breaker_splits_it(paragraph: str) -> None:
    want = [s for s in blingfire.text_to_sentences(paragraph).split("\n") if s.strip()]
    assert split_sentences(f"Title\n\n {paragraph} \n") == ["Title", *want]


@pytest.mark.parametrize("end", ["", "."])
def test_a_run_with_no_sentence_end_is_read_in_pieces_that_keep_every_word(end: str) -> None:
    # a tariff schedule scraped as one line: read whole, its time grew with its square
    run = " ".join(f"HTS 8471.{i:04d} duty 25%" for i in range(600)) + end
    pieces = split_sentences(f"Title\n{run}")[1:]
    assert len(run) > 3 * MAX_SENTENCE and len(pieces) >= 4
    assert all(len(p) <= MAX_SENTENCE for p in pieces)
    assert " ".join(pieces) == run
    # a word longer than a piece is cut at the limit
    word = "x" * (MAX_SENTENCE + 10)
    assert split_sentences(word) == [word[:MAX_SENTENCE], word[MAX_SENTENCE:]]


def test_the_actors_of_part_of_a_sentence_are_those_its_text_names() -> None:
    """The article looks a sentence up once and cuts parts from it: every cut,
    inside a name ("the European" of "the European Union") or a word too, gives
    what looking the part up by itself gives."""
    sentence = (
        "Tariffs on Canada, Mexico, the European Union and South Korea's steel hurt Chinatown shops,"
        " the US said."
    )
    art, g = Article(sentence), gazetteer()
    for lo in range(0, len(sentence), 3):
        for hi in range(lo, len(sentence) + 1, 4):
            assert art.actors(sentence, lo, hi) == g.actors.find(sentence[lo:hi]), (lo, hi)
    assert [m.value for m in art.actors(sentence)] == ["CA", "MX", "EU", "KR", "US"]


def test_a_window_stops_at_a_subordinate_clause() -> None:
    sentence = "China retaliated because the United States imposed tariffs on steel"
    at = sentence.index("tariffs")
    w = window_around(sentence, at, at + len("tariffs"))
    assert (w.before.strip(), w.after.strip()) == ("the United States imposed", "on steel")


def test_a_serial_comma_in_a_list_of_goods_does_not_end_the_window() -> None:
    sentence = (
        "tariffs on items such as baby formula, diapers, and toilet seats will be reduced to 7.7 percent"
    )
    w = window_around(sentence, 0, len("tariffs"))
    assert "will be reduced" in w.after
    # a comma and "and" after a clause still end it
    clause = "tariffs on steel took effect on Friday, and China said it would retaliate"
    w = window_around(clause, 0, len("tariffs"))
    assert w.after.strip() == "on steel took effect on Friday"


def test_what_a_sanction_is_against_is_not_who_takes_it() -> None:
    text = (
        "Relations between the United States and Russia are at a low.\n"
        "The Russian president also criticized the imposition of Western sanctions against Russia "
        "over its annexation of Crimea."
    )
    # the story's other side takes it
    assert [(m.actor, m.target) for m in rule_mentions(text) if m.type == "sanction"] == [("US", "RU")]
    # named before the measure and not what it is against: the actor still
    plain = rule_mentions("Russia imposed sanctions on Ukraine.")
    assert [(m.actor, m.target) for m in plain] == [("RU", "UA")]


def test_goods_named_before_a_trigger_and_who_is_hit_with_it_are_targets() -> None:
    sentence = (
        "Trump said Friday he is willing to slap tariffs on an additional $267 billion in Chinese goods, "
        "on top of duties of $200 billion in imports he is already considering."
    )
    assert {(m.actor, m.target) for m in rule_mentions(sentence)} == {("US", "CN")}
    hit = "President Trump is considering hitting the Chinese with new tariffs over technology theft."
    assert [(m.actor, m.target) for m in rule_mentions(hit)] == [("US", "CN")]


def test_a_name_after_a_preposition_before_the_sanction_is_not_its_target() -> None:
    show = "Speaking on a weekly TV talk show, Siluanov said the new U.S. sanctions were unpleasant."
    assert [m.target for m in rule_mentions(show)] == [None]
    # a listing verb before the trigger still names it; a preposition after it too
    listed = "The Commerce Department added Fiberhome to the entity list."
    assert [m.target for m in rule_mentions(listed)] == ["Fiberhome"]
    after = "The Treasury imposed sanctions on Rusal."
    assert [m.target for m in rule_mentions(after)] == ["Rusal"]


def test_a_sanction_carries_the_worth_of_the_goods_it_covers() -> None:
    sentence = "The U.S. imposed sanctions on $5 billion of Russian exports."
    assert [(m.actor, m.target, m.amount_usd) for m in rule_mentions(sentence)] == [("US", "RU", 5e9)]


def test_proposing_and_eyeing_tariffs_are_threats() -> None:
    proposing = "China has already hit back by proposing its own tariffs on American goods."
    assert [(m.action, m.actor) for m in rule_mentions(proposing)] == [("threatened", "CN")]
    eyeing = "The US is eyeing additional tariffs on $200 billion in Chinese imports."
    assert [(m.action, m.actor) for m in rule_mentions(eyeing)] == [("threatened", "US")]
    planned = "China countered with its own plan for $50 billion in tariffs on US goods."
    assert [(m.action, m.actor) for m in rule_mentions(planned)] == [("threatened", "CN")]
    as_planned = "The US imposed tariffs on Chinese steel on Friday, as planned."
    assert [(m.action, m.actor) for m in rule_mentions(as_planned)] == [("imposed", "US")]


def test_a_memorandum_directing_tariffs_is_a_threat() -> None:
    sentence = "President Donald Trump signs Presidential Memorandum imposing tariffs on China."
    assert [(m.action, m.actor, m.target) for m in rule_mentions(sentence)] == [("threatened", "US", "CN")]


def test_suspended_tariff_concessions_are_tariffs_raised() -> None:
    sentence = "China suspended tariff concessions on 128 items of U.S. products including pork and fruits."
    assert [(m.action, m.actor, m.target) for m in rule_mentions(sentence)] == [("imposed", "CN", "US")]
    # a suspended tariff is still a delay
    delay = rule_mentions("China suspended tariffs on U.S. cars for three months.")
    assert [(m.action, m.actor) for m in delay] == [("delayed", "CN")]


def test_a_rate_phrase_gives_its_rate_to_the_measure_before_it() -> None:
    sentence = (
        "The U.S. administration on Tuesday proposed a list of products to be subject to additional "
        "tariffs, covering Chinese exports worth 50 billion U.S. dollars with a suggested "
        "tariff rate of 25 percent."
    )
    assert [(m.action, m.actor, m.rate_to) for m in rule_mentions(sentence)] == [("threatened", "US", 25.0)]
    # a measure with its own rate keeps it
    own = "The US imposed 10 percent tariffs on Chinese goods, well below a tariff rate of 25 percent."
    assert [m.rate_to for m in rule_mentions(own)] == [10.0]


def test_the_goods_a_measure_covers_are_its_amount_past_its_window() -> None:
    sentence = (
        "The U.S. administration announced a proposed list of products subject to additional tariffs, "
        "which covers Chinese exports worth 50 billion dollars."
    )
    assert [(m.actor, m.amount_usd) for m in rule_mentions(sentence)] == [("US", 50e9)]
    # an amount past the window that is not what the measure covers is not its
    other = "The US imposed tariffs on Chinese steel, which cost farmers 5 billion dollars."
    assert [m.amount_usd for m in rule_mentions(other)] == [None]


@pytest.mark.parametrize(
    ("text", "rates", "amount"),
    [
        ("raised tariffs from 10% to 25% on $200 billion of goods", (10.0, 25.0), 200e9),
        ("duties of up to 25 percent on $34bn", (None, 25.0), 34e9),
        ("a 100 pct levy on 300 mln dlrs of imports", (None, 100.0), 300e6),
        ("tariffs on up to 60 billion U.S. dollars of imports", (None, None), 60e9),
        ("goods worth 34 billion US dollars", (None, None), 34e9),
        # a range of rates is its highest (the labelling guide's rule 2), not a change from one to the other
        ("tariffs ranging from 5% to 25%", (None, 25.0), None),
        ("retaliatory tariffs of between 15 percent and 25 percent", (None, 25.0), None),
        ("most-favored nation tariffs varying from 3 percent to 6 percent", (None, 6.0), None),
        ("no numbers at all", (None, None), None),
        # the first rate named (the labelling guide's rule 2), not the highest
        ("a 10 percent tariff on aluminum and a 25 percent tariff on steel", (None, 10.0), None),
        ("cut its tariff from about 45 percent in the mid-1980s to only 10 percent", (45.0, 10.0), None),
        ("raised from the current 38.5 percent to 50 percent from August 1", (38.5, 50.0), None),
        ("the 25-percent tariff levied on 135 items will be slashed to 15 percent", (None, 15.0), None),
        # a change by a percentage, or a price's, is no tariff's level
        ("have cut tariffs by 33 percent on average", (None, None), None),
        ("was followed by a 20 percent increase in the price of washing machines", (None, None), None),
        ("reduced tariffs on 1,449 items, with an average fall of 55.9%", (None, None), None),
        ("exports of soybeans, targeted for tariffs, dropped 46.8% in October", (None, None), None),
        ("tariffs that would shave 0.3 percent off GDP, after a 25 percent levy", (None, 25.0), None),
        # a share of the goods a measure covers is no rate either
        ("around 59 percent of products subject to the additional tariffs", (None, None), None),
    ],
)
def test_rates_and_amounts(text: str, rates: tuple[float | None, float | None], amount: float | None) -> None:
    assert rates_in(text) == rates and amount_in(text) == amount


def test_two_rates_of_one_measure_in_one_sentence_are_one_event_with_the_first_rate() -> None:
    sentence = (
        "The US will impose a 25 percent tariff on steel imports and a 10 percent tariff on aluminum imports."
    )
    events = [m for m in rule_mentions(sentence) if m.type == "tariff"]
    assert [(m.actor, m.rate_to) for m in events] == [("US", 25.0)]
    # two amounts are two measures: they stay two events
    two = "The US imposed tariffs on $34 billion of Chinese goods and threatened tariffs on $200 billion."
    assert sorted(m.amount_usd or 0 for m in rule_mentions(two) if m.type == "tariff") == [34e9, 200e9]


def test_the_main_clause_verb_outranks_a_reduced_relative_clause() -> None:
    sentence = "The levies imposed in 2021 will be removed from Friday"
    at = sentence.index("levies")
    w = window_around(sentence, at, at + len("levies"))
    verbs = cues().verbs("tariff")
    assert nearest_verb(w, verbs) == "lifted"


def test_other_senses_of_the_trigger_words() -> None:
    for sentence, word in (
        ("He paid stamp duty on the house", "duty"),
        ("Electricity tariffs rose", "tariffs"),
    ):
        at = sentence.index(word)
        assert other_sense(sentence, at, at + len(word))
    sentence = "The US imposed tariffs on steel"
    assert not other_sense(sentence, sentence.index("tariffs"), sentence.index("tariffs") + 7)


def test_talks_have_two_parties_in_a_fixed_order() -> None:
    art = Article("China and the United States met.")
    assert two_parties(["US", "CN"], art) == ("CN", "US") == two_parties(["CN", "US"], art)


def test_a_possessive_is_not_a_head() -> None:
    from extractors.gazetteer import gazetteer

    text = "Huawei's suppliers and ZTE"
    heads = head_matches(gazetteer().companies.find(text), text)
    assert [m.value for m in heads] == ["ZTE"]


def test_readings_of_one_action_class_join_and_keep_the_action_furthest_along() -> None:
    announced = Found("tariff", "announced", "US", "CN", rate_to=25.0, evidence=["a"])
    imposed = Found("tariff", "imposed", "US", None, evidence=["b"])
    other = Found("tariff", "imposed", "US", "CN", rate_to=10.0, evidence=["c"])  # a rate that conflicts
    [joined, apart] = merge([announced, imposed, other])
    assert (joined.action, joined.target, joined.rate_to, joined.evidence) == (
        "imposed",
        "CN",
        25.0,
        ("a", "b"),
    )
    assert apart.rate_to == 10.0
    assert joined.key == event_key("tariff", "imposed", "US", "CN", None, 25.0, None)


def test_the_targets_of_a_list_share_the_rate_said_of_the_measure() -> None:
    listed = "tariffs on the EU, Canada and Mexico"
    found = [
        Found("tariff", "imposed", "US", "EU", evidence=[listed]),
        Found("tariff", "imposed", "US", "CA", evidence=[listed]),
        Found("tariff", "imposed", "US", None, rate_to=25.0, evidence=["25% on steel"]),
        Found("tariff", "imposed", "US", "MX", evidence=[listed]),
        Found("tariff", "imposed", "CN", "US", evidence=["China hit back"]),  # another measure
    ]
    assert [(m.target, m.rate_to) for m in merge(found)] == [
        ("EU", 25.0),
        ("CA", 25.0),
        ("MX", 25.0),
        ("US", None),
    ]


def test_a_target_of_a_list_does_not_join_a_measure_named_with_no_target() -> None:
    listed = "tariffs on steel from Canada and Mexico"
    found = [
        Found("tariff", "imposed", "US", None, products=["technology goods"], evidence=["tariff hikes"]),
        Found("tariff", "imposed", "US", "CA", products=["steel"], evidence=[listed], listed=True),
        Found("tariff", "imposed", "US", "MX", products=["steel"], evidence=[listed], listed=True),
    ]
    assert [(m.target, m.evidence) for m in merge(found)] == [
        (None, ("tariff hikes",)),
        ("CA", (listed,)),
        ("MX", (listed,)),
    ]


def test_the_vocabulary_is_data_and_a_missing_name_is_a_clear_error() -> None:
    assert cues().trigger("tariff").stems >= {"tariff"}
    assert any(action == "in-trade-story" for _, action in cues().sanction_triggers())
    with pytest.raises(InvalidRecord, match="no \\[cue\\] nonesuch"):
        Cues({"cue": {}}).cue("nonesuch")


def test_an_institution_is_the_country_named_before_it_and_not_what_a_measure_hits() -> None:
    art = Article("China hit back. Beijing said China would answer. The United States waited.")
    clause = "Tariffs on U.S. goods will rise to 25 percent, the Finance Ministry said."
    # the goods are American; the ministry is China's, the country the article names most
    assert [m.value for m in art.actors(clause)] == ["US", "CN"]
    clause = "Canada said tariffs on U.S. steel will rise, the Finance Ministry said."
    assert [m.value for m in art.actors(clause)] == ["CA", "US", "CA"]


def test_each_reading_knows_where_its_trigger_is_and_the_models_see_the_words_around_it() -> None:
    from extractors.signals.features import Candidate, candidate_features
    from extractors.signals.rules import found_by_sentence

    text = (
        "Shares fell on Monday. Officials said China's Commerce Ministry would impose tariffs"
        " on U.S. soybeans; the U.S. sanctions were lifted."
    )
    (_, none), (sentence, found) = found_by_sentence(text)
    assert none == []
    where = {f.type: f.at for f in found}
    assert sentence[where["tariff"] :].startswith("tariffs")
    assert sentence[where["sanction"] :].startswith("sanctions")  # after the clause break
    tariff = next(f for f in found if f.type == "tariff")
    c = Candidate(
        sentence,
        1,
        tariff.type,
        tariff.action,
        tariff.actor,
        tariff.target,
        None,
        None,
        1,
        True,
        at=tariff.at,
    )
    features = candidate_features(c, published=None, support=1, top_actor=None, sentences=2)
    assert {"trig=tariffs", "l1=impose", "l|w=would", "r|w=soybeans", f"{c.action_class}|l1=impose"} <= set(
        features
    )
    assert "l|w=officials" not in features  # more than six words before the trigger
    assert "trig=tariffs" not in candidate_features(
        Candidate(sentence, 1, "tariff", "threatened", "CN", "US", None, None, 1, True),
        published=None,
        support=1,
        top_actor=None,
        sentences=2,
    )


def test_the_models_see_where_the_actor_stands_and_the_words_around_its_name() -> None:
    from extractors.signals.extraction import readings

    text = (
        "Tariffs imposed by Canada on U.S. steel took effect."
        " The United States imposed tariffs on Chinese goods."
    )
    by_sentence = {r.candidate.index: r for r in readings(text) if r.candidate.type == "tariff"}
    agent, subject = by_sentence[0], by_sentence[1]
    assert agent.candidate.actor == "CA" and subject.candidate.actor == "US"
    assert {"actor_side=after", "actor_before=after/by", "actor_after=after/on"} <= set(agent.features)
    subject_role = {"actor_side=before", "actor_before=before/the", "actor_after=before/imposed"}
    assert subject_role <= set(subject.features)
    cls = subject.candidate.action_class
    assert f"{cls}|actor_before=before/the" in subject.features
    # an actor the sentence does not name (the story's) has no place to show
    story = "China and the United States traded barbs. Tariffs will rise on Monday, officials said."
    unnamed = [r for r in readings(story) if r.candidate.type == "tariff" and not r.candidate.actor_named]
    assert unnamed and all("actor_role=unnamed" in r.features for r in unnamed)
    assert all(not any(f.startswith("actor_side=") for f in r.features) for r in unnamed)
