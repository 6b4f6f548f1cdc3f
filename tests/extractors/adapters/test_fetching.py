"""The fetcher against a real HTTP server on loopback: conditional GET,
Retry-After, per-host limits seen from the server's log, robots.txt, timeouts,
redirect loops, size caps, a gzip bomb and charsets."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from itertools import pairwise

import httpx
import pytest

from extractors.adapters.fetching import FetchConfig, Fetcher
from extractors.encoding import decode_html
from extractors.exceptions import (
    BodyTooLarge,
    FetchTimeout,
    HTTPStatusError,
    RedirectLoop,
    RetryLater,
    RobotsDisallowed,
    TooManyRedirects,
    TransportError,
)

from ...site import Hit, Reply, Site

FAST = FetchConfig(host_delay=0.0, backoff=0.05, timeout=httpx.Timeout(2.0, connect=2.0))


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    s.routes["/robots.txt"] = Reply(200, b"User-agent: *\nDisallow: /private\n")
    yield s
    s.close()


def test_an_unchanged_page_costs_a_304(site: Site) -> None:
    def page(hit: Hit, n: int) -> Reply:
        if hit.headers.get("If-None-Match") == '"v1"':
            return Reply(304)
        return Reply(200, b"<rss/>", {"ETag": '"v1"', "Last-Modified": "Mon, 23 Nov 2026 10:00:00 GMT"})

    site.routes["/feed"] = page
    with Fetcher(FAST) as f:
        first = f.get(site.url("/feed"))
        again = f.get(site.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert (first.status, first.body, first.etag) == (200, b"<rss/>", '"v1"')
    assert again.not_modified and again.body == b""
    assert site.asked("/feed")[1].headers["If-Modified-Since"] == "Mon, 23 Nov 2026 10:00:00 GMT"


def test_retry_after_is_waited_when_short_and_reported_when_long(site: Site) -> None:
    site.routes["/busy"] = lambda hit, n: (
        Reply(503, headers={"Retry-After": "1"}) if n == 0 else Reply(200, b"ok")
    )
    site.routes["/later"] = Reply(429, headers={"Retry-After": "3600"})
    with Fetcher(FAST) as f:
        t0 = time.monotonic()
        assert f.get(site.url("/busy")).body == b"ok"
        assert time.monotonic() - t0 >= 0.95  # it waited as asked
        with pytest.raises(RetryLater) as later:
            f.get(site.url("/later"))
    assert later.value.retry_after > 3000 and len(site.asked("/later")) == 1


def test_per_host_concurrency_and_delay_hold_as_the_server_sees_them(site: Site) -> None:
    for i in range(6):
        site.routes[f"/slow{i}"] = Reply(200, b"x", delay=0.3)
    config = FetchConfig(per_host=2, host_delay=0.4, backoff=0.05)
    with Fetcher(config) as f:
        threads = [threading.Thread(target=f.get, args=(site.url(f"/slow{i}"),)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    pages = sorted((h for h in site.hits if h.path.startswith("/slow")), key=lambda h: h.start)
    assert len(pages) == 6 and max(h.in_flight for h in pages) <= 2
    # as the server sees them: a loaded machine delays a start by up to 0.1 s
    # (tests/storage/test_pacing.py saw 54 ms), far less than the spacing
    assert all(b.start - a.start >= 0.3 for a, b in pairwise(pages))


def test_robots_txt_is_honoured_and_read_once(site: Site) -> None:
    site.routes["/private/a"] = Reply(200, b"secret")
    site.routes["/public"] = Reply(200, b"open")
    with Fetcher(FAST) as f:
        with pytest.raises(RobotsDisallowed):
            f.get(site.url("/private/a"))
        assert f.get(site.url("/public")).body == b"open"
        f.get(site.url("/public"))
    assert site.asked("/private/a") == [] and len(site.asked("/robots.txt")) == 1
    assert site.asked("/public")[0].headers["User-Agent"].startswith("tradewatch/")


def test_a_slow_answer_times_out_and_a_transient_error_is_retried(site: Site) -> None:
    site.routes["/stuck"] = Reply(200, b"late", delay=2.0)
    site.routes["/flaky"] = lambda hit, n: Reply(500) if n < 2 else Reply(200, b"fine")
    site.routes["/gone"] = Reply(404)
    config = FetchConfig(host_delay=0.0, backoff=0.05, retries=2, timeout=httpx.Timeout(0.5))
    with Fetcher(config) as f:
        with pytest.raises(FetchTimeout):
            f.get(site.url("/stuck"))
        assert f.get(site.url("/flaky")).body == b"fine"
        with pytest.raises(HTTPStatusError) as gone:
            f.get(site.url("/gone"))
    assert gone.value.status == 404 and len(site.asked("/gone")) == 1  # not transient: not retried
    assert len(site.asked("/flaky")) == 3


def test_redirects_are_followed_but_loops_and_long_chains_are_refused(site: Site) -> None:
    site.routes["/old"] = Reply(301, headers={"Location": "/new"})
    site.routes["/new"] = Reply(200, b"moved here")
    site.routes["/a"] = Reply(302, headers={"Location": "/b"})
    site.routes["/b"] = Reply(302, headers={"Location": "/a"})
    for i in range(8):
        site.routes[f"/r{i}"] = Reply(302, headers={"Location": f"/r{i + 1}"})
    with Fetcher(FAST) as f:
        moved = f.get(site.url("/old"))
        assert (moved.body, moved.final_url) == (b"moved here", site.url("/new"))
        with pytest.raises(RedirectLoop):
            f.get(site.url("/a"))
        with pytest.raises(TooManyRedirects):
            f.get(site.url("/r0"))


def test_bodies_over_the_cap_and_a_gzip_bomb_are_refused(site: Site) -> None:
    cap = 64 * 1024
    site.routes["/big"] = Reply(200, b"x" * (cap + 1))
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024))  # 50 MiB of zeros in about 50 KiB
    site.routes["/bomb"] = Reply(200, bomb, {"Content-Encoding": "gzip"})
    site.routes["/zipped"] = Reply(200, gzip.compress(b"<p>fine</p>"), {"Content-Encoding": "gzip"})
    with Fetcher(FetchConfig(max_bytes=cap, host_delay=0.0)) as f:
        with pytest.raises(BodyTooLarge):
            f.get(site.url("/big"))
        with pytest.raises(BodyTooLarge, match="decompressed"):
            f.get(site.url("/bomb"))
        assert f.get(site.url("/zipped")).body == b"<p>fine</p>"
    assert len(bomb) < 100_000


def test_a_refused_connection_is_a_transport_error() -> None:
    with Fetcher(FetchConfig(retries=0, robots=False)) as f, pytest.raises(TransportError):
        f.get("http://127.0.0.1:9/nothing-listens-here")


def test_an_unreachable_host_is_reported_as_unreachable_not_as_robots_txt() -> None:
    """Issue 17, finding 8: with robots.txt honoured, a refused connection was
    reported as "disallowed by robots.txt"."""
    with Fetcher(FetchConfig(retries=0)) as f:
        for _ in range(2):  # the first ask, and the cached "stay out"
            with pytest.raises(TransportError, match="Connection refused"):
                f.get("http://127.0.0.1:9/feed.xml")


def test_charsets_from_header_meta_or_detection() -> None:
    text = "Les droits de douane imposés à l’acier: 25 % – déjà."
    latin = text.replace("’", "'").replace("–", "-").encode("iso-8859-1")
    assert decode_html(latin, "text/html; charset=ISO-8859-1") == text.replace("’", "'").replace("–", "-")
    meta = b'<html><head><meta charset="windows-1252"></head><body>' + text.encode("cp1252") + b"</body>"
    assert text in decode_html(meta, "text/html")
    assert decode_html(text.encode("utf-8")) == text
    assert decode_html(b"\xef\xbb\xbf" + text.encode("utf-8")) == text


def test_credentials_in_urls_are_hidden_from_what_others_see() -> None:
    from extractors.urls import hide_credentials

    text = (
        "GET https://alice:s3cr3t@feeds.example.com/rss?api_key=K3Y&lang=en failed; "
        "see http://example.org/a?x=1&access_token=T0K&sig=abc#top"
    )
    hidden = hide_credentials(text)
    assert not any(secret in hidden for secret in ("s3cr3t", "K3Y", "T0K", "abc#"))
    assert "https://***@feeds.example.com/rss?api_key=***&lang=en" in hidden
    assert "x=1&access_token=***&sig=***#top" in hidden
    for url in (
        "https://T0KEN1234@host.example/feed",
        "https://:pw9@host.example/feed",
        "https://user:p@ss9@host.example/feed",
        "https://host.example/feed?pass=pw9",
        "https://host.example/feed?pwd=pw9",
        "https://s3.example/f?X-Amz-Credential=pw9",
        "https://host.example/cb#access_token=pw9",
    ):
        hidden = hide_credentials(f"failed: {url} (timeout)")
        assert all(s not in hidden for s in ("T0KEN1234", "pw9", "ss9")), hidden
        assert hidden.endswith(" (timeout)") and ("host.example" in hidden or "s3.example" in hidden)
    assert hide_credentials("https://example.com/news/2026/tariffs?page=2") == (
        "https://example.com/news/2026/tariffs?page=2"
    )
