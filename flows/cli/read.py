"""The read commands: ``events``, ``stories`` and ``articles``. They import
nothing heavy (no Prefect, trafilatura, apprise or Alembic: a test holds them
to it), so they answer in a fraction of a second."""

from __future__ import annotations

from typing import Annotated

import typer

from extractors.vocabulary import EventType

from .common import DbOption, JsonOption, open_db, settings_for
from .render import money, print_json, print_table, rate

__all__ = ["articles", "events", "stories"]


def events(
    db: DbOption = None,
    as_json: JsonOption = False,
    type_: Annotated[EventType | None, typer.Option("--type", help="Only events of this type.")] = None,
) -> None:
    """Trade-dispute events, each with the articles and sentences that state it."""
    from storage.queries import list_events

    rows = list_events(open_db(settings_for(db), read=True), type_=type_)
    if as_json:
        print_json([{k: v for k, v in r.items() if k != "stories"} for r in rows])
        return
    print_table(
        "events",
        ("id", "type", "action", "actor", "target", "rate", "amount", "products", "sources"),
        (
            (
                str(r["id"]),
                r["type"],
                r["action"],
                r["actor"] or "",
                r["target"] or "",
                rate(r["rate_from"], r["rate_to"]),
                money(r["amount_usd"]),
                ", ".join(r["products"]),
                ", ".join(a["source_id"] for a in r["articles"]),
            )
            for r in rows
        ),
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
