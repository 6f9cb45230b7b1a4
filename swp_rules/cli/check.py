"""``swp-rules check`` (breaches and open duties) and ``swp-rules explain`` (one child's duties, told in full)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from swp_rules.cli.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    FORMATS,
    CannotRun,
    check_parameters_used,
    choose_rulesets,
    console_for,
    counts_line,
    dask_address,
    dask_options,
    format_option,
    formats_option,
    open_output,
    parse_date_option,
    progress,
    quiet_option,
    rejected_table,
    render_table,
    resolve_format,
    ruleset_error,
    ruleset_option,
    run_parameters,
    tune_gc,
    write_text_output,
    write_workbook,
)
from swp_rules.engine import ChildNote, DutyRecord, Engine, load_rulebook
from swp_rules.engine.evaluate import REPORTED, OnChild, rule_filter
from swp_rules.engine.parallel import FilesEvaluation, NoAsOf, evaluate_files
from swp_rules.io.events import EventReader, InputError, LoadedEvents
from swp_rules.io.one_child import read_child
from swp_rules.io.parts import check_inputs, read_inputs
from swp_rules.report import duties as report
from swp_rules.report.documents import CheckDocument, ExplainDocument, applied, check_document
from swp_rules.report.duties import CheckLines, check_tables, explain_tables, write_check_lines, write_explain_lines
from swp_rules.report.encoded import (
    SECTIONS,
    EncodedRun,
    Tally,
    encode_files,
    head_document,
    write_document,
    write_encoded,
)
from swp_rules.report.formats import dump_json, write_csv_tables
from swp_rules.rulesets.duties import BASES, FAMILIES
from swp_rules.rulesets.loader import RulesetError

if TYPE_CHECKING:
    from rich.table import Table


def _duty_choice(rulesets: Sequence[str], params: Sequence[str]) -> tuple[list[str], dict[str, Any]]:
    """The duty rulesets (``--ruleset`` values: ids, groups, folders, ``+`` additions) and the ``--param`` values."""
    return choose_rulesets(rulesets, ("duties",))["duties"], run_parameters(params)


def _engine(rulesets: Sequence[str], params: Sequence[str], matcher: str, families: Sequence[str] = (),
            bases: Sequence[str] = ()) -> Engine:
    """The engine a run uses: ``--ruleset`` values (ids, groups, folders, ``+`` additions) and ``--param`` values,
    its rule book limited to ``families`` and ``bases`` when given (only they are evaluated)."""
    names, parameters = _duty_choice(rulesets, params)
    try:
        book = load_rulebook(names, parameters)
    except RulesetError as exc:
        raise ruleset_error(exc) from None
    check_parameters_used(parameters, book.describe())
    return Engine(book.only(families, bases=bases) if families or bases else book, matcher)


def _as_of(value: str | None, latest: dt.date | None) -> dt.date:
    if value is not None:
        return parse_date_option(value, "--as-of")
    if latest is None:
        raise CannotRun("--as-of is needed when the input holds no events")
    return latest


def _matcher_option(func: Any) -> Any:
    return click.option(
        "--matcher", type=click.Choice(["durable", "oracle"]), default="durable", show_default=True,
        help="The rule-matching core: durable-rules, or the plain-Python oracle.",
    )(func)


@click.command("check")
@click.argument("events", nargs=-1, type=click.Path(path_type=str))
@click.option("--as-of", "as_of", metavar="DATE", help="Evaluate as of this date (default: the latest event's date).")
@ruleset_option
@format_option
@_matcher_option
@click.option("--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes for large cohorts (default: one per core). The results do not depend on it.")
@click.option("--family", "families", multiple=True, type=click.Choice(sorted(FAMILIES)), metavar="FAMILY",
              help="Evaluate and report only this rule family (repeatable), e.g. for an SSDA903 import, which holds "
                   "reviews and health assessments but no visits or plans.")
@click.option("--basis", "bases", multiple=True, type=click.Choice(BASES), metavar="BASIS",
              help="Evaluate and report only duties of this basis (repeatable): regulation, statutory-guidance, "
                   "return (a DfE data-return measure), contract or local.")
@click.option("--register", "register", default=None, metavar="URL",
              help="Record the run in this breach register: a SQLite file (created if need be) or a "
                   "postgresql+psycopg:// URL (docs/register.md).")
@dask_options
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True, metavar="N",
              help="The table shows at most N breaches and N open duties (0: all); the other formats write all.")
@quiet_option
def check_command(*, events: tuple[str, ...], as_of: str | None, rulesets: tuple[str, ...], params: tuple[str, ...],
                  fmt: str | None, output: Path | None, matcher: str, jobs: int | None, families: tuple[str, ...],
                  bases: tuple[str, ...], register: str | None, dask: str | None,
                  ship: bool, limit: int, quiet: bool) -> int:
    """Breaches of statutory duties and the duties still open, as of a date."""
    if register is not None and bases:  # a register's history needs every basis: filter when reading it
        raise CannotRun("--register records every basis; leave out --basis (or record without it)")
    address = dask_address(dask)
    engine = _engine(rulesets, params, matcher, families, bases)  # checks rulesets and parameters before reading
    if not events:
        raise CannotRun("no EVENTS file given")
    fixed = parse_date_option(as_of, "--as-of") if as_of is not None else None
    tune_gc()
    chosen = resolve_format(fmt, output)
    if chosen in SECTIONS and register is None:  # each worker encodes its own children's output
        wanted = rule_filter(families, bases) if families or bases else None
        if address is not None:
            with progress("Reading and evaluating", quiet):
                done = _check_on_dask(address, events, fixed, _duty_choice(rulesets, params), matcher, ship=ship,
                                      chosen=(families, bases), fmt=chosen, output=output)
            if isinstance(done, tuple):
                return EXIT_FINDINGS if done[1].breaches or done[0].rejected else EXIT_CLEAN
            loaded = done
            result = loaded.evaluation.only(families, bases=bases) if families or bases else loaded.evaluation
            with open_output(output) as out:
                write_document(chosen, out, output, check_document(result, engine.book.describe(), loaded.counts,
                                                                   loaded.rejected))
            return EXIT_FINDINGS if result.breaches or loaded.rejected else EXIT_CLEAN
        run = _encode(engine, events, fixed, jobs, quiet, (chosen, wanted))
        if run is not None:
            document = head_document(run.as_of, engine.book.describe(), run.tally, run.counts, run.rejected)
            with open_output(output) as out:
                write_encoded(chosen, out, output, document, run.tally, run.sections())
            return EXIT_FINDINGS if run.tally.breaches or run.rejected else EXIT_CLEAN
    if chosen == "jsonl" and address is None and register is None:  # written as the children are evaluated
        with open_output(output) as out:
            lines = CheckLines(out, rule_filter(families, bases) if families or bases else None)
            loaded = _evaluate(engine, events, fixed, jobs, quiet, lines.child)
            result = loaded.evaluation.only(families, bases=bases) if families or bases else loaded.evaluation
            lines.finish(check_document(result, engine.book.describe(), loaded.counts, loaded.rejected))
        return EXIT_FINDINGS if result.breaches or loaded.rejected else EXIT_CLEAN
    if address is None:
        loaded = _evaluate(engine, events, fixed, jobs, quiet)
    else:
        with progress("Reading and evaluating", quiet):
            loaded = _evaluate_on_dask(address, events, fixed, _duty_choice(rulesets, params), matcher,
                                       ship=ship, chosen=(families, bases))
    result = loaded.evaluation.only(families, bases=bases) if families or bases else loaded.evaluation
    recorded = None
    if register is not None:  # recorded before anything is written: a register that refuses stops the command
        from swp_rules.cli.register import record_check

        recorded = record_check(register, result, events, loaded.counts, families)
    document = check_document(result, engine.book.describe(), loaded.counts, loaded.rejected)
    if chosen == "xlsx":
        from swp_rules.report.workbook import check_workbook

        write_workbook(check_workbook(document), output)
    else:
        extra = {"register": recorded.to_dict()} if recorded is not None else None
        with open_output(output) as out:
            if not _write_data(chosen, out, output, lambda: dump_json(document, out, extra),
                               lambda: write_check_lines(document, out), lambda: check_tables(document)):
                render_table(out, *_check_view(document, result.not_evaluated, limit, out))
    # SPEC.md §3: 1 for breaches or rejected records. Children that cannot be evaluated are listed in the notes
    # (the importer that found their structural problems has already exited 1 for them).
    return EXIT_FINDINGS if result.breaches or loaded.rejected else EXIT_CLEAN


def _evaluate(engine: Engine, events: Sequence[str], as_of: dt.date | None, jobs: int | None, quiet: bool,
              on_child: OnChild | None = None) -> FilesEvaluation:
    """Read and evaluate on this machine (``jobs`` workers), telling ``on_child`` of each child as it goes."""
    try:
        with progress("Reading and evaluating", quiet):
            return evaluate_files(engine, events, as_of, jobs=jobs, keep=REPORTED, on_child=on_child)
    except InputError as exc:
        raise CannotRun(str(exc)) from None
    except NoAsOf:
        raise CannotRun("--as-of is needed when the input holds no events") from None


def _encode(engine: Engine, events: Sequence[str], as_of: dt.date | None, jobs: int | None, quiet: bool,
            encoding: tuple[str, Callable[[str, str], bool] | None]) -> EncodedRun | None:
    """Read, evaluate and encode on this machine's worker processes; ``None`` when the run is to be serial."""
    try:
        with progress("Reading and evaluating", quiet):
            return encode_files(engine, events, as_of, encoding[0], jobs=jobs, wanted=encoding[1])
    except InputError as exc:
        raise CannotRun(str(exc)) from None
    except NoAsOf:
        raise CannotRun("--as-of is needed when the input holds no events") from None


