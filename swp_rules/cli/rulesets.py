"""``swp-rules rulesets list | show ID | validate PATH...``: inspect and check rulesets."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from swp_rules.cli import ruleset_tools
from swp_rules.cli.common import (
    EXIT_CANNOT_RUN,
    EXIT_CLEAN,
    check_parameters_used,
    dump_json,
    format_option,
    json_default,
    open_output,
    render_table,
    resolve_format,
    run_parameters,
)
from swp_rules.engine.rulebook import RuleBook, load_rulebook
from swp_rules.rulesets.duties import DutyRuleset
from swp_rules.rulesets.loader import (
    RulesetError,
    RulesetProblem,
    find_ruleset_file,
    parse_file,
    plain,
    read_yaml,
    ruleset_summary,
    rulesets_root,
    shipped_files,
    shipped_id,
)
from swp_rules.rulesets.selection import expand, shipped_groups
from swp_rules.rulesets.suggest import did_you_mean


@click.group("rulesets")
def rulesets_group() -> None:
    """Inspect and check rulesets (statutory duties, indicators, contracts)."""


@rulesets_group.command("list")
@format_option
def list_command(fmt: str | None, output: Path | None) -> int:
    """The shipped rulesets."""
    rows: list[dict[str, Any]] = []
    for path in shipped_files():
        try:
            rows.append(ruleset_summary(parse_file(path, shipped_id(path) + path.suffix)))
        except RulesetError as exc:
            rows.append({"id": shipped_id(path), "kind": "invalid", "title": str(exc.problems[0])})
    groups = shipped_groups()
    chosen = resolve_format(fmt, output)
    with open_output(output) as out:
        if chosen == "json":
            dump_json({"rulesets": rows, "groups": groups}, out)
        else:
            table = Table(title="Shipped rulesets", title_justify="left",
                          caption="Group ids (each folder's rulesets): " + ", ".join(groups), caption_justify="left")
            for column in ("id", "kind", "version", "rules", "title"):
                table.add_column(column, overflow="fold")
            for row in rows:
                table.add_row(str(row.get("id", "")), str(row.get("kind", "")), str(row.get("version", "")),
                              str(row.get("rules", "")), str(row.get("title", "")))
            render_table(out, table)
    return EXIT_CLEAN


@rulesets_group.command("show")
@click.argument("ruleset_id", metavar="ID_OR_PATH")
@click.option("--param", "params", multiple=True, metavar="RULESET:NAME=VALUE",
              help="Show the parameter values a run with this --param would use (repeatable).")
@format_option
def show_command(*, ruleset_id: str, params: tuple[str, ...], fmt: str | None, output: Path | None) -> int:
    """One ruleset, rule by rule, every key as written; each $parameter with the value it has."""
    from swp_rules.rulesets import written
    from swp_rules.rulesets.parameters import for_ruleset

    parameters = run_parameters(params)
    try:
        path = find_ruleset_file(ruleset_id)
        display = ruleset_id + path.suffix if path.is_relative_to(rulesets_root()) else str(path)
        source = read_yaml(path, display)
        used = dict(getattr(parse_file(path, display), "parameters", {}) or {})
        used.update(for_ruleset(source, parameters))
    except RulesetError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        return EXIT_CANNOT_RUN
    ruleset = parse_file(path, display)
    if parameters:
        check_parameters_used(parameters, [{"id": getattr(ruleset, "id", "")}])
    summary = ruleset_summary(ruleset)
    kind = str(summary.get("kind", ""))
    declared = written.parameters(source, used)
    items = written.items(source, kind) if kind in written.ITEMS else []
    # a duties file's temporary relaxations of when its rules are owed (SI 2020/445), as written
    relaxed = plain(source.root["relaxations"].value) if kind == "duties" and source.root.has("relaxations") else None
    to_dict = getattr(ruleset, "to_dict", None)
    chosen = resolve_format(fmt, output)
    with open_output(output) as out:
        if chosen == "json":
            document = dict(summary)
            document["parameters"] = [p.to_dict() for p in declared]
            if items:
                document[written.ITEMS[kind]] = [i.to_dict() for i in items]
            elif callable(to_dict):
                document["definition"] = to_dict()
            if relaxed:
                document["relaxations"] = relaxed
            dump_json(document, out)
        else:
            parts: list[Any] = [f"{summary.get('id')} ({kind}, version {summary.get('version')}): "
                                f"{summary.get('title')}"]
            if declared:
                table = Table(title="Parameters", title_justify="left")
                for column in ("name", "value used", "as declared"):
                    table.add_column(column, overflow="fold")
                for parameter in declared:
                    table.add_row(Text(parameter.name), Text(written.text(parameter.used, {})),
                                  Text("\n".join(written.lines(parameter.declared.items(), {}))))
                parts.append(table)
            if items:
                table = Table(title=written.ITEMS[kind].capitalize(), title_justify="left", show_lines=True)
                table.add_column("id", overflow="fold")
                table.add_column("as written", overflow="fold")
                for item in items:
                    lines = written.lines([(k, v) for k, v in item.fields if k != "id"], used)
                    table.add_row(Text(f"{item.id}\n({item.source.rsplit('/', 1)[-1]})"), Text("\n".join(lines)))
                parts.append(table)
            elif callable(to_dict):
                parts.append(_as_yaml(to_dict()))
            if relaxed:
                parts.append("Relaxations (a duty due within in_force is due by its last day):\n" + _as_yaml(relaxed))
            render_table(out, *parts)
    return EXIT_CLEAN


def _as_yaml(data: Any) -> str:
    """A ruleset's definition as block YAML, the way its file is written (values made JSON-plain first)."""
    from ruamel.yaml import YAML

    plain = json.loads(json.dumps(data, default=json_default))
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    text = io.StringIO()
    yaml.dump(plain, text)
    return text.getvalue()


