"""``tradewatch alerts``: the outbox, and sending, retrying and testing alerts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from extractors.vocabulary import AlertStatus

from .common import (
    DbOption,
    JsonOption,
    SinceOption,
    UntilOption,
    alerting,
    err,
    flow_api,
    open_db,
    runtime_for,
    settings_for,
    use_db,
)
from .render import print_json, print_table

__all__ = ["alerts_app"]

alerts_app = typer.Typer(help="The alert outbox.", invoke_without_command=True)


@alerts_app.callback()
def alerts(
    ctx: typer.Context,
    db: DbOption = None,
    as_json: JsonOption = False,
    status: Annotated[AlertStatus | None, typer.Option(help="Only alerts in this state.")] = None,
) -> None:
    """The alert outbox: what was sent, what waits, what failed."""
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is not None:
        return
    from storage.queries import list_alerts

    rows = list_alerts(open_db(settings_for(db), read=True), status=status)
    if as_json:
        print_json(rows)
        return
    print_table(
        "alerts",
        ("id", "event", "route", "status", "attempts", "sent at", "last error"),
        (
            (
                str(r["id"]),
                str(r["event_id"]),
                r["route"],
                r["status"],
                str(r["attempts"]),
                r["sent_at"] or "",
                r["last_error"] or "",
            )
            for r in rows
        ),
    )


@alerts_app.command("retry")
def alerts_retry(
    ctx: typer.Context,
    ids: Annotated[list[int] | None, typer.Argument(help="Alert ids (default: every dead alert).")] = None,
    db: DbOption = None,
) -> None:
    """Requeue dead alerts for the next delivery."""
    from storage.outbox import requeue_dead

    parent_db = (ctx.obj or {}).get("db")
    if db and parent_db and db != parent_db:
        err.print("[red]error:[/] two different --db values given")
        raise typer.Exit(2)
    from storage.exceptions import NotFoundError

    try:
        n = requeue_dead(open_db(settings_for(db or parent_db)), ids or None)
    except NotFoundError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    err.print(f"{n} alert(s) requeued")


@alerts_app.command("send")
def alerts_send(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be sent now; send nothing.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Send the alerts that are due now (the scheduled sweep does the same)."""
    db = db or (ctx.obj or {}).get("db")
    runtime = runtime_for(db)
    engine = use_db(runtime)
    notifier, rules = alerting(runtime)
    if dry_run:
        from storage.outbox import deliver_pending

        report = deliver_pending(engine, notifier, pacing=rules.for_route, dry_run=True)
        rows = [{"channel": c, "title": t} for c, t in report.planned]
        if as_json:
            print_json({"would_send": rows, "held_back": report.deferred})
            return
        print_table("would send", ("channel", "title"), ((r["channel"], r["title"]) for r in rows))
        err.print(f"{report.deferred} alert(s) held back by route pacing")
        return
    with flow_api(runtime.settings) as api:
        from ..deliver import deliver_alerts

        api.ready()
        sent = deliver_alerts()
    if as_json:
        print_json({"alerts_sent": sent})
    else:
        err.print(f"{sent} alert(s) sent")


@alerts_app.command("test")
def alerts_test(
    route: Annotated[str, typer.Argument(help="A route (an apprise tag, or a URL's scheme).")],
) -> None:
    """Send a test message on every channel of a route."""
    import html

    from extractors.messages import Message
    from extractors.routing import route_of

    notifier, _ = alerting(runtime_for(None))
    targets = [c for c in notifier.channels if route_of(c) == route]
    if not targets:
        err.print(f"[red]error:[/] no route {route!r}; configured: {', '.join(notifier.channels)}")
        raise typer.Exit(2)
    message = Message(
        "tradewatch test message",
        f"A test of the route {route!r}: if you read this, its alerts arrive.",
        f"<p>A test of the route <b>{html.escape(route)}</b>: if you read this, its alerts arrive.</p>",
    )
    failed = 0
    for channel in targets:
        try:
            notifier(channel, message)
            err.print(f"{channel}: sent")
        except Exception as exc:  # report every channel, then fail
            failed += 1
            err.print(f"[red]{channel}: {exc}[/]")
    if failed:
        raise typer.Exit(1)


@alerts_app.command("backtest")
def alerts_backtest(
    ctx: typer.Context,
    rules_file: Annotated[
        Path, typer.Option("--rules", exists=True, dir_okay=False, help="A YAML alert rules file to try.")
    ],
    since: SinceOption = None,
    until: UntilOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """What these rules would have sent for the stored events, on the configured
    channels, after each route's pacing: nothing is sent."""
    from extractors.adapters.notify import DeliveryError, channels
    from extractors.backtest import backtest
    from extractors.routing import RulesError, load_rules
    from storage.search import EventFilter, events_to_route

    settings = settings_for(db or (ctx.obj or {}).get("db"))
    try:
        rules = load_rules(rules_file)
        configured = channels(settings.apprise_urls, settings.apprise_config)
    except (RulesError, DeliveryError) as exc:
        err.print(f"[red]error:[/] alert configuration: {exc}")
        raise typer.Exit(2) from None
    window = EventFilter(since=since.date() if since else None, until=until.date() if until else None)
    events = events_to_route(open_db(settings, read=True), window)
    result = backtest(events, rules, list(configured))
    if as_json:
        print_json(result.as_dict())
        return
    print_table(
        f"backtest: {len(result.alerted)} of {result.considered} events would alert",
        ("channel", "alerts", "messages", "busiest day"),
        (
            (
                c.channel,
                str(len(c.events)),
                str(len(c.messages)),
                max(((n, d) for d, n in c.per_day.items()), default=(0, ""))[1]
                + (f" ({max(c.per_day.values())})" if c.per_day else ""),
            )
            for c in result.channels
        ),
    )