def _check_on_dask(address: str, events: Sequence[str], as_of: dt.date | None,
                   duties: tuple[list[str], dict[str, Any]], matcher: str, *, ship: bool,
                   chosen: tuple[Sequence[str], Sequence[str]], fmt: str, output: Path | None
                   ) -> tuple[CheckDocument, Tally] | FilesEvaluation:
    """``check`` on a Dask cluster, the workers encoding the output and this process writing it as it merges."""
    from swp_rules import distributed, distributed_check

    def write(document: CheckDocument, tally: Tally, sections: Sequence[Iterable[bytes]]) -> None:
        with open_output(output) as out:
            write_encoded(fmt, out, output, document, tally, sections)

    with _dask_errors(distributed.DistributedError):
        return distributed_check.check_files(address, events, as_of, fmt, write, rulesets=duties[0],
                                             parameters=duties[1], matcher=matcher, ship=ship, families=chosen[0],
                                             bases=chosen[1])


def _evaluate_on_dask(address: str, events: Sequence[str], as_of: dt.date | None,
                      duties: tuple[list[str], dict[str, Any]], matcher: str, *, ship: bool,
                      chosen: tuple[Sequence[str], Sequence[str]]) -> FilesEvaluation:
    from swp_rules import distributed

    with _dask_errors(distributed.DistributedError):
        return distributed.evaluate_files(address, events, as_of, rulesets=duties[0], parameters=duties[1],
                                          matcher=matcher, keep=REPORTED, ship=ship, families=chosen[0],
                                          bases=chosen[1])


