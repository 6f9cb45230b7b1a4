"""The importer's one typed pass builds each event from the values its converters checked, without
``Event.from_dict``: every event it builds is the one ``from_dict`` builds from the event's own record, and the code
lists it checks against are within the lists the events' fields take."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swp_rules import codes
from swp_rules.model import EVENT_TYPES, Event, RecordError
from swp_rules.ssda903 import import_903

_CHILDREN = ("A1", "B2", " C3 ", "")


def _date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


_DATES = st.one_of(st.dates(dt.date(1850, 1, 1), dt.date(2250, 12, 31)).map(_date),
                   st.dates(dt.date(2010, 1, 1), dt.date(2019, 12, 31)).map(_date),
                   st.sampled_from(["", "2015-04-01", "31/02/2015", "1/4/2015"]))


def _codes(allowed: frozenset[str], *junk: str) -> st.SearchStrategy[str]:
    return st.sampled_from([*sorted(allowed), "", *junk])


_COLUMNS = {
    "header.csv": {"CHILD": st.sampled_from(_CHILDREN), "SEX": _codes(codes.SEX, "3"), "DOB": _DATES,
                   "ETHNIC": st.just("WBRI")},
    "uasc.csv": {"CHILD": st.sampled_from(_CHILDREN), "SEX": _codes(codes.SEX), "DOB": _DATES, "DUC": _DATES},
    "episodes.csv": {"CHILD": st.sampled_from(_CHILDREN), "DECOM": _DATES,
                     "RNE": _codes(codes.REASON_NEW_EPISODE, "Z"), "LS": _codes(codes.LEGAL_STATUS, "C9"),
                     "CIN": _codes(codes.CATEGORY_OF_NEED, "N9"), "PLACE": _codes(codes.PLACEMENT, "Q9"),
                     "DEC": _DATES, "REC": _codes(codes.REASON_EPISODE_CEASED, "E99")},
    "reviews.csv": {"CHILD": st.sampled_from(_CHILDREN), "DOB": _DATES, "REVIEW": _DATES,
                    "REVIEW_CODE": _codes(codes.PARTICIPATION, "PN9")},
    "oc2.csv": {"CHILD": st.sampled_from(_CHILDREN), "DOB": _DATES,
                "SDQ_SCORE": st.sampled_from(["", "0", "12", "40", "41", "x"]),
                "SDQ_REASON": _codes(codes.SDQ_REASON, "SDQ9"),
                **{c: st.sampled_from(["", "0", "1", "2"]) for c in (
                    "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
                    "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")}},
    "oc3.csv": {"CHILD": st.sampled_from(_CHILDREN), "DOB": _DATES, "IN_TOUCH": _codes(codes.IN_TOUCH, "MAYBE"),
                "ACTIV": _codes(codes.ACTIVITY, "G9"), "ACCOM": _codes(codes.ACCOMMODATION, "01")},
    "missing.csv": {"CHILD": st.sampled_from(_CHILDREN), "DOB": _DATES,
                    "MISSING": st.sampled_from(["", "M", "A", "X"]), "MIS_START": _DATES, "MIS_END": _DATES},
    "sw.csv": {"CHILD": st.sampled_from(_CHILDREN), "DOB": _DATES, "SW_ID": st.sampled_from(["", "W1", "w 2"]),
               "SW_DECOM": _DATES, "SW_DEC": _DATES, "SW_REASON": st.just("")},
}


@st.composite
def returns(draw: st.DrawFn) -> dict[str, list[dict[str, str]]]:
    """A return of every converted table, rows drawn from the code lists, junk codes and dates in and out of the
    years a record may hold."""
    return {name: draw(st.lists(st.fixed_dictionaries(columns), max_size=6)) for name, columns in _COLUMNS.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(returns())
def test_every_event_is_the_one_from_dict_builds_and_nothing_is_lost(tables: dict[str, list[dict[str, str]]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, rows in tables.items():
            columns = list(_COLUMNS[name])
            lines = [",".join(columns)] + [",".join(row[c] for c in columns) for row in rows]
            (Path(tmp) / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = import_903(tmp)
    for event in result.events:
        record = event.to_dict()
        rebuilt = Event.from_dict(record)
        assert rebuilt == event
        assert rebuilt.to_dict() == record
        assert {k: type(v) for k, v in rebuilt.fields.items()} == {k: type(v) for k, v in event.fields.items()}
    for counts in result.counts.values():
        assert counts.read == counts.converted + counts.rejected
    for problem in result.problems:
        if problem.kind == "rejected" and problem.column == "date":  # the years bound, reported as from_dict does
            year = problem.reason.split("the year ")[1][:4]
            record = {"id": "x", "child": "c", "type": "review", "date": f"{year}-01-01"}
            try:
                Event.from_dict(record)
            except RecordError as exc:
                assert problem.reason.endswith(exc.reason)
            else:
                raise AssertionError("a date within the years was rejected")


def test_the_code_lists_checked_are_within_the_event_fields_lists() -> None:
    """What a converter lets through, the event's field accepts: no event needs ``from_dict`` to check it again."""
    fields = {name: spec.code_list for specs in EVENT_TYPES.values() for name, spec in specs.items()}
    assert fields["legal_status"] == "LS" and fields["placement"] == "PL"
    checked = {"LS": codes.LEGAL_STATUS, "CIN": codes.CATEGORY_OF_NEED, "PN": codes.PARTICIPATION,
               "SDQ": codes.SDQ_REASON, "SEX": codes.SEX, "IN_TOUCH": codes.IN_TOUCH, "ACTIV": codes.ACTIVITY,
               "ACCOM": codes.ACCOMMODATION, "REC": codes.REASON_EPISODE_CEASED - {"X1"}}
    for code_list, allowed in checked.items():
        assert allowed <= codes.CODE_LISTS[code_list], code_list
    for year in range(2000, 2040):
        assert codes.placement_codes(year) <= codes.CODE_LISTS["PL"]
