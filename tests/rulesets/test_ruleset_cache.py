"""A ruleset file is parsed once while it is unchanged; a changed file, or parameters, parse it again."""

from __future__ import annotations

from pathlib import Path

import pytest

from swp_rules.rulesets import cache


def test_parsed_once_while_the_file_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("kind: duties\n", encoding="utf-8")
    calls: list[int] = []

    def parse() -> object:
        calls.append(1)
        return object()

    first = cache.parsed_once("duties", str(path), None, parse)
    assert cache.parsed_once("duties", str(path), None, parse) is first and len(calls) == 1
    path.write_text("kind: duties # changed\n", encoding="utf-8")
    assert cache.parsed_once("duties", str(path), None, parse) is not first and len(calls) == 2
    cache.parsed_once("duties", str(path), {"days": 5}, parse)
    cache.parsed_once("duties", str(path), {"days": 5}, parse)
    assert len(calls) == 4  # parameters change the result: never cached
    cache.parsed_once("indicators", str(path), None, parse)
    assert len(calls) == 5  # another kind is another value


def test_a_missing_file_is_left_to_the_parser_to_report(tmp_path: Path) -> None:
    calls: list[int] = []
    for _ in range(2):
        cache.parsed_once("duties", str(tmp_path / "missing.yaml"), None, lambda: calls.append(1))
    assert len(calls) == 2


def test_shipped_rulesets_load_once() -> None:
    from swp_rules.engine.rulebook import load_duty_ruleset

    cache.clear()
    assert load_duty_ruleset("statutory/cpr-2010") is load_duty_ruleset("statutory/cpr-2010")


def test_the_disk_cache_spares_the_next_run_a_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWP_RULES_CACHE_DIR", str(tmp_path / "cache"))
    cache.clear()
    parsed = cache.parsed_once("duties", "statutory/cpr-2010", None, lambda: ("parsed", 1))
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 1
    cache.clear()  # as a new process would start
    calls: list[int] = []
    again = cache.parsed_once("duties", "statutory/cpr-2010", None, lambda: calls.append(1))
    assert not calls and again == parsed
    (next((tmp_path / "cache").glob("*.pickle"))).write_bytes(b"not a pickle")
    cache.clear()
    assert cache.parsed_once("duties", "statutory/cpr-2010", None, lambda: ("parsed", 2)) == ("parsed", 2)
    cache.clear()


def test_the_disk_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWP_RULES_CACHE_DIR", "off")
    assert cache.cache_folder() is None
    monkeypatch.delenv("SWP_RULES_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_folder() == tmp_path / "swp-rules"
