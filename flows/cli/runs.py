"""The commands that run flows: ``replay``, ``run``, ``serve`` and
``rebuild-stories``."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import DbOption, JsonOption, alerting, err, flow_api, runtime_for, use_db, warm_up
from .render import run_report

if TYPE_CHECKING:
    from ..runtime import Runtime

__all__ = ["rebuild_stories", "replay", "run", "serve"]

DaskOption = Annotated[
    str | None,
    typer.Option(
        help="Read on a Dask cluster (prefect-dask): 'local' starts a LocalCluster, "
        "or a scheduler's address (tcp://host:8786). For backfills; needs the dask extra.",
        show_default=False,
    ),
]


def _with_dask(flow: Any, dask: str | None, workers: int) -> Any:
    """The flow, its tasks on Dask when ``--dask`` asks (or exit 2 without prefect-dask)."""
    if dask is None:
        return flow
    from ..backfill import task_runner

    try:
        return flow.with_options(task_runner=task_runner(dask, workers))
    except RuntimeError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None


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
    shard: Annotated[
        str | None,
        typer.Option(
            help="Only part K of N of the corpus (K/N, as 2/4): N commands, one per part, read it once."
        ),
    ] = None,
    dask: DaskOption = None,
) -> None:
    """Replay an offline corpus through the flows: ingest, process, alert."""
    if shard is not None:
        from extractors.corpus import Shard

        try:
            Shard.parse(shard)
        except ValueError as exc:
            err.print(f"[red]error:[/] --shard: {exc}")
            raise typer.Exit(2) from None
    runtime = runtime_for(db)
    with flow_api(runtime.settings, verbose) as api:  # a temporary Prefect server boots meanwhile
        if dask is None:
            warm_up(runtime)
        # fail fast, before any flow runs, on a bad database or alert configuration
        use_db(runtime)
        alerting(runtime)
        from ..ingest import replay as replay_flow

        chosen = _with_dask(replay_flow, dask, runtime.settings.workers)
        api.ready()
        summary = _replay_with_progress(runtime, lambda p: chosen(p, shard=shard), path)
    run_report(f"replay of {path}", summary, as_json)


def _replay_with_progress(
    runtime: Runtime, replay_flow: Callable[[str], dict[str, Any]], path: Path
) -> dict[str, Any]:
    """Run the replay with a progress bar on stderr, fed by the runtime's progress."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("replaying"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    task_id = bar.add_task("replay", total=None)
    quiet = runtime.progress
    runtime.progress = lambda done, total: bar.update(task_id, completed=done, total=total)
    try:
        with bar:
            return replay_flow(str(path))
    finally:
        runtime.progress = quiet


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

    runtime = runtime_for(db)
    with flow_api(runtime.settings, verbose) as api:
        warm_up(runtime)
        engine = use_db(runtime)
        alerting(runtime)
        try:
            only = [find_source(engine, key) for key in source or []]
        except NotFoundError as exc:
            err.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2) from None
        from ..monitor import monitor

        api.ready()
        summary = monitor(only=only, every=every or bool(only))
    run_report("monitoring cycle", summary, as_json)


def serve(
    db: DbOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logs too.")] = False,
) -> None:
    """Run unattended: poll on a schedule, deliver alerts when events are detected.

    Serves the deployments of flows/deployments.py from this process until
    stopped (Ctrl-C). Without PREFECT_API_URL, a local Prefect server is started
    on 127.0.0.1 (TRADEWATCH_PREFECT_PORT, default 4200; its UI at that address)
    and stopped on exit."""
    runtime = runtime_for(db)
    settings = runtime.settings
    use_db(runtime)
    alerting(runtime)
    os.environ.update(settings.environment())  # flow runs are child processes: they read the environment
    from ..prefect_api import prepare_prefect

    prepare_prefect(settings)
    if verbose:  # otherwise Prefect's INFO: run logs reach the UI (flow runs inherit the level)
        os.environ["PREFECT_LOGGING_LEVEL"] = "DEBUG"
    os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", "5")  # a triggered run starts within 5 s
    import signal
    from contextlib import ExitStack

    from ..server import ServerError, local_server

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

        from ..deployments import serve_all

        _serve_web(runtime)
        with temporary_settings(updates={PREFECT_API_URL: os.environ["PREFECT_API_URL"]}):
            serve_all(settings)


def _serve_web(runtime: Runtime) -> None:
    """The web view beside the deployments, on 127.0.0.1 (a thread of this
    process); a port already taken is reported, and serving goes on."""
    import threading

    import uvicorn

    from .web import workbench

    port = runtime.settings.web_port
    server = uvicorn.Server(
        uvicorn.Config(workbench(runtime), host="127.0.0.1", port=port, log_level="critical")
    )

    def run() -> None:
        try:
            server.run()
        except SystemExit:  # uvicorn exits when it cannot bind
            err.print(f"[yellow]web view not started:[/] 127.0.0.1:{port} is taken (TRADEWATCH_WEB_PORT)")

    threading.Thread(target=run, name="tradewatch-web", daemon=True).start()
    err.print(f"web view: http://127.0.0.1:{port}/")


def rebuild_stories(db: DbOption = None, dask: DaskOption = None) -> None:
    """Place every stored article in stories again, in arrival order (events stay).

    For a database from before story matching (one story per article), or after
    the story rules changed. Run it while no worker processes articles."""
    runtime = runtime_for(db)
    with flow_api(runtime.settings) as api:
        use_db(runtime)
        from ..maintenance import rebuild_stories

        rebuild = _with_dask(rebuild_stories, dask, runtime.settings.workers)
        api.ready()
        err.print(f"{rebuild()} stories")
