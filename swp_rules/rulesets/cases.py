"""Ruleset test cases: YAML files of events, a date or period, and the results the rules must give.

``swp-rules rulesets test PATH...`` runs them (and so does the project's own test suite, on
``tests/rulesets/duties`` and ``tests/rulesets/indicators``). The format is documented in
``docs/ruleset-language.md`` ("Test cases"). A duties case::

    name: visit.first on the seventh day
    rulesets: [+../local/visits.yaml]        # as --ruleset: ids, groups, files (from the case's folder), +additions
    parameters: {statutory/cpr-2010:within_one_week_days: 6}   # as --param
    as_of: 2011-11-30
    events:
      - {id: e1, child: C1, type: looked_after_started, date: 2011-11-01, legal_status: C2}
    expect:
      breaches: [...]        # exactly these breaches (each compared on the keys given)
      open_includes: [...]   # these open duties, among others
      absent: [visit.first]  # rules with no breach
      statuses: [...]        # duty records with these keys (any status)
      no_record: [...]       # no duty record has these keys

An indicators case has ``period`` (and optional ``indicators``, ``duty_rulesets``) instead of ``as_of``, and
``expect`` is a list of results (``id``, optional ``practice``, and the keys to compare).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import attrs

from swp_rules.engine import Engine
from swp_rules.engine.rulebook import load_rulebook
from swp_rules.io.events import load_records
from swp_rules.rulesets.loader import Node, RulesetError, plain, read_yaml
from swp_rules.rulesets.selection import choose
from swp_rules.rulesets.suggest import did_you_mean

_DUTY_KEYS: Final = ("name", "description", "notes", "rulesets", "parameters", "as_of", "events", "expect")
_INDICATOR_KEYS: Final = ("name", "description", "notes", "rulesets", "duty_rulesets", "parameters", "period",
                          "indicators", "events", "expect")
_DUTY_EXPECT: Final = ("breaches", "open_includes", "absent", "statuses", "no_record")
#: The keys that name what a duty result is about; the closest result shown for a miss shares them.
_IDENTITY: Final = ("child", "rule")
#: At most this many results are listed when none is close to what was expected.
_LISTED: Final = 8


@attrs.frozen
class CaseResult:
    """One case run: ``status`` is ``pass``, ``fail`` (``differences`` say how) or ``error`` (it could not run)."""

    file: str
    name: str
    matcher: str
    status: str
    differences: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "name": self.name, "matcher": self.matcher, "status": self.status,
                "differences": list(self.differences)}


def case_files(paths: Iterable[str | Path]) -> list[Path]:
    """The case files of ``paths``: files as given, folders searched for ``.yaml``/``.yml`` files (sorted)."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


