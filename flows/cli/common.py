"""What every command shares: the consoles, the common options, exit codes,
and turning ``--db`` and the settings into a checked database, a runtime and
alert configuration, or a clear usage error (exit 2)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from sqlalchemy.engine import Engine

from ..settings import Settings

if TYPE_CHECKING:
    from extractors.adapters.notify import Notifier
    from extractors.routing import AlertRules

    from ..prefect_api import PrefectAPI
    from ..runtime import Runtime

__all__ = [
    "CHECKOUT",
    "EXIT_BELOW_FLOOR",
    "EXIT_ITEMS_FAILED",
    "SUPPORTED_DATABASES",
    "DbOption",
    "JsonOption",
    "SinceOption",
    "UntilOption",
    "alerting",
    "err",
    "flow_api",
    "open_db",
    "out",
    "runtime_for",
    "settings_for",
    "use_db",
    "warm_up",
]

CHECKOUT = Path(__file__).resolve().parent.parent.parent  # eval/ and seeds/ of a source checkout
EXIT_ITEMS_FAILED = 3
EXIT_BELOW_FLOOR = 4
SUPPORTED_DATABASES = ("sqlite", "postgresql")

out = Console(soft_wrap=True)
err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="SQLAlchemy URL (default: TRADEWATCH_DB_URL, else SQLite in data/).", show_default=False
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (a stable contract).")]
SinceOption = Annotated[
    datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Only events on or after this date.")
]
UntilOption = Annotated[
    datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Only events on or before this date.")
]


def settings_for(db: str | None) -> Settings:
    """The settings, ``--db`` applied."""
    overrides: dict[str, Any] = {"db_url": db} if db else {}
    return Settings(**overrides)


def runtime_for(db: str | None) -> Runtime:
    """A command that runs flows: its runtime, built and installed (the tasks reach it)."""
    from ..runtime import Runtime, install

    return install(Runtime(settings_for(db)))


def alerting(runtime: Runtime) -> tuple[Notifier, AlertRules]:
    """The alert notifier and rules, or exit 2 saying what is wrong."""
    from extractors.adapters.notify import DeliveryError
    from extractors.routing import RulesError

    try:
        return runtime.notifier, runtime.rules
    except (DeliveryError, RulesError) as exc:
        err.print(f"[red]error:[/] alert configuration: {exc}")
        raise typer.Exit(2) from None


def open_db(settings: Settings, *, read: bool = False) -> Engine:
    """The settings' database (``--db`` applied), or exit 2 saying what is
    wrong with it. A command that only reads never creates a SQLite file:
    a mistyped path is an error, not an empty database."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, OperationalError

    from extractors.urls import hide_credentials
    from storage.database import open_engine
    from storage.exceptions import StorageError

    url = settings.database_url
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


def use_db(runtime: Runtime, *, read: bool = False) -> Engine:
    """The runtime's database, checked as :func:`open_db` checks it (or exit),
    and made the runtime's engine."""
    engine = open_db(runtime.settings, read=read)
    runtime.use_engine(engine)
    return engine


@contextmanager
def flow_api(settings: Settings, verbose: bool = False) -> Iterator[PrefectAPI]:
    """Prefect for a command that runs flows: its API chosen (a temporary
    server starts now when none is up: see :mod:`flows.prefect_api`) and its logs
    quiet unless ``verbose``."""
    from ..prefect_api import prefect_api

    with prefect_api(settings) as api:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
        yield api


def warm_up(runtime: Runtime) -> None:
    """Load what reading needs (word frequencies, MinHash, signal rules: 0.7 s
    of CPU) while this process imports Prefect: in the worker processes, forked
    now (:meth:`extractors.adapters.parallel.WorkerPool.warm`), which then read the items on the
    other core; with no workers, in a thread here. Measured on the seed replay
    against a running server (bench/startup.py): 4.5 s cold, 3.5 s warmed in a
    thread, 3.1 s in forked workers (3.3 s when this process also loads the
    word frequencies in a thread as the flow starts: its threads contend)."""
    import threading

    from extractors.reading import warm_up as load

    if not runtime.pool.warm(load):
        threading.Thread(target=load, name="tradewatch-warm-up", daemon=True).start()
