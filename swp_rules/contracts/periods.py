"""A contract's calendar: contract years, settlement periods, service-level months, and pro-rating.

Contract year *N* runs from the start date plus *N − 1* calendar months × 12 to the day before the next one.
Settlement periods are months, quarters or years, aligned to the contract's start date or to the financial year
(quarters then begin on 1 April, 1 July, 1 October and 1 January), clipped to the term. A settlement period belongs
to the contract year in which it begins. An annual amount is pro-rated to a period as
``annual × months/12 × days in the period / days in the whole (unclipped) period``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from fractions import Fraction
from typing import Final

from swp_rules import calendar
from swp_rules.contracts.model import Alignment, Contract, Frequency
from swp_rules.periods import ReportingPeriod

MONTHS: Final[dict[Frequency, int]] = {"monthly": 1, "quarterly": 3, "annual": 12}


def contract_year(contract: Contract, day: dt.date) -> int:
    """The contract year (1, 2, …) containing ``day``; 0 before the start."""
    if day < contract.start:
        return 0
    year = 1
    while calendar.add_months(contract.start, 12 * year) <= day:
        year += 1
    return year


def contract_years(start: dt.date, end: dt.date) -> int:
    """How many contract years a term from ``start`` to ``end`` touches."""
    year = 1
    while calendar.add_months(start, 12 * year) <= end:
        year += 1
    return year


def _first_boundary(start: dt.date, months: int, alignment: Alignment) -> dt.date:
    """The latest period boundary on or before ``start``."""
    if alignment == "contract_start":
        return start
    month_index = (start.year * 12 + start.month - 1) - 3  # months since an April
    month_index -= month_index % months
    month_index += 3
    return dt.date(month_index // 12, month_index % 12 + 1, 1)


def _spans(start: dt.date, end: dt.date, months: int, alignment: Alignment) -> Iterator[tuple[ReportingPeriod, int]]:
    """Whole spans of ``months`` from the aligned boundary, clipped to ``start..end``, with each span's full days."""
    origin = _first_boundary(start, months, alignment)
    step = 0
    while True:
        begin = calendar.add_months(origin, months * step)
        following = calendar.add_months(origin, months * (step + 1))
        if begin > end:
            return
        last = following - dt.timedelta(days=1)
        if last >= start:
            full_days = (following - begin).days
            yield ReportingPeriod(max(begin, start), min(last, end)), full_days
        step += 1


def settlement_periods(contract: Contract) -> list[tuple[ReportingPeriod, Fraction]]:
    """Every settlement period of the term, with the fraction of a full period's annual share it carries
    (``months/12``, times days covered over the full period's days when clipped at the term's ends)."""
    months = MONTHS[contract.frequency]
    return [
        (period, Fraction(months, 12) * Fraction(period.days, full_days))
        for period, full_days in _spans(contract.start, contract.end, months, contract.alignment)
    ]


def service_months(contract: Contract) -> list[ReportingPeriod]:
    """The months in which service levels are measured: calendar months with financial-year alignment, months
    from the start date with contract-start alignment; clipped to the term."""
    return [period for period, _ in _spans(contract.start, contract.end, 1, contract.alignment)]


def rolling_12_months(end: dt.date) -> ReportingPeriod:
    """The 12 months ending on ``end`` (inclusive)."""
    return ReportingPeriod(calendar.add_months(end + dt.timedelta(days=1), -12), end)
