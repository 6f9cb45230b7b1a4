"""Presenting duty results: terminal tables, CSV rows and the readable timeline of ``explain``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

from rich.table import Table
from rich.text import Text

from swp_rules.engine.results import Breach, DutyRecord, Obligation
from swp_rules.engine.timeline import sort_key
from swp_rules.model import Event

CSV_COLUMNS: Final = (
    "kind", "child", "rule", "status", "due", "met", "days_late", "citation", "basis", "discharged_by", "evidence",
    "explanation",
    "source", "line", "id", "field", "reason",
)

_STATUS_STYLE: Final = {"met": "green", "breached": "bold red", "open": "yellow", "lapsed": "dim"}


def _iso(value: dt.date | dt.datetime | None) -> str:
    return "" if value is None else value.isoformat()


def breaches_table(breaches: Sequence[Breach]) -> Table:
    table = Table(title=f"Breaches ({len(breaches)})", title_justify="left", show_lines=True)
    for column in ("child", "rule", "basis", "due", "met", "late"):
        table.add_column(column, no_wrap=True)
    table.add_column("why", overflow="fold", ratio=1, min_width=40)
    for b in breaches:
        met = f"{_iso(b.met)} ({b.discharged_by})" if b.met is not None and b.discharged_by else _iso(b.met)
        table.add_row(b.child, b.rule, b.basis, _iso(b.due), met or "overdue", f"{b.days_late}d", b.explanation)
    return table


def open_table(open_: Sequence[Obligation]) -> Table:
    table = Table(title=f"Open duties ({len(open_)})", title_justify="left")
    for column in ("child", "rule", "basis", "due", "citation"):
        table.add_column(column, overflow="fold")
    for o in open_:
        table.add_row(o.child, o.rule, o.basis, _iso(o.due), o.citation)
    return table


def breach_rows(breaches: Sequence[Breach]) -> list[dict[str, Any]]:
    return [dict(b.to_dict(), kind="breach", status="breached") for b in breaches]


def open_rows(open_: Sequence[Obligation]) -> list[dict[str, Any]]:
    return [dict(o.to_dict(), kind="open") for o in open_]


def record_rows(records: Sequence[DutyRecord]) -> list[dict[str, Any]]:
    return [dict(r.to_dict(), kind="duty") for r in records]


def timeline_table(events: Sequence[Event]) -> Table:
    table = Table(title="Events", title_justify="left")
    for column in ("date", "event", "id", "details"):
        table.add_column(column, overflow="fold")
    for event in sorted(events, key=sort_key):
        details = ", ".join(f"{k}={_plain(v)}" for k, v in event.fields.items())
        table.add_row(event.when, event.type.replace("_", " "), event.id, details)
    return table


def duties_table(records: Sequence[DutyRecord]) -> Table:
    table = Table(title="Duties", title_justify="left", show_lines=True)
    for column in ("rule", "basis", "clock", "due", "status", "met by", "why"):
        table.add_column(column, overflow="fold")
    for r in records:
        status = Text(r.status + (f" ({r.days_late}d)" if r.days_late else ""), style=_STATUS_STYLE[r.status])
        clock = f"{r.deadline} after {r.clock} ({_iso(r.clock_start)})"
        table.add_row(r.rule, r.basis, clock, _iso(r.due), status, r.discharged_by or "", r.explanation)
    return table


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
