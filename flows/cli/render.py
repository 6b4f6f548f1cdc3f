"""How commands show what they found: JSON (the documented contract) on
stdout, tables on the terminal, failures on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import typer
from rich.table import Table

from .common import EXIT_BELOW_FLOOR, EXIT_ITEMS_FAILED, err, out

__all__ = [
    "counts_row",
    "money",
    "news_rows",
    "print_json",
    "print_table",
    "rate",
    "report_figures",
    "run_report",
    "share",
]


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


SHORT_COLUMNS = frozenset({"id", "type", "action", "actor", "target", "rate", "amount", "route", "status"})


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    table = Table(title=title)
    for col in columns:
        table.add_column(col, no_wrap=col in SHORT_COLUMNS)
    for row in rows:
        table.add_row(*row)
    out.print(table)


def rate(rate_from: float | None, rate_to: float | None) -> str:
    if rate_from is not None and rate_to is not None:
        return f"{rate_from:g}→{rate_to:g}%"
    return "" if rate_to is None else f"{rate_to:g}%"


def money(amount: float | None) -> str:
    from extractors.messages import money

    return money(amount) if amount else ""


def run_report(title: str, summary: dict[str, Any], as_json: bool) -> None:
    """A run's summary (``replay``, ``run``): JSON or a table, the failures on
    stderr, and exit 3 when items or alerts failed."""
    if as_json:
        print_json(summary)
    else:
        table = Table(title=title, show_header=False)
        for key, value in summary.items():
            if not isinstance(value, list):
                table.add_row(key.replace("_", " "), str(value))
        out.print(table)
        for e in summary["errors"]:
            err.print(f"[yellow]failed[/] {e['source_id']}: {e['error']}")
    for e in summary["alert_errors"]:
        err.print(f"[yellow]alert not delivered[/] {e}")
    if summary["errors"] or summary["alerts_failed"]:
        raise typer.Exit(EXIT_ITEMS_FAILED)


def share(a: Any) -> str:
    return f"{a.accuracy:.3f} ({a.correct}/{a.total})"


def counts_row(label: str, c: Any) -> tuple[str, ...]:
    """A table row of true and false positives, misses, precision, recall and F1."""
    return (label, str(c.tp), str(c.fp), str(c.fn), f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}")


def news_rows(name: str, s: Any) -> list[tuple[str, ...]]:
    return [
        *(counts_row(f"{t}/{c}", v) for (t, c), v in sorted(s.by_class.items())),
        counts_row(f"all events ({name})", s.events),
        counts_row(f"news only ({name})", s.news),
    ]


def report_figures(title: str, report: dict[str, Any], as_json: bool, below: bool) -> None:
    """An evaluation's figures (a table, or JSON), and exit 4 below its floor."""
    if as_json:
        print_json(report)
    else:
        shown = {k: v for k, v in report.items() if not isinstance(v, list)}
        print_table(title, tuple(shown), [tuple(str(v) for v in shown.values())])
    if below:
        err.print("[red]below the quality floor[/]")
        raise typer.Exit(EXIT_BELOW_FLOOR)
