"""The JSON Schemas shipped with the package (``swp_rules/schema/``): current, shipped in the wheel, and in step with
the readers — every valid event validates and representative bad ones do not; every shipped duties ruleset
validates; the ruleset schema names exactly the keys the loader allows."""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from ruamel.yaml import YAML

from swp_rules import schema
from swp_rules.model import Event
from swp_rules.rulesets import duties
from swp_rules.rulesets.loader import RulesetError, parse_file, read_yaml, rulesets_root, shipped_files
from swp_rules.testing import INVALID_RECORD_KINDS, event_dicts, invalid_records, timelines

ROOT = Path(__file__).resolve().parents[2]
BROKEN = Path(__file__).parents[1] / "rulesets" / "broken"


def _validator(path: Path) -> jsonschema.protocols.Validator:
    loaded = schema.load(path)
    jsonschema.Draft202012Validator.check_schema(loaded)
    return jsonschema.Draft202012Validator(loaded, format_checker=jsonschema.FormatChecker())


EVENTS = _validator(schema.EVENT_SCHEMA)
RULESETS = _validator(schema.DUTIES_RULESET_SCHEMA)


# --- the shipped files -----------------------------------------------------------------------------------------


def test_shipped_schemas_are_current() -> None:
    assert schema.stale() == [], "run: python -m swp_rules.schema"
    assert schema.load(schema.EVENT_SCHEMA) == schema.event_schema()
    assert schema.load(schema.DUTIES_RULESET_SCHEMA) == schema.duties_ruleset_schema()


