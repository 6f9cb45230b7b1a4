"""Hypothesis strategies for case events, periods of care, timelines, bad records and contracts.

These strategies are a public, stable part of swp-rules (SPEC.md §4) for use in your own property-based tests; they
need Hypothesis (``pip install 'swp-rules[testing]'``). Events are generated as plain data: event *dicts* in the input
format of SPEC.md §1 (dates as ISO text, amounts as decimal text), ready for ``swp_rules.load_records`` or for writing
out as JSON Lines. Contracts are dicts of ``Decimal`` and ``Fraction`` values (``contracts``).

>>> from hypothesis import given
>>> from swp_rules import load_records
>>> from swp_rules.testing import timelines
>>> @given(timelines(compliance="on_time"))
... def test_reads(events):
...     assert not load_records(events).rejected
>>> test_reads()

Timelines are scheduled from the duty rules (the shipped ones by default, or the rulesets and parameters you load),
so ``compliance="on_time"`` holds for your own rules too. Events fall a small integer *slack* before their deadline,
and a period has few placements, so a failing property shrinks to a short period of care with a handful of events.

Guarantees (see ``docs/testing.md``):

* every generated event passes ``Event.from_dict``; event ids are unique within a timeline and, with ``cohorts``,
  across the cohort; a cohort's child identifiers are unique;
* one child, one period of care: ``looked_after_started``, then placements inside the period (the first on the start
  day, each move ending the previous placement, none after the end), optionally ``looked_after_ended``;
* placement codes are valid for the placement's date: Q1/Q2 for foster care before 1 April 2014, U1–U6 from then;
* ``compliance="on_time"``: every duty the rules create whose deadline falls before the last event is discharged in
  time, so those rules report no breach as of that date; ``"late"`` and ``"missing"`` always spoil at least one
  deadline falling due within 120 days of the start.

The package's modules: ``events`` (single events of every type, children, placement codes), ``periods`` (periods of
care), ``timelines`` and ``schedule`` (whole case records, scheduled from the rules), ``cohorts``, ``invalid``
(records the reader must reject) and ``contracts``.
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        "swp_rules.testing needs Hypothesis: install it with pip install 'swp-rules[testing]'"
    ) from exc

from swp_rules.testing.cohorts import cohorts
from swp_rules.testing.contracts import CONTRACT_OUTCOMES, contracts
from swp_rules.testing.events import (
    U_CODES_FROM,
    EventDict,
    child_ids,
    children,
    event_dicts,
    event_fields,
    field_values,
    placement_codes_on,
    texts,
)
from swp_rules.testing.invalid import INVALID_RECORD_KINDS, InvalidRecord, invalid_records
from swp_rules.testing.periods import DEFAULT_START, MIN_PERIOD_DAYS, MIN_PLACEMENT_DAYS, periods_of_care
from swp_rules.testing.schedule import COMPLIANCE_PROFILES, Compliance, ScheduleError
from swp_rules.testing.timelines import timelines

__all__ = [
    "COMPLIANCE_PROFILES",
    "CONTRACT_OUTCOMES",
    "DEFAULT_START",
    "INVALID_RECORD_KINDS",
    "MIN_PERIOD_DAYS",
    "MIN_PLACEMENT_DAYS",
    "U_CODES_FROM",
    "Compliance",
    "EventDict",
    "InvalidRecord",
    "ScheduleError",
    "child_ids",
    "children",
    "cohorts",
    "contracts",
    "event_dicts",
    "event_fields",
    "field_values",
    "invalid_records",
    "periods_of_care",
    "placement_codes_on",
    "texts",
    "timelines",
]
