"""The breach register on SQLite and on PostgreSQL (the same tests on both): runs, idempotence, each breach's
history, ``diff``, filters and errors, on hand-made runs; and a Hypothesis property that the history follows the
runs recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from handmade import breach, open_duty, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swp_rules.engine.results import Breach
from swp_rules.io.events import InputCounts
from swp_rules.register import Register, RegisterError


def test_a_new_register_records_a_run_with_its_counts(register_name: str) -> None:
    with Register.open(register_name, create=True) as register:
        evaluation, run_input = run("2011-06-30", [breach("C1", "visit.regular", "2011-06-01")],
                                    (open_duty("C2", "review.first", "2011-07-15"),))
        recorded = register.record(evaluation, run_input)
        assert recorded.added and recorded.id >= 1 and recorded.new == 1 and recorded.resolved == 0
        [listed] = register.runs()
        assert listed.id == recorded.id
        assert (listed.as_of, listed.breaches, listed.open, listed.children) == (dt.date(2011, 6, 30), 1, 1, 2)
        assert listed.input == InputCounts(read=10, evaluated=10, duplicates=0, rejected=0)
        assert listed.rulesets == evaluation.rulesets and listed.input_digest == run_input.input_digest
        assert register.run(recorded.id) == listed


def test_the_same_input_and_date_add_nothing_and_name_the_run_recorded(register_name: str) -> None:
    with Register.open(register_name, create=True) as register:
        first = register.record(*run("2011-06-30", [breach("C1", "visit.regular", "2011-06-01")]))
        again = register.record(*run("2011-06-30", [breach("C1", "visit.regular", "2011-06-01")]))
        assert again.id == first.id and not again.added
        assert len(register.runs()) == 1 and len(register.breaches()) == 1
        other_date = register.record(*run("2011-07-31", [breach("C1", "visit.regular", "2011-06-01")],
                                          digest="digest-2011-06-30"))
        assert other_date.added and other_date.id != first.id
        other_families = register.record(*run("2011-06-30", [], families=("review",)))
        assert other_families.added and len(register.runs()) == 3


def _history() -> list[tuple[str, list[Breach]]]:
    june, july, august = "2011-06-30", "2011-07-31", "2011-08-31"
    return [
        (june, [breach("C1", "visit.regular", "2011-06-01", as_of=june),
                breach("C2", "review.first", "2011-06-10", as_of=june)]),
        (july, [breach("C1", "visit.regular", "2011-06-01", met="2011-07-05"),
                breach("C2", "review.first", "2011-06-10", as_of=july),
                breach("C3", "health.initial", "2011-07-20", as_of=july)]),
        (august, [breach("C3", "health.initial", "2011-07-20", as_of=august)]),
    ]


def test_each_breach_has_its_history(register_name: str) -> None:
    with Register.open(register_name, create=True) as register:
        ids = [register.record(*run(day, found)).id for day, found in _history()]
        by_key = {(b.child, b.rule): b for b in register.breaches()}
        met = by_key[("C1", "visit.regular")]
        assert (met.first_seen_run, met.last_seen_run, met.resolved_run, met.resolution) == (ids[0], ids[1],
                                                                                             ids[1], "met")
        assert met.met == "2011-07-05" and met.days_late == 34 and not met.is_open
        gone = by_key[("C2", "review.first")]
        assert (gone.first_seen_run, gone.last_seen_run, gone.resolved_run) == (ids[0], ids[1], ids[2])
        assert gone.resolution == "no longer reported" and gone.resolved_as_of == dt.date(2011, 8, 31)
        still = by_key[("C3", "health.initial")]
        assert still.is_open and (still.first_seen_run, still.last_seen_run) == (ids[1], ids[2])
        assert still.first_seen_as_of == dt.date(2011, 7, 31) and still.days_open(dt.date(2011, 8, 31)) == 31
        assert [b.child for b in register.breaches(open_only=True)] == ["C3"]
        assert [b.rule for b in register.breaches(child="C1")] == ["visit.regular"]
        assert [b.child for b in register.breaches(rule="review.first")] == ["C2"]
        assert register.breaches(child="nobody") == []


def test_diff_names_new_resolved_and_still_open_breaches(register_name: str) -> None:
    with Register.open(register_name, create=True) as register:
        ids = [register.record(*run(day, found)).id for day, found in _history()]
        first = register.diff(ids[0], ids[1])
        assert [(d.child, d.rule) for d in first.new] == [("C3", "health.initial")]
        assert [(d.child, d.resolution, d.met) for d in first.resolved] == [("C1", "met", "2011-07-05")]
        assert [(d.child, d.days_open) for d in first.still_open] == [("C2", 31)]
        second = register.diff(ids[1], ids[2])
        assert second.new == ()
        assert [(d.child, d.resolution) for d in second.resolved] == [("C2", "no longer reported")]
        assert [(d.child, d.days_open, d.days_late) for d in second.still_open] == [("C3", 31, 42)]
        whole = register.diff(ids[0], ids[2])
        assert {d.child for d in whole.resolved} == {"C1", "C2"} and [d.child for d in whole.new] == ["C3"]
        document = whole.to_dict()
        assert document["from"]["id"] == ids[0] and document["to"]["id"] == ids[2]
        with pytest.raises(RegisterError, match="no run"):
            register.diff(ids[0], 999)


def test_a_breach_reported_again_after_it_went_away_is_open_again(register_name: str) -> None:
    with Register.open(register_name, create=True) as register:
        register.record(*run("2011-06-30", [breach("C1", "visit.regular", "2011-06-01")]))
        register.record(*run("2011-07-31", []))
        assert register.breaches(open_only=True) == []
        third = register.record(*run("2011-08-31", [breach("C1", "visit.regular", "2011-06-01")]))
        [again] = register.breaches(open_only=True)
        assert again.resolved_run is None and again.last_seen_run == third.id and third.new == 0


def test_a_run_limited_to_some_families_resolves_only_those(register_name: str) -> None:
    with Register.open(register_name, create=True) as register:
        register.record(*run("2011-06-30", [breach("C1", "visit.regular", "2011-06-01"),
                                            breach("C1", "review.first", "2011-06-02")]))
        limited = register.record(*run("2011-07-31", [], families=("review",)))
        assert limited.resolved == 1
        assert [b.rule for b in register.breaches(open_only=True)] == ["visit.regular"]
        [run_listed] = [r for r in register.runs() if r.id == limited.id]
        assert run_listed.families == ("review",)


def test_open_duties_are_recorded_and_a_breach_that_was_open_keeps_its_first_sight(register_name: str) -> None:
    with Register.open(register_name, create=True) as register:
        register.record(*run("2011-05-31", [], (open_duty("C1", "visit.regular", "2011-06-01"),)))
        second = register.record(*run("2011-06-30", [breach("C1", "visit.regular", "2011-06-01")]))
        [found] = register.breaches()
        assert found.first_seen_run == second.id and second.new == 1


def test_reading_a_register_that_is_not_there_is_refused(tmp_path: object, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("a missing file is SQLite's case")
    with pytest.raises(RegisterError, match="no register at"):
        Register.open(f"{tmp_path}/missing.db")


def test_an_empty_database_holds_no_register(register_name: str) -> None:
    if "://" not in register_name:
        Register.open(register_name, create=True).close()
        return
    with pytest.raises(RegisterError, match="holds no register"):
        Register.open(register_name)


@pytest.mark.parametrize("name, reason", [
    ("mysql://u@h/db", "SQLite file or a PostgreSQL database"),
    ("postgresql+psycopg://user@host:port/db", "cannot be parsed"),
    ("postgresql://nobody@127.0.0.1:1/nothing", "cannot be used"),
    ("", "empty"),
])
def test_bad_register_names_are_refused_with_a_reason(name: str, reason: str) -> None:
    with pytest.raises(RegisterError, match=reason):
        Register.open(name)


# A property: over any sequence of runs, each reporting some of a few duties (met or not), the register's history
# is what the runs said: a breach is open after the last run exactly when that run reports it overdue, or it was
# never resolved since; first seen is the first run that reported it breached.
_DUTIES = [("C1", "visit.regular", "2011-06-01"), ("C1", "review.first", "2011-06-02"),
           ("C2", "visit.regular", "2011-06-03")]
_STATE = st.sampled_from(["absent", "overdue", "met"])


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(states=st.lists(st.tuples(*[_STATE] * len(_DUTIES)), min_size=1, max_size=4))
def test_history_follows_the_runs_recorded(new_register: Callable[[], str], states: list[tuple[str, ...]]) -> None:
    with Register.open(new_register(), create=True) as register:
        ids = []
        for number, row in enumerate(states):
            as_of = (dt.date(2011, 7, 1) + dt.timedelta(days=31 * number)).isoformat()
            found = [breach(c, r, d, met="2011-06-20" if state == "met" else None, as_of=as_of)
                     for (c, r, d), state in zip(_DUTIES, row, strict=True) if state != "absent"]
            ids.append(register.record(*run(as_of, found)).id)
        listed = {(b.child, b.rule, b.due): b for b in register.breaches()}
        for index, duty in enumerate(_DUTIES):
            said = [row[index] for row in states]
            if all(s == "absent" for s in said):
                assert duty not in listed
                continue
            entry = listed[duty]
            first = next(i for i, s in enumerate(said) if s != "absent")
            last = max(i for i, s in enumerate(said) if s != "absent")
            assert entry.first_seen_run == ids[first] and entry.last_seen_run == ids[last]
            assert entry.is_open == (said[-1] == "overdue")
            assert (entry.resolved_run, entry.resolution) == _resolved_by(said, ids)


def _resolved_by(said: list[str], ids: list[int]) -> tuple[int | None, str | None]:
    """The model: a breach is resolved by the run that reports it met, or that no longer reports it while it is
    overdue; a run that reports it overdue again reopens it."""
    seen = False
    resolved: tuple[int | None, str | None] = (None, None)
    for state, run_id in zip(said, ids, strict=True):
        if state == "overdue":
            seen, resolved = True, (None, None)
        elif state == "met":
            if not seen or resolved[0] is None:
                resolved = (run_id, "met")
            seen = True
        elif seen and resolved[0] is None:
            resolved = (run_id, "no longer reported")
    return resolved


def test_what_the_register_answers_reads_back_through_the_converter(register_name: str) -> None:
    from swp_rules.register.results import RegisterDiff, RegisteredBreach, Run

    with Register.open(register_name, create=True) as register:
        ids = [register.record(*run(day, found)).id for day, found in _history()]
        runs, breaches, diff = register.runs(), register.breaches(), register.diff(ids[0], ids[2])
    assert [Run.from_dict(r.to_dict()) for r in runs] == runs
    assert [RegisteredBreach.from_dict(b.to_dict()) for b in breaches] == breaches
    assert RegisterDiff.from_dict(diff.to_dict()) == diff
    written = {b.child: b.to_dict() for b in breaches}
    assert written["C1"]["resolved"] == {"run": ids[1], "as_of": "2011-07-31", "how": "met"}
    assert written["C3"]["open"] is True and written["C3"]["first_seen"] == {"run": ids[1], "as_of": "2011-07-31"}
    assert runs[0].to_dict()["input"] == {"read": 10, "evaluated": 10, "duplicates": 0, "rejected": 0}
