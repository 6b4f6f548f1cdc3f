"""The web app's routes (see the package's doc). :func:`create_app` takes what
it reads (an engine, the alert channels and rules, an optional token): it
keeps no state of its own."""

from __future__ import annotations

import hmac
import json
import math
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.engine import Engine

from extractors.backtest import backtest
from extractors.routing import AlertRules
from extractors.urls import hide_credentials
from extractors.vocabulary import Action, AlertStatus, EventType
from storage.exceptions import NotFoundError
from storage.search import (
    EventFilter,
    alert_counts,
    alerts_page,
    event_detail,
    events_to_route,
    find_events,
    story_detail,
)
from storage.sources import list_sources

from .exports import event_row, to_atom, to_csv
from .timeline import timeline_svg

__all__ = ["COOKIE", "PER_PAGE", "BadFilter", "create_app", "parse_filter"]

PER_PAGE = 50
FEED_ENTRIES = 500  # an Atom feed carries the newest this many (feed readers keep what they saw)
COOKIE = "tradewatch_token"
TEMPLATES = Path(__file__).parent / "templates"


class BadFilter(ValueError):
    """A filter value outside what it may be (the message says what may)."""


def _choice(name: str, value: str | None, allowed: type[EventType] | type[Action] | type[AlertStatus]) -> Any:
    if not value:
        return None
    try:
        return allowed(value)
    except ValueError:
        raise BadFilter(f"{name} {value!r} is not one of: {', '.join(allowed)}") from None


