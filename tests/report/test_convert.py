"""The one results converter: every result type round-trips, the JSON is plain, and the schemas describe it."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from result_strategies import results

from swp_rules.contracts.spend import Spend
from swp_rules.contracts.statement import (
    BonusLine,
    DeductionLine,
    MeasureLine,
    OutcomeLine,
    PaymentStatement,
    PeriodStatement,
    Totals,
)
from swp_rules.engine.evaluate import Evaluation
from swp_rules.engine.results import Breach, ChildNote, DutyRecord, Obligation
from swp_rules.indicators.compute import IndicatorReport, IndicatorResult
from swp_rules.io.events import InputCounts, Rejection
from swp_rules.periods import ReportingPeriod
from swp_rules.report import documents, period_documents
from swp_rules.report.convert import decimal_number, money_text, structure, unstructure
from swp_rules.report.schema import _Schemas
from swp_rules.ssda903.problems import Problem, TableCounts

RESULT_TYPES: list[type] = [
    DutyRecord, Breach, Obligation, ChildNote, Evaluation, Rejection, InputCounts, IndicatorResult,
    IndicatorReport, MeasureLine, OutcomeLine, BonusLine, DeductionLine, PeriodStatement, Totals, PaymentStatement,
    ReportingPeriod, Spend, Problem, TableCounts, documents.RulesetUsed, documents.RuleCount, documents.RunSummary,
    *period_documents.DOCUMENTS.values(),
]


def _validator(cls: type) -> jsonschema.Draft202012Validator:
    schemas = _Schemas()
    top = schemas.of(cls)
    return jsonschema.Draft202012Validator({**top, "$defs": schemas.defs},
                                           format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("cls", RESULT_TYPES, ids=lambda c: c.__name__)
@given(data=st.data())
def test_every_result_round_trips_through_plain_json(cls: type, data: st.DataObject) -> None:
    result = data.draw(results(cls))
    plain = unstructure(result)
    text = json.dumps(plain)  # plain data: no Decimal, Fraction or date left in it
    again = json.loads(text)
    assert structure(again, cls) == result
    _validator(cls).validate(again)
    if hasattr(cls, "from_dict"):
        assert cls.from_dict(again) == result  # type: ignore[attr-defined]
        assert result.to_dict() == plain


@given(st.decimals(-(10**9), 10**9, places=2) | st.decimals(-(10**9), 10**9, places=0))
def test_money_is_text_with_two_places(amount: Decimal) -> None:
    text = money_text(amount)
    assert Decimal(text) == amount and len(text.partition(".")[2]) == 2


@given(st.fractions(min_value=-(10**6), max_value=10**6))
def test_a_fraction_is_a_decimal_beside_its_exact_text(value: Fraction) -> None:
    line = MeasureLine("m", ReportingPeriod.financial_year(2011), value, 1, 2, {}, value, Fraction(1), False)
    plain: dict[str, Any] = unstructure(line)
    assert Fraction(plain["value_exact"]) == value
    assert abs(Fraction(str(plain["value"])) - value) <= Fraction(1, 2 * 10**6)
    assert plain["numerator"] == 1 and plain["numerator_exact"] == "1"
    assert decimal_number(Fraction(1, 3)) == 0.333333 and decimal_number(Fraction(6, 3)) == 2


def test_statement_money_is_plain_text() -> None:
    totals = Totals(*(Decimal("1.5"),) * 8)
    assert unstructure(totals)["total"] == "1.50"
    assert json.dumps(unstructure(totals))
