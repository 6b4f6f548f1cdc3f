"""Polite HTTP fetching with httpx: one shared client, bounded in every way.

* explicit timeouts and connection limits, a descriptive User-Agent, HTTP/2
  where the server offers it;
* conditional GET (``ETag``, ``Last-Modified``): an unchanged feed costs a 304;
* per host, at most ``per_host`` requests at once and ``host_delay`` seconds
  between two starts; robots.txt honoured (fetched once per host and cached);
  the spacing of starts is kept by a :class:`Pacer`: this process's own
  (:class:`LocalPacer`), or one that every worker shares
  (:class:`storage.pacing.SharedPacer`, in the database), so that N workers
  do not ask one host N times as often;
  429 and 503 wait out ``Retry-After`` when it is short, and report it when not;
* retries only for transient failures (connection errors, timeouts, 5xx, 429),
  with exponential backoff and jitter;
* redirects followed by hand, each hop polite and allowed by robots.txt, at most
  ``max_redirects``, loops refused;
* the body streamed and capped at ``max_bytes``, compressed or not: gzip and
  deflate are inflated here, never more than the cap (no decompression bomb);
  brotli is not offered.

The transport can be injected (``transport=``) so tests and tools can run
without a network; the tests of this module use real servers on loopback.
"""

from __future__ import annotations

import random
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Protocol
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from ..encoding import decode_html
from ..exceptions import (
    BodyTooLarge,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    RedirectLoop,
    RetryLater,
    RobotsDisallowed,
    TooManyRedirects,
    TransportError,
)

__all__ = ["FetchConfig", "Fetched", "Fetcher", "LocalPacer", "Pacer"]

USER_AGENT = "tradewatch/0.1 (trade-dispute news monitor; polite: robots.txt, conditional GET)"
_TRANSIENT = {429, 500, 502, 503, 504}
_REDIRECTS = {301, 302, 303, 307, 308}
_STAY_OUT = ["User-agent: *", "Disallow: /"]
_RETRY_ROBOTS = 600.0  # seconds before a robots.txt that failed is asked again


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """How a :class:`Fetcher` behaves; every bound explicit."""

    timeout: httpx.Timeout = field(default_factory=lambda: httpx.Timeout(15.0, connect=5.0))
    max_connections: int = 20
    per_host: int = 2  # requests to one host at once
    host_delay: float = 1.0  # seconds between two requests to one host
    max_bytes: int = 5 * 1024 * 1024  # largest body, once decompressed
    max_redirects: int = 5
    retries: int = 2  # extra attempts for a transient failure
    backoff: float = 0.5  # seconds, doubled per retry, with jitter
    max_retry_after: float = 60.0  # a longer Retry-After is reported (RetryLater), not waited
    robots: bool = True
    robots_ttl: float = 24 * 3600.0
    user_agent: str = USER_AGENT
    http2: bool = True


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response: ``status`` 200 with its body, or 304 (``not_modified``)."""

    url: str  # as asked
    final_url: str  # after redirects
    status: int
    body: bytes
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Pacer(Protocol):
    """When requests to a host may start. :meth:`reserve` takes the host's
    next start, ``delay`` seconds after the one reserved before it (or now),
    and returns the seconds to wait for it; :meth:`hold_off` pushes the next
    start back (a host's Retry-After); :meth:`pending` is the wait a request
    would face now."""

    def reserve(self, host: str, delay: float) -> float: ...

    def hold_off(self, host: str, seconds: float) -> None: ...

    def pending(self, host: str) -> float: ...


class LocalPacer:
    """A :class:`Pacer` for this process alone (its threads share it)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, host: str, delay: float) -> float:
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + delay
            return start - now

    def hold_off(self, host: str, seconds: float) -> None:
        with self._lock:
            now = self._clock()
            self._next[host] = max(self._next.get(host, now), now + seconds)

    def pending(self, host: str) -> float:
        with self._lock:
            now = self._clock()
            return max(0.0, self._next.get(host, now) - now)