@pytest.mark.slow  # a process regenerating every schema
def test_regenerate_command_checks() -> None:
    done = subprocess.run([sys.executable, "-m", "swp_rules.schema", "--check"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr


def test_schemas_go_in_the_wheel(tmp_path: Path) -> None:
    """Hatchling ships every file under ``packages`` that git does not ignore: check the config says so, and build
    the wheel when hatchling is at hand."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert "swp_rules" in wheel["packages"]
    for table in (config["tool"]["hatch"]["build"], wheel):
        assert not table.get("only-include") and not table.get("exclude"), "check the schemas are still shipped"
    ignored = subprocess.run(["git", "check-ignore", str(schema.EVENT_SCHEMA), str(schema.DUTIES_RULESET_SCHEMA)],
                             cwd=ROOT, check=False, capture_output=True, text=True)
    assert ignored.returncode in (1, 128), ignored.stdout  # 1: neither file is ignored; 128: not a git checkout
    if importlib.util.find_spec("hatchling") is None:
        pytest.skip("hatchling is not installed here; the configuration check above stands in for a build")
    from hatchling.builders.wheel import WheelBuilder

    built = Path(next(iter(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"]))))
    names = zipfile.ZipFile(built).namelist()
    assert "swp_rules/schema/event.schema.json" in names
    assert "swp_rules/schema/duties-ruleset.schema.json" in names


def test_readme_points_to_the_event_schema() -> None:
    assert "swp_rules/schema/event.schema.json" in (ROOT / "README.md").read_text(encoding="utf-8")


# --- events ----------------------------------------------------------------------------------------------------


@given(event_dicts(date_times=True))
def test_every_valid_event_validates(record: dict[str, Any]) -> None:
    Event.from_dict(record)
    EVENTS.validate(record)
    EVENTS.validate(Event.from_dict(record).to_dict())


@given(timelines(compliance="mixed"))
def test_generated_timelines_validate(events: list[dict[str, Any]]) -> None:
    for record in events:
        EVENTS.validate(record)


def test_optional_fields_may_be_null() -> None:
    record = {"id": "e1", "child": "C1", "type": "visit", "date": "2011-06-01", "seen_alone": None}
    Event.from_dict(record)
    EVENTS.validate(record)


@given(invalid_records())
def test_representative_invalid_records_do_not_validate(bad: Any) -> None:
    assert not EVENTS.is_valid(bad.record), bad.kind


@pytest.mark.parametrize("kind", sorted(INVALID_RECORD_KINDS))
def test_each_kind_of_invalid_record_is_refused_by_the_schema(kind: str) -> None:
    @given(invalid_records([kind]))
    def check(bad: Any) -> None:
        assert not EVENTS.is_valid(bad.record)

    check()


@pytest.mark.parametrize("date", ["2011-02-29", "2011-6-1", "01/06/2011", "2011-06-01T24:00", "2011-06-01T10:00+25:00",
                                  "2011-13-01T10:00", "tomorrow", ""])
def test_bad_dates_do_not_validate(date: str) -> None:
    assert not EVENTS.is_valid({"id": "e1", "child": "C1", "type": "visit", "date": date})


# --- duties rulesets -------------------------------------------------------------------------------------------


def _yaml(path: Path) -> Any:
    return schema.plain(read_yaml(path).root.value)  # the loader's own YAML reading


def _duty_files() -> list[Path]:
    return [p for p in shipped_files() if _yaml(p).get("kind") == "duties"]


def test_there_are_shipped_duty_rulesets() -> None:
    assert len(_duty_files()) >= 3
    assert all(p.is_relative_to(rulesets_root()) for p in _duty_files())


@pytest.mark.parametrize("path", _duty_files(), ids=lambda p: p.stem)
def test_shipped_duty_rulesets_validate(path: Path) -> None:
    errors = sorted(RULESETS.iter_errors(_yaml(path)), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5])


#: Broken fixtures whose defect is one of shape, which the schema sees too (the others need the loader: a
#: condition's grammar and facts, declared parameters, dates in order, repeated ids, zero deadlines, hand-ons).
SHAPE_ERRORS = ["bad-date", "bad-family", "deadline-not-number", "missing-citation", "negative-deadline",
                "unknown-discharge-event", "unknown-key", "unknown-kind", "unknown-top-key", "unknown-trigger-event",
                "unknown-unit", "wrong-type"]


@pytest.mark.parametrize("stem", SHAPE_ERRORS)
def test_broken_shapes_do_not_validate(stem: str) -> None:
    assert not RULESETS.is_valid(_yaml(BROKEN / f"{stem}.yaml"))


_BASE: dict[str, Any] = {
    "ruleset": "test/keys",
    "kind": "duties",
    "version": "1",
    "title": "Key check",
    "in_force": {"from": dt.date(2011, 4, 1)},
    "parameters": {"p": {"value": 7}},
    "rules": [{
        "id": "visit.first",
        "title": "First visit",
        "citation": "SI 2010/959 reg 28(2)(a)",
        "basis": "regulation",
        "in_force": {"from": dt.date(2011, 4, 1)},
        "trigger": "placement_start",
        "deadline": {"days": 7},
        "discharged_by": [{"event": "visit"}],
        "scope": "placement",
    }],
}


def _loader_problems(tmp_path: Path, change: Any) -> list[str]:
    document = copy.deepcopy(_BASE)
    change(document)
    path = tmp_path / "keys.yaml"
    with path.open("w", encoding="utf-8") as out:
        YAML(typ="safe", pure=True).dump(document, out)
    try:
        parse_file(path)
    except RulesetError as exc:
        return [f"{p.key}: {p.reason}" for p in exc.problems]
    return []


def _allowed(problems: list[str], key: str) -> set[str]:
    for problem in problems:
        found = re.fullmatch(rf"{re.escape(key)}: unknown key \(allowed: (.*)\)", problem)
        if found:
            return set(found[1].split(", "))
    raise AssertionError(f"no unknown-key problem for {key}: {problems}")


def _rule(document: dict[str, Any]) -> dict[str, Any]:
    rule: dict[str, Any] = document["rules"][0]
    return rule


RULE = schema.duties_ruleset_schema()["$defs"]["rule"]["properties"]
TOP = schema.duties_ruleset_schema()["properties"]

#: Where an unknown key can go, how to put one there, and the keys the schema allows there.
PLACES: dict[str, tuple[Any, set[str]]] = {
    "zz": (lambda d: d.update(zz=1), set(TOP)),
    "in_force.zz": (lambda d: d["in_force"].update(zz=1), set(TOP["in_force"]["properties"])),
    "parameters.p.zz": (lambda d: d["parameters"]["p"].update(zz=1),
                        set(TOP["parameters"]["additionalProperties"]["properties"])),
    "rules[0].zz": (lambda d: _rule(d).update(zz=1), set(RULE)),
    "rules[0].in_force.zz": (lambda d: _rule(d)["in_force"].update(zz=1), set(RULE["in_force"]["properties"])),
    "rules[0].deadline.zz": (lambda d: _rule(d)["deadline"].update(zz=1),
                             set(RULE["deadline"]["anyOf"][0]["properties"])),
    "rules[0].discharged_by[0].zz": (lambda d: _rule(d)["discharged_by"][0].update(zz=1),
                                     set(RULE["discharged_by"]["items"]["anyOf"][1]["properties"])),
    "rules[0].trigger.zz": (lambda d: _rule(d).update(trigger={"event": "visit_requested", "zz": 1}),
                            set(RULE["trigger"]["anyOf"][1]["properties"])),
    "rules[0].trigger.leaving_care_eligible.zz": (
        lambda d: _rule(d).update(trigger={"leaving_care_eligible": {"since_age": 14, "from_age": 16, "weeks": 13,
                                                                     "zz": 1}}),
        set(RULE["trigger"]["anyOf"][2]["properties"]["leaving_care_eligible"]["properties"]),
    ),
}


def test_the_base_document_is_valid(tmp_path: Path) -> None:
    assert _loader_problems(tmp_path, lambda d: None) == []
    RULESETS.validate(schema.plain(_BASE))


@pytest.mark.parametrize("place", sorted(PLACES))
def test_schema_keys_are_the_loaders_keys(place: str, tmp_path: Path) -> None:
    change, in_schema = PLACES[place]
    assert _allowed(_loader_problems(tmp_path, change), place) == in_schema
    document = copy.deepcopy(schema.plain(_BASE))
    change(document)
    assert not RULESETS.is_valid(document)


def test_schema_keys_match_the_loader_constants() -> None:
    assert list(TOP) == list(duties._TOP_KEYS)
    assert list(RULE) == list(duties._RULE_KEYS)
    assert set(RULE["deadline"]["anyOf"][0]["properties"]) == {*duties.UNITS, "when", "citation", "conditions_at",
                                                                 "before", "words"}


@pytest.mark.parametrize("key", ["scope", "clock_from", "conditions_at"])
def test_schema_choices_are_the_loaders_choices(key: str, tmp_path: Path) -> None:
    problems = _loader_problems(tmp_path, lambda d: _rule(d).update({key: "zz"}))
    found = next(re.fullmatch(rf"rules\[0\]\.{key}: must be one of (.*), not 'zz'", p) for p in problems)
    assert found is not None
    assert found[1].split(", ") == RULE[key]["anyOf"][0]["enum"]


def test_schema_triggers_are_the_loaders_triggers(tmp_path: Path) -> None:
    for trigger in RULE["trigger"]["anyOf"][0]["enum"]:
        rule_scope = {"care_ended": "after_care", "accommodation_start": "accommodation"}.get(trigger, "placement")
        problems = _loader_problems(tmp_path, lambda d, t=trigger, s=rule_scope: _rule(d).update(trigger=t, scope=s))
        assert problems == [], (trigger, problems)
    problems = _loader_problems(tmp_path, lambda d: _rule(d).update(trigger="zz"))
    assert any(p.startswith("rules[0].trigger: unknown trigger 'zz'") for p in problems)


def test_schema_families_are_spec_families() -> None:
    pattern = RULE["id"]["pattern"]
    for family in duties.FAMILIES:
        assert re.fullmatch(pattern, f"{family}.x")
    assert not re.fullmatch(pattern, "home-visit.x")
