"""Contracts: the docs/contracts.md worked case to the penny, caps, periods, and the shipped example contracts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from swp_rules.contracts import FixedMeasures, FixedSpend, Measurement, load_contract, settle
from swp_rules.contracts.money import exact_text, to_pennies
from swp_rules.contracts.periods import contract_year, service_months, settlement_periods
from swp_rules.periods import ReportingPeriod, parse_period
from swp_rules.rulesets.loader import shipped_files, shipped_id

HERE = Path(__file__).parents[1] / "rulesets" / "contracts"
D = Decimal


def _months(start: dt.date, count: int) -> list[ReportingPeriod]:
    out = []
    for n in range(count):
        first = dt.date(start.year + (start.month - 1 + n) // 12, (start.month - 1 + n) % 12 + 1, 1)
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        out.append(ReportingPeriod(first, following - dt.timedelta(days=1)))
    return out


def test_worked_case_d3_to_the_penny() -> None:
    """The docs/contracts.md worked case by hand, financial year 2010/11 (contract year 2, share 20%):

    fee £600,000.00; outcome pot 20% = £120,000.00, six outcomes × £20,000.00; fixed fee £480,000.00.
    1. NI62 0.12, lower 0.16, upper 0.08: (0.12 − 0.16)/(0.08 − 0.16) = 1/2 → £10,000.00.
    2. OC2 health 0.90, 0.70 → 0.95: 0.20/0.25 = 4/5 → £16,000.00.
    3. Visits 0.90, bands 0.85 → 1/2, 0.95 → 1: 1/2 → £10,000.00.
    4. NI66 2/3, 0.60 → 0.90: (1/15)/(3/10) = 2/9 → £20,000 × 2/9 = £4,444.444… → £4,444.44 (reduced £15,555.56).
    5. NI58 mean 11, lower 16, upper 12: beyond upper → 1 → £20,000.00.
    6. Composite: ½ × NI63 0.60 on 0.55 → 0.80 (1/5) + ½ × same worker 0.30 on 0.60 → 0.90 (0) = 1/10 → £2,000.00.
    Outcomes paid £62,444.44, reduced £57,555.56.
    Bonus: £3,500,000.00 − £3,300,000.00 = £200,000.00 savings × 25% = £50,000.00, cap £40,000.00; gateway: 5 of 6
    outcomes reach their lower threshold (same worker 0.30 < 0.60 does not) ≥ 4 → £40,000.00.
    Access: missed in Jun, Sep, Dec 2010 and Mar 2011 at £1,500.00 each = £6,000.00 due; the cap per period of
    £5,000.00 leaves £1,500.00 + £1,500.00 + £1,500.00 + £500.00 = £5,000.00.
    Total: £480,000.00 + £62,444.44 + £40,000.00 − £5,000.00 = £577,444.44.
    """
    contract = load_contract(HERE / "worked-d3.yaml")
    year = parse_period("2010/11")
    months = _months(dt.date(2009, 4, 1), 24)
    missed = {dt.date(2010, 6, 1), dt.date(2010, 9, 1), dt.date(2010, 12, 1), dt.date(2011, 3, 1)}
    by_period: dict[tuple[str, ReportingPeriod], Fraction | Measurement | None] = {
        ("KPI-access-24h", m): Fraction(9, 10) if m.start in missed else Fraction(1) for m in months
    }
    measures = FixedMeasures(
        {
            "NI62": Fraction(12, 100),
            "OC2-health-assessment": Fraction(9, 10),
            "KPI-visits-on-time": Fraction(9, 10),
            "NI66": Measurement(Fraction(2, 3), 20, 30),
            "NI58": Fraction(11),
            "NI63": Fraction(6, 10),
            "SWP-same-worker": Fraction(3, 10),
        },
        by_period,
    )
    statement = settle(contract, year, measures=measures, spend=FixedSpend(D("3300000.00")))
    assert len(statement.periods) == 1
    period = statement.periods[0]
    assert period.period == year
    assert period.contract_year == 2
    assert period.fee == D("600000.00")
    assert period.outcome_pot == D("120000.00")
    assert period.fixed_fee == D("480000.00")
    paid = {line.outcome: line.paid for line in period.outcomes}
    assert paid == {
        "placement-stability": D("10000.00"),
        "health": D("16000.00"),
        "visits": D("10000.00"),
        "reviews": D("4444.44"),
        "emotional-health": D("20000.00"),
        "stability-and-continuity": D("2000.00"),
    }
    reviews = next(line for line in period.outcomes if line.outcome == "reviews")
    assert reviews.fraction == Fraction(2, 9)
    assert reviews.reduced == D("15555.56")
    assert period.outcomes_paid == D("62444.44")
    assert period.outcomes_reduced == D("57555.56")
    assert period.bonus is not None
    assert (period.bonus.savings, period.bonus.pool, period.bonus.cap) == (D("200000.00"), D("50000.00"),
                                                                          D("40000.00"))
    assert (period.bonus.gateway_reached, period.bonus.gateway_passed, period.bonus.amount) == (5, True,
                                                                                                D("40000.00"))
    applied = [(d.month.start.month, d.due, d.applied) for d in period.deductions if not d.met]
    assert applied == [(6, D("1500.00"), D("1500.00")), (9, D("1500.00"), D("1500.00")),
                       (12, D("1500.00"), D("1500.00")), (3, D("1500.00"), D("500.00"))]
    assert len(period.deductions) == 12
    assert period.deductions_total == D("5000.00")
    assert period.total == D("577444.44")
    assert statement.totals.total == D("577444.44")
    document = statement.to_dict()
    assert document["periods"][0]["outcomes"][3]["fraction_earned_exact"] == "2/9"
    assert document["periods"][0]["outcomes"][3]["fraction_earned"] == 0.222222
    assert "£4,444.44 paid" in document["periods"][0]["outcomes"][3]["explanation"]


def test_gateway_not_passed_pays_no_bonus() -> None:
    contract = load_contract(HERE / "worked-d3.yaml")
    measures = FixedMeasures({"NI62": Fraction(1, 2), "OC2-health-assessment": Fraction(0), "KPI-visits-on-time":
                              Fraction(0), "NI66": Fraction(0), "NI58": Fraction(11), "NI63": Fraction(0),
                              "SWP-same-worker": Fraction(0), "KPI-access-24h": Fraction(1)})
    period = settle(contract, parse_period("2010/11"), measures=measures, spend=FixedSpend(D("0"))).periods[0]
    assert period.bonus is not None
    assert period.bonus.pool == D("875000.00")
    assert not period.bonus.gateway_passed
    assert period.bonus.gateway_reached == 1
    assert period.bonus.amount == D("0.00")
    assert "gateway not passed" in period.bonus.explanation


def test_year_one_has_no_outcome_pot_and_unmeasured_pays() -> None:
    contract = load_contract(HERE / "worked-d3.yaml")
    period = settle(contract, parse_period("2009/10"), measures=FixedMeasures(), spend=FixedSpend(D("0"))).periods[0]
    assert period.contract_year == 1
    assert period.outcome_pot == D("0.00")
    assert period.fixed_fee == period.fee == D("600000.00")
    assert all(line.fraction == 1 for line in period.outcomes)  # unmeasured: pay
    assert period.bonus is not None and not period.bonus.gateway_passed  # nothing measured reaches a threshold
    assert period.deductions_total == D("0.00")


def test_rolling_twelve_month_cap(tmp_path: Path) -> None:
    """Missed every month, £1,000 a month, cap £1,000 a (monthly) period and £3,000 in any 12 months: months 1–3
    pay £1,000, months 4–12 nothing, month 13 £1,000 again (month 1 has left the window), and so on."""
    text = (HERE / "worked-d3.yaml").read_text(encoding="utf-8")
    text = text.replace("{every: annual, aligned_to: financial_year}", "{every: monthly, aligned_to: contract_start}")
    text = text.replace("deduction: 1500.00, cap_per_period: 5000.00, cap_rolling_12_months: 12000.00",
                        "deduction: 1000.00, cap_per_period: 1000.00, cap_rolling_12_months: 3000.00")
    path = tmp_path / "monthly.yaml"
    path.write_text(text, encoding="utf-8")
    contract = load_contract(path)
    statement = settle(contract, ReportingPeriod(dt.date(2009, 4, 1), dt.date(2011, 3, 31)),
                       measures=FixedMeasures({"KPI-access-24h": Fraction(0)}), spend=FixedSpend(D("0")))
    applied = [p.deductions_total for p in statement.periods]
    assert len(applied) == 24
    expected = [D(1000)] * 3 + [D(0)] * 9 + [D(1000)] * 3 + [D(0)] * 9
    assert applied == expected
    for index in range(len(applied)):
        assert sum(applied[max(0, index - 11): index + 1]) <= D(3000)
    capped = statement.periods[3].deductions[0]
    assert capped.capped_by == "cap per rolling 12 months" and capped.due == D("1000.00")


def test_settlement_periods_align_to_financial_year_and_clip_to_term() -> None:
    contract = load_contract("contracts/liverpool-pss-illustrative")
    periods = settlement_periods(contract)
    assert periods[0][0] == ReportingPeriod(dt.date(2009, 9, 1), dt.date(2009, 9, 30))
    assert periods[0][1] == Fraction(3, 12) * Fraction(30, 92)
    assert periods[1][0] == ReportingPeriod(dt.date(2009, 10, 1), dt.date(2009, 12, 31))
    assert periods[1][1] == Fraction(1, 4)
    assert periods[-1][0] == ReportingPeriod(dt.date(2013, 7, 1), dt.date(2013, 8, 31))
    assert contract_year(contract, dt.date(2010, 8, 31)) == 1
    assert contract_year(contract, dt.date(2010, 9, 1)) == 2
    assert contract_year(contract, dt.date(2013, 8, 31)) == 4
    months = service_months(contract)
    assert months[0] == ReportingPeriod(dt.date(2009, 9, 1), dt.date(2009, 9, 30))
    assert len(months) == 48


def test_contract_start_alignment_months_from_the_start_day() -> None:
    contract = load_contract("contracts/kent-16plus-illustrative")
    periods = settlement_periods(contract)
    assert len(periods) == 48
    assert all(factor == Fraction(1, 12) for _, factor in periods)


def test_partial_first_quarter_fee_is_pro_rated() -> None:
    contract = load_contract("contracts/liverpool-pss-illustrative")
    statement = settle(contract, ReportingPeriod(dt.date(2009, 9, 1), dt.date(2009, 12, 31)),
                       measures=FixedMeasures(), spend=FixedSpend(D("0")))
    first, second = statement.periods
    assert first.fee == to_pennies(Fraction(600000) * Fraction(1, 4) * Fraction(30, 92)) == D("48913.04")
    assert second.fee == D("150000.00")
    assert statement.totals.fee == first.fee + second.fee


@pytest.mark.parametrize("path", [p for p in shipped_files() if shipped_id(p).startswith("contracts/")
                                  and "/duties/" not in shipped_id(p)], ids=shipped_id)
def test_shipped_contracts_load_and_settle(path: Path) -> None:
    contract = load_contract(shipped_id(path))
    assert contract.illustrative
    statement = settle(contract, ReportingPeriod(contract.start, contract.end), measures=FixedMeasures(),
                       spend=FixedSpend(D("0")))
    totals = statement.totals
    assert totals.total == sum((p.total for p in statement.periods), D(0))
    assert totals.fee == totals.fixed_fee + totals.outcome_pot


def test_exact_text() -> None:
    assert exact_text(Fraction(2, 9)) == "2/9"
    assert exact_text(Fraction(1, 8)) == "0.125"
