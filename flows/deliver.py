"""Delivering: the outbox's due alerts sent (``deliver-alerts``), by the
deployment a detected event triggers, the scheduled sweep, or at the end of a
replay or monitoring run (:func:`deliver_step`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from prefect import flow, get_run_logger

from .tasks import deliver_alerts_task

__all__ = ["LINGER_MAX", "LINGER_STEP", "Delivered", "deliver_alerts", "deliver_step"]

LINGER_STEP = 2.0  # seconds between two reads of the outbox while lingering


LINGER_MAX = 10  # a run lingers at most this many windows (a steady trickle is left to the next run)


@flow(name="deliver-alerts", log_prints=False)
def deliver_alerts(linger: float = 0.0) -> int:
    """Send every due alert in the outbox; returns how many were sent.

    ``linger`` (seconds): read the outbox again every couple of seconds until it
    has been empty that long (at most ``LINGER_MAX`` times that in all), so one
    run started by the first event of a burst also sends the burst's later
    alerts (the detected-event trigger's debounce)."""
    return deliver_step(linger).sent


@dataclass
class Delivered:
    """What a delivery step did: alerts sent, and alerts whose send failed
    (to be retried, or dead), with the reasons."""

    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def deliver_step(linger: float = 0.0) -> Delivered:
    logger = get_run_logger()
    done = Delivered()
    quiet_since = started = time.monotonic()
    while True:
        report = deliver_alerts_task()
        for error in report.errors:
            logger.warning(error)
        if report.sent or report.failed or report.dead:
            logger.info("alerts: %d sent, %d to retry, %d dead", report.sent, report.failed, report.dead)
        done.sent += report.sent
        done.failed += report.failed + report.dead
        done.errors.extend(report.errors)
        if report.sent:
            quiet_since = time.monotonic()
        now = time.monotonic()
        if now - quiet_since >= linger or now - started >= LINGER_MAX * linger:
            return done
        time.sleep(LINGER_STEP)
