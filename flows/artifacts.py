"""What each run shows in the Prefect UI: Prefect artifacts.

``replay`` and ``monitor`` publish a table of the trade events they found new,
a table of the stories their articles are in, and a summary: articles seen,
new and failed, events and alerts, and the sources in back-off (failing, with
their error count, last error and next poll). Keys are fixed, so the UI keeps
each one's history across runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from prefect.artifacts import create_markdown_artifact, create_table_artifact
from sqlalchemy.engine import Engine

from extractors.urls import hide_credentials
from storage.queries import events_by_id, stories_of
from storage.sources import list_sources

__all__ = ["EVENTS_KEY", "MAX_ROWS", "RUN_KEY", "STORIES_KEY", "publish_run"]

EVENTS_KEY = "tradewatch-new-events"
STORIES_KEY = "tradewatch-stories"
RUN_KEY = "tradewatch-run"
MAX_ROWS = 500  # a table artifact shows the newest this many rows (a large replay has thousands)


def _rate(e: Mapping[str, Any]) -> str:
    low, high = e["rate_from"], e["rate_to"]
    if high is None:
        return ""
    return f"{low:g}% → {high:g}%" if low is not None else f"{high:g}%"


def _cell(text: str) -> str:
    return " ".join(hide_credentials(text).replace("|", "/").split())


def publish_run(
    engine: Engine, summary: dict[str, Any], article_ids: Sequence[int], new_event_ids: Sequence[int]
) -> None:
    """The run's artifacts (see the module's docstring)."""
    events = events_by_id(engine, new_event_ids[-MAX_ROWS:])
    create_table_artifact(
        [
            {
                "id": e["id"],
                "type": e["type"],
                "action": e["action"],
                "actor": e["actor"] or "",
                "target": e["target"] or "",
                "rate": _rate(e),
                "amount_usd": e["amount_usd"] or "",
                "products": ", ".join(e["products"]),
                "source": hide_credentials(e["articles"][0]["url"] or e["articles"][0]["source_id"])
                if e["articles"]
                else "",
            }
            for e in events
        ],
        key=EVENTS_KEY,
        description=f"{len(new_event_ids)} new trade events"
        + (f" (the newest {MAX_ROWS} shown)" if len(new_event_ids) > MAX_ROWS else ""),
    )
    total = int(summary["stories"])  # counted once, by finish_run
    stories = stories_of(engine, article_ids, newest=MAX_ROWS)
    create_table_artifact(
        [dict(s) for s in stories],
        key=STORIES_KEY,
        description=f"{total} stories of this run's articles"
        + (f" (the newest {MAX_ROWS} shown)" if total > MAX_ROWS else ""),
    )
    failing = [s for s in list_sources(engine) if s["error_count"]]
    lines = [
        "# tradewatch run",
        "",
        "| | |",
        "|---|---|",
        *(f"| {k.replace('_', ' ')} | {v} |" for k, v in summary.items() if not isinstance(v, list)),
        f"| articles failed | {len(summary.get('errors', []))} |",
        "",
        f"## Sources in back-off: {len(failing)}",
    ]
    if failing:
        lines += ["", "| source | errors | last error | next poll |", "|---|---|---|---|"]
        lines += [
            f"| {_cell(s['name'] or s['url'])} | {s['error_count']} | {_cell(s['last_error'] or '')} "
            f"| {s['next_poll_at']} |"
            for s in failing
        ]
    create_markdown_artifact("\n".join(lines), key=RUN_KEY, description="counts and failing sources")
