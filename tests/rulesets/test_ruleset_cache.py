"""A ruleset file is parsed once while it is unchanged; a changed file, or parameters, parse it again. On disk, a
file's YAML tree is kept as checked JSON data, in a folder only its user can write in."""

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


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


def test_the_disk_cache_spares_the_next_run_the_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from swp_rules.rulesets import loader

    folder = tmp_path / "cache"
    monkeypatch.setenv("SWP_RULES_CACHE_DIR", str(folder))
    path = loader.find_ruleset_file("statutory/cpr-2010")
    fresh = loader.read_yaml(path, "cpr.yaml")
    assert len(_entries(folder)) == 1 and not list(folder.glob("*.pickle"))
    assert folder.stat().st_mode & 0o077 == 0  # created for this user only
    monkeypatch.setattr("swp_rules.rulesets.yamlfile.yaml_tree", lambda *_: pytest.fail("YAML read again"))
    again = loader.read_yaml(path, "cpr.yaml")
    assert again.root.value == fresh.root.value and again.sha256 == fresh.sha256
    rules = [n for n in again.root["rules"].elements()]
    assert [n.line for n in rules] == [n.line for n in fresh.root["rules"].elements()] and rules[0].line > 1


@pytest.mark.parametrize("content", [
    b"not json",
    b"\x80\x04\x95 a pickle's bytes are never unpickled",
    b'{"format": "tree-1", "key": "another file", "data": {"l": 1, "m": []}}',
    b'{"format": "tree-1", "key": "KEY", "data": {"l": 1, "m": [["kind", 1, 1, {"py/object": "os.system"}]]}}',
    b'{"format": "tree-1", "key": "KEY", "data": [1, 2, 3]}',
    b"[" * 100_000 + b"]" * 100_000,
])
def test_a_damaged_or_foreign_entry_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              content: bytes) -> None:
    from swp_rules.rulesets import loader

    folder = tmp_path / "cache"
    monkeypatch.setenv("SWP_RULES_CACHE_DIR", str(folder))
    path = loader.find_ruleset_file("statutory/cpr-2010")
    fresh = loader.read_yaml(path)
    (entry,) = _entries(folder)
    key = loader._tree_key(fresh.sha256)
    entry.write_bytes(content.replace(b"KEY", key.encode()))
    again = loader.read_yaml(path)
    assert again.root.value == fresh.root.value
    assert _entries(folder) == [entry] and entry.read_bytes() != content  # written again, whole


def test_a_folder_others_can_write_in_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from swp_rules.rulesets import loader

    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    monkeypatch.setenv("SWP_RULES_CACHE_DIR", str(folder))
    loader.read_yaml(loader.find_ruleset_file("statutory/cpr-2010"))
    assert not list(folder.iterdir())


def test_the_disk_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWP_RULES_CACHE_DIR", "off")
    assert cache.cache_folder() is None
    monkeypatch.delenv("SWP_RULES_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_folder() == tmp_path / "swp-rules"
