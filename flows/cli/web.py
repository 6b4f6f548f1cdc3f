"""``tradewatch web``: the analyst's workbench (:mod:`flows.web`) over the
database, read-only. It binds 127.0.0.1 unless told otherwise, and any other
address needs ``TRADEWATCH_WEB_TOKEN``."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Annotated

import typer

from .common import DbOption, alerting, err, runtime_for, use_db

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ..runtime import Runtime

__all__ = ["loopback", "web", "workbench"]


def loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (or ``localhost``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def workbench(runtime: Runtime) -> FastAPI:
    """The web app over the runtime's database, channels and rules."""
    from ..web.app import create_app

    notifier, rules = alerting(runtime)
    return create_app(
        runtime.engine, channels=notifier.channels, rules=rules, token=runtime.settings.web_token
    )


def web(
    host: Annotated[
        str, typer.Option(help="Address to bind (beyond loopback: TRADEWATCH_WEB_TOKEN).")
    ] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(help="Port (default: TRADEWATCH_WEB_PORT, 8000).")] = None,
    db: DbOption = None,
) -> None:
    """Serve the web view of measures, timelines, evidence and exports (read-only)."""
    runtime = runtime_for(db)
    settings = runtime.settings
    if not loopback(host) and not settings.web_token:
        err.print(
            f"[red]error:[/] binding {host} exposes the data beyond this machine: "
            "set TRADEWATCH_WEB_TOKEN (a long random string) first"
        )
        raise typer.Exit(2)
    use_db(runtime, read=True)
    app = workbench(runtime)
    import uvicorn

    chosen = port or settings.web_port
    err.print(
        f"tradewatch web on http://{host}:{chosen}/" + (" (token required)" if settings.web_token else "")
    )
    uvicorn.run(app, host=host, port=chosen, log_level="warning")
