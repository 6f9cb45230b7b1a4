"""``import_903``: read a folder of SSDA903 CSV tables (one return, or one sub-folder per return) into case events.

Several returns merge into one history per child. The same row in two returns gives the same event id (ids come from
the table, the child and the row's dates), so overlaps count once; where two returns disagree about the same row, the
later collection year wins and a ``conflict`` is reported. Every row is converted or reported (``rejected``); per
table, rows read = converted + rejected.

A child whose record carries a structural problem, a rejected row of a table the duties read, or a period of care
that began before the returns read, cannot have its timeliness evaluated: the importer writes the reasons into the
``record_problem`` field of the child's anchor event (the ``child`` event, else the earliest one), and the engine
gives that child a note and no duty results (``swp_rules.engine.timeline``; docs/ssda903.md).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import attrs

from swp_rules.engine.timeline import RECORD_PROBLEM, sort_key
from swp_rules.model import Event, check_year
from swp_rules.ssda903 import convert
from swp_rules.ssda903.dates import collection_year, parse_903_date
from swp_rules.ssda903.episodes import Episode, convert_episodes, parse_episode
from swp_rules.ssda903.problems import FAULTS, UNEVALUABLE, Problem, ProblemKind, RowError, TableCounts
from swp_rules.ssda903.tables import TABLE_NAMES, TableFile, UnreadableRow, open_table

#: How many of a child's reasons the anchor event quotes (the rest are counted).
MAX_QUOTED_REASONS: Final = 3


class Ssda903Error(Exception):
    """The import cannot run: no such folder, or no SSDA903 table in it. Never names a child."""


@attrs.frozen
class Import903:
    """What ``import_903`` found: the events (sorted by child, then time), the problems and the counts."""

    events: tuple[Event, ...]
    problems: tuple[Problem, ...]
    counts: dict[str, TableCounts]
    children: int
    unevaluable: frozenset[str]
    duplicates: int
    years: tuple[int, ...]

    @property
    def rejected(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.kind == "rejected")

    @property
    def faults(self) -> bool:
        """Rows were rejected or structural problems found (``import-903`` exits 1)."""
        return any(p.kind in FAULTS for p in self.problems)

    def records(self) -> Iterator[dict[str, Any]]:
        for event in self.events:
            yield event.to_dict()

    def counts_dict(self) -> dict[str, Any]:
        tables = {name: c.to_dict() for name, c in self.counts.items()}
        return {
            "tables": tables,
            "rows_read": sum(c.read for c in self.counts.values()),
            "rows_converted": sum(c.converted for c in self.counts.values()),
            "rows_rejected": sum(c.rejected for c in self.counts.values()),
            "events": len(self.events),
            "duplicate_events": self.duplicates,
            "children": self.children,
            "children_cannot_evaluate": len(self.unevaluable),
            "collection_years": list(self.years),
        }


@attrs.define
class _Candidate:
    event: Event
    precedence: tuple[int, str, int]
    table: str
    file: str
    line: int


def _csv_files(source: Path) -> list[Path]:
    if source.is_file():
        return [source]
    return sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() == ".csv")


Rows = list[tuple[int, dict[str, str] | UnreadableRow]]


def _return_year(files: list[tuple[TableFile, Rows]]) -> int | None:
    """A return's collection year: the one holding its latest DECOM (else its latest review, missing or social
    worker date); ``None`` when it has none of those."""
    for table, column in (("Episodes", "DECOM"), ("Reviews", "REVIEW"), ("Missing", "MIS_START"),
                          ("SWEpisodes", "SW_DECOM")):
        latest: dt.date | None = None
        for table_file, rows in files:
            if table_file.table.name != table:
                continue
            for _, row in rows:
                if isinstance(row, UnreadableRow):
                    continue
                try:
                    day = parse_903_date(row.get(column, ""))
                except ValueError:
                    continue
                if latest is None or day > latest:
                    latest = day
        if latest is not None:
            return collection_year(latest)
    return None


class _Importer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.counts: dict[str, TableCounts] = {}
        self.candidates: dict[str, _Candidate] = {}
        self.duplicates = 0
        self.children: set[str] = set()
        self.child_reasons: dict[str, list[str]] = {}
        self.header: dict[str, tuple[dict[str, Any], tuple[int, str, int], str, int]] = {}
        self.uasc: dict[str, tuple[dict[str, Any], tuple[int, str, int]]] = {}
        self.episodes: dict[tuple[str, dt.date], Episode] = {}

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root)) if path != self.root else path.name
        except ValueError:
            return str(path)

    def flag(self, child: str, reason: str) -> None:
        reasons = self.child_reasons.setdefault(child, [])
        if reason not in reasons:
            reasons.append(reason)

    def problem(self, kind: ProblemKind, table: str | None, file: str, row: int | None, column: str | None,
                reason: str, *, child: str | None = None, flag: bool = True) -> None:
        self.problems.append(Problem(kind, table, file, row, column, reason, child))
        if child is not None and flag and kind in UNEVALUABLE:
            if kind == "rejected":
                self.flag(child, f"a row of {table} could not be converted ({file}:{row})")
            else:
                self.flag(child, reason)

    def run(self) -> Import903:
        files = _csv_files(self.root)
        by_return: dict[Path, list[TableFile]] = {}
        for path in files:
            table_file = open_table(path)
            if table_file is None:
                self.problem("unrecognised", None, self.name(path), None, None,
                             "not an SSDA903 table: its columns match none of " + ", ".join(TABLE_NAMES))
                continue
            by_return.setdefault(path.parent, []).append(table_file)
        if not by_return:
            raise Ssda903Error(f"{self.root}: no SSDA903 table found (tables are recognised by their columns)")
        years: set[int] = set()
        for folder in sorted(by_return):
            group = [(t, self.rows_of(t)) for t in by_return[folder]]
            year = _return_year(group)
            if year is not None:
                years.add(year)
            for table_file, rows in sorted(group, key=lambda t: (TABLE_NAMES.index(t[0].table.name), str(t[0].path))):
                self.read(table_file, rows, year)
        self.convert_episodes()
        self.child_events()
        events = self.validated()
        events = self.anchor(events)
        order = {"unreadable": 0, "rejected": 1, "structural": 2, "conflict": 3, "incomplete": 4, "unrecognised": 5}
        self.problems.sort(key=lambda p: (order[p.kind], p.file, p.row or 0, p.column or "", p.reason))
        return Import903(tuple(events), tuple(self.problems), self.counts, len(self.children),
                         frozenset(self.child_reasons), self.duplicates, tuple(sorted(years)))

    def rows_of(self, table_file: TableFile) -> Rows:
        """The file's rows (a row that cannot be read is one of them, rejected with its reason); a file whose reading
        fails (an I/O error) is reported where it broke."""
        rows: Rows = []
        try:
            for item in table_file.rows():
                rows.append(item)
        except (csv.Error, OSError) as exc:
            line = rows[-1][0] + 1 if rows else 2
            self.problem("unreadable", table_file.table.name, self.name(table_file.path), line, None,
                         f"the file cannot be read from this line on ({type(exc).__name__}); the rows after it are "
                         "not counted")
        return rows

    def read(self, table_file: TableFile, rows: Rows, year: int | None) -> None:
        table = table_file.table.name
        counts = self.counts.setdefault(table, TableCounts())
        counts.files += 1
        file = self.name(table_file.path)
        converter = convert.CONVERTERS.get(table)
        for line, row in rows:
            counts.read += 1
            if isinstance(row, UnreadableRow):
                counts.rejected += 1
                self.problem("rejected", table, file, line, None, row.reason, child=row.child,
                             flag=table not in convert.NO_EVENTS)
                if row.child is not None:
                    self.children.add(row.child)
                continue
            child = row.get("CHILD") or None
            if child is not None:
                self.children.add(child)
            try:
                if table == "Episodes":
                    self.add_episode(parse_episode(row, year, file, line))
                elif table in ("Header", "UASC"):
                    self.add_child_row(table, row, year, file, line)
                else:
                    assert converter is not None
                    converted = converter(row, year)
                    counts.events += len(converted)
                    for event in converted:
                        self.offer(event, (year or 0, file, line), table, file, line)
            except RowError as exc:
                counts.rejected += 1
                self.problem("rejected", table, file, line, exc.column, exc.reason, child=child,
                             flag=table not in convert.NO_EVENTS)
                continue
            counts.converted += 1

    def add_episode(self, episode: Episode) -> None:
        key = (episode.child, episode.decom)
        known = self.episodes.get(key)
        if known is None:
            self.episodes[key] = episode
            return
        if known.same_content(episode):
            self.duplicates += 1
            return
        first, second = sorted((known, episode), key=lambda e: e.precedence)
        if first.year == second.year:
            self.problem("structural", "Episodes", second.file, second.line, "DECOM",
                         f"two episodes start on {episode.decom} (also {first.file}:{first.line})", child=episode.child)
        else:
            self.problem("conflict", "Episodes", second.file, second.line, None,
                         f"the episode from {episode.decom} differs from {first.file}:{first.line}; "
                         "the later return is used", child=episode.child)
        self.episodes[key] = second

    def add_child_row(self, table: str, row: dict[str, str], year: int | None, file: str, line: int) -> None:
        fields = convert.header(row, year) if table == "Header" else convert.uasc(row, year)
        child = row["CHILD"]
        precedence = (year or 0, file, line)
        if table == "UASC":
            known_uasc = self.uasc.get(child)
            if known_uasc is None or known_uasc[1] < precedence:
                self.uasc[child] = (fields, precedence)
            return
        known = self.header.get(child)
        if known is not None:
            if known[0] == fields:
                self.duplicates += 1
                return
            first_file, first_line = (known[2], known[3]) if known[1] < precedence else (file, line)
            later_file, later_line = (file, line) if known[1] < precedence else (known[2], known[3])
            if known[1][0] == precedence[0]:
                self.problem("structural", "Header", later_file, later_line, None,
                             f"the child's details differ from {first_file}:{first_line} in the same return",
                             child=child)
            else:
                self.problem("conflict", "Header", later_file, later_line, None,
                             f"the child's details differ from {first_file}:{first_line}; the later return is used",
                             child=child)
            if known[1] > precedence:
                return
        self.header[child] = (fields, precedence, file, line)

    def offer(self, event: Event, precedence: tuple[int, str, int], table: str, file: str, line: int) -> None:
        known = self.candidates.get(event.id)
        if known is None:
            self.candidates[event.id] = _Candidate(event, precedence, table, file, line)
            return
        if known.event.child != event.child:  # two children's keys collide (odds about 1 in 10**19)
            self.problem("structural", table, file, line, None, f"its event id collides with {known.file}:"
                         f"{known.line}, another child's", child=event.child)
            return
        if known.event == event:
            self.duplicates += 1
            return
        first, second = sorted((known, _Candidate(event, precedence, table, file, line)),
                               key=lambda c: c.precedence)
        same_year = first.precedence[0] == second.precedence[0]
        self.problem("structural" if same_year else "conflict", table, second.file, second.line, None,
                     f"repeats the {event.type} of {event.date.isoformat()} given at {first.file}:{first.line} "
                     "with different content" + ("" if same_year else "; the later return is used"),
                     child=event.child)
        self.candidates[event.id] = second

    def convert_episodes(self) -> None:
        by_child: dict[str, list[Episode]] = {}
        for (child, _), episode in self.episodes.items():
            by_child.setdefault(child, []).append(episode)
        counts = self.counts.get("Episodes")
        for child in sorted(by_child):
            records, findings = convert_episodes(child, by_child[child])
            if counts is not None:
                counts.events += len(records)
            for finding in findings:
                ep = finding.episode
                self.problem(finding.kind, "Episodes", ep.file, ep.line, None, finding.reason, child=child)
            for record, episode in records:
                self.offer(record, episode.precedence, "Episodes", episode.file, episode.line)

    def child_events(self) -> None:
        for child in sorted(set(self.header) | set(self.uasc)):
            fields: dict[str, Any] = {}
            if child in self.uasc:
                fields.update({k: v for k, v in self.uasc[child][0].items() if v is not None})
                fields["uasc"] = True
            if child in self.header:
                fields.update({k: v for k, v in self.header[child][0].items() if v is not None})
            dob = fields.get("dob")
            if dob is None:
                continue  # a UASC row without a date of birth gives no child event (it was checked)
            event = convert.make_event(convert.event_id("child", child), child, "child", dob, dob=dob,
                                       sex=fields.get("sex") or None, uasc=True if fields.get("uasc") else None)
            self.candidates[event.id] = _Candidate(event, (0, "", 0), "Header", "", 0)
            if "Header" in self.counts:
                self.counts["Header"].events += 1

    def validated(self) -> list[Event]:
        """The merged events, sorted; an event dated outside the years a record may hold (which a 903 date can
        be) is rejected at its row, with the reason ``Event.from_dict`` gives. Every other value was checked by
        its converter against the event's own field types (``swp_rules.ssda903.convert``)."""
        events: list[Event] = []
        for candidate in self.candidates.values():
            event = candidate.event
            try:
                check_year(event.date)  # a child event's dob is its date: one check covers both
            except ValueError as exc:
                self.problem("rejected", candidate.table, candidate.file, candidate.line, "date",
                             f"cannot become a {event.type} event: {exc}", child=event.child)
                continue
            events.append(event)
        events.sort(key=lambda e: (e.child, sort_key(e)))
        return events

    def anchor(self, events: list[Event]) -> list[Event]:
        """Write each unevaluable child's reasons into its anchor event's ``record_problem`` field."""
        if not self.child_reasons:
            return events
        first: dict[str, int] = {}
        for index, event in enumerate(events):
            if event.child not in first or (event.type == "child" and events[first[event.child]].type != "child"):
                first[event.child] = index
        for child, reasons in self.child_reasons.items():
            at = first.get(child)
            if at is None:
                continue
            quoted = "; ".join(reasons[:MAX_QUOTED_REASONS])
            if len(reasons) > MAX_QUOTED_REASONS:
                quoted += f"; and {len(reasons) - MAX_QUOTED_REASONS} more"
            event = events[at]
            events[at] = Event._checked(event.id, event.child, event.type, event.date, event.time,
                                        {**event.fields, RECORD_PROBLEM: quoted})
        return events


def import_903(folder: str | Path) -> Import903:
    """Read SSDA903 CSV tables into case events: a folder (searched recursively, one sub-folder per return when
    several years are merged) or a single CSV file.

    Raises ``Ssda903Error`` when the folder is missing or holds no 903 table. Everything else is reported in
    ``Import903.problems``; nothing is dropped silently.
    """
    path = Path(folder)
    if not path.exists():
        raise Ssda903Error(f"{path}: no such folder")
    try:
        return _Importer(path).run()
    except OSError as exc:
        raise Ssda903Error(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
