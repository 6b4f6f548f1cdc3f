"""Events as the web view and its exports show them: list rows, CSV and an
Atom feed (``/events.csv``, ``/events.atom``, ``tradewatch events --csv``).
Plain functions over ``events --json`` rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from extractors.messages import headline, money

from .timeline import event_date

__all__ = ["CSV_FIELDS", "event_row", "event_rows", "to_atom", "to_csv"]

CSV_FIELDS = (
    "id",
    "date",
    "type",
    "action",
    "actor",
    "target",
    "rate_from",
    "rate_to",
    "amount_usd",
    "products",
    "occurred",
    "first_seen",
    "background",
    "alertable",
    "thread",
    "outlets",
    "title",
    "evidence",
)


def event_row(event: Mapping[str, Any], outlets: int) -> dict[str, Any]:
    """What a list row, the CSV and the feed show of an event."""
    day = event_date(event)
    return {
        **event,
        "date": day.isoformat() if day else "",
        "title": headline(event),
        "outlets": outlets,
        "money": money(event["amount_usd"]) if event["amount_usd"] else "",
    }


def to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for r in rows:
        values = {
            **r,
            "products": "; ".join(r["products"]),
            "evidence": r["evidence"][0] if r["evidence"] else "",
        }
        writer.writerow(["" if values.get(k) is None else values[k] for k in CSV_FIELDS])
    return out.getvalue()


def to_atom(rows: Sequence[Mapping[str, Any]], base: str, query: str) -> bytes:
    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)
    feed = ET.Element(f"{{{ns}}}feed")
    ET.SubElement(feed, f"{{{ns}}}title").text = "tradewatch events" + (f" ({query})" if query else "")
    ET.SubElement(feed, f"{{{ns}}}id").text = f"{base}/events.atom" + (f"?{query}" if query else "")
    newest = max((r["first_seen"] or "" for r in rows), default="") or datetime.now(UTC).isoformat()
    ET.SubElement(feed, f"{{{ns}}}updated").text = newest
    ET.SubElement(
        feed, f"{{{ns}}}link", rel="self", href=f"{base}/events.atom" + (f"?{query}" if query else "")
    )
    for r in rows:
        entry = ET.SubElement(feed, f"{{{ns}}}entry")
        ET.SubElement(entry, f"{{{ns}}}title").text = r["title"]
        ET.SubElement(entry, f"{{{ns}}}id").text = f"{base}/events/{r['id']}"
        ET.SubElement(entry, f"{{{ns}}}updated").text = r["first_seen"] or newest
        ET.SubElement(entry, f"{{{ns}}}link", href=f"{base}/events/{r['id']}")
        ET.SubElement(entry, f"{{{ns}}}summary").text = r["evidence"][0] if r["evidence"] else r["title"]
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


def event_rows(events: Sequence[Mapping[str, Any]], outlets: Mapping[int, int]) -> list[dict[str, Any]]:
    return [event_row(e, outlets.get(e["id"], 0)) for e in events]
