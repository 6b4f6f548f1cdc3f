"""``tradewatch sources``: the feeds and pages to watch."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import DbOption, JsonOption, err, open_db, settings_for
from .render import print_json, print_table

__all__ = ["sources_app"]

sources_app = typer.Typer(help="Feeds and pages to watch.", no_args_is_help=True)


def _interval(text: str) -> Any:
    from extractors.routing import RulesError, parse_duration

    try:
        return parse_duration(text)
    except RulesError:
        err.print(f"[red]error:[/] --every {text!r} is not a duration such as 15m, 1h or 1d")
        raise typer.Exit(2) from None


@sources_app.command("add")
def sources_add(
    url: Annotated[str, typer.Argument(help="An RSS, Atom or JSON Feed URL (or a page, with --page).")],
    name: Annotated[str | None, typer.Option(help="A name for the outlet.")] = None,
    every: Annotated[
        str | None,
        typer.Option(help="Polling interval: 5m, 15m, 1h... (new sources: 15m)", show_default=False),
    ] = None,
    page: Annotated[bool, typer.Option("--page", help="A single page, not a feed.")] = False,
    db: DbOption = None,
) -> None:
    """Watch a feed (or a page). Adding one again changes only what is given."""
    from extractors.urls import hide_credentials, source_url
    from storage.exceptions import NotFoundError
    from storage.sources import add_source, find_source

    try:
        url = source_url(url)
    except ValueError:
        err.print(f"[red]error:[/] not an http(s) URL: {hide_credentials(url)!r}")
        raise typer.Exit(2) from None
    interval = _interval(every) if every else None
    engine = open_db(settings_for(db))
    try:
        find_source(engine, url)
        known = True
    except NotFoundError:
        known = False
    source_id = add_source(engine, url, "page" if page else "feed", name=name, every=interval)
    shown = hide_credentials(url)
    if not known:
        err.print(f"watching source {source_id}: {shown} every {every or '15m'}")
    elif name or every:
        changes = ", ".join(x for x in (name and f"name {name!r}", every and f"every {every}") if x)
        err.print(f"source {source_id} ({shown}) was already watched: now {changes}")
    else:
        err.print(f"source {source_id} ({shown}) was already watched: nothing changed")


@sources_app.command("list")
def sources_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The watched feeds and pages, with their polling state and errors."""
    from extractors.urls import hide_credentials
    from storage.sources import list_sources

    rows = [
        r
        | {
            "url": hide_credentials(r["url"]),
            "last_error": r["last_error"] and hide_credentials(r["last_error"]),
        }
        for r in list_sources(open_db(settings_for(db), read=True))
    ]
    if as_json:
        print_json(rows)
        return
    print_table(
        "sources",
        ("id", "kind", "url", "every", "last poll", "status", "next poll", "errors", "last error"),
        (
            (
                str(r["id"]),
                r["kind"],
                r["url"],
                f"{r['every_seconds']}s",
                r["last_polled_at"] or "",
                r["last_status"] or "",
                r["next_poll_at"] or "",
                str(r["error_count"]),
                r["last_error"] or "",
            )
            for r in rows
        ),
    )


@sources_app.command("remove")
def sources_remove(
    source: Annotated[str, typer.Argument(help="The source's id or URL.")],
    db: DbOption = None,
) -> None:
    """Stop watching a source (its articles stay)."""
    from storage.exceptions import NotFoundError
    from storage.sources import remove_source

    try:
        removed = remove_source(open_db(settings_for(db)), source)
    except NotFoundError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    err.print(f"source {removed} removed")
