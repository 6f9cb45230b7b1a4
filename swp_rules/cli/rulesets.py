"""``swp-rules rulesets list | show ID | validate PATH...``: inspect and check rulesets."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from swp_rules.cli import ruleset_tools
from swp_rules.cli.common import (
    EXIT_CANNOT_RUN,
    EXIT_CLEAN,
    dump_json,
    format_option,
    json_default,
    open_output,
    render_table,
    resolve_format,
)
from swp_rules.engine.rulebook import RuleBook, load_rulebook
from swp_rules.rulesets import conditions as cond
from swp_rules.rulesets.duties import DutyRuleset
from swp_rules.rulesets.loader import (
    RulesetError,
    RulesetProblem,
    find_ruleset_file,
    parse_file,
    read_yaml,
    shipped_files,
    shipped_id,
)
from swp_rules.rulesets.selection import expand


def _summary(ruleset: Any) -> dict[str, Any]:
    described: dict[str, Any] = ruleset.describe() if hasattr(ruleset, "describe") else {}
    described.setdefault("id", getattr(ruleset, "id", ""))
    described["title"] = getattr(ruleset, "title", "")
    rules = getattr(ruleset, "rules", None)
    if rules is not None:
        described["rules"] = len(rules)
    return described


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
            rows.append(_summary(parse_file(path, shipped_id(path) + path.suffix)))
        except RulesetError as exc:
            rows.append({"id": shipped_id(path), "kind": "invalid", "title": str(exc.problems[0])})
    chosen = resolve_format(fmt, output)
    with open_output(output) as out:
        if chosen == "json":
            dump_json({"rulesets": rows}, out)
        else:
            table = Table(title="Shipped rulesets", title_justify="left")
            for column in ("id", "kind", "version", "rules", "title"):
                table.add_column(column, overflow="fold")
            for row in rows:
                table.add_row(str(row.get("id", "")), str(row.get("kind", "")), str(row.get("version", "")),
                              str(row.get("rules", "")), str(row.get("title", "")))
            render_table(out, table)
    return EXIT_CLEAN


def _duty_rows(ruleset: DutyRuleset) -> list[dict[str, Any]]:
    rows = []
    for rule in ruleset.rules:
        deadlines = []
        for d in rule.deadlines:
            text = d.describe()
            if d.when is not None:
                text += f" when {cond.render(d.when.node)}"
            deadlines.append(text)
        trigger = rule.trigger.kind if rule.trigger.kind != "event" else f"event {rule.trigger.event}"
        rows.append({
            "id": rule.id,
            "title": rule.title,
            "citation": rule.citation,
            "in_force": {"from": rule.in_force_from.isoformat(),
                         "to": rule.in_force_to.isoformat() if rule.in_force_to else None},
            "trigger": "after the previous discharge" if rule.trigger.kind == "chain" else trigger,
            "applies": cond.render(rule.applies.node) if rule.applies else None,
            "deadline": deadlines,
            "discharged_by": [d.event for d in rule.discharged_by],
            "scope": rule.scope,
            "then": rule.id if rule.recurs else rule.then,
            "source": rule.source,
        })
    return rows


@rulesets_group.command("show")
@click.argument("ruleset_id", metavar="ID_OR_PATH")
@format_option
def show_command(ruleset_id: str, fmt: str | None, output: Path | None) -> int:
    """One ruleset, rule by rule."""
    try:
        path = find_ruleset_file(ruleset_id)
        ruleset = parse_file(path)
    except RulesetError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        return EXIT_CANNOT_RUN
    summary = _summary(ruleset)
    rows = _duty_rows(ruleset) if isinstance(ruleset, DutyRuleset) else []
    to_dict = getattr(ruleset, "to_dict", None)
    chosen = resolve_format(fmt, output)
    with open_output(output) as out:
        if chosen == "json":
            document = dict(summary)
            document["parameters"] = dict(getattr(ruleset, "parameters", {}) or {})
            if rows:
                document["rules"] = rows
            elif callable(to_dict):
                document["definition"] = to_dict()
            dump_json(document, out)
        else:
            parts: list[Any] = [f"{summary.get('id')} ({summary.get('kind')}, version {summary.get('version')}): "
                                f"{summary.get('title')}"]
            if rows:
                table = Table(show_lines=True)
                for column in ("id", "in force", "trigger", "deadline", "discharged by", "citation"):
                    table.add_column(column, overflow="fold")
                for row in rows:
                    force = f"{row['in_force']['from']} – {row['in_force']['to'] or ''}"
                    deadline = "\n".join(row["deadline"])
                    if row["applies"]:
                        deadline += f"\n(applies if {row['applies']})"
                    table.add_row(row["id"], force, row["trigger"], deadline, ", ".join(row["discharged_by"]),
                                  row["citation"])
                parts.append(table)
            elif callable(to_dict):
                parts.append(_as_yaml(to_dict()))
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
                                               "statutory rulesets)"))
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
