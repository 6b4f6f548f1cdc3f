"""Alert delivery through apprise.

Channels come from apprise's own formats: an apprise YAML or text config file
(``TRADEWATCH_APPRISE_CONFIG``) whose *tags* name routes, and URLs from the
environment (``TRADEWATCH_APPRISE_URLS``), each a route named by its scheme. A
route with one URL is one channel named like the route; a route with several
has one channel per URL (``compliance/mailto``, ``compliance/slack``), so the
outbox keeps one row per event and channel and one failing channel never
resends the others. Untagged URLs of a config file are routes named by their
scheme too. With no URL at all, the single route ``console`` (``console://``,
writing to standard error; also an apprise schema registered here, so an apprise
config file can name it). apprise, and the plugins it loads as a schema is
registered (0.3 s), are imported only when a channel other than the console is
configured.

What tradewatch stores and shows is the channel's name; the URLs, which hold
tokens and passwords, are never stored, logged or printed.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO
from urllib.parse import urlsplit

from ..exceptions import ExtractorError
from ..messages import Message

__all__ = [
    "CONSOLE_ROUTE",
    "CONSOLE_URL",
    "IDEMPOTENCY_HEADER",
    "DeliveryError",
    "Notifier",
    "channels",
    "idempotency_key",
]

CONSOLE_ROUTE = "console"
CONSOLE_URL = "console://"


def _write_console(stream: TextIO, title: str, body: str) -> None:
    stream.write(f"\n🔔 {title}\n{body}\n")
    stream.flush()


@cache
def _apprise() -> ModuleType:
    """apprise, with the ``console`` schema registered (once per process)."""
    import apprise
    from apprise.decorators import notify

    @notify(on="console", name="tradewatch console")
    def _console(body: str, title: str, notify_type: str, *args: Any, **kwargs: Any) -> bool:
        _write_console(sys.stderr, title, body)
        return True

    return apprise


IDEMPOTENCY_HEADER = "Idempotency-Key"
_WEBHOOKS = frozenset({"json", "jsons", "xml", "xmls", "form", "forms"})  # apprise's HTTP POST schemes


def idempotency_key(channel: str, message: Message) -> str:
    """The same for every send of one message on one channel (a retry after a
    timeout, a resend after a crash), so a receiver can drop repeats."""
    events = ",".join(map(str, sorted(message.events)))
    return hashlib.sha256(f"{channel}|{events}".encode()).hexdigest()[:32]


def _with_header(url: str, name: str, value: str) -> str:
    """An apprise webhook URL that also sends ``name: value`` (apprise reads
    ``+Name=value`` arguments as headers)."""
    return f"{url}{'&' if '?' in url else '?'}+{name}={value}"


class DeliveryError(ExtractorError):
    """An alert could not be delivered on a channel (the reason never holds a secret)."""


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme or "url"
    except ValueError:  # "Invalid IPv6 URL": the channel's own validation says so
        return "url"


def channels(urls: Sequence[str] = (), config: Path | None = None) -> dict[str, str]:
    """``channel name → apprise URL`` for the configured routes."""
    routes: dict[str, list[str]] = {}
    if config is not None:
        cfg = _apprise().AppriseConfig()
        if not cfg.add(str(config)) or not cfg.servers():
            raise DeliveryError(f"{config}: not an apprise config file with at least one URL")
        for server in cfg.servers():
            tags = sorted(str(t) for t in server.tags) or [_scheme(server.url())]
            for tag in tags:
                routes.setdefault(tag, []).append(server.url())
    for url in urls:
        scheme, n = _scheme(url), 1
        name = scheme
        while name in routes:
            n += 1
            name = f"{scheme}-{n}"
        routes[name] = [url]
    if not routes:
        return {CONSOLE_ROUTE: CONSOLE_URL}
    out: dict[str, str] = {}
    for route, members in routes.items():
        if len(members) == 1:
            out[route] = members[0]
            continue
        for url in members:
            name, n = f"{route}/{_scheme(url)}", 1
            while name in out:
                n += 1
                name = f"{route}/{_scheme(url)}-{n}"
            out[name] = url
    return out


def _secret_parts(url: str) -> set[str]:
    """The URL and the parts of it that may be secret: its password, and any
    user, host, path segment or query value long enough to be a token."""
    parts = {url}
    try:
        split = urlsplit(url)
    except ValueError:
        return parts
    if split.password:
        parts.add(split.password)
    pieces = [split.username or "", split.hostname or "", *split.path.split("/")]
    pieces += [v for kv in split.query.split("&") for v in kv.split("=")[1:]]
    parts.update(p for p in pieces if len(p) >= 8 and not p.replace(".", "").isdigit())
    return parts


class Notifier:
    """``notifier(channel, message)`` sends one message on one channel."""

    def __init__(self, configured: Mapping[str, str], *, console: TextIO | None = None) -> None:
        self._secrets = sorted(
            {p for url in configured.values() for p in _secret_parts(url)}, key=len, reverse=True
        )
        self._apprise: dict[str, Any] = {}  # channel → apprise.Apprise
        self._names = list(configured)
        self._urls = dict(configured)
        self._consoles = {name for name, url in configured.items() if url == CONSOLE_URL}
        self._console = console or sys.stderr
        for name, url in configured.items():
            if name in self._consoles:
                continue
            apprise = _apprise()
            ap = apprise.Apprise()
            if not ap.add(url):
                raise DeliveryError(f"channel {name!r}: not a valid apprise URL (scheme {_scheme(url)!r})")
            if ap[0].notify_format == apprise.NotifyFormat.HTML:
                # apprise waits 5.5 s between two emails of one instance: 16 alerts would
                # take 90 s; an SMTP server takes them at once, and routes pace themselves
                ap[0].request_rate_per_sec = 0
            self._apprise[name] = ap

    @property
    def channels(self) -> list[str]:
        return [name for name in self._names if name in self._consoles or name in self._apprise]

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "<redacted>")
        return text

    def __call__(self, channel: str, message: Message) -> None:
        if channel in self._consoles:
            _write_console(self._console, message.title, message.text)
            return
        ap = self._apprise.get(channel)
        if ap is None:
            raise DeliveryError(f"channel {channel!r} is not configured")
        if _scheme(self._urls[channel]).lower() in _WEBHOOKS and message.events:
            ap = _apprise().Apprise()  # the same URL, with this message's key as a header
            ap.add(_with_header(self._urls[channel], IDEMPOTENCY_HEADER, idempotency_key(channel, message)))
        apprise = _apprise()
        server = ap[0]
        html = server.notify_format == apprise.NotifyFormat.HTML  # email: HTML with a plain-text part
        with apprise.LogCapture(level=apprise.logging.WARNING) as log:
            ok = ap.notify(
                title=message.title,
                body=message.html if html else message.text,
                body_format=apprise.NotifyFormat.HTML if html else apprise.NotifyFormat.TEXT,
            )
            detail = log.getvalue().strip().splitlines()
        if not ok:
            reason = self._redact(detail[-1]) if detail else "no detail from apprise"
            raise DeliveryError(f"delivery on channel {channel!r} failed: {reason}")
