"""``swp-rules register runs|breaches|diff|upgrade``: the breach register (docs/register.md); ``check --register``
records a run through ``record_check``."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import click
from rich.table import Table

from swp_rules.cli.common import (
    EXIT_CLEAN,
    CannotRun,
    dump_json,
    open_output,
    render_table,
    resolve_format,
    write_csv,
    write_workbook,
)
from swp_rules.engine.evaluate import Evaluation
from swp_rules.io.events import InputCounts

try:
    from swp_rules.register import (
        RecordedRun,
        Register,
        RegisterDiff,
        RegisteredBreach,
        RegisterError,
        Run,
        RunInput,
        SchemaOutOfDate,
        files_digest,
    )
except ModuleNotFoundError as missing:  # the register is an extra
    if missing.name not in ("sqlalchemy", "alembic"):
        raise
    raise CannotRun("the breach register needs SQLAlchemy and Alembic: pip install 'swp-rules[register]'") from None

DEFAULT_REGISTER: Final = "register.db"
_ENV: Final = "SWP_RULES_REGISTER"


def _open(name: str, *, create: bool = False, upgrading: bool = False) -> Register:
    try:
        return Register.open(name, create=create, upgrading=upgrading)
    except RegisterError as exc:
        raise CannotRun(str(exc)) from None


def record_check(name: str, evaluation: Evaluation, paths: Sequence[str], counts: InputCounts,
                 families: Sequence[str]) -> RecordedRun:
    """``check --register``: record the run (creating the register if need be) and say so on standard error."""
    try:
        digest = files_digest(paths)
    except OSError as exc:
        raise CannotRun(f"the input cannot be read again to record it ({exc.strerror or exc})") from None
    with _open(name, create=True) as register:
        try:
            recorded = register.record(evaluation, RunInput(digest, counts, tuple(families)))
        except RegisterError as exc:
            raise CannotRun(str(exc)) from None
        where = register.name
    if recorded.added:
        click.echo(f"Recorded run {recorded.id} in {where}: {recorded.new} new breaches, {recorded.resolved} "
                   "resolved.", err=True)
    else:
        click.echo(f"Already recorded as run {recorded.id} in {where} (same input, as-of date, rulesets and "
                   "families); nothing added.", err=True)
    return recorded


def _register_option(func: Any) -> Any:
    """The register, named by ``--register URL`` or as the command's one argument (``register runs reg.db``), else
    ``$SWP_RULES_REGISTER``, else ``register.db``; the command gets it as ``register_name``."""

    @functools.wraps(func)
    def command(*args: Any, register_argument: str | None, register_option: str | None, **kwargs: Any) -> Any:
        if register_argument is not None and register_option is not None and register_argument != register_option:
            raise click.UsageError("the register is named twice (as an argument and by --register): name it once")
        return func(*args, register_name=register_argument or register_option or DEFAULT_REGISTER, **kwargs)

    command = click.option(
        "--register", "register_option", default=None, envvar=_ENV, metavar="URL",
        help=f"The register: a SQLite file or a postgresql+psycopg:// URL (or ${_ENV}; default {DEFAULT_REGISTER}).",
    )(command)
    return click.argument("register_argument", metavar="[REGISTER]", required=False, default=None)(command)


FORMATS: Final = ("table", "json", "csv", "xlsx")


def _format_option(func: Any) -> Any:
    func = click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                        help="Output format (default: by the --output file's suffix; else table on a terminal, "
                        "json otherwise).")(func)
    return click.option("--output", "-o", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Write to FILE instead of standard output.")(func)


@click.group("register")
def register_group() -> None:
    """The breach register: runs recorded by `check --register`, breaches and their history, differences."""


RUN_COLUMNS: Final = ("run", "recorded_at", "as_of", "children", "breaches", "open", "read", "evaluated",
                      "duplicates", "rejected", "families", "input_digest")


def _run_row(run: Run) -> dict[str, Any]:
    return {"run": run.id, "recorded_at": run.recorded_at, "as_of": run.as_of.isoformat(), "children": run.children,
            "breaches": run.breaches, "open": run.open, "read": run.input.read, "evaluated": run.input.evaluated,
            "duplicates": run.input.duplicates, "rejected": run.input.rejected, "families": " ".join(run.families),
            "input_digest": run.input_digest}


@register_group.command("runs")
@_register_option
@_format_option
def runs_command(register_name: str, fmt: str | None, output: Path | None) -> int:
    """Every run recorded, oldest first."""
    with _open(register_name) as register:
        found = _answer(register.runs)
        where = register.name
    chosen = resolve_format(fmt, output, FORMATS)
    if chosen == "xlsx":
        from swp_rules.report.register_workbooks import runs_workbook

        write_workbook(runs_workbook(where, found), output)
        return EXIT_CLEAN
    with open_output(output) as out:
        if chosen == "json":
            dump_json({"register": where, "runs": [r.to_dict() for r in found]}, out)
        elif chosen == "csv":
            write_csv([_run_row(r) for r in found], RUN_COLUMNS, out)
        else:
            table = Table(title=f"Runs ({len(found)})", title_justify="left")
            for column in RUN_COLUMNS[:-2]:
                table.add_column(column, no_wrap=True)
            for run in found:
                row = _run_row(run)
                table.add_row(*(str(row[c]) for c in RUN_COLUMNS[:-2]))
            render_table(out, table)
    return EXIT_CLEAN


BREACH_COLUMNS: Final = ("child", "rule", "due", "met", "days_late", "status", "first_seen_run", "first_seen",
                         "last_seen_run", "last_seen", "resolved_run", "resolved", "resolution", "citation",
                         "explanation")


def _breach_row(b: RegisteredBreach) -> dict[str, Any]:
    return {"child": b.child, "rule": b.rule, "due": b.due, "met": b.met, "days_late": b.days_late,
            "status": "open" if b.is_open else "resolved", "first_seen_run": b.first_seen_run,
            "first_seen": b.first_seen_as_of.isoformat(), "last_seen_run": b.last_seen_run,
            "last_seen": b.last_seen_as_of.isoformat(), "resolved_run": b.resolved_run,
            "resolved": b.resolved_as_of.isoformat() if b.resolved_as_of else None, "resolution": b.resolution,
            "citation": b.citation, "explanation": b.explanation}


@register_group.command("breaches")
@_register_option
@click.option("--open", "open_only", is_flag=True, help="Only breaches still open (overdue and still reported).")
@click.option("--child", default=None, metavar="ID", help="Only this child's breaches.")
@click.option("--rule", default=None, metavar="ID", help="Only this rule's breaches.")
@_format_option
def breaches_command(register_name: str, open_only: bool, child: str | None, rule: str | None, fmt: str | None,
                     output: Path | None) -> int:
    """Every breach the register has seen, with its history: first seen, last seen, resolved."""
    with _open(register_name) as register:
        found = _answer(lambda: register.breaches(open_only=open_only, child=child, rule=rule))
    chosen = resolve_format(fmt, output, FORMATS)
    if chosen == "xlsx":
        from swp_rules.report.register_workbooks import breaches_workbook

        filters = [f"--child {child}" if child else "", f"--rule {rule}" if rule else ""]
        write_workbook(breaches_workbook(found, open_only=open_only, filters=[f for f in filters if f]), output)
        return EXIT_CLEAN
    with open_output(output) as out:
        if chosen == "json":
            dump_json({"breaches": [b.to_dict() for b in found]}, out)
        elif chosen == "csv":
            write_csv([_breach_row(b) for b in found], BREACH_COLUMNS, out)
        else:
            shown = ("child", "rule", "due", "met", "days_late", "first_seen", "last_seen", "resolved", "resolution")
            title = f"{'Open breaches' if open_only else 'Breaches'} ({len(found)})"
            render_table(out, _table(title, shown, [_breach_row(b) for b in found]))
    return EXIT_CLEAN


DIFF_COLUMNS: Final = ("change", "child", "rule", "due", "met", "days_late", "first_seen", "days_open", "resolution",
                       "citation")


def _diff_rows(diff: RegisterDiff) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for change, lines in (("new", diff.new), ("resolved", diff.resolved), ("still open", diff.still_open)):
        rows.extend(dict(line.to_dict(), change=change) for line in lines)
    return rows


@register_group.command("diff")
@_register_option
@click.option("--from", "from_run", type=int, required=True, metavar="RUN", help="The earlier run's id.")
@click.option("--to", "to_run", type=int, required=True, metavar="RUN", help="The later run's id.")
@_format_option
def diff_command(register_name: str, from_run: int, to_run: int, fmt: str | None, output: Path | None) -> int:
    """Breaches new in run --to, resolved since run --from, and still open (with the days they have been open)."""
    with _open(register_name) as register:
        diff = _answer(lambda: register.diff(from_run, to_run))
    chosen = resolve_format(fmt, output, FORMATS)
    if chosen == "xlsx":
        from swp_rules.report.register_workbooks import diff_workbook

        write_workbook(diff_workbook(diff), output)
        return EXIT_CLEAN
    rows = _diff_rows(diff)
    with open_output(output) as out:
        if chosen == "json":
            dump_json(diff.to_dict(), out)
        elif chosen == "csv":
            write_csv(rows, DIFF_COLUMNS, out)
        else:
            heading = (f"Run {diff.from_run.id} (as of {diff.from_run.as_of}) to run {diff.to_run.id} (as of "
                       f"{diff.to_run.as_of}): {len(diff.new)} new, {len(diff.resolved)} resolved, "
                       f"{len(diff.still_open)} still open")
            render_table(out, heading, _table("Changes", DIFF_COLUMNS[:-1], rows))
    return EXIT_CLEAN


@register_group.command("upgrade")
@_register_option
def upgrade_command(register_name: str) -> int:
    """Bring a register written by an older swp-rules up to this version's schema (back it up first)."""
    with _open(register_name, upgrading=True) as register:
        before, after = _answer(register.upgrade)
        where = register.name
    if before == after:
        click.echo(f"{where} is up to date (schema version {after}).")
    else:
        click.echo(f"{where} upgraded from schema version {before or 'none'} to {after}.")
    return EXIT_CLEAN


def _answer(ask: Any) -> Any:
    try:
        return ask()
    except SchemaOutOfDate as exc:
        raise CannotRun(str(exc)) from None
    except RegisterError as exc:
        raise CannotRun(str(exc)) from None


def _table(title: str, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    return table


COMMANDS: list[click.Command] = [register_group]
