"""Contracts settled from case events: placement spend from ``weekly_cost`` (worked by hand) and the 24-hour access
KPI from the contract's own duty ruleset, through ``swp_rules.indicators``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from swp_rules.contracts import PlacementCosts, load_contract, settle
from swp_rules.io.events import load_records
from swp_rules.periods import ReportingPeriod

APRIL = ReportingPeriod(dt.date(2011, 4, 1), dt.date(2011, 4, 30))

CONTRACT = """
ruleset: test/events
kind: contract
version: "1"
title: Contract settled from events
council: Example Council
practice: SWP-North
citation: test
term: {from: 2011-04-01, to: 2012-03-31}
settlement: {every: monthly, aligned_to: financial_year}
duties: [contracts/duties/swp-access]
payment:
  - {years: 1, annual_fee: 120000.00, performance_share: 50%}
outcomes:
  - {id: access, title: Access answered, measure: KPI-access-24h, polarity: higher, lower: 0.5, upper: 1}
bonus: {placement_budget: 24000.00, share: 50%, cap: 1000.00, gateway: 0}
service_levels:
  - {id: access-24h, title: 24-hour access, measure: KPI-access-24h, polarity: higher, target: 0.95,
     deduction: 500.00, cap_per_period: 500.00}
"""


def _events() -> list[dict[str, Any]]:
    """A: £700 a week from 1 April, £350 a week from 11 April; with SWP-North from 6 April to 9 May.
    B: £1 a week from 15 April until care ends on 25 April; with SWP-North all along.
    C: with SWP-South (not in the cohort), £7,000 a week. D: with SWP-North, no weekly_cost (uncosted)."""
    def child(name: str, practice: str, assigned: str) -> list[dict[str, Any]]:
        return [
            {"id": f"{name}-c", "child": name, "type": "child", "date": "2005-01-01", "dob": "2005-01-01"},
            {"id": f"{name}-la", "child": name, "type": "looked_after_started", "date": "2011-04-01",
             "legal_status": "C2"},
            {"id": f"{name}-pa", "child": name, "type": "practice_assigned", "date": assigned, "practice": practice},
        ]

    return [
        *child("A", "SWP-North", "2011-04-06"),
        {"id": "A-p1", "child": "A", "type": "placement_started", "date": "2011-04-01", "placement": "U1",
         "weekly_cost": "700.00"},
        {"id": "A-p2", "child": "A", "type": "placement_started", "date": "2011-04-11", "placement": "U1",
         "weekly_cost": "350.00"},
        {"id": "A-pr", "child": "A", "type": "practice_released", "date": "2011-05-10", "practice": "SWP-North"},
        {"id": "A-q1", "child": "A", "type": "access_requested", "date": "2011-04-12T10:00:00"},
        {"id": "A-r1", "child": "A", "type": "access_responded", "date": "2011-04-12T12:00:00", "request": "A-q1"},
        {"id": "A-q2", "child": "A", "type": "access_requested", "date": "2011-04-20T09:00:00"},
        *child("B", "SWP-North", "2011-04-01"),
        {"id": "B-p1", "child": "B", "type": "placement_started", "date": "2011-04-15", "placement": "U1",
         "weekly_cost": "1.00"},
        {"id": "B-end", "child": "B", "type": "looked_after_ended", "date": "2011-04-25", "reason": "E11"},
        *child("C", "SWP-South", "2011-04-01"),
        {"id": "C-p1", "child": "C", "type": "placement_started", "date": "2011-04-01", "placement": "U1",
         "weekly_cost": "7000.00"},
        *child("D", "SWP-North", "2011-04-01"),
        {"id": "D-p1", "child": "D", "type": "placement_started", "date": "2011-04-01", "placement": "U1"},
    ]


def test_placement_spend_by_hand() -> None:
    """April 2011: A 6–10 April 5 days × £100 + 11–30 April 20 days × £50 = £1,500; B 15–24 April 10 days × £1/7 =
    £1.428571…; total £1,501.428571… → £1,501.43 (rounded once). C is another practice's; D has no cost."""
    loaded = load_records(_events())
    assert not loaded.rejected, loaded.rejected
    spend = PlacementCosts.from_events(loaded.events, "SWP-North").spend(APRIL)
    assert spend.amount == Decimal("1501.43")
    assert (spend.children, spend.placements, spend.uncosted) == (3, 4, 1)
    may = PlacementCosts.from_events(loaded.events, "SWP-North").spend(
        ReportingPeriod(dt.date(2011, 5, 1), dt.date(2011, 5, 31)))
    assert may.amount == Decimal("450.00")  # A 1–9 May: 9 days × £50; B left care; D uncosted


def test_settled_from_events_with_the_access_duty(tmp_path: Path) -> None:
    """April: A's first request answered in 2 hours, the second never (due 09:00 21 April): KPI-access-24h = 1/2 for
    SWP-North. Outcome pot £120,000/12 × 50% = £5,000.00 earns (1/2 − 1/2)/(1 − 1/2) = 0; the service level misses
    95% and costs £500.00. Bonus: budget £2,000.00 − spend £1,501.43 = £498.57 × 50% = £249.285 → £249.29 (cap
    £83.33): £83.33. Total £5,000.00 + £0.00 + £83.33 − £500.00 = £4,583.33."""
    path = tmp_path / "contract.yaml"
    path.write_text(CONTRACT, encoding="utf-8")
    contract = load_contract(path)
    events = load_records(_events()).events
    statement = settle(contract, APRIL, events=events)
    period = statement.periods[0]
    line = period.outcomes[0]
    measure = line.measures[0]
    assert (measure.value, measure.numerator, measure.denominator) == (Fraction(1, 2), 1, 2)
    assert (line.pot, line.paid, line.reduced) == (Decimal("5000.00"), Decimal("0.00"), Decimal("5000.00"))
    assert period.bonus is not None
    assert (period.bonus.budget, period.bonus.spend, period.bonus.pool, period.bonus.cap, period.bonus.amount) == (
        Decimal("2000.00"), Decimal("1501.43"), Decimal("249.29"), Decimal("83.33"), Decimal("83.33"))
    assert [(d.met, d.applied) for d in period.deductions] == [(False, Decimal("500.00"))]
    assert period.total == Decimal("4583.33")
