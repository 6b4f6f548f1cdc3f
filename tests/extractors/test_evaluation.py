"""The signal scorer, and the quality floors the extractor must hold on the
labelled sets in eval/signals (see docs/EVALUATION.md)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractors.agreement import ArticleEvent
from extractors.evaluation import GoldEvent, LabelledSentence, NewsScores, load_labelled, score_signals
from extractors.exceptions import InvalidRecord
from extractors.models import Mention
from extractors.signals import extract_mentions
from flows.cli import EXIT_BELOW_FLOOR, app

from .signals.shipped import assert_the_shipped_model

EVAL = Path(__file__).resolve().parents[2] / "eval" / "signals"
DEV_SETS = ("seeds", "plover", "written", "independent")


def _load(name: str, seeds_dir: Path, corpora_dir: Path) -> list[LabelledSentence]:
    plover = corpora_dir / "plover-gsr" / "PLOVER_GSR_CAMEO.json"
    return load_labelled(EVAL / f"{name}.jsonl", seeds_dir=seeds_dir, plover=plover)


def _mention(g: GoldEvent, **changes: object) -> Mention:
    fields = dict(
        type=g.type,
        action=g.action,
        actor=g.actor,
        target=g.target,
        key="k",
        rate_from=g.rate_from,
        rate_to=g.rate_to,
        amount_usd=g.amount_usd,
    )
    fields.update(changes)
    return Mention(**fields)  # type: ignore[arg-type]


def _item(*events: GoldEvent) -> LabelledSentence:
    return LabelledSentence(id="t", set="t", text="t", events=events)


TARIFF = GoldEvent("tariff", "threatened", "US", "CN", 10.0, 25.0, 2e11)
TALKS = GoldEvent("trade_talks", "held", "US", "CN")


def test_a_perfect_extractor_scores_one() -> None:
    s = score_signals([_item(TARIFF, TALKS)], lambda item: [_mention(e) for e in item.events])
    assert (s.overall.precision, s.overall.recall) == (1.0, 1.0)
    assert s.rates.accuracy == s.amounts.accuracy == 1.0
    assert not s.errors


def test_misses_and_false_alarms_are_counted_per_class() -> None:
    s = score_signals([_item(TARIFF), _item()], lambda item: [] if item.events else [_mention(TARIFF)])
    assert (s.overall.tp, s.overall.fp, s.overall.fn) == (0, 1, 1)
    assert s.by_class[("tariff", "threat")].fn == 1
    assert s.by_class[("tariff", "threat")].fp == 1


def test_a_wrong_actor_is_a_miss_and_a_false_alarm() -> None:
    s = score_signals([_item(TARIFF)], lambda item: [_mention(TARIFF, actor="CN", target="US")])
    assert (s.overall.tp, s.overall.fp, s.overall.fn) == (0, 1, 1)


def test_same_action_class_matches_and_attributes_are_checked() -> None:
    wrong_rate = _mention(TARIFF, action="threatened", rate_from=None, rate_to=25.0)
    s = score_signals([_item(TARIFF)], lambda item: [wrong_rate])
    assert s.overall.tp == 1
    assert s.rates.accuracy == 0.0
    assert s.amounts.accuracy == 1.0
    imposed = GoldEvent("tariff", "imposed", "US", "CN")
    s = score_signals([_item(imposed)], lambda item: [_mention(imposed, action="increased")])
    assert s.overall.tp == 1 and s.action.accuracy == 0.0


def test_an_alert_is_right_once_per_labelled_news_event() -> None:
    """A second alert of one labelled event is a duplicate the user reads twice: wrong."""
    gold = ArticleEvent("tariff", "threatened", "US", "CN", None, None, 5e10, False, "t")
    recap = ArticleEvent("sanction", "imposed", "US", "RU", None, None, None, True, "t")
    scores = NewsScores()
    scores.record(
        "a",
        [gold, recap],
        [
            _mention(TARIFF, amount_usd=5e10),
            _mention(TARIFF, amount_usd=1e11),  # the same measure again
            _mention(TARIFF, amount_usd=2e11, alertable=False),  # shown, not alerted
            Mention("sanction", "imposed", "US", "RU", key="r"),  # a recap alerted as news
        ],
    )
    assert (scores.alerts.correct, scores.alerts.total) == (1, 3)


def test_alert_precision_is_also_counted_at_each_least_confidence() -> None:
    """What a route with ``min_confidence`` would get: a duplicate left out at
    a higher level leaves its labelled event to the alert that remains."""
    gold = ArticleEvent("tariff", "threatened", "US", "CN", None, None, 5e10, False, "t")
    scores = NewsScores()
    found = [
        _mention(TARIFF, amount_usd=5e10, confidence=0.65),
        _mention(TARIFF, amount_usd=1e11, confidence=0.95),  # the same measure again
        Mention("sanction", "imposed", "US", "RU", key="r", confidence=0.75),  # no such event
    ]
    scores.record("a", [gold], found)
    got = {k: (v.correct, v.total) for k, v in scores.alert_levels.items()}
    assert got == {0.6: (1, 3), 0.7: (1, 2), 0.8: (1, 1), 0.9: (1, 1)}
    assert (scores.alerts.correct, scores.alerts.total) == (1, 3)


def test_each_labelled_event_is_scored_against_its_nearest_twin() -> None:
    """Two US tariffs of one class (on the EU at 25%, on China at 10%) are both
    twins of each label: each is paired with its own, whatever the order."""
    on_eu = ArticleEvent("tariff", "imposed", "US", "EU", None, 25.0, None, False, "t")
    on_cn = ArticleEvent("tariff", "imposed", "US", "CN", None, 10.0, 2e11, False, "t")
    scores = NewsScores()
    scores.record(
        "a",
        [on_eu, on_cn],
        [
            Mention("tariff", "imposed", "US", "CN", key="c", rate_to=10.0, amount_usd=2e11),
            Mention("tariff", "imposed", "US", "EU", key="e", rate_to=25.0),
        ],
    )
    assert scores.events.tp == 2
    assert (scores.target.correct, scores.rates.correct, scores.amounts.correct) == (2, 2, 1)
    assert (scores.target.total, scores.rates.total, scores.amounts.total) == (2, 2, 1)


def test_talks_parties_are_an_unordered_pair() -> None:
    s = score_signals([_item(TALKS)], lambda item: [_mention(TALKS, actor="CN", target="US")])
    assert s.overall.tp == 1


def test_bad_labels_are_refused_with_their_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps({"id": "x", "text": "t", "events": [{"type": "tariff", "action": "eased"}]}) + "\n"
    )
    with pytest.raises(InvalidRecord, match=r"bad\.jsonl:1"):
        load_labelled(bad)
    bad.write_text('{"id": "x", "text": \n')
    with pytest.raises(InvalidRecord, match=r"bad\.jsonl:1"):
        load_labelled(bad)


def test_a_seed_sentence_must_exist_in_its_article(tmp_path: Path, seeds_dir: Path) -> None:
    article = next(seeds_dir.glob("000_*.txt")).name
    f = tmp_path / "s.jsonl"
    f.write_text(json.dumps({"id": "s", "article": article, "text": "Not in the article.", "events": []}))
    items = load_labelled(f, seeds_dir=seeds_dir)
    with pytest.raises(InvalidRecord, match="not found"):
        score_signals(items)


def test_the_development_set_is_big_enough_and_covers_every_action(
    seeds_dir: Path, corpora_dir: Path
) -> None:
    items = [i for name in DEV_SETS for i in _load(name, seeds_dir, corpora_dir)]
    assert len(items) >= 150
    labelled = {(e.type, e.action) for i in items for e in i.events}
    from extractors.signals import ACTIONS

    assert labelled == {(t, a) for t, actions in ACTIONS.items() for a in actions}


# Floors: the development sets are what the rules were tuned on (independent.jsonl
# was the first held-out set, until its errors were read once); heldout.jsonl was
# written independently and is only measured. Raise these as quality improves.
FLOORS = {
    "dev": dict(precision=0.95, recall=0.92, rates=0.95, amounts=0.95),
    "heldout": dict(precision=0.78, recall=0.60, rates=0.80, amounts=0.90),
}


@pytest.mark.parametrize("which", ["dev", "heldout"])
def test_quality_floor(which: str, seeds_dir: Path, corpora_dir: Path) -> None:
    names = DEV_SETS if which == "dev" else ("heldout",)
    s = score_signals(i for name in names for i in _load(name, seeds_dir, corpora_dir))
    floor = FLOORS[which]
    got = dict(
        precision=s.overall.precision,
        recall=s.overall.recall,
        rates=s.rates.accuracy,
        amounts=s.amounts.accuracy,
    )
    below = {k: round(v, 3) for k, v in got.items() if v < floor[k]}
    assert not below, f"below the floor {floor}: {below}"


def test_no_trade_events_in_real_non_trade_news(corpora_dir: Path) -> None:
    """ECB+ holds 772 real articles on crimes, disasters, sports, courts and
    politics: sanctions by the NCAA, off-duty agents and barred police are not
    trade measures."""
    path = corpora_dir / "ecbplus-dev" / "stories.jsonl"
    alarms = [
        (r["id"], m.type, m.evidence[0][:80])
        for r in map(json.loads, path.read_text("utf-8").splitlines())
        for m in extract_mentions(r["text"])
        if m.type in ("tariff", "sanction")
    ]
    assert len(alarms) <= 2, alarms


def test_eval_command_prints_the_figures_and_holds_a_floor(seeds_dir: Path, corpora_dir: Path) -> None:
    plover = corpora_dir / "plover-gsr" / "PLOVER_GSR_CAMEO.json"
    args = [
        "eval",
        "sentences",
        str(EVAL / "seeds.jsonl"),
        "--seeds",
        str(seeds_dir),
        "--plover",
        str(plover),
    ]
    runner = CliRunner()
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["sentences"] == len(_load("seeds", seeds_dir, corpora_dir))
    assert set(report["by_class"]) >= {
        "tariff/threat",
        "tariff/imposition",
        "sanction/relief",
        "trade_talks/talks",
    }
    assert runner.invoke(app, [*args, "--min-precision", "1.01"]).exit_code == EXIT_BELOW_FLOOR
    missing = runner.invoke(
        app, ["eval", "sentences", str(EVAL / "plover.jsonl"), "--plover", "/nonexistent.json"]
    )
    assert missing.exit_code == 2


def test_eval_signals_scores_whole_articles_cross_validated_across_years_and_on_the_time_split(
    corpora_dir: Path,
) -> None:
    runner = CliRunner()
    args = [
        "eval",
        "signals",
        "--corpora",
        str(corpora_dir / "trade-news"),
        "--folds",
        "3",
        "--partitions",
        "2",
    ]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"cross-validated", "across years", "time split"}
    # each article counted once, its events scored once per partition
    dev = [ln for f in sorted((EVAL / "news").glob("dev-*.jsonl")) for ln in f.read_text().splitlines() if ln]
    pooled = report["cross-validated"]
    assert pooled["partitions"] == 2 and pooled["articles"] == len(dev)
    assert pooled["events"]["tp"] + pooled["events"]["fn"] == 2 * pooled["gold_events"]
    # each development article scored once, by a model trained on the other year
    assert report["across years"]["articles"] == len(dev)
    for r in report.values():
        assert r["articles"] >= 150 and {"events", "news", "alert_precision", "rates", "amounts"} <= set(r)
        # fewer alerts at a higher least confidence
        levels = r["alert_precision_at"]
        assert levels["0.6"]["total"] > levels["0.9"]["total"] > 0
    assert runner.invoke(app, [*args, "--min-alert-precision", "1.01"]).exit_code == EXIT_BELOW_FLOOR
    rules = json.loads(runner.invoke(app, [*args, "--rules-only", "--json"]).stdout)
    assert set(rules) == {"development (rules)", "time split (rules)"}
    # the models keep fewer of the rules' readings, and more of those they keep are right
    assert report["time split"]["events"]["precision"] > rules["time split (rules)"]["events"]["precision"]
    missing = runner.invoke(app, ["eval", "signals", "--corpora", "/nonexistent"])
    assert missing.exit_code == 2 and "trade-news corpus file is missing" in " ".join(missing.output.split())


def test_train_writes_the_model_the_labels_give(corpora_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "model.json"
    result = CliRunner().invoke(
        app, ["train", "--corpora", str(corpora_dir / "trade-news"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert_the_shipped_model(out.read_text("utf-8"))
