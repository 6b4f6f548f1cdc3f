"""tradewatch's Prefect deployments, defined once.

=================  ==================  ==========================================
deployment         flow                runs
=================  ==================  ==========================================
``poll``           ``monitor``         on a schedule (``poll_every`` or
                                       ``poll_cron``; under ``serve`` an
                                       interval first fires about 10 s after it
                                       starts); alerts left to ``deliver``
``deliver``        ``deliver-alerts``  when new events are announced (trigger),
                                       and every ``sweep_every`` (the sweep)
``replay``         ``replay``          on demand, with a ``path``
``rebuild``        ``rebuild-stories`` on demand
=================  ==================  ==========================================

``deliver`` is started by a reactive trigger on ``tradewatch.event.detected``
(:mod:`flows.events`): the first event of a burst starts a run at once, the
rest of the ``alert_window`` starts none, and that run lingers, reading the
outbox until it has been quiet for the window, so the burst's later alerts go
out in the same run. The sweep sends anything else pending (deferred by
pacing, or failed and due again), so no alert depends on an event alone.

Concurrency: at most ``poll_runs`` poll runs at once (default 1; a run that
would overlap is cancelled, not queued: the next schedule comes soon), one
delivery run at a time (queued), one rebuild. Two poll runs never poll one
source together anyway: each claims its sources in the database.

``tradewatch serve`` serves these (:func:`serve_all`); ``deploy/prefect.yaml``
declares the same for work pools, and a test keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from prefect import Flow, serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import RunnerDeployment
from prefect.events import DeploymentEventTrigger
from prefect.schedules import Interval

from .deliver import deliver_alerts
from .events import DETECTED, RESOURCE_PREFIX
from .ingest import replay
from .maintenance import rebuild_stories
from .monitor import monitor
from .settings import Settings

__all__ = ["Spec", "runner_deployments", "serve_all", "specs"]

TAGS = ["tradewatch"]


@dataclass(frozen=True)
class Spec:
    """One deployment, as plain data."""

    name: str
    flow: Flow[..., Any]
    entrypoint: str
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)
    interval: timedelta | None = None
    cron: str | None = None
    triggers: list[DeploymentEventTrigger] = field(default_factory=list)
    concurrency: ConcurrencyLimitConfig | None = None
    tags: list[str] = field(default_factory=list)


def detected_trigger(window: timedelta) -> DeploymentEventTrigger:
    """Start a lingering delivery run on the first detected event of a burst."""
    return DeploymentEventTrigger(
        name="tradewatch: deliver alerts of detected events",
        expect={DETECTED},
        match={"prefect.resource.id": f"{RESOURCE_PREFIX}*"},
        posture="Reactive",
        threshold=1,
        within=window,
        parameters={"linger": window.total_seconds()},
    )


def specs(settings: Settings) -> list[Spec]:
    """The deployments these settings describe."""
    poll_schedule: dict[str, Any] = (
        {"cron": settings.poll_cron} if settings.poll_cron else {"interval": settings.poll_every}
    )
    return [
        Spec(
            "poll",
            monitor,
            "flows/monitor.py:monitor",
            "Poll the due feeds and pages; store, process and announce what is new.",
            parameters={"deliver": False},
            concurrency=ConcurrencyLimitConfig(
                limit=settings.poll_runs, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
            ),
            tags=[*TAGS, "poll"],
            **poll_schedule,
        ),
        Spec(
            "deliver",
            deliver_alerts,
            "flows/deliver.py:deliver_alerts",
            "Send the outbox's due alerts: on detected events, and as a sweep.",
            parameters={"linger": 0.0},
            interval=settings.sweep_every,
            triggers=[detected_trigger(settings.alert_window)],
            concurrency=ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE),
            tags=[*TAGS, "alerts"],
        ),
        Spec(
            "replay",
            replay,
            "flows/ingest.py:replay",
            "Replay an offline corpus (a folder or file on the worker).",
            parameters={"deliver": False},
            tags=[*TAGS, "replay"],
        ),
        Spec(
            "rebuild",
            rebuild_stories,
            "flows/maintenance.py:rebuild_stories",
            "Place every stored article in stories again (run while nothing else processes).",
            concurrency=ConcurrencyLimitConfig(
                limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
            ),
            tags=[*TAGS, "backfill"],
        ),
    ]


FIRST_RUN = timedelta(seconds=10)  # after serve starts: a poll and a sweep, then every interval


def runner_deployments(settings: Settings) -> list[RunnerDeployment]:
    """The specs as deployments that a runner (``serve``) executes. Interval
    schedules are anchored just after now, so ``serve`` polls and sweeps as
    it starts (alerts left pending before a restart go out at once) instead
    of one interval later."""
    anchor = datetime.now(UTC) + FIRST_RUN
    return [
        cast(
            RunnerDeployment,
            s.flow.to_deployment(
                name=s.name,
                description=s.description,
                parameters=s.parameters,
                schedules=[Interval(s.interval, anchor_date=anchor)] if s.interval else None,
                cron=s.cron,
                triggers=list(s.triggers),
                concurrency_limit=s.concurrency,
                tags=s.tags,
            ),
        )
        for s in specs(settings)
    ]


def serve_all(settings: Settings, *, limit: int | None = None) -> None:
    """Serve every deployment from this process until it is stopped (each
    flow run is a child process)."""
    serve(*runner_deployments(settings), limit=limit, print_starting_message=True)
