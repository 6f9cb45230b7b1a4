"""Case records that run on past the 18th birthday, for the properties of "looked after only while under 18".

Built on ``swp_rules.testing.timelines`` (which always ends care by the 18th birthday): the end of care on the
birthday is dropped (the record never closes care) or moved later (a late recorded end), and events a looked-after
child's duties count (visits, reviews, health assessments, checks, plans, a placement move) are added on and after
the birthday.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn

from swp_rules import calendar
from swp_rules.testing import timelines

START = dt.date(2011, 4, 1)

#: Events of care added after the birthday, with the fields each needs.
_IN_CARE_EVENTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("visit", {}),
    ("review", {}),
    ("health_assessment", {"kind": "review"}),
    ("health_assessment", {"kind": "initial"}),
    ("dental_check", {}),
    ("immunisations", {"up_to_date": True}),
    ("sdq", {"score": 10}),
    ("pep", {"kind": "review"}),
    ("care_plan", {}),
    ("placement_plan", {}),
    ("placement_notified", {}),
    ("iro_appointed", {"iro": "I9"}),
    ("needs_assessment", {}),
    ("pathway_plan", {}),
    ("personal_adviser_visit", {}),
    ("placement_started", {"placement": "U3"}),
    ("legal_status_changed", {"legal_status": "C2"}),
)


def eighteenth(events: list[dict[str, Any]]) -> dt.date:
    dob = next(e["dob"] for e in events if e["type"] == "child")
    return calendar.birthday(dt.date.fromisoformat(str(dob)), 18)


@st.composite
def past_eighteen(draw: DrawFn) -> tuple[list[dict[str, Any]], dt.date]:
    """One child's record reaching past the 18th birthday, and an as-of date around or after it."""
    events = draw(timelines("mixed", start=START, years=3, min_age=16, max_age=17))
    adult = eighteenth(events)
    child = events[0]["child"]
    ending = draw(st.sampled_from(("never", "late", "as recorded")))
    kept: list[dict[str, Any]] = []
    for event in events:
        on_birthday = event["type"] in ("looked_after_ended", "placement_ended") and event["date"] == adult.isoformat()
        if on_birthday and ending == "never":
            continue
        if on_birthday and ending == "late":
            event = {**event, "date": (adult + dt.timedelta(days=draw(st.integers(1, 120)))).isoformat()}
        kept.append(event)
    extra = draw(st.lists(st.tuples(st.sampled_from(_IN_CARE_EVENTS), st.integers(-3, 400)), max_size=12))
    for number, ((kind, fields), offset) in enumerate(extra):
        day = adult + dt.timedelta(days=offset)
        kept.append({"id": f"x{number:04d}", "child": child, "type": kind, "date": day.isoformat(), **fields})
    as_of = adult + dt.timedelta(days=draw(st.integers(-30, 500)))
    return kept, as_of
