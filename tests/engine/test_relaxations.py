"""The coronavirus modifications of 2020 (SI 2020/445: docs/legal-sources.md §1.1, §3.7) as properties: no duty of a
relaxed rule falls due inside the relaxation but on its last day, and what is met by then is met on time; the rules it
does not name give exactly what they give without it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import attrs
from hypothesis import given, settings

from swp_rules.engine import Engine
from swp_rules.engine.results import DutyRecord
from swp_rules.engine.rulebook import RuleBook
from swp_rules.io.events import load_records
from swp_rules.testing import timelines

ENGINE = Engine()
PLAIN = Engine(RuleBook.of([attrs.evolve(r, relaxations=()) for r in ENGINE.book.rulesets]))
COVID = next(x for r in ENGINE.book.rulesets for x in r.relaxations if x.id == "coronavirus-2020")


def _records(engine: Engine, records: list[dict[str, Any]], as_of: dt.date) -> list[DutyRecord]:
    loaded = load_records(records)
    assert not loaded.rejected
    return list(engine.evaluate(loaded.events, as_of).records)


def test_the_relaxation_is_the_2020_one() -> None:
    assert (COVID.start, COVID.end) == (dt.date(2020, 4, 24), dt.date(2020, 9, 25))
    assert {"visit.regular", "review.later", "placement-plan.each"} <= set(COVID.rules)
    assert "care-plan.initial" not in COVID.rules


@settings(max_examples=20, deadline=None)
@given(timelines("mixed", years=2, start=dt.date(2019, 9, 1)))
def test_nothing_relaxed_falls_due_inside_2020_but_on_its_last_day(records: list[dict[str, Any]]) -> None:
    as_of = dt.date(2021, 9, 1)
    relaxed = _records(ENGINE, records, as_of)
    plain = _records(PLAIN, records, as_of)
    for record in relaxed:
        due = record.due if isinstance(record.due, dt.date) and not isinstance(record.due, dt.datetime) else None
        if due is not None and record.rule in COVID.rules:
            assert not COVID.start <= due < COVID.end, record
            if due == COVID.end and record.met is not None and record.met <= COVID.end:
                assert record.status == "met", record
    # the rules the relaxation does not name give exactly what they give without it
    def others(records: list[DutyRecord]) -> Counter[tuple[Any, ...]]:
        return Counter((r.child, r.rule, r.clock_start, r.due, r.status, r.met) for r in records
                       if r.rule not in COVID.rules)

    assert others(relaxed) == others(plain)
