"""Prefect defaults that make the embedded (temporary) server dependable here.

Called before prefect is imported. Each is a default: a value the user set in
the environment or a Prefect profile wins.

* The temporary server's start-up timeout (20 s by default) can expire on a
  busy 2-core machine: raised to the ``prefect_startup_timeout`` setting.
* Server telemetry is off: it calls out to the internet and, on the first start
  of a fresh PREFECT_HOME, was seen to hit ``database is locked`` on Prefect's
  own SQLite.
* Prefect's SQLite gets a longer statement timeout (30 s) so a burst of
  state updates waits instead of failing.
"""

from __future__ import annotations

import os

from .settings import Settings

__all__ = ["prepare_prefect"]


def prepare_prefect(settings: Settings) -> None:
    defaults = {
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(settings.prefect_startup_timeout),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_DATABASE_TIMEOUT": "30",
        "PREFECT_UI_ENABLED": "false",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
