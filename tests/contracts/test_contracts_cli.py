"""``swp-rules payments``: invalid contracts exit 2 with ``file:line: key: reason``; statements in JSON, CSV, table."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from swp_rules.cli import main
from swp_rules.examples import events_path

pytestmark = pytest.mark.slow  # the contracts command line end to end

BROKEN = Path(__file__).parents[1] / "rulesets" / "contracts-broken"

#: Each broken contract, with the line, key and the start of the reason its first problem must give.
EXPECTED = {
    "bands-wrong-order": (28, "outcomes[1].bands[1].from", "thresholds in the wrong order"),
    "component-weights-not-one": (25, "outcomes[1].components", "weights must sum to 1, but the component weights "
                                                                "sum to 5/6"),
    "duplicate-outcome": (21, "outcomes[1].id", "outcome 'placement-stability' is already defined at line 14"),
    "fractional-pence": (35, "service_levels[0].deduction", "must be whole pence"),
    "gateway-too-high": (28, "bonus.gateway", "the gateway asks for 3 outcomes"),
    "last-band-not-full": (27, "outcomes[1].bands", "the last band must pay in full"),
    "missing-year": (11, "payment", "no terms for contract year(s) 2"),
    "negative-amount": (12, "payment[1].annual_fee", "must not be negative"),
    "not-a-number": (26, "outcomes[1].lower", "must be a number"),
    "overlapping-years": (12, "payment[1].years", "overlapping periods: contract years 1-2 overlap years 1-1"),
    "polarity-contradicts-measure": (18, "outcomes[0].polarity", "NI62 is a measure where lower is better"),
    "rolling-cap-below-period-cap": (37, "service_levels[0].cap_rolling_12_months", "the rolling 12-month cap"),
    "share-above-one": (12, "payment[1].performance_share", "must be between 0 and 1"),
    "term-ends-before-start": (8, "term.to", "the term ends (2010-03-31) before it starts"),
    "thresholds-equal": (27, "outcomes[1].upper", "the upper threshold must differ from the lower one"),
    "thresholds-wrong-order-higher": (27, "outcomes[1].upper", "thresholds in the wrong order: for 'higher is "
                                                               "better'"),
    "thresholds-wrong-order-lower": (20, "outcomes[0].upper", "thresholds in the wrong order: for 'lower is "
                                                              "better'"),
    "unknown-duties": (9, "duties[0]", "duty ruleset 'contracts/duties/no-such-duties' cannot be used"),
    "unknown-key": (16, "outcomes[0].threshold", "unknown key"),
    "unknown-measure": (24, "outcomes[1].measure", "unknown measure 'NI999'"),
    "unknown-settlement": (9, "settlement.every", "must be one of monthly, quarterly, annual"),
    "weights-not-one": (14, "outcomes", "weights must sum to 1, but the outcome weights sum to 0.9"),
}


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(p.stem for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_contract_exits_2_with_located_error(name: str, tmp_path: Path) -> None:
    line, key, reason = EXPECTED[name]
    path = BROKEN / f"{name}.yaml"
    events = tmp_path / "none.jsonl"
    events.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["payments", str(events), "--contract", str(path), "--period", "2011/12",
                                       "--format", "json"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == "swp-rules: error: invalid contract"
    assert lines[1].startswith(f"{path}:{line}: {key}: {reason}"), lines
    assert "Traceback" not in result.output
    validate = CliRunner().invoke(main, ["rulesets", "validate", str(path)])
    assert validate.exit_code == 2
    assert f"{path}:{line}: {key}: {reason}" in validate.output


def test_period_outside_the_term_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["payments", str(events_path()), "--contract",
                                       "contracts/liverpool-pss-illustrative", "--period", "2020/21"])
    assert result.exit_code == 2
    assert "does not overlap the contract's term" in result.stderr


@pytest.fixture(scope="module")
def statement_json() -> dict[str, object]:
    result = CliRunner().invoke(main, ["payments", str(events_path()), "--contract",
                                       "contracts/liverpool-pss-illustrative", "--period",
                                       "2011-10-01..2012-03-31", "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_json_keys_and_totals_are_sums_of_lines(statement_json: dict[str, object]) -> None:
    document = statement_json
    assert list(document) == ["period", "rulesets", "input", "payments", "rejected"]
    payments = document["payments"]
    assert isinstance(payments, dict)
    periods = payments["periods"]
    assert [p["period"]["start"] for p in periods] == ["2011-10-01", "2012-01-01"]
    for period in periods:
        paid = sum(Decimal(o["paid"]) for o in period["outcomes"])
        assert Decimal(period["outcomes_paid"]) == paid
        for outcome in period["outcomes"]:
            assert Decimal(outcome["paid"]) + Decimal(outcome["reduced"]) == Decimal(outcome["pot"])
            assert outcome["explanation"]
        bonus = Decimal(period["bonus"]["amount"]) if period["bonus"] else Decimal(0)
        total = (Decimal(period["fixed_fee"]) + Decimal(period["outcomes_paid"]) + bonus
                 - Decimal(period["deductions_total"]))
        assert Decimal(period["total"]) == total
        assert Decimal(period["fee"]) == Decimal(period["fixed_fee"]) + Decimal(period["outcome_pot"])
    assert Decimal(payments["totals"]["total"]) == sum(Decimal(p["total"]) for p in periods)
    ids = [r["id"] for r in document["rulesets"]]  # type: ignore[union-attr]
    assert ids[0] == "contracts/liverpool-pss-illustrative"
    assert "contracts/duties/swp-access" in ids


def test_csv_and_table(tmp_path: Path) -> None:
    out = tmp_path / "statement.csv"
    result = CliRunner().invoke(main, ["payments", str(events_path()), "--contract",
                                       "contracts/liverpool-pss-illustrative", "--period", "2011-10-01..2011-12-31",
                                       "--output", str(out)])
    assert result.exit_code in (0, 1), result.output
    periods = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))  # one kind of line per file
    for name in ("fees", "outcomes", "measures", "bonuses", "deductions"):
        assert list(csv.DictReader(io.StringIO((tmp_path / f"statement.{name}.csv").read_text(encoding="utf-8"))))
    [total] = csv.DictReader(io.StringIO((tmp_path / "statement.totals.csv").read_text(encoding="utf-8")))
    assert Decimal(total["amount"]) == sum(Decimal(r["amount"]) for r in periods)
    table = CliRunner().invoke(main, ["payments", str(events_path()), "--contract",
                                      "contracts/liverpool-pss-illustrative", "--period", "2011-10-01..2011-12-31",
                                      "--format", "table"])
    assert "Payment statement" in table.stdout and "ILLUSTRATIVE" in table.stdout
    assert "Rounding:" in table.stdout
