"""The read commands: ``events``, ``stories`` and ``articles``. They import
nothing heavy (no Prefect, trafilatura, apprise or Alembic: a test holds them
to it), so they answer in a fraction of a second."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from extractors.vocabulary import Action, EventType

from .common import DbOption, JsonOption, SinceOption, UntilOption, open_db, settings_for
from .render import print_json, print_table

__all__ = ["articles", "events", "stories"]


def events(
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV (the web's /events.csv).")] = False,
    type_: Annotated[EventType | None, typer.Option("--type", help="Only events of this type.")] = None,
    action: Annotated[Action | None, typer.Option(help="Only events with this action.")] = None,
    actor: Annotated[str | None, typer.Option(help="Only events by this actor (US, CN, EU...).")] = None,
    target: Annotated[str | None, typer.Option(help="Only events on this target.")] = None,
    product: Annotated[str | None, typer.Option(help="Only events on these goods (steel...).")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    q: Annotated[
        str | None, typer.Option("--q", help="Only events whose evidence or article title holds this.")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many, the newest.")] = None,
) -> None:
    """Trade-dispute events, each with the articles and sentences that state it
    (oldest first; filters and --limit as the web view has them)."""
    from storage.search import EventFilter, find_events

    f = EventFilter(
        type=type_,
        action=action,
        actor=actor,
        target=target,
        product=product,
        since=since.date() if since else None,
        until=until.date() if until else None,
        q=q,
    )
    found = find_events(open_db(settings_for(db), read=True), f, limit=limit)
    rows = sorted(found.events, key=lambda r: r["id"])
    if as_json:
        print_json([{k: v for k, v in r.items() if k != "stories"} for r in rows])
        return
    from ..web.exports import event_rows, to_csv  # the web view's rows: date, title, outlets

    shown = event_rows(rows, found.outlets)
    if as_csv:
        sys.stdout.write(to_csv(shown))
        return
    print_table(
        "events",
        ("id", "date", "event", "outlets"),
        ((str(r["id"]), r["date"], r["title"], str(r["outlets"])) for r in shown),
    )


def stories(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Stories: the articles that tell the same news."""
    from storage.queries import list_stories

    rows = list_stories(open_db(settings_for(db), read=True))
    if as_json:
        print_json(rows)
        return
    print_table(
        "stories",
        ("id", "title", "articles"),
        ((str(r["id"]), r["title"] or "", ", ".join(a["source_id"] for a in r["articles"])) for r in rows),
    )


def articles(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Stored articles with their cleaned text."""
    from storage.queries import list_articles

    rows = list_articles(open_db(settings_for(db), read=True))
    if as_json:
        print_json(rows)
        return
    print_table(
        "articles",
        ("source id", "outlet", "title", "published", "story", "words"),
        (
            (
                r["source_id"],
                r["outlet"] or "",
                r["title"] or "",
                r["published"] or "",
                str(r["story_id"] or ""),
                str(len(r["text"].split())),
            )
            for r in rows
        ),
    )
