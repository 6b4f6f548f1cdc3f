"""The ``tradewatch`` command.

Exit status: 0 when every item was processed, 3 when some items failed and
the rest were stored, 2 for a usage error, 1 for anything else that stopped the
command. ``--json`` output is a documented contract (see the README); tables
and progress go to the terminal, progress and logs always to stderr.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import Engine

from extractors.vocabulary import AlertStatus, EventType

from .settings import Settings, use_settings

if TYPE_CHECKING:
    from .runtime import PrefectAPI

__all__ = ["app", "main"]

CHECKOUT = Path(__file__).resolve().parent.parent  # eval/ and seeds/ of a source checkout
EXIT_ITEMS_FAILED = 3
EXIT_BELOW_FLOOR = 4
SUPPORTED_DATABASES = ("sqlite", "postgresql")

app = typer.Typer(
    name="tradewatch",
    help="Trade-dispute news monitor: tariffs and sanctions, deduplicated, alerted once.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
sources_app = typer.Typer(help="Feeds and pages to watch.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
alerts_app = typer.Typer(help="The alert outbox.", invoke_without_command=True)
app.add_typer(alerts_app, name="alerts")
eval_app = typer.Typer(help="Measure extraction quality against labelled data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

out = Console(soft_wrap=True)
err = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out.print(f"tradewatch {version('tradewatch')}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Trade-dispute news monitor: tariffs and sanctions, deduplicated, alerted once."""


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="SQLAlchemy URL (default: TRADEWATCH_DB_URL, else SQLite in data/).", show_default=False
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (a stable contract).")]


def _settings(db: str | None) -> Settings:
    overrides: dict[str, Any] = {"db_url": db} if db else {}
    return use_settings(Settings(**overrides))


def _alerting(settings: Settings) -> tuple[Any, Any]:
    """The alert channels and rules, or exit 2 saying what is wrong."""
    from extractors.notify import DeliveryError, Notifier
    from extractors.routing import RulesError

    from .settings import alerting

    try:
        configured, rules = alerting(settings)
        return Notifier(configured), rules
    except (DeliveryError, RulesError) as exc:
        err.print(f"[red]error:[/] alert configuration: {exc}")
        raise typer.Exit(2) from None