@contextlib.contextmanager
def _dask_errors(cluster_error: type[Exception]) -> Iterator[None]:
    """What a run on a Dask cluster can meet, each said as a command-line error (exit 2)."""
    try:
        yield
    except InputError as exc:
        raise CannotRun(str(exc)) from None
    except NoAsOf:
        raise CannotRun("--as-of is needed when the input holds no events") from None
    except RulesetError as exc:
        raise ruleset_error(exc) from None
    except (cluster_error, OSError) as exc:
        raise CannotRun(f"--dask: {exc}") from None


def _check_view(document: CheckDocument, not_evaluated: Sequence[str], limit: int, out: IO[str]) -> list[Any]:
    width = console_for(out).width
    parts: list[Any] = [f"As of {document.as_of.isoformat()}: {len(document.breaches)} breaches, "
                        f"{len(document.open)} open duties, {document.children} children"]
    if document.summary:
        parts.append(report.summary_table(document.summary))
    parts.extend(report.limited(document.breaches, document.open, limit, width))
    if document.rejected:
        parts.append(rejected_table(document.rejected[:limit] if limit else document.rejected))
    if document.notes:
        parts.append(_notes_table(document.notes[:limit] if limit else document.notes))
    if not_evaluated:
        parts.append(f"{len(not_evaluated)} children not evaluated: their records have structural "
                     "problems (timeliness cannot be evaluated; see the notes)")
    parts.append(counts_line(document.input))
    return parts


