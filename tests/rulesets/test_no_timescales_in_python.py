"""No regulation's timescale lives in Python: the numbers of days, weeks and months are in ``rulesets/*.yaml``.

House rule (``docs/ruleset-language.md``): Python implements the mechanism — counting working days, adding calendar
months, restarting clocks — and the rulesets say how many. This test reads every module of ``swp_rules`` with
``ast`` (never importing or running it) and flags:

1. a duration written with a literal: a call with ``days=``, ``weeks=``, ``months=``, ``hours=``, ``years=`` or
   ``working_days=`` set to a number above 1 (``timedelta(days=28)``, ``pendulum...add(months=3)``,
   ``relativedelta(months=6)``);
2. a literal count passed to a duration function (``timedelta(28)``, ``add_working_days(day, 20)``,
   ``add_months(day, 6)``);
3. a number that is a statutory timescale somewhere in the duty rules (5, 7, 10, 14, 15, 20, 28, 42, 90, 183 …)
   in a statement that speaks of days, weeks, months, deadlines, visits or reviews (``visit_interval_days = 42``,
   ``due = start + 20``).

Not flagged, because they are units and calendar facts, not timescales: ``7`` as a factor (days in a week),
arguments of a date constructor (``dt.date(year, 2, 28)``), a comparison with ``weekday()`` (``< 5`` is Monday to
Friday), and durations of one (``timedelta(days=1)``, the next day).

``ALLOWED`` is the explicit allow-list, one entry per top-level name with the reason; an entry that no longer
matches anything fails the test, so the list cannot rot.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import NamedTuple

import pytest

pytestmark = pytest.mark.slow  # a scan of every module and ruleset

PACKAGE = Path(__file__).resolve().parents[2] / "swp_rules"

#: Timescales that appear in the statutory duties as day counts, or as weeks and months converted to days.
TIMESCALE_NUMBERS = frozenset({5, 7, 10, 14, 15, 20, 21, 28, 42, 56, 84, 90, 91, 182, 183, 365})
DURATION_KEYWORDS = frozenset({"days", "weeks", "months", "hours", "years", "working_days"})
DURATION_FUNCTIONS = frozenset({
    "timedelta", "relativedelta", "Duration", "duration", "add_working_days", "add_days", "add_months", "add_hours",
})
DATE_CONSTRUCTORS = frozenset({"date", "datetime", "replace", "fromisoformat"})
DUTY_WORDS = re.compile(r"day|week|month|hour|deadline|due|visit|review|interval|timescale|within|overdue|late",
                        re.IGNORECASE)

#: (module path under swp_rules/, top-level name) → why a literal timescale is allowed there.
ALLOWED: dict[tuple[str, str], str] = {
    ("testing/periods.py", "MIN_PERIOD_DAYS"): "the shortest generated period of care, a test-data choice",
    ("testing/timelines.py", "_EPISODE_MARGIN"): "test-data spacing of generated missing episodes, not a duty",
    ("testing/timelines.py", "_BETWEEN_EPISODES"): "test-data spacing of generated missing episodes, not a duty",
    ("testing/invalid.py", "INVALID_RECORD_KINDS"): "deliberately wrong field values (an id of 42, a type of 7)",
    ("contracts/periods.py", "rolling_12_months"): "a reporting window of a year ending on a date, named for what it "
    "is; no duty is counted with it",
    ("ssda903/episodes.py", "T1_LONGEST_DAYS"): "the DfE SSDA903 validator's limit on a T1 placement (docs/ssda903.md, "
    "structural checks), a data-validation rule of the return, not a duty owed to a child",
}


class Finding(NamedTuple):
    file: str
    line: int
    owner: str  # the top-level function, class or assigned name the finding is in
    what: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.owner}: {self.what}"


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _number(node: ast.AST) -> int | float | None:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value  # type: ignore[no-any-return]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return -inner if inner is not None else None
    return None


def _owner(node: ast.stmt) -> str:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return node.name
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        targets = [node.target]
    names = [t.id for t in targets if isinstance(t, ast.Name)]
    return names[0] if names else f"<module line {node.lineno}>"


def _exempt_literals(statement: ast.AST) -> set[int]:
    """ids of literal nodes that are units or calendar facts, not timescales."""
    exempt: set[int] = set()
    for node in ast.walk(statement):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            for side in (node.left, node.right):
                if _number(side) == 7:  # days in a week
                    exempt.add(id(side))
        elif isinstance(node, ast.IfExp) and _number(node.body) == 7 and "week" in ast.unparse(node.test):
            exempt.add(id(node.body))
        elif isinstance(node, ast.Call) and _call_name(node) in DATE_CONSTRUCTORS:
            exempt.update(id(arg) for arg in node.args)
        elif isinstance(node, ast.Compare) and "weekday()" in ast.unparse(node.left):
            exempt.update(id(c) for c in node.comparators)
    return exempt


def _statements(tree: ast.Module) -> list[tuple[str, ast.stmt]]:
    """Every simple statement, with the top-level name it belongs to."""
    found: list[tuple[str, ast.stmt]] = []
    for top in tree.body:
        owner = _owner(top)
        for node in ast.walk(top):
            if isinstance(node, ast.stmt) and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef |
                                                             ast.ClassDef | ast.If | ast.For | ast.While |
                                                             ast.With | ast.Try | ast.Match):
                found.append((owner, node))
            elif isinstance(node, ast.If | ast.While):
                found.append((owner, ast.Expr(node.test, lineno=node.lineno, col_offset=0)))
    return found


def scan(source: str, file: str) -> list[Finding]:
    """The suspicious timescales in one module's source."""
    findings: list[Finding] = []
    tree = ast.parse(source, filename=file)
    for owner, statement in _statements(tree):
        words = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
        words |= {n.attr for n in ast.walk(statement) if isinstance(n, ast.Attribute)}
        words |= {n.arg for n in ast.walk(statement) if isinstance(n, ast.keyword) and n.arg}
        speaks_of_time = bool(DUTY_WORDS.search(" ".join(words)))
        exempt = _exempt_literals(statement)
        flagged: set[int] = set()
        for node in ast.walk(statement):
            if isinstance(node, ast.Call):
                name = _call_name(node)
                for keyword in node.keywords:
                    value = _number(keyword.value)
                    if keyword.arg in DURATION_KEYWORDS and value is not None and abs(value) > 1:
                        findings.append(Finding(file, node.lineno, owner, f"{name}({keyword.arg}={value})"))
                        flagged.add(id(keyword.value))
                if name in DURATION_FUNCTIONS:
                    for arg in node.args:
                        value = _number(arg)
                        if value is not None and abs(value) > 1:
                            findings.append(Finding(file, node.lineno, owner, f"{name}(..., {value})"))
                            flagged.add(id(arg))
        if not speaks_of_time:
            continue
        for node in ast.walk(statement):
            value = _number(node) if isinstance(node, ast.Constant) else None
            if value in TIMESCALE_NUMBERS and id(node) not in exempt and id(node) not in flagged:
                line = getattr(node, "lineno", statement.lineno)
                findings.append(Finding(file, line, owner, f"the number {value} beside {sorted(words)[:6]}"))
    return findings


