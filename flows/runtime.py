"""The process's runtime: what the settings build, built once and passed down.

A command builds one :class:`Runtime` from its settings (``--db`` applied) and
installs it (:func:`install`); the tasks of its flows reach it through
:func:`current`, the one accessor, since a Prefect task takes no live objects
as parameters (and never a secret). A flow run that starts in a process of its
own (a deployment ``tradewatch serve`` runs) builds its runtime from the
environment on first use; ``serve`` exports its settings there first
(:meth:`flows.settings.Settings.environment`).

Each part is made on first use, under a lock (a flow's tasks run in threads):
the engine (it migrates the database), the alert channels and rules (apprise
costs 0.3 s to import), the notifier, the fetcher (its connection pool,
per-host limits and robots.txt cache serve every task), and the worker pool
(its processes start with the first large batch, or :meth:`WorkerPool.warm`).
This module's one slot holds the installed runtime; no other module keeps state.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from extractors.adapters.parallel import WorkerPool

from .settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from extractors.adapters.fetching import Fetcher
    from extractors.adapters.notify import Notifier
    from extractors.routing import AlertRules

__all__ = ["Progress", "Runtime", "current", "install"]

Progress = Callable[[int, int | None], None]  # (items done, total or None) after each batch


def _quiet(done: int, total: int | None) -> None:
    """No one listens to this run's progress."""


class Runtime:
    """Settings and what they build (see the module's doc). ``close`` when done."""

    def __init__(self, settings: Settings, *, progress: Progress = _quiet) -> None:
        self.settings = settings
        self.progress = progress
        self.pool = WorkerPool(settings.workers)
        self._lock = threading.RLock()
        self._engine: Engine | None = None
        self._alerting: tuple[dict[str, str], AlertRules] | None = None
        self._notifier: Notifier | None = None
        self._fetcher: Fetcher | None = None

    @property
    def engine(self) -> Engine:
        """The database's engine, migrated to the current schema."""
        with self._lock:
            if self._engine is None:
                from storage.database import open_engine

                self._engine = open_engine(self.settings.database_url)
            return self._engine

    def use_engine(self, engine: Engine) -> None:
        """Use an engine the caller opened already (the CLI checks the URL first)."""
        with self._lock:
            self._engine = engine

    def _alerts(self) -> tuple[dict[str, str], AlertRules]:
        with self._lock:
            if self._alerting is None:
                from extractors.adapters.notify import channels
                from extractors.routing import load_rules

                s = self.settings
                self._alerting = channels(s.apprise_urls, s.apprise_config), load_rules(s.alert_rules)
            return self._alerting

    @property
    def channels(self) -> dict[str, str]:
        """Alert channels (name → apprise URL); :class:`DeliveryError` when one is bad."""
        return self._alerts()[0]

    @property
    def rules(self) -> AlertRules:
        """The alert routing rules; :class:`RulesError` when the file is bad."""
        return self._alerts()[1]

    @property
    def notifier(self) -> Notifier:
        """What sends a message on a channel."""
        with self._lock:
            if self._notifier is None:
                from extractors.adapters.notify import Notifier

                self._notifier = Notifier(self.channels)
            return self._notifier

    @property
    def fetcher(self) -> Fetcher:
        """The one HTTP client of the process."""
        with self._lock:
            if self._fetcher is None:
                import httpx

                from extractors.adapters.fetching import FetchConfig, Fetcher
                from storage.pacing import SharedPacer

                s = self.settings
                self._fetcher = Fetcher(
                    FetchConfig(
                        timeout=httpx.Timeout(s.fetch_timeout, connect=min(s.fetch_timeout, 5.0)),
                        per_host=s.fetch_per_host,
                        host_delay=s.fetch_host_delay,
                        max_bytes=s.fetch_max_bytes,
                        robots=s.robots,
                    ),
                    pacer=SharedPacer(self.engine),  # one host's spacing across all workers
                )
            return self._fetcher

    def close(self) -> None:
        """Stop the workers, close the HTTP client and the database's connections."""
        with self._lock:
            self.pool.close()
            if self._fetcher is not None:
                self._fetcher.close()
                self._fetcher = None
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None


_installed: list[Runtime] = []  # the process's runtime: the one slot (see the module's doc)
_install_lock = threading.Lock()


def install(runtime: Runtime) -> Runtime:
    """Make ``runtime`` the one :func:`current` returns (closing the one before)."""
    with _install_lock:
        before = _installed[:]
        _installed[:] = [runtime]
    for old in before:
        if old is not runtime:
            old.close()
    return runtime


def current() -> Runtime:
    """The installed runtime; a process that installed none (a flow run a
    deployment started) builds one from the environment now."""
    with _install_lock:
        if not _installed:
            _installed.append(Runtime(Settings()))
        return _installed[0]
