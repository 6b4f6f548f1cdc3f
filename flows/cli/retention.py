"""``tradewatch prune``: old article texts, fingerprints and copies removed by
policy (:mod:`storage.retention`); events and their evidence stay."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from .common import DbOption, JsonOption, err, open_db, out, settings_for
from .render import print_json

__all__ = ["prune"]


def prune(
    before: Annotated[
        datetime,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Prune articles published (or, undated, ingested) before this day.",
            show_default=False,
        ),
    ],
    db: DbOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would go.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Remove the texts, fingerprints and copies of articles older than --before,
    and old run and delivery records, keeping every event with its evidence,
    sources and titles. Articles not yet read are kept."""
    from storage.retention import prune as prune_db

    cut = before.replace(tzinfo=UTC)
    if cut > datetime.now(UTC):
        err.print(f"[red]error:[/] --before {before:%Y-%m-%d} is in the future: nothing that new is old")
        raise typer.Exit(2)
    done = prune_db(open_db(settings_for(db), read=True), cut, dry_run=dry_run)
    if as_json:
        print_json({"before": f"{before:%Y-%m-%d}", "dry_run": dry_run, **done.as_json()})
        return
    verb = "would remove" if dry_run else "removed"
    out.print(
        f"{verb}: {done.articles} article texts, {done.copies} copies, {done.bands} index entries, "
        f"{done.runs} run records, {done.deliveries} delivery records (before {before:%Y-%m-%d})",
        highlight=False,
    )
