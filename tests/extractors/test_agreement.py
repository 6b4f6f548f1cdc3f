"""Agreement between two readers of the article-level labels."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from extractors.agreement import agreement, load_article_labels
from flows.cli import app

NEWS = Path(__file__).resolve().parents[2] / "eval" / "signals" / "news"


def _event(**over: object) -> dict[str, object]:
    event: dict[str, object] = {
        "evidence": "The United States imposed 25% tariffs on $50 billion of Chinese goods.",
        "type": "tariff",
        "action": "imposed",
        "actor": "US",
        "target": "CN",
        "rate_from": None,
        "rate_to": 25,
        "amount_usd": 50e9,
        "products": [],
        "background": False,
    }
    return event | over


def _write(path: Path, articles: dict[str, list[dict[str, object]]]) -> Path:
    path.write_text("".join(json.dumps({"article": a, "events": e}) + "\n" for a, e in articles.items()))
    return path


def test_events_pair_by_class_and_parties_and_fields_are_compared(tmp_path: Path) -> None:
    first = _write(
        tmp_path / "a.jsonl",
        {
            "x": [_event(), _event(type="trade_talks", action="held", actor="CN", target="US")],
            "y": [_event(actor="CA", target="US", action="threatened")],
            "only-first": [_event()],
        },
    )
    second = _write(
        tmp_path / "b.jsonl",
        {
            # announced is the same class as imposed; talks pair in either order
            "x": [
                _event(action="announced", background=True),
                _event(type="trade_talks", action="scheduled"),
            ],
            "y": [_event(actor="MX", target="US", action="threatened")],  # another actor: no pair
        },
    )
    result = agreement(load_article_labels([first]), load_article_labels([second]))
    assert result.articles == 2
    assert (result.events.tp, result.events.fn, result.events.fp) == (2, 1, 1)
    fields = {name: (a.correct, a.total) for name, a in result.fields.items()}
    assert fields["action"] == (0, 2) and fields["background"] == (1, 2) and fields["type"] == (2, 2)


def test_eval_agreement_reads_the_committed_second_reader(tmp_path: Path) -> None:
    runner = CliRunner()
    first = [str(p) for p in sorted(NEWS.glob("dev-*.jsonl"))]
    args = ["eval", "agreement", "--second", str(NEWS / "second-reader.jsonl"), "--json"]
    for path in first:
        args += ["--first", path]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["articles"] == 40 and report["events"]["paired"] > 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"article": "x"}\n')
    assert runner.invoke(app, ["eval", "agreement", "--first", str(bad), "--second", str(bad)]).exit_code == 2