class CaseRunner:
    """Runs cases, sharing one engine among the cases that name the same rulesets, parameters and matcher."""

    def __init__(self) -> None:
        self._engines: dict[tuple[str, ...], Engine] = {}

    def run(self, path: Path, matcher: str = "durable") -> CaseResult:
        """Run one case file; a case that cannot be read or whose rulesets are invalid is an ``error``."""
        try:
            source = read_yaml(path, str(path))
        except RulesetError as exc:
            return CaseResult(str(path), path.stem, matcher, "error", tuple(str(p) for p in exc.problems))
        root = source.root
        name = str(root["name"].value or path.stem)
        if root.has("kind") and root.has("ruleset"):
            return CaseResult(str(path), name, matcher, "error", (
                f"{path}:{root['kind'].line}: kind: this is a ruleset, not a test case (a case has events, as_of or "
                "period, and expect; it names its rulesets under 'rulesets')",))
        kind = "indicators" if root.has("period") else "duties"
        root.keys_allowed(_INDICATOR_KEYS if kind == "indicators" else _DUTY_KEYS)
        for key in ("events", "expect", "period" if kind == "indicators" else "as_of"):
            if not root.has(key):
                root[key].fail("is required")
        if root.problems:
            return CaseResult(str(path), name, matcher, "error", tuple(str(p) for p in root.problems))
        try:
            differences = (self._indicators(root, path) if kind == "indicators" else
                           self._duties(root, path, matcher))
        except RulesetError as exc:
            return CaseResult(str(path), name, matcher, "error", tuple(str(p) for p in exc.problems))
        except _CaseError as exc:
            return CaseResult(str(path), name, matcher, "error", (str(exc),))
        return CaseResult(str(path), name, matcher, "fail" if differences else "pass", tuple(differences))

    def _engine(self, root: Node, path: Path, matcher: str) -> Engine:
        names = choose(_texts(root["rulesets"]), ("duties",), base=path.parent)["duties"]
        parameters = _parameters(root["parameters"])
        key = (*names, json.dumps(parameters, sort_keys=True, default=str), matcher)
        engine = self._engines.get(key)
        if engine is None:
            engine = self._engines[key] = Engine(load_rulebook(names, parameters), matcher)
        return engine

    def _duties(self, root: Node, path: Path, matcher: str) -> list[str]:
        engine = self._engine(root, path, matcher)
        events = _events(root["events"], path)
        as_of = root["as_of"].date()
        expect = root["expect"]
        if as_of is None or not expect.mapping():
            raise _CaseError(str(root.problems[0]) if root.problems else f"{path}: expect: must be a mapping")
        expect.keys_allowed(_DUTY_EXPECT)
        if root.problems:
            raise _CaseError(str(root.problems[0]))
        wanted = _plain_dates(plain(expect.value))
        result = engine.evaluate(events, as_of)
        breaches = [_plain_dates(b.to_dict()) for b in result.breaches]
        open_ = [_plain_dates(o.to_dict()) for o in result.open]
        records = [_plain_dates(r.to_dict()) for r in result.records]
        differences: list[str] = []
        if "breaches" in wanted:
            expected = list(wanted["breaches"] or [])
            differences += _missing("breach", expected, breaches)
            extra = [b for b in breaches if not any(_subset(item, b) for item in expected)]
            differences += [f"unexpected breach {_show(b, _SHOWN)}" for b in extra]
        differences += _missing("open duty", wanted.get("open_includes") or [], open_)
        for rule in wanted.get("absent") or []:
            differences += [f"expected no breach of {rule}, got {_show(b, _SHOWN)}" for b in breaches
                            if b.get("rule") == rule]
        differences += _missing("duty record", wanted.get("statuses") or [], records)
        for item in wanted.get("no_record") or []:
            differences += [f"expected no duty record matching {_show(item)}, got {_show(r, _SHOWN)}"
                            for r in records if _subset(item, r)]
        return differences

    def _indicators(self, root: Node, path: Path) -> list[str]:
        from swp_rules.indicators import compute_indicators  # the indicator engine, only for indicator cases
        from swp_rules.periods import parse_period

        chosen = choose(_texts(root["rulesets"]), ("indicators", "duties"), base=path.parent)
        duties = choose(_texts(root["duty_rulesets"]), ("duties",), base=path.parent)["duties"]
        duty_names = duties if root.has("duty_rulesets") else chosen["duties"]
        events = _events(root["events"], path)
        try:
            period = parse_period(str(root["period"].value))
        except ValueError as exc:
            raise _CaseError(f"{path}:{root['period'].line}: period: {exc}") from None
        wanted = root["indicators"].value
        report = compute_indicators(events, period, indicators=[str(i) for i in wanted] if wanted else None,
                                    rulesets=chosen["indicators"], duty_rulesets=duty_names,
                                    parameters=_parameters(root["parameters"]))
        expected = root["expect"]
        if not isinstance(expected.value, list):
            raise _CaseError(f"{path}:{expected.line}: expect: must be a list of indicator results")
        differences: list[str] = []
        for item in _plain_dates(plain(expected.value)):
            result = report.get(item.get("id"), item.get("practice"))
            label = f"{item.get('id')}" + (f" for {item['practice']}" if item.get("practice") else "")
            if result is None:
                differences.append(f"expected a result for {label}, got none")
                continue
            actual = _plain_dates(result.to_dict())
            differences += [f"{label}: {key}: expected {_value(value)}, got {_value(actual.get(key))}"
                            for key, value in item.items() if not _same(key, value, actual.get(key))]
        return differences