def _notes_table(notes: Sequence[ChildNote]) -> Table:
    from rich.table import Table

    table = Table(title=f"Notes ({len(notes)})", title_justify="left")
    table.add_column("child", overflow="fold")
    table.add_column("note", overflow="fold")
    for note in notes:
        table.add_row(note.child, note.note)
    return table


@click.command("explain")
@click.argument("events", nargs=-1, type=click.Path(path_type=str))
@click.option("--child", "child", required=True, metavar="ID", help="The child whose duties to explain.")
@click.option("--as-of", "as_of", metavar="DATE", help="Evaluate as of this date (default: the latest event's date).")
@ruleset_option
@formats_option("html")
@_matcher_option
def explain_command(*, events: tuple[str, ...], child: str, as_of: str | None, rulesets: tuple[str, ...],
                    params: tuple[str, ...], fmt: str | None, output: Path | None, matcher: str) -> int:
    """One child's timeline: every duty, its clock, and why it is met, open, lapsed or breached
    (``--format html``: the child's page of the report, with the chronology chart)."""
    chosen = resolve_format(fmt, output, (*FORMATS, "html"))
    engine = _engine(rulesets, params, matcher)
    if not events:
        raise CannotRun("no EVENTS file given")
    try:
        check_inputs(events)
    except InputError as exc:
        raise CannotRun(str(exc)) from None
    fast = read_child(events, child) if as_of is not None else None
    if fast is not None:  # only the lines that may be the child's are parsed
        loaded, latest = fast, None
        mine = list(fast.events)
    else:  # every record is read and checked (the latest event's date is the default --as-of); the child's kept
        reader = EventReader()
        mine = []
        latest = None
        for event in read_inputs(reader, events):
            if latest is None or event.date > latest:
                latest = event.date
            if event.child == child:
                mine.append(event)
        loaded = LoadedEvents(tuple(mine), tuple(reader.rejected), reader.counts)
    if not mine:
        raise CannotRun(f"no events for the child {child!r} (given by --child) in the input")
    day = _as_of(as_of, latest)
    records, timeline = engine.child_records(child, mine, day)
    document = ExplainDocument(day, child, applied(engine.book.describe(), (r.ruleset for r in records)),
                               loaded.counts, tuple(timeline.events), tuple(records), tuple(timeline.anomalies),
                               loaded.rejected)
    if chosen == "xlsx":
        from swp_rules.report.workbook import explain_workbook

        write_workbook(explain_workbook(document), output)
        return _explain_exit(records)
    if chosen == "html":
        from swp_rules.report.html import explain_page

        write_text_output(explain_page(document), output)
        return _explain_exit(records)
    with open_output(output) as out:
        if not _write_data(chosen, out, output, lambda: dump_json(document, out),
                           lambda: write_explain_lines(document, out), lambda: explain_tables(document)):
            counts = {s: sum(1 for r in records if r.status == s) for s in ("met", "breached", "open", "lapsed")}
            summary = ", ".join(f"{n} {s}" for s, n in counts.items())
            parts: list[Any] = [f"Child {child}, as of {day.isoformat()}: {summary}"]
            parts.append(report.timeline_table(timeline.events))
            parts.append(report.duties_table(records))
            parts.extend(f"Note: {n}" for n in timeline.anomalies)
            render_table(out, *parts)
    return _explain_exit(records)


def _write_data(chosen: str, out: IO[str], output: Path | None, json: Callable[[], None],
                lines: Callable[[], None], tables: Callable[[], Any]) -> bool:
    """A document as JSON, JSON Lines or CSV tables; ``False`` for the table format, which the caller renders."""
    if chosen == "json":
        json()
    elif chosen == "jsonl":
        lines()
    elif chosen == "csv":
        write_csv_tables(tables(), out, output)
    else:
        return False
    return True


def _explain_exit(records: Sequence[DutyRecord]) -> int:
    return EXIT_FINDINGS if any(r.status == "breached" for r in records) else EXIT_CLEAN


def _ordered(document: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    return {k: document[k] for k in keys if k in document}


COMMANDS: list[click.Command] = [check_command, explain_command]