def _engine(db: str | None, *, read: bool = False) -> Engine:
    """The database of ``--db`` (else the settings'), or exit 2 saying what is
    wrong with it. A command that only reads never creates a SQLite file:
    a mistyped path is an error, not an empty database."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, OperationalError

    from extractors.urls import hide_credentials
    from storage.database import open_engine
    from storage.exceptions import StorageError

    url = _settings(db).database_url
    try:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        if backend not in SUPPORTED_DATABASES:
            err.print(f"[red]error:[/] unsupported database {backend!r}: use sqlite or postgresql")
            raise typer.Exit(2)
        database = parsed.database
        if read and backend == "sqlite" and database and not database.startswith((":memory:", "file:")):
            path = Path(database).expanduser()
            if not path.is_file():
                err.print(f"[red]error:[/] no tradewatch database at {path}: `replay` or `run` creates one")
                raise typer.Exit(2)
        return open_engine(url)
    except (ArgumentError, ValueError, ImportError):
        shown = hide_credentials(url)
        err.print(f"[red]error:[/] not a usable database URL: {shown!r}")
        raise typer.Exit(2) from None
    except (OperationalError, StorageError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        err.print(f"[red]error:[/] cannot use database {hide_credentials(url)}: {reason}")
        raise typer.Exit(1) from None


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


_SHORT_COLUMNS = frozenset({"id", "type", "action", "actor", "target", "rate", "amount", "route", "status"})


def _print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    table = Table(title=title)
    for col in columns:
        table.add_column(col, no_wrap=col in _SHORT_COLUMNS)
    for row in rows:
        table.add_row(*row)
    out.print(table)


def _rate(rate_from: float | None, rate_to: float | None) -> str:
    if rate_from is not None and rate_to is not None:
        return f"{rate_from:g}→{rate_to:g}%"
    return "" if rate_to is None else f"{rate_to:g}%"


def _money(amount: float | None) -> str:
    from extractors.messages import money

    return money(amount) if amount else ""


@app.command()
def replay(
    path: Annotated[
        Path,
        typer.Argument(
            exists=True,
            readable=True,
            resolve_path=True,
            help="A folder of .txt/.html/.json/.jsonl files, or one such file.",
        ),
    ],
    db: DbOption = None,
    as_json: JsonOption = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's run logs.")] = False,
) -> None:
    """Replay an offline corpus through the flows: ingest, process, alert."""
    settings = _settings(db)
    with _flow_api(settings, verbose) as api:  # a temporary Prefect server boots meanwhile
        _warm_up(settings)
        _engine(db)  # fail fast, before any flow runs, on a bad database or alert configuration
        _alerting(settings)
        from .replay import replay as replay_flow

        api.ready()
        summary = _replay_with_progress(replay_flow, path)
    _run_report(f"replay of {path}", summary, as_json)


def _run_report(title: str, summary: dict[str, Any], as_json: bool) -> None:
    """A run's summary (``replay``, ``run``): JSON or a table, the failures on
    stderr, and exit 3 when items or alerts failed."""
    if as_json:
        _print_json(summary)
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


@contextmanager
def _flow_api(settings: Settings, verbose: bool = False) -> Iterator[PrefectAPI]:
    """Prefect for a command that runs flows: its API chosen (a temporary
    server starts now when none is up: see :mod:`flows.runtime`) and its logs
    quiet unless ``verbose``."""
    from .runtime import prefect_api

    with prefect_api(settings) as api:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
        yield api


def _warm_up(settings: Settings) -> None:
    """Load what reading needs (word frequencies, MinHash, signal rules: 0.7 s
    of CPU) while this process imports Prefect: in the worker processes, forked
    now (:func:`extractors.parallel.warm`), which then read the items on the
    other core; with no workers, in a thread here. Measured on the seed replay
    against a running server (bench/startup.py): 4.5 s cold, 3.5 s warmed in a
    thread, 3.1 s in forked workers (3.3 s when this process also loads the
    word frequencies in a thread as the flow starts: its threads contend)."""
    import threading

    from extractors.parallel import warm
    from extractors.reading import warm_up

    if not warm(warm_up, settings.workers):
        threading.Thread(target=warm_up, name="tradewatch-warm-up", daemon=True).start()


def _replay_with_progress(replay_flow: Callable[[str], dict[str, Any]], path: Path) -> dict[str, Any]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import progress as flow_progress

    bar = Progress(
        TextColumn("replaying"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    task_id = bar.add_task("replay", total=None)
    flow_progress.listen(lambda done, total: bar.update(task_id, completed=done, total=total))
    try:
        with bar:
            return replay_flow(str(path))
    finally:
        flow_progress.listen(None)


@app.command()
def run(
    db: DbOption = None,
    as_json: JsonOption = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's run logs.")] = False,
    every: Annotated[bool, typer.Option("--all", help="Poll every source now, due or not.")] = False,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", help="Only this source (id or URL), due or not; repeatable."),
    ] = None,
) -> None:
    """One monitoring cycle over the due sources: fetch, extract, process, alert."""
    from storage.exceptions import NotFoundError
    from storage.sources import find_source

    settings = _settings(db)
    with _flow_api(settings, verbose) as api:
        _warm_up(settings)
        engine = _engine(db)
        _alerting(settings)
        try:
            only = [find_source(engine, key) for key in source or []]
        except NotFoundError as exc:
            err.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2) from None
        from .replay import monitor

        api.ready()
        summary = monitor(only=only, every=every or bool(only))
    _run_report("monitoring cycle", summary, as_json)


@app.command()
def serve(
    db: DbOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logs too.")] = False,
) -> None:
    """Run unattended: poll on a schedule, deliver alerts when events are detected.

    Serves the deployments of flows/deployments.py from this process until
    stopped (Ctrl-C). Without PREFECT_API_URL, a local Prefect server is started
    on 127.0.0.1 (TRADEWATCH_PREFECT_PORT, default 4200; its UI at that address)
    and stopped on exit."""
    settings = _settings(db)
    _engine(db)
    _alerting(settings)
    if db:
        os.environ["TRADEWATCH_DB_URL"] = db  # flow runs are child processes: they read the environment
    from .runtime import prepare_prefect

    prepare_prefect(settings)
    if verbose:  # otherwise Prefect's INFO: run logs reach the UI (flow runs inherit the level)
        os.environ["PREFECT_LOGGING_LEVEL"] = "DEBUG"
    os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", "5")  # a triggered run starts within 5 s
    import signal
    from contextlib import ExitStack

    from .server import ServerError, local_server

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the local server on the way out

    from prefect.settings import get_current_settings

    with ExitStack() as stack:
        configured = os.environ.get("PREFECT_API_URL") or get_current_settings().api.url  # env or profile
        if configured:
            os.environ["PREFECT_API_URL"] = configured  # the flow-run processes inherit it
            err.print(f"using the Prefect server at {configured}")
        else:
            home = (settings.data_dir / "prefect").expanduser().absolute()
            err.print(f"starting a local Prefect server on 127.0.0.1:{settings.prefect_port} ({home})")
            try:
                url = stack.enter_context(
                    local_server(home, settings.prefect_port, timeout=settings.prefect_startup_timeout)
                )
            except ServerError as exc:
                err.print(f"[red]error:[/] {exc}")
                raise typer.Exit(1) from None
            os.environ["PREFECT_API_URL"] = url
            err.print(f"Prefect UI: {url.removesuffix('/api')}")
        from prefect.settings import PREFECT_API_URL, temporary_settings

        from .deployments import serve_all

        with temporary_settings(updates={PREFECT_API_URL: os.environ["PREFECT_API_URL"]}):
            serve_all(settings)


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
    engine = _engine(db)
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
        for r in list_sources(_engine(db, read=True))
    ]
    if as_json:
        _print_json(rows)
        return
    _print_table(
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
        removed = remove_source(_engine(db), source)
    except NotFoundError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    err.print(f"source {removed} removed")


@app.command()
def events(
    db: DbOption = None,
    as_json: JsonOption = False,
    type_: Annotated[EventType | None, typer.Option("--type", help="Only events of this type.")] = None,
) -> None:
    """Trade-dispute events, each with the articles and sentences that state it."""
    from storage.queries import list_events

    rows = list_events(_engine(db, read=True), type_=type_)
    if as_json:
        _print_json([{k: v for k, v in r.items() if k != "stories"} for r in rows])
        return
    _print_table(
        "events",
        ("id", "type", "action", "actor", "target", "rate", "amount", "products", "sources"),
        (
            (
                str(r["id"]),
                r["type"],
                r["action"],
                r["actor"] or "",
                r["target"] or "",
                _rate(r["rate_from"], r["rate_to"]),
                _money(r["amount_usd"]),
                ", ".join(r["products"]),
                ", ".join(a["source_id"] for a in r["articles"]),
            )
            for r in rows
        ),
    )


@app.command("rebuild-stories")
def rebuild_stories(db: DbOption = None) -> None:
    """Place every stored article in stories again, in arrival order (events stay).

    For a database from before story matching (one story per article), or after
    the story rules changed. Run it while no worker processes articles."""
    settings = _settings(db)
    with _flow_api(settings) as api:
        _engine(db)
        from .replay import rebuild_stories as rebuild

        api.ready()
        err.print(f"{rebuild()} stories")


@app.command()
def stories(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Stories: the articles that tell the same news."""
    from storage.queries import list_stories

    rows = list_stories(_engine(db, read=True))
    if as_json:
        _print_json(rows)
        return
    _print_table(
        "stories",
        ("id", "title", "articles"),
        ((str(r["id"]), r["title"] or "", ", ".join(a["source_id"] for a in r["articles"])) for r in rows),
    )


