"""The shipped contract JSON Schema: current, valid against every example contract, and rejecting shape errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from swp_rules import schema
from swp_rules.contracts.schema import contract_schema
from swp_rules.rulesets.loader import shipped_files, shipped_id

VALIDATOR = jsonschema.Draft202012Validator(schema.load(schema.CONTRACT_SCHEMA))
HERE = Path(__file__).parents[1] / "rulesets"
EXAMPLES = [p for p in shipped_files() if shipped_id(p).startswith("contracts/") and "/duties/" not in shipped_id(p)]
EXAMPLES += sorted((HERE / "contracts").glob("*.yaml"))


def _data(path: Path) -> Any:
    return schema.plain(YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")))


def test_schema_is_current_and_valid() -> None:
    assert schema.load(schema.CONTRACT_SCHEMA) == contract_schema(), "run: python -m swp_rules.schema"
    jsonschema.Draft202012Validator.check_schema(contract_schema())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_match_the_schema(path: Path) -> None:
    errors = [e.message for e in VALIDATOR.iter_errors(_data(path))]
    assert errors == []


@pytest.mark.parametrize("name", ["negative-amount", "unknown-key", "unknown-settlement", "not-a-number"])
def test_shape_errors_fail_the_schema(name: str) -> None:
    assert list(VALIDATOR.iter_errors(_data(HERE / "contracts-broken" / f"{name}.yaml")))
