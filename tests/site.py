"""A real HTTP server on loopback whose pages tests script, and which logs every
request it gets (path, headers, start and end times, requests in flight)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    start: float
    end: float = 0.0
    in_flight: int = 0


Route = Callable[["Hit", int], Reply]  # (the request, how many times this path was asked) -> reply


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Route | Reply] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._in_flight = 0
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with site._lock:
                    site._in_flight += 1
                    hit = Hit(self.path, dict(self.headers), time.monotonic(), in_flight=site._in_flight)
                    count = sum(1 for h in site.hits if h.path == self.path)
                    site.hits.append(hit)
                route = site.routes.get(self.path.split("?")[0], Reply(404, b"not found"))
                reply = route(hit, count) if callable(route) else route
                try:
                    if reply.delay:
                        time.sleep(reply.delay)
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    if "Content-Length" not in reply.headers:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if reply.body and reply.status != 304:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with site._lock:
                        site._in_flight -= 1
                        hit.end = time.monotonic()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def asked(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path.split("?")[0] == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