def _same(key: str, expected: Any, actual: Any) -> bool:
    """An indicator's ``value`` compares as an exact number (``"2/5"`` in a case is the ``"0.4"`` it writes)."""
    if key == "value" and expected is not None and actual is not None:
        try:
            return Fraction(str(expected)) == Fraction(str(actual))
        except (ValueError, ZeroDivisionError):
            return False
    return bool(actual == expected)


class _CaseError(Exception):
    """A case file that cannot be run as written (located ``file:line: key: reason``)."""


def run_cases(paths: Iterable[str | Path], matchers: Sequence[str] = ("durable",)) -> list[CaseResult]:
    """Run every case of ``paths`` (files or folders) with each matcher, in file order."""
    runner = CaseRunner()
    return [runner.run(path, matcher) for path in case_files(paths) for matcher in matchers]


def _texts(node: Node) -> list[str]:
    value = node.value
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _CaseError(f"{node.file}:{node.line}: {node.path}: must be a list of ruleset ids or paths")
    return [str(v) for v in value]


def _parameters(node: Node) -> dict[str, Any]:
    if node.value is None:
        return {}
    if not isinstance(node.value, Mapping):
        raise _CaseError(f"{node.file}:{node.line}: {node.path}: must be a mapping of RULESET:NAME (or NAME) to "
                         "a value")
    return {str(k): v for k, v in plain(node.value).items()}


def _events(node: Node, path: Path) -> list[Any]:
    if not isinstance(node.value, list):
        raise _CaseError(f"{node.file}:{node.line}: events: must be a list of events")
    loaded = load_records(_plain_dates(plain(node.value)), source=path.name)
    if loaded.rejected:
        raise _CaseError("; ".join(f"{node.file}: events: {r}" for r in loaded.rejected))
    return list(loaded.events)


def _plain_dates(value: Any) -> Any:
    """YAML dates and date-times as the ISO text results use."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain_dates(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_dates(v) for v in value]
    return value


def _subset(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> bool:
    return all(actual.get(k) == v for k, v in expected.items())


#: The keys shown for a result that was not expected.
_SHOWN: Final = ("child", "rule", "status", "due", "met", "days_late")


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def _show(item: Mapping[str, Any], keys: Sequence[str] | None = None) -> str:
    shown = [(k, item[k]) for k in (keys or list(item)) if k in item and item[k] is not None]
    return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in shown) + "}"


def _missing(what: str, expected: Sequence[Mapping[str, Any]], actual: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each expected item no actual one matches, with the difference from the closest one."""
    differences = []
    for item in expected:
        if any(_subset(item, a) for a in actual):
            continue
        same = [a for a in actual if all(a.get(k) == item[k] for k in _IDENTITY if k in item)]
        if same:
            best = max(same, key=lambda a: sum(a.get(k) == v for k, v in item.items()))
            diff = "; ".join(f"{k}: expected {_value(v)}, got {_value(best.get(k))}"
                             for k, v in item.items() if best.get(k) != v)
            differences.append(f"expected {what} {_show(item)}; the closest differs: {diff}")
        else:
            differences.append(_none_like(what, item, actual))
    return differences


def _none_like(what: str, item: Mapping[str, Any], actual: Sequence[Mapping[str, Any]]) -> str:
    """No result shares the expected child and rule: say so, suggest a rule id, list the child's results."""
    keys = [k for k in _IDENTITY if k in item]
    text = f"expected {what} {_show(item)}; got none for that {' and '.join(keys) or 'case'}"
    if "rule" in item and not any(a.get("rule") == item["rule"] for a in actual):
        text += did_you_mean(str(item["rule"]), {str(a.get("rule")) for a in actual})
    near = [a for a in actual if "child" in item and a.get("child") == item["child"]] or list(actual)
    listed = ", ".join(_show(a, _SHOWN) for a in near[:_LISTED])
    more = f" and {len(near) - _LISTED} more" if len(near) > _LISTED else ""
    return text + (f"; got: {listed}{more}" if listed else "")