@app.command()
def articles(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Stored articles with their cleaned text."""
    from storage.queries import list_articles

    rows = list_articles(_engine(db, read=True))
    if as_json:
        _print_json(rows)
        return
    _print_table(
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

    rows = list_alerts(_engine(db, read=True), status=status)
    if as_json:
        _print_json(rows)
        return
    _print_table(
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
        n = requeue_dead(_engine(db or parent_db), ids or None)
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
    settings = _settings(db)
    engine = _engine(db)
    notifier, rules = _alerting(settings)
    if dry_run:
        from storage.outbox import deliver_pending

        report = deliver_pending(engine, notifier, pacing=rules.for_route, dry_run=True)
        rows = [{"channel": c, "title": t} for c, t in report.planned]
        if as_json:
            _print_json({"would_send": rows, "held_back": report.deferred})
            return
        _print_table("would send", ("channel", "title"), ((r["channel"], r["title"]) for r in rows))
        err.print(f"{report.deferred} alert(s) held back by route pacing")
        return
    with _flow_api(settings) as api:
        from .replay import deliver_alerts

        api.ready()
        sent = deliver_alerts()
    if as_json:
        _print_json({"alerts_sent": sent})
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

    notifier, _ = _alerting(_settings(None))
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
        _print_json(report)
    else:
        _print_table(
            f"signals: {total.sentences} sentences, {total.gold_events} labelled events",
            ("type/class", "tp", "fp", "fn", "precision", "recall", "F1"),
            [_counts_row(f"{t}/{c}", v) for (t, c), v in sorted(total.by_class.items())]
            + [_counts_row(f"all ({name})", v.overall) for name, v in [*per_set.items(), ("total", total)]],
        )
        _print_table(
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


def _share(a: Any) -> str:
    return f"{a.accuracy:.3f} ({a.correct}/{a.total})"


def _counts_row(label: str, c: Any) -> tuple[str, ...]:
    """A table row of true and false positives, misses, precision, recall and F1."""
    return (label, str(c.tp), str(c.fp), str(c.fn), f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}")


def _news_rows(name: str, s: Any) -> list[tuple[str, ...]]:
    return [
        *(_counts_row(f"{t}/{c}", v) for (t, c), v in sorted(s.by_class.items())),
        _counts_row(f"all events ({name})", s.events),
        _counts_row(f"news only ({name})", s.news),
    ]


@eval_app.command("signals")
def eval_signals(
    labels: LabelsOption = NEWS_LABELS,
    corpora: CorpusOption = None,
    folds: Annotated[
        int, typer.Option(min=2, help="Cross-validation folds (by month) over the development set.")
    ] = 5,
    as_json: JsonOption = False,
    errors: Annotated[
        bool, typer.Option("--errors", help="List the misses and false alarms of the development folds.")
    ] = False,
    min_precision: Annotated[
        float, typer.Option(help="Exit 4 below this event precision, on either set.")
    ] = 0.0,
    min_recall: Annotated[float, typer.Option(help="Exit 4 below this event recall, on either set.")] = 0.0,
    rules_only: Annotated[
        bool, typer.Option("--rules-only", help="Score the rules alone, every reading kept (the baseline).")
    ] = False,
    min_alert_precision: Annotated[
        float, typer.Option(help="Exit 4 below this alert precision, on either set.")
    ] = 0.0,
) -> None:
    """The extractor on whole labelled articles: cross-validated on the
    development set (folds by month), and the shipped model on the time split.

    Events pair by type, action class and actor (talks and deals: both
    parties); "news only" leaves out what the labels and the extractor call a
    recap; alert precision is the share of predicted new tariff and sanction
    events that are a labelled news event. Needs scikit-learn (the ``train``
    extra) for the cross-validation."""
    from extractors.signals.model import default_model
    from extractors.signals.training import cross_validate, score

    dev = _news(labels, "dev", corpora)
    held = _news(labels, "time", corpora)
    if rules_only:
        results = {"development (rules)": score(dev, None), "time split (rules)": score(held, None)}
    else:
        _need_sklearn()
        results = {"cross-validated": cross_validate(dev, folds), "time split": score(held, default_model())}
    if as_json:
        report: dict[str, Any] = {name: r.as_dict() for name, r in results.items()}
        if errors:
            report["errors"] = next(iter(results.values())).errors
        _print_json(report)
    else:
        for name, r in results.items():
            _print_table(
                f"signals, {name}: {r.articles} articles, "
                f"{r.gold_events} labelled events ({r.gold_news} news)",
                ("type/class", "tp", "fp", "fn", "precision", "recall", "F1"),
                _news_rows(name, r),
            )
        _print_table(
            "alerts and attributes",
            ("measure", *results),
            [
                (
                    label,
                    *(_share(getattr(r, attr)) for r in results.values()),
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
        if errors:
            for e in next(iter(results.values())).errors:
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


@app.command("train")
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
    """Retrain the signal models from the labelled development articles.

    Deterministic: the same labels and corpus give the same file. Needs
    scikit-learn (``pip install 'tradewatch[train]'``)."""
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


def _report(title: str, report: dict[str, Any], as_json: bool, below: bool) -> None:
    """An evaluation's figures (a table, or JSON), and exit 4 below its floor."""
    if as_json:
        _print_json(report)
    else:
        shown = {k: v for k, v in report.items() if not isinstance(v, list)}
        _print_table(title, tuple(shown), [tuple(str(v) for v in shown.values())])
    if below:
        err.print("[red]below the quality floor[/]")
        raise typer.Exit(EXIT_BELOW_FLOOR)


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
        _print_json(report)
        return
    events = report["events"]
    _print_table(
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
    _report("stories (B-cubed)", report, as_json, s.f1 < min_f1)


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
    _report("main text (word 4-grams)", report, as_json, result.ours.f1 < min_f1)


def main() -> None:
    try:
        app()
    finally:
        # What is left is the interpreter's teardown, whose last garbage
        # collection walks the whole heap (Prefect's and pydantic's models):
        # 0.5 s of a 3.2 s replay, measured. Frozen objects are left out of it;
        # atexit handlers (Prefect's drain, the worker pool's shutdown) still run.
        gc.freeze()
