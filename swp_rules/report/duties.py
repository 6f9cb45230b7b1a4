"""Presenting duty results: terminal tables, CSV rows and the readable timeline of ``explain``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any, Final

from swp_rules.engine.results import Breach, ChildNote, DutyRecord, Obligation
from swp_rules.engine.timeline import sort_key
from swp_rules.io.events import Rejection
from swp_rules.model import Event
from swp_rules.report.documents import CheckDocument, ExplainDocument, RuleCount, run_summary
from swp_rules.report.formats import CsvTable, table_of, write_jsonl

if TYPE_CHECKING:  # the terminal views import rich when they are drawn
    from rich.console import Group, RenderableType
    from rich.table import Table

_STATUS_STYLE: Final = {"met": "green", "breached": "bold red", "open": "yellow", "lapsed": "dim"}


def _iso(value: dt.date | dt.datetime | None) -> str:
    return "" if value is None else value.isoformat()


#: Below this many columns, breaches are shown one block each (every word of the explanation kept).
WIDE: Final = 120


def breaches_table(breaches: Sequence[Breach], title: str | None = None) -> Table:
    from rich.table import Table

    table = Table(title=title or f"Breaches ({len(breaches)})", title_justify="left", show_lines=True)
    for column in ("child", "rule", "basis", "due", "met", "late"):
        table.add_column(column, overflow="fold")
    table.add_column("why", overflow="fold", ratio=1, min_width=30)
    for b in breaches:
        met = f"{_iso(b.met)} ({b.discharged_by})" if b.met is not None and b.discharged_by else _iso(b.met)
        table.add_row(b.child, b.rule, b.basis, _iso(b.due), met or "overdue", f"{b.days_late}d", b.explanation)
    return table


def breach_blocks(breaches: Sequence[Breach], title: str) -> Group:
    """One block per breach, for a narrow terminal: the facts on a line, then the citation and the explanation,
    wrapped at words to the width."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    parts: list[RenderableType] = [Text(title, style="bold")]
    for b in breaches:
        head = Text()
        head.append(b.child, style="bold")
        head.append(f"  {b.rule} ({b.basis})  due {_iso(b.due)}  ")
        head.append(f"met {_iso(b.met)}, {b.days_late}d late" if b.met else f"overdue {b.days_late}d",
                    style="red")
        parts.append(head)
        parts.append(Padding(Text(f"{b.citation}. {b.explanation}"), (0, 0, 1, 4)))
    return Group(*parts)


def open_table(open_: Sequence[Obligation], title: str | None = None) -> Table:
    from rich.table import Table

    table = Table(title=title or f"Open duties ({len(open_)})", title_justify="left")
    for column in ("child", "rule", "basis", "due", "citation"):
        table.add_column(column, overflow="fold")
    for o in open_:
        table.add_row(o.child, o.rule, o.basis, _iso(o.due), o.citation)
    return table


def summary_table(rules: Sequence[RuleCount]) -> Table:
    """Breaches and open duties by family, rule and basis, with a total row."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Summary by family, rule and basis", title_justify="left")
    for column in ("family", "rule", "basis", "breaches", "open", "children", "most late"):
        table.add_column(column, overflow="fold",
                         justify="right" if column in ("breaches", "open", "children", "most late") else "left")
    last = None
    for r in rules:
        table.add_row("" if r.family == last else r.family, r.rule.partition(".")[2], r.basis or "",
                      str(r.breaches), str(r.open), str(r.children), f"{r.most_days_late}d" if r.breaches else "")
        last = r.family
    table.add_row(Text("all", style="bold"), "", "", str(sum(r.breaches for r in rules)),
                  str(sum(r.open for r in rules)), "", "")
    return table


def limited(breaches: Sequence[Breach], open_: Sequence[Obligation], limit: int,
            width: int) -> list[RenderableType]:
    """At most ``limit`` breaches and ``limit`` open duties (0: all), most overdue first, each list saying how many
    more there are and how to see them; blocks on a terminal narrower than ``WIDE``."""
    parts: list[RenderableType] = []
    shown = sorted(breaches, key=lambda b: (-b.days_late, b.child, b.rule))
    if limit:
        shown = shown[:limit]
    title = (f"Breaches ({len(breaches)}, the {len(shown)} most overdue)" if len(shown) < len(breaches)
             else f"Breaches ({len(breaches)})")
    parts.append(breaches_table(shown, title) if width >= WIDE else breach_blocks(shown, title))
    parts.extend(_more(len(breaches) - len(shown), "breaches"))
    waiting = sorted(open_, key=lambda o: (str(o.due), o.child, o.rule))
    if limit:
        waiting = waiting[:limit]
    title = (f"Open duties ({len(open_)}, the {len(waiting)} due soonest)" if len(waiting) < len(open_)
             else f"Open duties ({len(open_)})")
    parts.append(open_table(waiting, title))
    parts.extend(_more(len(open_) - len(waiting), "open duties"))
    return parts


def _more(hidden: int, what: str) -> list[RenderableType]:
    from rich.text import Text

    if hidden <= 0:
        return []
    return [Text(f"… and {hidden} more {what}: --limit 0 shows all; --format csv, xlsx or jsonl writes every row.",
                 style="yellow")]


def check_tables(document: CheckDocument) -> list[CsvTable]:
    """``check --format csv``: breaches, then open duties, rejected records and notes, one kind per table."""
    return [table_of("breaches", Breach, document.breaches), table_of("open", Obligation, document.open),
            table_of("rejected", Rejection, document.rejected), table_of("notes", ChildNote, document.notes),
            table_of("summary", RuleCount, document.summary)]


def explain_tables(document: ExplainDocument) -> list[CsvTable]:
    """``explain --format csv``: every duty's record, then the rejected records."""
    return [table_of("duties", DutyRecord, document.duties), table_of("rejected", Rejection, document.rejected)]