def _day(name: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadFilter(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


def _page_number(text: str | None) -> int:
    """The page asked for (the first, unless a positive number is given)."""
    return max(1, int(text)) if text and text.isdigit() else 1


def _local(target: str) -> str:
    """``target`` if it is a path on this site, else ``/`` (a sign-in never redirects elsewhere)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def parse_filter(params: Mapping[str, str]) -> EventFilter:
    """An :class:`EventFilter` from query parameters (empty ones: no filter);
    :class:`BadFilter` names a bad value and what it may be."""
    text = {k: (params.get(k) or "").strip() or None for k in ("actor", "target", "product", "q")}
    return EventFilter(
        type=_choice("type", params.get("type"), EventType),
        action=_choice("action", params.get("action"), Action),
        actor=text["actor"],
        target=text["target"],
        product=text["product"],
        since=_day("since", params.get("since")),
        until=_day("until", params.get("until")),
        q=text["q"],
    )


def create_app(
    engine: Engine,
    *,
    channels: Sequence[str] = (),
    rules: AlertRules | None = None,
    token: str | None = None,
) -> FastAPI:
    """The workbench over ``engine``. With a ``token``, every page asks for it
    (``Authorization: Bearer``, or the login form's cookie)."""
    app = FastAPI(title="tradewatch", docs_url=None, redoc_url=None, openapi_url=None)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    env.globals.update(types=list(EventType), actions=list(Action), statuses=list(AlertStatus))
    env.filters["hide"] = lambda text: hide_credentials(str(text)) if text else ""

    def page(name: str, code: int = 200, **values: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**values), status_code=code)

    @app.middleware("http")
    async def _auth(request: Request, call_next: Any) -> Any:
        if token is None or request.url.path == "/login":
            return await call_next(request)
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        given = given or request.cookies.get(COOKIE, "")
        if given and hmac.compare_digest(given.encode(), token.encode()):
            return await call_next(request)
        if "text/html" in request.headers.get("accept", ""):
            return RedirectResponse(f"/login?{urlencode({'next': request.url.path})}", status_code=303)
        return JSONResponse({"detail": "a token is needed (Authorization: Bearer ...)"}, status_code=401)

    @app.exception_handler(BadFilter)
    async def _bad_filter(request: Request, exc: BadFilter) -> Response:
        return page("error.html", 400, message=str(exc))

    @app.exception_handler(NotFoundError)
    async def _missing(request: Request, exc: NotFoundError) -> Response:
        return page("error.html", 404, message=str(exc))

    @app.get("/login", response_class=HTMLResponse)
    def login_form(next: str = "/") -> HTMLResponse:
        return page("login.html", next=_local(next), failed=False)

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        given = (form.get("token") or [""])[0]
        target = _local((form.get("next") or ["/"])[0])
        if token is None or not hmac.compare_digest(given.encode(), token.encode()):
            return page("login.html", 401, next=target, failed=True)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
        return response

    @app.get("/", response_class=HTMLResponse)
    def events_page(request: Request) -> HTMLResponse:
        params = dict(request.query_params)
        f = parse_filter(params)
        number = _page_number(params.get("page"))
        found = find_events(engine, f, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
        rows = [
            event_row(e, found.outlets.get(e["id"], 0)) | {"state": found.states[e["id"]]}
            for e in found.events
        ]
        query = urlencode(f.as_params())
        pages = max(1, math.ceil(found.total / PER_PAGE))
        return page(
            "events.html",
            rows=rows,
            filter=f.as_params(),
            total=found.total,
            number=number,
            pages=pages,
            query=query,
            amp="&" if query else "",
        )

    def _all(request: Request, limit: int | None = None) -> list[dict[str, Any]]:
        """Every matching event (exports), or the newest ``limit`` (the feed)."""
        f = parse_filter(dict(request.query_params))
        found = find_events(engine, f, limit=limit)
        return [event_row(e, found.outlets.get(e["id"], 0)) for e in found.events]

    @app.get("/events.json")
    def events_json(request: Request) -> Response:
        rows = sorted(_all(request), key=lambda r: r["id"])  # the ``events --json`` contract, oldest first
        keep = [
            {k: v for k, v in r.items() if k not in ("stories", "date", "title", "outlets", "money")}
            for r in rows
        ]
        return Response(json.dumps(keep, ensure_ascii=False, indent=2), media_type="application/json")

    @app.get("/events.csv")
    def events_csv(request: Request) -> Response:
        rows = sorted(_all(request), key=lambda r: r["id"])
        return Response(
            to_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="events.csv"'},
        )

    @app.get("/events.atom")
    def events_atom(request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        query = urlencode(parse_filter(dict(request.query_params)).as_params())
        return Response(to_atom(_all(request, FEED_ENTRIES), base, query), media_type="application/atom+xml")

    @app.get("/events/{event_id}", response_class=HTMLResponse)
    def event_page(event_id: int) -> HTMLResponse:
        detail = event_detail(engine, event_id)
        event = detail["event"]
        timeline = detail["timeline"]
        return page(
            "event.html",
            event=event_row(event, detail["outlets"]),
            evidence=detail["evidence"],
            timeline=[event_row(e, 0) for e in timeline],
            svg=timeline_svg(timeline, current=event_id),
            stories=detail["stories"],
            alerts=detail["alerts"],
        )

    @app.get("/stories/{story_id}", response_class=HTMLResponse)
    def story_page(story_id: int) -> HTMLResponse:
        story = story_detail(engine, story_id)
        return page("story.html", story=story, events=[event_row(e, 0) for e in story["events"]])

    @app.get("/sources", response_class=HTMLResponse)
    def sources_page() -> HTMLResponse:
        return page("sources.html", sources=list_sources(engine))

    @app.get("/alerts", response_class=HTMLResponse)
    def outbox_page(status: str | None = None, page_no: str = Query("1", alias="page")) -> HTMLResponse:
        state = _choice("status", status, AlertStatus)
        number = _page_number(page_no)
        alerts, total = alerts_page(engine, status=state, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
        pages = max(1, math.ceil(total / PER_PAGE))
        query = f"status={state}&" if state else ""
        return page(
            "alerts.html",
            alerts=alerts,
            counts=alert_counts(engine),
            status=state,
            total=total,
            number=number,
            pages=pages,
            query=query,
        )

    @app.get("/backtest", response_class=HTMLResponse)
    def backtest_page(request: Request) -> HTMLResponse:
        params = dict(request.query_params)
        since, until = _day("since", params.get("since")), _day("until", params.get("until"))
        events = events_to_route(engine, EventFilter(since=since, until=until))
        result = backtest(events, rules or AlertRules(), list(channels))
        return page("backtest.html", result=result, since=since, until=until, configured=bool(channels))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        return page("error.html", exc.status_code, message=str(exc.detail))

    return app
