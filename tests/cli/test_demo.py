"""``swp-rules demo``: the whole pipeline on the embedded example practice."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from swp_rules.cli import main

pytestmark = pytest.mark.slow  # the demo


def test_demo_runs_the_whole_pipeline_as_json() -> None:
    result = CliRunner().invoke(main, ["demo", "--format", "json", "--no-report"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert {"as_of", "period", "rulesets", "input", "breaches", "open", "indicators", "payments", "rejected"} <= set(
        document)
    counts = document["input"]
    assert counts["read"] == counts["evaluated"] + counts["duplicates"] + counts["rejected"]
    assert counts["rejected"] == 0 and document["children"] == 150
    assert any(b["rule"].startswith("access.") for b in document["breaches"])  # the contract's own duty is included
    assert {i["id"] for i in document["indicators"]} >= {"NI58", "NI62", "NI63", "NI66", "KPI-access-24h"}
    assert {i["practice"] for i in document["indicators"]} == {None, "liverpool-pss"}
    payments = document["payments"]
    total = Decimal(payments["totals"]["total"])
    assert total == sum(Decimal(p["total"]) for p in payments["periods"])


def test_demo_table_names_every_part() -> None:
    result = CliRunner().invoke(main, ["demo", "--no-report"])
    assert result.exit_code == 0
    for heading in ("1. Statutory and contract duties", "2. Outcome indicators", "3. Payments", "ILLUSTRATIVE"):
        assert heading in result.stdout
