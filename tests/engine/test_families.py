"""``--family`` decides what is evaluated: a rule book limited to some families gives exactly their records."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from swp_rules.cli import main
from swp_rules.engine import Engine, load_rulebook
from swp_rules.io.events import load_records
from swp_rules.rulesets.duties import BASES, FAMILIES
from swp_rules.testing import cohorts

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from cohort import cohort

BOOK = load_rulebook()
WHOLE = Engine(BOOK, "oracle")
START = dt.date(2011, 6, 1)
_ENGINES: dict[tuple[frozenset[str], frozenset[str]], Engine] = {}


def _engine(families: frozenset[str], bases: frozenset[str]) -> Engine:
    if (families, bases) not in _ENGINES:
        _ENGINES[(families, bases)] = Engine(BOOK.only(families, bases=bases), "oracle")
    return _ENGINES[(families, bases)]


@given(cohorts(max_children=4, start=START), st.sets(st.sampled_from(sorted(FAMILIES)), max_size=3),
       st.sets(st.sampled_from(BASES), max_size=2), st.integers(0, 3 * 365))
def test_a_limited_book_gives_the_families_records(cohort_: list[list[dict[str, Any]]], families: set[str],
                                                   bases: set[str], offset: int) -> None:
    events = load_records([e for timeline in cohort_ for e in timeline]).events
    day = START + dt.timedelta(days=offset)
    chosen, grounds = frozenset(families), frozenset(bases)
    whole = WHOLE.evaluate(events, day).only(chosen, bases=grounds)
    limited = _engine(chosen, grounds).evaluate(events, day).only(chosen, bases=grounds)
    assert limited.records == whole.records
    assert limited.breaches == whole.breaches and limited.open == whole.open
    assert limited.notes == whole.notes and limited.children == whole.children


def test_a_limited_book_starts_only_its_families_clocks() -> None:
    limited = BOOK.only({"review"})
    assert limited.roots and {rule_id.split(".")[0] for rule_id, _ in limited.roots} == {"review"}
    assert set(limited.versions) < set(BOOK.versions)
    assert all(r.then in limited.versions for rules in limited.versions.values() for r in rules if r.then)


def test_check_with_families_reports_what_a_whole_run_reports_of_them(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in cohort(40)), encoding="utf-8")
    args = ["check", str(path), "--as-of", "2012-03-31", "--format", "json"]
    whole = json.loads(CliRunner().invoke(main, args).stdout)
    limited = json.loads(CliRunner().invoke(main, [*args, "--family", "review", "--family", "visit"]).stdout)
    keep = ("review.", "visit.")
    assert limited["breaches"] == [b for b in whole["breaches"] if b["rule"].startswith(keep)]
    assert limited["open"] == [o for o in whole["open"] if o["rule"].startswith(keep)]
    assert limited["breaches"] and limited["input"] == whole["input"]
