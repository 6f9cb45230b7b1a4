"""What every command shares: output format and destination, exit codes, reading events, printing rejections."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, TypeVar

import click

from swp_rules.io.events import (
    InputCounts,
    InputError,
    LoadedEvents,
    Rejection,
)
from swp_rules.io.output import CsvWriter, OutputError, atomic_output, standard_output
from swp_rules.io.parts import load_inputs

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from swp_rules.rulesets.loader import RulesetError

#: Exit codes (SPEC.md §3).
EXIT_CLEAN: Final = 0
EXIT_FINDINGS: Final = 1
EXIT_CANNOT_RUN: Final = 2

F = TypeVar("F", bound=Callable[..., Any])


class CannotRun(click.ClickException):
    """The command could not run (usage, unreadable input, invalid ruleset): exit 2, nothing evaluated."""

    exit_code = EXIT_CANNOT_RUN

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"swp-rules: error: {self.format_message()}", err=True)


def tune_gc() -> None:
    """Garbage collection for a batch run, called once its set-up (rulesets, engine) is done; restored when the
    command ends.

    The run allocates millions of small containers (events, records) that hold no reference cycles; the default
    thresholds collect the youngest generation every 700 of them and rescan everything that survives. Everything
    made so far (modules, rulesets, the engine) is moved out of the collector's sight (``gc.freeze``) and the
    youngest generation is collected every 50,000 allocations. Results do not depend on it (cycles are still
    collected, only less often)."""
    import gc

    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)

    def restore() -> None:
        gc.set_threshold(*before)
        gc.unfreeze()

    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(restore)


def parse_date_option(value: str, name: str) -> dt.date:
    """A date option (``--as-of``): ``YYYY-MM-DD`` within the years a run evaluates, else a usage error."""
    from swp_rules.periods import parse_day

    try:
        return parse_day(value)
    except ValueError as exc:
        raise CannotRun(f"{name}: {exc}") from None


#: The output formats of the result commands (SPEC.md §3); ``explain`` adds ``html``.
FORMATS: Final = ("table", "json", "jsonl", "csv", "xlsx")
_SUFFIXES: Final = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".txt": "table",
                    ".xlsx": "xlsx", ".html": "html", ".htm": "html"}


def format_option(func: F) -> F:
    """``--format`` (table, json, jsonl, csv, xlsx) and ``--output``."""
    return formats_option()(func)


def formats_option(*extra: str) -> Callable[[F], F]:
    """``--format`` and ``--output``; ``extra`` adds formats (``html`` for ``explain``)."""

    def decorate(inner: F) -> F:
        inner = click.option(
            "--format",
            "fmt",
            type=click.Choice([*FORMATS, *extra]),
            default=None,
            help="Output format (default: by the --output file's suffix; else table on a terminal, json otherwise).",
        )(inner)
        inner = click.option(
            "--output", "-o", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
            help="Write to FILE instead of standard output (written whole or not at all).",
        )(inner)
        return inner

    return decorate


def quiet_option(func: F) -> F:
    return click.option("--quiet", "-q", is_flag=True, default=False,
                        help="No progress bar on standard error.")(func)


def ruleset_option(func: F) -> F:
    """``--ruleset`` (repeatable) and ``--param`` (repeatable), read the same way by every command."""
    func = click.option(
        "--param",
        "params",
        multiple=True,
        metavar="RULESET:NAME=VALUE",
        help="Set a ruleset's declared parameter for this run (repeatable), e.g. "
             "statutory/cpr-2010:within_one_week_days=6; checked against its declared choices.",
    )(func)
    return click.option(
        "--ruleset",
        "rulesets",
        multiple=True,
        metavar="ID_OR_PATH",
        help="A shipped ruleset id, a group id (statutory), a file, a folder or a glob (repeatable); "
             "+ID_OR_PATH adds to the default instead of replacing it. Default: the statutory rules in force on "
             "each date.",
    )(func)


def ruleset_error(exc: RulesetError, what: str = "invalid ruleset") -> CannotRun:
    """A ruleset that cannot be used, with every located problem, for exit 2."""
    return CannotRun(what + "\n" + "\n".join(str(p) for p in exc.problems))


def choose_rulesets(values: Sequence[str], kinds: Sequence[str]) -> dict[str, list[str]]:
    """``--ruleset`` values as the rulesets of each kind the command uses (``swp_rules.rulesets.selection``)."""
    from swp_rules.rulesets.loader import RulesetError
    from swp_rules.rulesets.selection import choose

    try:
        return choose(values, kinds)
    except RulesetError as exc:
        raise ruleset_error(exc) from None


def run_parameters(values: Sequence[str]) -> dict[str, Any]:
    """``--param`` values as the loaders' ``parameters`` mapping (``RULESET:NAME`` keys)."""
    from swp_rules.rulesets.parameters import parse_assignments

    try:
        return parse_assignments(values)
    except ValueError as exc:
        raise CannotRun(f"--param: {exc}") from None


def check_parameters_used(parameters: Mapping[str, Any], described: Sequence[Mapping[str, Any]]) -> None:
    """Every ``--param`` names a ruleset the run loaded (``described``: the JSON ``rulesets`` block)."""
    from swp_rules.rulesets.loader import RulesetError
    from swp_rules.rulesets.parameters import unused

    problems = unused(parameters, [str(d.get("id", "")) for d in described])
    if problems:
        raise ruleset_error(RulesetError(problems), "invalid --param")


