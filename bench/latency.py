"""End-to-end latency: from an article appearing on a feed to its alert arriving.

Runs ``tradewatch serve`` as a user would (the embedded default: it starts its
own local Prefect server, SQLite database in a temporary folder), polling every
``--every`` (default 30s). A loopback site serves an RSS feed; once the feed has
been polled, a seed article (as an HTML page) is added to it, ROUNDS times, at
moments that fall anywhere in the polling cycle; a loopback webhook receives
the alerts. Prints, per article, the seconds from its publication to its first
alert, and the breakdown a user can expect: half an interval of waiting for the
next poll on average, then the run, the trigger and the delivery run.
Usage: python bench/latency.py [--every 30s] [--rounds 3]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from extractors.routing import parse_duration

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TRADEWATCH = str(Path(sys.executable).parent / "tradewatch")


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Loopback:
    """A feed and its pages, and a webhook receiver, on 127.0.0.1."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.published: dict[str, datetime] = {}
        self.alerts: list[tuple[float, dict[str, Any]]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/feed.xml":
                    body, kind = site.feed(), "application/rss+xml"
                elif self.path in site.pages:
                    body, kind = site.pages[self.path], "text/html; charset=utf-8"
                elif self.path == "/robots.txt":
                    body, kind = b"User-agent: *\n", "text/plain"
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                site.alerts.append((time.time(), json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>{html.escape(path)}</title><link>{self.base}{path}</link>"
            f"<pubDate>{format_datetime(self.published[path])}</pubDate></item>"
            for path in self.pages
        )
        rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
        return rss.encode()

    def publish(self, seed: Path) -> float:
        lines = [line for line in seed.read_text("utf-8").split("\n") if line.strip()]
        body = "".join(f"<p>{html.escape(p)}</p>" for p in lines)
        title = html.escape(lines[0][:100])
        page = f"<html><head><title>{title}</title></head><body><article>{body}</article></body></html>"
        path = f"/news/{seed.stem}"
        self.published[path] = datetime.now(UTC)
        self.pages[path] = page.encode()
        return time.time()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--every", default="30s")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    site = Loopback()
    data = Path(tempfile.mkdtemp())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRADEWATCH_", "PREFECT_"))}
    env |= {
        "TRADEWATCH_DATA_DIR": str(data),
        "TRADEWATCH_APPRISE_URLS": f"json://{site.base.removeprefix('http://')}/hook",
        "TRADEWATCH_POLL_EVERY": args.every,
        "TRADEWATCH_FETCH_HOST_DELAY": "0",
        "TRADEWATCH_PREFECT_PORT": str(_port()),
        "PREFECT_HOME": str(data / "prefect-client"),
    }
    seeds = sorted(SEEDS.glob("*.txt"))
    site.publish(seeds[0])  # something to start from
    subprocess.run(
        [TRADEWATCH, "sources", "add", f"{site.base}/feed.xml", "--every", args.every],
        env=env,
        check=True,
        capture_output=True,
    )
    t0 = time.time()
    serve = subprocess.Popen(
        [TRADEWATCH, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while not site.alerts:  # the first poll (and its alerts): everything is warm
            if time.time() - t0 > 600:
                raise SystemExit("no alert within 10 minutes of starting serve")
            time.sleep(0.5)
        print(f"serve started; first alert {time.time() - t0:.0f} s after it (server start, first poll)")
        latencies = []
        interval = parse_duration(args.every).total_seconds()
        for seed in seeds[1 : 1 + args.rounds]:
            time.sleep(random.uniform(0, interval))  # anywhere in the polling cycle
            before = len(site.alerts)
            published = site.publish(seed)
            while len(site.alerts) == before:
                if time.time() - published > 600:
                    raise SystemExit(f"no alert for {seed.name} within 10 minutes")
                time.sleep(0.2)
            latency = site.alerts[before][0] - published
            latencies.append(latency)
            print(f"{seed.name}: first alert {latency:5.1f} s after publication")
            time.sleep(3)  # the rest of its alerts
        print(
            f"polling every {args.every}: latency mean {sum(latencies) / len(latencies):.1f} s, "
            f"min {min(latencies):.1f} s, max {max(latencies):.1f} s over {len(latencies)} articles"
        )
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(60)
        site.server.shutdown()


if __name__ == "__main__":
    main()
