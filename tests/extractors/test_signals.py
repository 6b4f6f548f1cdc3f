"""Signals on the seeds (the events the foundation issue lists) and on the
sentence kinds whose modality must not be misread."""

import json
from pathlib import Path

import pytest

from extractors.cleaning import clean_text
from extractors.models import Mention
from extractors.signals import ACTIONS, extract_mentions

B = 1e9
EVAL = Path(__file__).parents[2] / "eval" / "signals"


def _seed(seeds_dir: Path, prefix: str) -> list[Mention]:
    path = next(seeds_dir.glob(f"{prefix}_*.txt"))
    return extract_mentions(clean_text(path.read_text()))


def _find(mentions: list[Mention], **want: object) -> Mention:
    for m in mentions:
        if all(getattr(m, k) == v for k, v in want.items()):
            return m
    found = [(m.type, m.action, m.actor, m.target, m.amount_usd, m.rate_to) for m in mentions]
    raise AssertionError(f"no event {want} in {found}")


# (seed, expected attributes): the events the foundation issue names
SEED_EVENTS = [
    ("000", dict(type="sanction", action="imposed", actor="US", target="ZTE")),
    ("000", dict(type="sanction", action="eased", actor="US", target="ZTE")),
    ("000", dict(type="tariff", action="imposed", actor="US", products=("steel", "aluminum"))),
    ("000", dict(type="tariff", action="threatened", actor="US", target="CN", amount_usd=150 * B)),
    ("000", dict(type="tariff", action="threatened", actor="CN", target="US", amount_usd=50 * B)),
    ("001", dict(type="tariff", action="imposed", actor="US", target="CN", rate_to=20.0)),
    ("001", dict(type="tariff", action="threatened", actor="US", target="CN", rate_to=200.0)),
    ("002", dict(type="sanction", action="imposed", actor="US", target="ZTE")),
    ("002", dict(type="sanction", action="eased", actor="US", target="ZTE")),
    ("002", dict(type="tariff", action="imposed", actor="US", target="CN", amount_usd=50 * B)),
    (
        "003",
        dict(
            type="tariff",
            action="threatened",
            actor="US",
            target="CN",
            rate_from=10.0,
            rate_to=25.0,
            amount_usd=200 * B,
        ),
    ),
    ("004", dict(type="tariff", action="threatened", actor="US", target="CN", amount_usd=100 * B)),
    ("004", dict(type="tariff", action="threatened", actor="US", target="CN", amount_usd=50 * B)),
    ("004", dict(type="tariff", action="threatened", actor="CN", target="US", amount_usd=50 * B)),
    ("004", dict(type="tariff", action="imposed", actor="US")),
]


@pytest.mark.parametrize(
    ("seed", "want"), SEED_EVENTS, ids=[f"{s}-{w['type']}-{w['action']}" for s, w in SEED_EVENTS]
)
def test_seed_events(seeds_dir: Path, seed: str, want: dict[str, object]) -> None:
    products = want.pop("products", None)
    m = _find(_seed(seeds_dir, seed), **want)
    assert m.evidence, "every event carries the sentence that states it"
    if products:
        assert set(products) <= set(m.products)


def test_retaliation_list_products(seeds_dir: Path) -> None:
    m = _find(_seed(seeds_dir, "004"), type="tariff", actor="CN", amount_usd=50 * B)
    assert {"soybeans", "small aircraft", "whiskey", "orange juice"} <= set(m.products)
    m = _find(_seed(seeds_dir, "000"), type="tariff", actor="CN", amount_usd=50 * B)
    assert {"soybeans", "small aircraft"} <= set(m.products)


def test_one_event_per_action_however_often_repeated(seeds_dir: Path) -> None:
    mentions = _seed(seeds_dir, "000")
    zte = [m for m in mentions if m.type == "sanction" and m.action == "imposed" and m.target == "ZTE"]
    assert len(zte) == 1
    assert len(zte[0].evidence) >= 2  # "cut off access" and "banned it"
    assert len({m.key for m in mentions}) == len(mentions)


def test_types_and_actions_stay_in_the_contract(seeds_dir: Path) -> None:
    for path in seeds_dir.glob("*.txt"):
        for m in extract_mentions(clean_text(path.read_text())):
            assert m.action in ACTIONS[m.type]


def test_page_furniture_yields_no_event(seeds_dir: Path) -> None:
    raw = (seeds_dir / "002_c956b353fc608161.txt").read_text()
    tail = raw[raw.index("Get unique insights") :]
    assert extract_mentions(tail) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "The United States did not impose tariffs on Chinese steel last year.",
        "Will Washington impose tariffs on $50 billion of Chinese goods?",
        "Huawei told officials the company would sue if sanctioned by the U.S.",
        "Beijing asked China to bring down its tariffs to levels in line with the U.S.",
        "Many in the U.S. oppose dropping the ZTE sanction.",
    ],
)
def test_negation_questions_conditions_and_demands_are_not_events(sentence: str) -> None:
    assert [(m.type, m.action) for m in extract_mentions(sentence) if m.action in ("imposed", "lifted")] == []


@pytest.mark.parametrize(
    ("sentence", "action", "actor", "target"),
    [
        ("The European Union is considering tariffs on American motorcycles.", "threatened", "EU", "US"),
        ("Canada slapped 25 percent tariffs on U.S. steel on Sunday.", "imposed", "CA", "US"),
        ("Washington will lift the 25% tariffs on Mexican steel, officials said.", "lifted", "US", "MX"),
        ("Trump agreed to delay the tariff increase on Chinese goods.", "delayed", "US", "CN"),
        ("Beijing demanded that Washington remove its 20% tariffs on Chinese goods.", "imposed", "US", "CN"),
    ],
)
def test_modality_and_direction(sentence: str, action: str, actor: str, target: str) -> None:
    m = _find(extract_mentions(sentence), type="tariff")
    assert (m.action, m.actor, m.target) == (action, actor, target)


@pytest.mark.parametrize(
    ("text", "amount", "rate"),
    [
        ("The U.S. imposed tariffs on $200bn of Chinese goods.", 200 * B, None),
        ("China imposed tariffs of 100 pct on 300 mln dlrs of U.S. pork.", 300e6, 100.0),
        ("The U.S. imposed an additional 10% tariff on $300 billion worth of Chinese goods.", 300 * B, 10.0),
    ],
)
def test_amounts_and_rates(text: str, amount: float, rate: float | None) -> None:
    m = _find(extract_mentions(text), type="tariff")
    assert m.amount_usd == amount
    assert m.rate_to == rate


def test_every_trigger_match_holds_one_of_its_stems(seeds_dir: Path, shared_dir: Path) -> None:
    """A clause is only searched for a trigger when it holds one of the
    trigger's stems: a stem list that misses a way the pattern matches would
    silently drop those events."""
    from extractors import signals

    stories = (shared_dir / "corpora" / "ecbplus-dev" / "stories.jsonl").read_text("utf-8").splitlines()
    labelled = [
        json.loads(line).get("text", "")
        for path in sorted(EVAL.glob("*.jsonl"))
        for line in path.read_text("utf-8").splitlines()
    ]
    texts = [p.read_text("utf-8") for p in sorted(seeds_dir.iterdir())] + labelled
    texts += [json.loads(line)["text"] for line in stories]
    matched = 0
    for trigger in signals._TRIGGERS:
        for text in texts:
            for m in trigger.pattern.finditer(text):
                matched += 1
                assert any(stem in m.group(0) for stem in trigger.stems), (trigger.pattern, m.group(0))
    assert matched > 500