def dask_options(func: F) -> F:
    """``--dask ADDRESS`` and ``--ship``: run on a Dask cluster (``swp_rules.distributed``), the same results."""
    func = click.option(
        "--ship", is_flag=True, default=False,
        help="With --dask: send each worker its part of the input instead of having it open the files.",
    )(func)
    func = click.option(
        "--dask", "dask", metavar="ADDRESS", default=None,
        help="Run on a Dask cluster: a scheduler address (tcp://host:8786), or local:N for N worker processes on "
             "this machine. Needs swp-rules[dask]. The results do not depend on it.",
    )(func)
    return func


def dask_address(address: str | None) -> str | None:
    """The ``--dask`` value checked (exit 2 for one that is not an address), or ``None`` without it."""
    if address is None:
        return None
    from swp_rules.distributed import parse_address

    try:
        parse_address(address)
    except ValueError as exc:
        raise CannotRun(f"--dask: {exc}") from None
    return address


def resolve_format(fmt: str | None, output: Path | None, allowed: Sequence[str] = FORMATS) -> str:
    """``--format`` when given; else by the output file's suffix; else table on a terminal and JSON otherwise."""
    if fmt:
        chosen = fmt
    elif output is not None:
        chosen = _SUFFIXES.get(output.suffix.lower(), "json")
    else:
        chosen = "table" if sys.stdout.isatty() else "json"
    if chosen not in allowed:
        raise CannotRun(f"--format {chosen} is not available here (choose from {', '.join(allowed)})")
    if chosen in ("xlsx", "html") and output is None and sys.stdout.isatty():
        raise CannotRun(f"--format {chosen} writes a file: give --output FILE")
    return chosen


@contextlib.contextmanager
def open_output(output: Path | None, *, binary: bool = False) -> Iterator[IO[Any]]:
    """Standard output (``None`` or ``-``), or ``output`` written whole or not at all (``io.output``).

    An output that cannot be written is a ``CannotRun`` (exit 2) naming it and the reason."""
    try:
        if output is None or str(output) == "-":
            with standard_output(binary=binary) as out:
                yield out
        else:
            with atomic_output(output, binary=binary) as handle:  # type: ignore[call-overload]
                yield handle
    except OutputError as exc:
        raise CannotRun(str(exc)) from None


def write_workbook(workbook: bytes, output: Path | None) -> None:
    """An ``.xlsx`` workbook to ``--output`` (written whole or not at all), or to standard output."""
    with open_output(output, binary=True) as out:
        out.write(workbook)


def write_text_output(text: str, output: Path | None) -> None:
    """A whole text document (an HTML page) to ``--output`` or standard output."""
    with open_output(output) as out:
        out.write(text)


def read_events(paths: Sequence[str]) -> LoadedEvents:
    if not paths:
        raise CannotRun("no EVENTS file given")
    try:
        return load_inputs(paths)
    except InputError as exc:
        raise CannotRun(str(exc)) from None


def json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dump_json(document: dict[str, Any], out: IO[str]) -> None:
    json.dump(document, out, indent=2, ensure_ascii=False, default=json_default)
    out.write("\n")


def write_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str], out: IO[str]) -> None:
    """Rows as CSV, every cell through ``spreadsheet_cell`` (no cell a spreadsheet would run as a formula)."""
    writer = CsvWriter(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(k) for k in columns])


def console_for(out: IO[str]) -> Console:
    """A rich console for case data (``SafeConsole``: no markup, control characters shown): the terminal's width on
    a terminal, 160 columns in a file or pipe."""
    from swp_rules.io.console import SafeConsole  # rich is imported only by a command that writes a table

    terminal = out.isatty()
    return SafeConsole(file=out, width=None if terminal else 160, soft_wrap=False)


def rejected_table(rejected: Sequence[Rejection]) -> Table:
    from rich.table import Table

    table = Table(title=f"Rejected records ({len(rejected)})", title_justify="left")
    for column in ("where", "id", "field", "reason"):
        table.add_column(column, overflow="fold")
    for item in rejected:
        table.add_row(item.location, item.id or "", item.field or "", item.reason)
    return table


def counts_line(counts: InputCounts) -> str:
    return (
        f"Input: {counts.read} read = {counts.evaluated} evaluated + {counts.duplicates} duplicates "
        f"+ {counts.rejected} rejected"
    )


def render_table(out: IO[str], *renderables: Any) -> None:
    console = console_for(out)
    for renderable in renderables:
        console.print(renderable)


def csv_rejected_rows(rejected: Sequence[Rejection]) -> list[dict[str, Any]]:
    return [dict(r.to_dict(), kind="rejected") for r in rejected]


def buffer() -> io.StringIO:
    return io.StringIO()


@contextlib.contextmanager
def progress(label: str, quiet: bool = False, after: float = 1.0) -> Iterator[None]:
    """A progress bar on standard error while the block runs, shown only when standard error is a terminal, the run
    has lasted ``after`` seconds, and ``--quiet`` was not given (it never writes to the results)."""
    if quiet or not sys.stderr.isatty():
        yield
        return
    import threading

    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    bar = Progress(SpinnerColumn(), TextColumn(label), BarColumn(), TimeElapsedColumn(),
                   console=Console(stderr=True), transient=True)
    bar.add_task(label, total=None)
    lock = threading.Lock()
    state = {"done": False, "started": False}

    def start() -> None:
        with lock:
            if not state["done"]:
                bar.start()
                state["started"] = True

    timer = threading.Timer(after, start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            if state["started"]:
                bar.stop()