@dataclass(slots=True)
class _Host:
    name: str  # host[:port], as the pacer knows it
    slots: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    robots: RobotFileParser | None = None
    robots_until: float = 0.0
    robots_failure: FetchError | None = None  # why robots.txt keeps us out, when it could not be read


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class Fetcher:
    """Fetches URLs politely (see the module docstring); safe to share between threads."""

    def __init__(
        self,
        config: FetchConfig = FetchConfig(),
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        pacer: Pacer | None = None,
    ) -> None:
        self.config = config
        self._sleep = sleep
        self._pacer: Pacer = pacer or LocalPacer()
        self._client = httpx.Client(
            timeout=config.timeout,
            limits=httpx.Limits(max_connections=config.max_connections, max_keepalive_connections=10),
            headers={"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            http2=config.http2 and transport is None,
            transport=transport,
        )
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # --- politeness -------------------------------------------------------------------

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        with self._lock:
            host = self._hosts.get(key)
            if host is None:
                host = self._hosts[key] = _Host(key, threading.Semaphore(self.config.per_host))
            return host

    @contextmanager
    def _turn(self, url: str) -> Iterator[_Host]:
        """Hold one of the host's request slots, starting no sooner than its delay allows."""
        host = self._host(url)
        held = self._pacer.pending(host.name)
        if held > self.config.max_retry_after:  # the host asked for a long pause: do not sleep through it
            raise RetryLater(f"{url}: host asked to retry after {held:.0f} s", 429, held)
        with host.slots:
            wait = self._pacer.reserve(host.name, self.config.host_delay)
            if wait > 0:
                self._sleep(wait)
            yield host

    def _hold_off(self, url: str, seconds: float) -> None:
        self._pacer.hold_off(self._host(url).name, seconds)

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets tradewatch fetch ``url`` (fetched once per host)."""
        if not self.config.robots:
            return True
        host = self._host(url)
        now = time.monotonic()
        if host.robots is None or now >= host.robots_until:
            parts = urlsplit(url)
            robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
            parser = RobotFileParser(robots_url)
            ttl = self.config.robots_ttl
            failure: FetchError | None = None
            try:
                got = self._once(robots_url, {}, check_robots=False)
                if got.status >= 500:
                    failure = FetchError(f"{robots_url}: HTTP {got.status}")
                elif got.status >= 400:
                    parser.parse([])  # no robots.txt: everything allowed
                else:
                    parser.parse(decode_html(got.body, got.content_type).splitlines())
            except FetchError as exc:
                failure = exc
            if failure is not None:  # RFC 9309: unreachable or a server error means "stay out" for now
                parser.parse(_STAY_OUT)
                ttl = _RETRY_ROBOTS
            host.robots, host.robots_until, host.robots_failure = parser, now + ttl, failure
        return host.robots.can_fetch(self.config.user_agent, url)

    # --- one request --------------------------------------------------------------------

    def _read(self, response: httpx.Response, url: str) -> bytes:
        cap = self.config.max_bytes
        declared = response.headers.get("Content-Length")
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if declared and declared.isdigit() and encoding == "identity" and int(declared) > cap:
            raise BodyTooLarge(f"{url}: body of {int(declared):,} bytes is over the {cap:,}-byte cap")
        if encoding in ("gzip", "x-gzip", "deflate"):
            inflate = zlib.decompressobj(wbits=47)  # gzip or zlib, detected
        elif encoding in ("identity", ""):
            inflate = None
        else:
            raise FetchError(f"{url}: unsupported Content-Encoding {encoding!r}")
        out = bytearray()
        for chunk in response.iter_raw():
            if inflate is None:
                out += chunk
            else:
                data = chunk
                while data and len(out) <= cap:
                    out += inflate.decompress(data, cap + 1 - len(out))
                    data = inflate.unconsumed_tail
            if len(out) > cap:
                raise BodyTooLarge(f"{url}: body over the {cap:,}-byte cap (decompressed)")
        return bytes(out)

    def _once(self, url: str, headers: Mapping[str, str], *, check_robots: bool = True) -> Fetched:
        """One polite request (no redirects followed), with retries for transient failures."""
        if check_robots and not self.allowed(url):
            failure = self._host(url).robots_failure
            if failure is not None:  # the host's failure, not a rule of its robots.txt
                raise failure
            raise RobotsDisallowed(f"{url}: disallowed by robots.txt")
        attempt = 0
        while True:
            try:
                with self._turn(url), self._client.stream("GET", url, headers=dict(headers)) as response:
                    status = response.status_code
                    wait = _retry_after(response.headers.get("Retry-After")) if status in (429, 503) else None
                    if status not in _TRANSIENT:
                        body = b"" if status in _REDIRECTS or status == 304 else self._read(response, url)
                        return Fetched(
                            url,
                            response.headers.get("Location", url) if status in _REDIRECTS else url,
                            status,
                            body,
                            response.headers.get("Content-Type"),
                            response.headers.get("ETag"),
                            response.headers.get("Last-Modified"),
                        )
            except httpx.TimeoutException as exc:
                error: FetchError = FetchTimeout(f"{url}: timed out ({type(exc).__name__})")
                wait = None
            except httpx.TransportError as exc:
                error = TransportError(f"{url}: {type(exc).__name__}: {exc}")
                wait = None
            else:
                error = HTTPStatusError(f"{url}: HTTP {status}", status)
                if wait is not None:
                    if wait > self.config.max_retry_after:
                        self._hold_off(url, wait)
                        raise RetryLater(f"{url}: HTTP {status}, retry after {wait:.0f} s", status, wait)
                    self._hold_off(url, wait)  # the host asked every client to wait
            if attempt >= self.config.retries:
                raise error
            attempt += 1
            if wait is None:
                self._sleep(self.config.backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET ``url``: redirects followed (politely, bounded), 304 if unchanged
        since ``etag``/``last_modified``. Raises a :class:`FetchError`."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = {url}
        current = url
        for _ in range(self.config.max_redirects + 1):
            got = self._once(current, headers)
            if got.status not in _REDIRECTS:
                if got.status >= 400:
                    raise HTTPStatusError(f"{current}: HTTP {got.status}", got.status)
                return Fetched(
                    url, current, got.status, got.body, got.content_type, got.etag, got.last_modified
                )
            target = urljoin(current, got.final_url)
            if urlsplit(target).scheme not in ("http", "https"):
                raise FetchError(f"{current}: redirect to a non-HTTP URL")
            if target in seen:
                raise RedirectLoop(f"{url}: redirect loop at {target}")
            seen.add(target)
            current = target
        raise TooManyRedirects(f"{url}: more than {self.config.max_redirects} redirects")