def _files(items: tuple[str, ...]) -> tuple[list[Path], list[RulesetProblem]]:
    """The files ``validate`` checks: each value read as ``--ruleset`` reads it (a file, a folder, a shipped id or
    group, a glob); a value that names nothing is a problem."""
    found: list[Path] = []
    problems: list[RulesetProblem] = []
    for item in items:
        try:
            found.extend(chosen.path for chosen in expand(item))
        except RulesetError as exc:
            problems.extend(exc.problems)
    return list(dict.fromkeys(found)), problems


def _unknown_handoffs(duties: list[DutyRuleset]) -> list[RulesetProblem]:
    """Rules whose ``then`` names no rule in the files checked nor in the shipped statutory rulesets."""
    known = {rule.id for ruleset in duties for rule in ruleset.rules}
    with contextlib.suppress(RulesetError):  # the shipped rulesets' own problems are reported when validated
        known |= {rule.id for rule in load_rulebook().rules()}
    problems: list[RulesetProblem] = []
    for ruleset in duties:
        missing = {rule.source for rule in ruleset.rules if rule.then is not None and rule.then not in known}
        if not missing:
            continue
        source = read_yaml(Path(ruleset.path), ruleset.path)
        for item in source.root["rules"].elements():
            if f"{item.file}:{item.line}" in missing:
                then = item["then"]
                problems.append(RulesetProblem(then.file, then.line, then.path,
                                               f"no rule {then.value!r} is defined (in these files or the shipped "
                                               f"statutory rulesets){did_you_mean(str(then.value), known)}"))
    return problems


@rulesets_group.command("validate")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
def validate_command(paths: tuple[str, ...]) -> int:
    """Check ruleset files, folders of them, shipped ids or group ids (statutory); every problem as
    file:line: key: reason. Exit 2 if any."""
    duties: list[DutyRuleset] = []
    files, problems = _files(paths)
    if not files and not problems:
        click.echo("swp-rules: error: no ruleset files found", err=True)
        return EXIT_CANNOT_RUN
    parsed: list[Path] = []
    for path in files:
        try:
            ruleset = parse_file(path)
        except RulesetError as exc:
            problems.extend(exc.problems)
            continue
        if isinstance(ruleset, DutyRuleset):
            duties.append(ruleset)
        parsed.append(path)
    handoffs = _unknown_handoffs(duties)
    problems.extend(handoffs)
    statutory = [d for d in duties if d.id.startswith("statutory/")]
    try:
        if statutory:
            RuleBook.of(statutory)
    except RulesetError as exc:
        problems.extend(p for p in exc.problems if not (handoffs and p.key == "then"))
    with_problems = {p.file for p in problems}
    for path in parsed:
        if str(path) not in with_problems:
            click.echo(f"ok {path}")
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found", err=True)
        return EXIT_CANNOT_RUN
    return EXIT_CLEAN


for _command in ruleset_tools.COMMANDS:
    rulesets_group.add_command(_command)

COMMANDS: list[click.Command] = [rulesets_group]
