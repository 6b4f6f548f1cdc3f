"""Alert delivery through apprise.

Routes are named lists of apprise URLs. A route's name is what tradewatch stores
and shows (``alerts --json``); the URLs, which hold tokens and passwords, are
never stored, logged or printed. ``console://`` is an apprise schema registered
here: it writes the message to standard error, and is the route used when no
URL is configured.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any, TextIO
from urllib.parse import urlsplit

import apprise
from apprise.decorators import notify

from .exceptions import ExtractorError
from .messages import format_alert

__all__ = ["CONSOLE_ROUTE", "DeliveryError", "Notifier", "routes_from_urls"]

CONSOLE_ROUTE = "console"
_console_stream: list[TextIO] = [sys.stderr]


@notify(on="console", name="tradewatch console")
def _console(body: str, title: str, notify_type: str, *args: Any, **kwargs: Any) -> bool:
    stream = _console_stream[0]
    stream.write(f"\n🔔 {title}\n{body}\n")
    stream.flush()
    return True


class DeliveryError(ExtractorError):
    """An alert could not be delivered on a route."""


def routes_from_urls(urls: Sequence[str]) -> dict[str, list[str]]:
    """One route per URL, named by its scheme (``json``, ``mailto-2``...).

    With no URL at all, the single route ``console``.
    """
    if not urls:
        return {CONSOLE_ROUTE: ["console://"]}
    routes: dict[str, list[str]] = {}
    for url in urls:
        scheme = urlsplit(url).scheme or "url"
        name, n = scheme, 1
        while name in routes:
            n += 1
            name = f"{scheme}-{n}"
        routes[name] = [url]
    return routes


class Notifier:
    """``notifier(route, event)`` sends one event's alert on one route."""

    def __init__(self, routes: Mapping[str, Sequence[str]], *, console: TextIO | None = None) -> None:
        self._secrets = [u for urls in routes.values() for u in urls]
        self._apprise: dict[str, apprise.Apprise] = {}
        if console is not None:
            _console_stream[0] = console
        for name, urls in routes.items():
            ap = apprise.Apprise()
            for url in urls:
                if not ap.add(url):
                    raise DeliveryError(
                        f"route {name!r}: not a valid apprise URL (scheme {urlsplit(url).scheme!r})"
                    )
            self._apprise[name] = ap

    @property
    def routes(self) -> list[str]:
        return list(self._apprise)

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "<redacted>")
        return text

    def __call__(self, route: str, event: dict[str, Any]) -> None:
        ap = self._apprise.get(route)
        if ap is None:
            raise DeliveryError(f"route {route!r} is not configured")
        title, body = format_alert(event)
        with apprise.LogCapture(level=apprise.logging.WARNING) as log:
            ok = ap.notify(title=title, body=body)
            detail = log.getvalue().strip().splitlines()
        if not ok:
            reason = self._redact(detail[-1]) if detail else "no detail from apprise"
            raise DeliveryError(f"delivery on route {route!r} failed: {reason}")