def write_check_lines(document: CheckDocument, out: IO[str]) -> None:
    """``check --format jsonl`` from a whole document: child by child (in child order) its breaches, open duties and
    notes; then the rejections and the summary. ``CheckLines`` writes the same lines as the children are
    evaluated."""
    children: dict[str, tuple[list[Breach], list[Obligation], list[ChildNote]]] = {}
    for breach in document.breaches:
        children.setdefault(breach.child, ([], [], []))[0].append(breach)
    for duty in document.open:
        children.setdefault(duty.child, ([], [], []))[1].append(duty)
    for note in document.notes:
        children.setdefault(note.child, ([], [], []))[2].append(note)
    for child in sorted(children):
        breaches, open_, notes = children[child]
        write_jsonl(out, "breach", breaches)
        write_jsonl(out, "open", open_)
        write_jsonl(out, "note", notes)
    write_check_ending(document, out)


def write_check_ending(document: CheckDocument, out: IO[str]) -> None:
    """The last lines of ``check --format jsonl``: the rejections, then the summary."""
    write_jsonl(out, "rejected", document.rejected)
    write_jsonl(out, "summary", [run_summary("check", document)])


class CheckLines:
    """``check --format jsonl`` written as the children are evaluated: pass ``child`` as the evaluation's
    ``on_child``, then ``finish`` with the document. The lines are those ``write_check_lines`` writes, byte for
    byte; ``wanted(rule, basis)`` leaves out what ``Evaluation.only`` would."""

    def __init__(self, out: IO[str], wanted: Callable[[str, str], bool] | None = None) -> None:
        self.out = out
        self.wanted = wanted

    def child(self, child: str, records: Sequence[DutyRecord], notes: Sequence[ChildNote]) -> None:
        chosen = [r for r in records if self.wanted is None or self.wanted(r.rule, r.basis)]
        write_jsonl(self.out, "breach", (Breach.of(r) for r in chosen if r.status == "breached"))
        write_jsonl(self.out, "open", (Obligation.of(r) for r in chosen if r.status == "open"))
        write_jsonl(self.out, "note", notes)

    def finish(self, document: CheckDocument) -> None:
        write_check_ending(document, self.out)


def write_explain_lines(document: ExplainDocument, out: IO[str]) -> None:
    """``explain --format jsonl``: every duty's record, the child's notes, rejections, then the summary."""
    write_jsonl(out, "duty", document.duties)
    write_jsonl(out, "note", (ChildNote(document.child, n) for n in document.notes))
    write_jsonl(out, "rejected", document.rejected)
    write_jsonl(out, "summary", [run_summary("explain", document)])


def timeline_table(events: Sequence[Event]) -> Table:
    from rich.table import Table

    table = Table(title="Events", title_justify="left")
    for column in ("date", "event", "id", "details"):
        table.add_column(column, overflow="fold")
    for event in sorted(events, key=sort_key):
        details = ", ".join(f"{k}={_plain(v)}" for k, v in event.fields.items())
        table.add_row(event.when, event.type.replace("_", " "), event.id, details)
    return table


def duties_table(records: Sequence[DutyRecord]) -> Table:
    from rich.table import Table
    from rich.text import Text

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