def _package_findings() -> list[Finding]:
    found: list[Finding] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found.extend(scan(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE).as_posix()))
    return found


def test_no_regulation_timescale_in_python() -> None:
    offending = [f for f in _package_findings() if (f.file, f.owner) not in ALLOWED]
    assert not offending, "timescales belong in rulesets/*.yaml:\n" + "\n".join(map(str, offending))


def test_the_allow_list_is_small_and_still_needed() -> None:
    assert len(ALLOWED) <= 6
    used = {(f.file, f.owner) for f in _package_findings()}
    assert set(ALLOWED) <= used, f"remove unused allow-list entries: {set(ALLOWED) - used}"


def test_the_scan_reads_the_whole_package() -> None:
    modules = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")}
    assert {"calendar.py", "rulesets/duties.py", "engine/obligations.py"} <= modules


ENGINE = "engine/obligations.py"


@pytest.mark.parametrize(
    "source",
    [
        "import datetime as dt\ndef due(start):\n    return start + dt.timedelta(days=28)\n",
        "from datetime import timedelta\nNEXT_VISIT = timedelta(weeks=6)\n",
        "from datetime import timedelta\ndef due(start):\n    return start + timedelta(42)\n",
        "from swp_rules import calendar\ndef first_review(start):\n    return calendar.add_working_days(start, 20)\n",
        "from swp_rules.calendar import add_months\ndef second_review(r1):\n    return add_months(r1, 3)\n",
        "import pendulum\ndef due(d):\n    return pendulum.date(d.year, d.month, d.day).add(months=6)\n",
        "from dateutil.relativedelta import relativedelta\ndef due(d):\n    return d + relativedelta(months=6)\n",
        "VISIT_INTERVAL_DAYS = 42\n",
        "def overdue(days_since_visit):\n    return days_since_visit > 42\n",
        "def due(start):\n    deadline = start.toordinal() + 183\n    return deadline\n",
        "def check(rule, days):\n    if rule == 'visit.first' and days > 7:\n        return 'late'\n",
    ],
)
def test_a_hard_coded_timescale_is_caught(source: str) -> None:
    found = scan(source, ENGINE)
    assert found, source
    assert all((f.file, f.owner) not in ALLOWED for f in found)


@pytest.mark.parametrize(
    "source",
    [
        "import datetime as dt\ndef tomorrow(d):\n    return d + dt.timedelta(days=1)\n",
        "def weeks_to_days(n):\n    return 7 * n\n",
        "def days(amount, unit):\n    return amount * (7 if unit == 'weeks' else 1)\n",
        "import datetime as dt\ndef leap(year):\n    return dt.date(year, 2, 28)\n",
        "def working(day):\n    return day.weekday() < 5\n",
        "def add(day, n, unit):\n    return calendar.add_working_days(day, n)\n",
        "RETRIES = 5\n",
    ],
)
def test_mechanism_is_not_flagged(source: str) -> None:
    assert scan(source, ENGINE) == []


def test_the_real_engine_with_a_hard_coded_deadline_would_fail() -> None:
    real = (PACKAGE / ENGINE).read_text(encoding="utf-8")
    assert [f for f in scan(real, ENGINE) if (f.file, f.owner) not in ALLOWED] == []
    tampered = real + "\n\ndef _first_visit_due(start: dt.date) -> dt.date:\n    return start + dt.timedelta(days=7)\n"
    assert [str(f) for f in scan(tampered, ENGINE)] == [
        f"{ENGINE}:{len(tampered.splitlines())}: _first_visit_due: timedelta(days=7)"
    ]
