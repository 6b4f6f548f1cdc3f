"""``tradewatch eval`` (quality against labelled data) and ``tradewatch train``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..settings import Settings
from .common import CHECKOUT, EXIT_BELOW_FLOOR, JsonOption, err, out
from .render import counts_row, news_rows, print_json, print_table, report_figures, share

if TYPE_CHECKING:  # the extractors load only when a command needs them
    from extractors.evaluation import NewsScores

__all__ = ["eval_app", "train"]

eval_app = typer.Typer(help="Measure extraction quality against labelled data.", no_args_is_help=True)


@eval_app.command("sentences")
def eval_sentences(
    sets: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Labelled JSONL files (default: every eval/signals/*.jsonl).", show_default=False
        ),
    ] = None,
    seeds: Annotated[Path, typer.Option(help="Folder of the seed articles.")] = CHECKOUT / "seeds",
    plover: Annotated[
        Path | None,
        typer.Option(
            help="PLOVER_GSR_CAMEO.json (default: plover-gsr/ in TRADEWATCH_CORPORA).", show_default=False
        ),
    ] = None,
    as_json: JsonOption = False,
    errors: Annotated[bool, typer.Option("--errors", help="List every miss and false alarm.")] = False,
    min_precision: Annotated[float, typer.Option(help="Exit 4 below this overall precision.")] = 0.0,
    min_recall: Annotated[float, typer.Option(help="Exit 4 below this overall recall.")] = 0.0,
    min_attributes: Annotated[float, typer.Option(help="Exit 4 below this rate/amount accuracy.")] = 0.0,
) -> None:
    """The rules stage, sentence by sentence: precision, recall and F1 per type and action class."""
    from extractors.evaluation import SignalScores, load_labelled, score_signals
    from extractors.exceptions import InvalidRecord

    files = sets or sorted((CHECKOUT / "eval" / "signals").glob("*.jsonl"))
    if not files:
        err.print(f"[red]error:[/] no labelled sets given and none in {CHECKOUT / 'eval' / 'signals'}")
        raise typer.Exit(2)
    plover = plover or Settings().corpora / "plover-gsr" / "PLOVER_GSR_CAMEO.json"
    try:
        by_set = {f.stem: load_labelled(f, seeds_dir=seeds, plover=plover) for f in files}
    except (OSError, InvalidRecord) as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    total = score_signals(item for items in by_set.values() for item in items)
    per_set = {name: total.sets.get(name, SignalScores()) for name in by_set}  # empty sets too
    if as_json:
        report = total.as_dict() | {"sets": {name: s.as_dict() for name, s in per_set.items()}}
        if errors:
            report["errors"] = total.errors
        print_json(report)
    else:
        print_table(
            f"signals: {total.sentences} sentences, {total.gold_events} labelled events",
            ("type/class", "tp", "fp", "fn", "precision", "recall", "F1"),
            [counts_row(f"{t}/{c}", v) for (t, c), v in sorted(total.by_class.items())]
            + [counts_row(f"all ({name})", v.overall) for name, v in [*per_set.items(), ("total", total)]],
        )
        print_table(
            "attributes of matched events",
            ("attribute", "correct", "of", "accuracy"),
            [
                (name, str(a.correct), str(a.total), f"{a.accuracy:.3f}")
                for name, a in (
                    ("action", total.action),
                    ("target", total.target),
                    ("rates", total.rates),
                    ("amounts", total.amounts),
                )
            ],
        )
        if errors:
            for e in total.errors:
                out.print(f"[bold]{e['id']}[/] {e['text']}", markup=True, highlight=False)
                for kind in ("missing", "spurious", "attributes"):
                    for x in e[kind]:  # type: ignore[attr-defined]
                        out.print(f"    {kind}: {x}", markup=False, highlight=False)
    attributes = min(total.rates.accuracy, total.amounts.accuracy)
    if (
        total.overall.precision < min_precision
        or total.overall.recall < min_recall
        or attributes < min_attributes
    ):
        err.print("[red]below the quality floor[/]")
        raise typer.Exit(EXIT_BELOW_FLOOR)


NEWS_LABELS = CHECKOUT / "eval" / "signals" / "news"


LabelsOption = Annotated[
    Path,
    typer.Option(help="Folder of the article labels (dev-*.jsonl: training; time-*.jsonl: the time split)."),
]


CorpusOption = Annotated[
    Path | None,
    typer.Option(
        help="The trade-news corpus (default: trade-news/ in TRADEWATCH_CORPORA).", show_default=False
    ),
]


def _news(labels: Path, split: str, corpora: Path | None) -> list[Any]:
    from extractors.exceptions import InvalidRecord
    from extractors.signals.training import label_files, load_news

    folder = corpora or Settings().corpora / "trade-news"
    try:
        return load_news(label_files(labels, split), folder)
    except (OSError, InvalidRecord) as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None


def _need_sklearn() -> None:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        err.print("[red]error:[/] training needs scikit-learn: pip install 'tradewatch[train]'")
        raise typer.Exit(2) from None


@eval_app.command("signals")
def eval_signals(
    labels: LabelsOption = NEWS_LABELS,
    corpora: CorpusOption = None,
    folds: Annotated[
        int, typer.Option(min=2, help="Cross-validation folds (by month) over the development set.")
    ] = 5,
    partitions: Annotated[
        int,
        typer.Option(
            min=1,
            max=6,  # a block of as many months as a fold would hold would leave nothing to train on
            help="Partitions of the months into folds (blocks of 1, 2, 3... months); each "
            "article is scored once in each, and the figures are their sum.",
        ),
    ] = 3,
    as_json: JsonOption = False,
    errors: Annotated[
        bool, typer.Option("--errors", help="List the misses and false alarms of the development folds.")
    ] = False,
    min_precision: Annotated[
        float, typer.Option(help="Exit 4 below this event precision, on any of the sets.")
    ] = 0.0,
    min_recall: Annotated[
        float, typer.Option(help="Exit 4 below this event recall, on any of the sets.")
    ] = 0.0,
    rules_only: Annotated[
        bool, typer.Option("--rules-only", help="Score the rules alone, every reading kept (the baseline).")
    ] = False,
    min_alert_precision: Annotated[
        float, typer.Option(help="Exit 4 below this alert precision, on any of the sets.")
    ] = 0.0,
) -> None:
    """The extractor on whole labelled articles: cross-validated on the
    development set (folds by month, summed over ``--partitions`` partitions of
    the months into folds), across its years (trained on 2017, run on 2018, and
    the other way), and the shipped model on the time split.

    Events pair by type, action class and actor (talks and deals: both
    parties); "news only" leaves out what the labels and the extractor call a
    recap; alert precision is the share of predicted new tariff and sanction
    events that are a labelled news event. Needs scikit-learn (the ``train``
    extra) for the cross-validation."""
    from extractors.evaluation import ALERT_LEVELS, Agreement
    from extractors.signals.model import default_model
    from extractors.signals.training import across_years, cross_validate, score

    dev = _news(labels, "dev", corpora)
    held = _news(labels, "time", corpora)
    if rules_only:
        results = {"development (rules)": score(dev, None), "time split (rules)": score(held, None)}
    else:
        _need_sklearn()
        results = {
            "cross-validated": cross_validate(dev, folds, partitions),
            "across years": across_years(dev),
            "time split": score(held, default_model()),
        }
    if as_json:
        report: dict[str, Any] = {name: r.as_dict() for name, r in results.items()}
        if "cross-validated" in report:  # its counts are summed over the partitions
            pooled = report["cross-validated"]
            pooled["partitions"] = partitions
            pooled.update(_once_each(results["cross-validated"], partitions))
        if errors:
            report["errors"] = _once_per_article(next(iter(results.values())).errors)
        print_json(report)
    else:
        for name, r in results.items():
            times = partitions if name == "cross-validated" else 1
            once = _once_each(r, times)
            summed = f", each scored in {times} partitions into folds (counts are their sum)"
            print_table(
                f"signals, {name}: {once['articles']} articles, "
                f"{once['gold_events']} labelled events ({once['gold_news']} news)"
                + (summed if times > 1 else ""),
                ("type/class", "tp", "fp", "fn", "precision", "recall", "F1"),
                news_rows(name, r),
            )
        print_table(
            "alerts and attributes",
            ("measure", *results),
            [
                (
                    label,
                    *(share(getattr(r, attr)) for r in results.values()),
                )
                for label, attr in (
                    ("alert precision", "alerts"),
                    ("news or recap", "background"),
                    ("target", "target"),
                    ("rates exact", "rates"),
                    ("amounts exact", "amounts"),
                )
            ],
        )
        if not rules_only:  # the rules alone are sure of everything: every level the same
            print_table(
                "alert precision for a route asking min_confidence (fewer alerts, more of them right)",
                ("min_confidence", *results),
                [
                    (f"{at:.1f}", *(share(r.alert_levels.get(at, Agreement())) for r in results.values()))
                    for at in ALERT_LEVELS
                ],
            )
        if errors:
            for e in _once_per_article(next(iter(results.values())).errors):
                out.print(f"[bold]{e['article']}[/]", markup=True, highlight=False)
                for kind in ("missing", "spurious", "recap"):
                    for x in e[kind]:  # type: ignore[attr-defined]
                        out.print(f"    {kind}: {x}", markup=False, highlight=False)
    below = any(
        r.events.precision < min_precision
        or r.events.recall < min_recall
        or r.alerts.accuracy < min_alert_precision
        for r in results.values()
    )
    if below:
        err.print("[red]below the quality floor[/]")
        raise typer.Exit(EXIT_BELOW_FLOOR)


def _once_each(r: NewsScores, times: int) -> dict[str, int]:
    """The articles and labelled events of scores summed over ``times``
    partitions, each counted once."""
    return {
        "articles": r.articles // times,
        "gold_events": r.gold_events // times,
        "gold_news": r.gold_news // times,
    }


def _once_per_article(errors: list[dict[str, object]]) -> list[dict[str, object]]:
    """Each article's errors once (those of the first partition in which it
    had any): cross-validation scores it once per partition."""
    seen: set[object] = set()
    out = []
    for e in errors:
        if e["article"] not in seen:
            seen.add(e["article"])
            out.append(e)
    return out


def train(
    labels: LabelsOption = NEWS_LABELS,
    corpora: CorpusOption = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Where to write the model (default: the package's own).", show_default=False
        ),
    ] = None,
) -> None:
    r"""Retrain the signal models from the labelled development articles.

    Deterministic: the same labels and corpus give the same file. Needs
    scikit-learn (``pip install 'tradewatch\[train]'``)."""  # \[: not rich markup
    from extractors.signals.model import MODEL_FILE
    from extractors.signals.training import fit

    _need_sklearn()
    import extractors

    dev = _news(labels, "dev", corpora)
    model = fit(dev)
    target = out_file or Path(extractors.__file__).parent / "data" / MODEL_FILE
    target.write_text(model.as_json(), "utf-8")
    t = model.trained_on
    err.print(
        f"trained on {t['articles']} articles ({t['readings']} readings, {t['events']} events, "
        f"{t['recaps']} recaps): {len(model.event.weights)} + {len(model.recap.weights)} weights -> {target}"
    )


@eval_app.command("agreement")
def eval_agreement(
    first: Annotated[list[Path], typer.Option(help="The first reader's label files (the reference).")],
    second: Annotated[list[Path], typer.Option(help="The second reader's label files.")],
    as_json: JsonOption = False,
) -> None:
    """Agreement between two readers of the article-level labels, per field."""
    from extractors.agreement import agreement, load_article_labels
    from extractors.exceptions import InvalidRecord

    try:
        result = agreement(load_article_labels(first), load_article_labels(second))
    except (OSError, InvalidRecord) as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    report = result.as_dict()
    if as_json:
        print_json(report)
        return
    events = report["events"]
    print_table(
        f"agreement over {report['articles']} articles",
        ("measure", "value"),
        [(f"events {k}", str(v)) for k, v in events.items()]
        + [(f"{name} (paired events)", f"{v:.3f}") for name, v in report["fields"].items()],
    )


@eval_app.command("stories")
def eval_stories(
    corpus: Annotated[
        Path | None,
        typer.Argument(
            help="JSONL of articles with a gold `cluster` (default: ecbplus-dev/ in TRADEWATCH_CORPORA).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    min_f1: Annotated[float, typer.Option(help="Exit 4 below this B-cubed F1.")] = 0.0,
) -> None:
    """B-cubed precision, recall and F1 of online story clustering."""
    from extractors.evaluation import score_stories
    from extractors.exceptions import InvalidRecord

    try:
        result = score_stories(corpus or Settings().corpora / "ecbplus-dev" / "stories.jsonl")
    except (OSError, InvalidRecord) as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    s = result.scores
    report = {
        "articles": s.items,
        "stories": result.stories,
        "precision": round(s.precision, 4),
        "recall": round(s.recall, 4),
        "f1": round(s.f1, 4),
        "candidates_per_article": round(result.candidates_per_article, 2),
    }
    report_figures("stories (B-cubed)", report, as_json, s.f1 < min_f1)


@eval_app.command("pages")
def eval_pages(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="A folder with pages/*.html and truth.jsonl (default: fundus-pages/ in TRADEWATCH_CORPORA).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    min_f1: Annotated[float, typer.Option(help="Exit 4 below this word-4-gram F1.")] = 0.0,
) -> None:
    """Main-text quality of the fetch-and-extract path (pages served on loopback)."""
    from extractors.evaluation import score_pages
    from extractors.exceptions import InvalidRecord

    try:
        result = score_pages(folder or Settings().corpora / "fundus-pages")
    except (OSError, InvalidRecord, json.JSONDecodeError) as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    report = {
        "pages": result.ours.pages,
        "precision": round(result.ours.precision, 4),
        "recall": round(result.ours.recall, 4),
        "f1": round(result.ours.f1, 4),
        "trafilatura_f1": round(result.trafilatura.f1, 4),
        "failed": result.failed,
    }
    for f in [] if as_json else result.failed:
        err.print(f"[yellow]failed[/] {f}")
    report_figures("main text (word 4-grams)", report, as_json, result.ours.f1 < min_f1)
