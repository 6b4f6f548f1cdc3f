"""Prefect as tradewatch's one-shot commands use it.

:func:`prepare_prefect` sets defaults before Prefect is imported; each is a
default: a value the user set in the environment or a Prefect profile wins.

* Telemetry is off, Prefect's server analytics and its client's usage data
  alike (``DO_NOT_TRACK``), unless the ``telemetry`` setting turns it on.
* The temporary server's start-up timeout (20 s by default) can expire on a
  busy 2-core machine: raised to the ``prefect_startup_timeout`` setting.
* Prefect's SQLite gets a longer statement timeout (30 s) so a burst of state
  updates waits instead of failing.

:func:`prefect_api` chooses the server the command's flows report to, fastest
first: the one ``PREFECT_API_URL`` or the Prefect profile names; else one
answering on ``127.0.0.1:<prefect_port>`` (``tradewatch serve`` or a
``prefect server start``), which costs nothing to start; else a temporary
server of tradewatch's own, started before Prefect is even imported
(:class:`flows.server.TemporaryServer`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from .server import TemporaryServer, answering
from .settings import Settings

__all__ = ["PrefectAPI", "prefect_api", "prepare_prefect"]


def prepare_prefect(settings: Settings) -> None:
    defaults = {
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(settings.prefect_startup_timeout),
        "PREFECT_SERVER_DATABASE_TIMEOUT": "30",
        "PREFECT_UI_ENABLED": "false",
    }
    if not settings.telemetry:
        defaults |= {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    for name, value in defaults.items():
        os.environ.setdefault(name, value)


class PrefectAPI:
    """The Prefect API a command's flows report to (see the module's doc).
    :meth:`ready` before the first flow call: it waits for a server still
    starting and points Prefect at it."""

    def __init__(self, settings: Settings, stack: ExitStack) -> None:
        self._settings = settings
        self._stack = stack
        self._temporary: TemporaryServer | None = None
        self.url: str | None = os.environ.get("PREFECT_API_URL") or None
        if self.url is None:
            if answering(settings.prefect_port):
                self.url = f"http://127.0.0.1:{settings.prefect_port}/api"
            else:
                self._temporary = TemporaryServer()
                stack.callback(self._temporary.stop)

    def ready(self) -> str:
        """The API URL, once it answers; Prefect's settings point at it."""
        from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

        configured = get_current_settings().api.url  # a profile's, read when prefect was imported
        if configured:
            if self._temporary is not None:
                self._temporary.stop()
            self.url = configured
            return configured
        if self._temporary is not None:
            self.url = self._temporary.wait(self._settings.prefect_startup_timeout)
        assert self.url is not None
        self._stack.enter_context(temporary_settings(updates={PREFECT_API_URL: self.url}))
        return self.url


@contextmanager
def prefect_api(settings: Settings) -> Iterator[PrefectAPI]:
    """Prepare Prefect and choose its API (a temporary server starts now);
    the temporary server stops when the block ends."""
    prepare_prefect(settings)
    with ExitStack() as stack:
        yield PrefectAPI(settings, stack)
