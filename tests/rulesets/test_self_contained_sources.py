"""The project's own documents state what each rule rests on: nothing the package, its rulesets, its docs or its
ruleset test cases hold cites the team's working notes (``DOMAIN.md``) or a path outside the repository
(``../shared``). The sources themselves are listed in ``docs/legal-sources.md``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Where a citation could reach a reader: docstrings and output text (the package), rulesets, docs, the README, and
#: the ruleset test cases (their descriptions are the worked reasoning).
SCANNED = ("swp_rules", "rulesets", "docs", "README.md", "tests/rulesets")
_SUFFIXES = {".py", ".yaml", ".yml", ".md", ".json", ".html", ".txt", ".jinja", ".j2", ".csv", ".toml"}
_FORBIDDEN = re.compile(r"DOMAIN\.md|DOMAIN\s*(§|S\d|scenario)|\.\./shared|/shared/(SPEC|DOMAIN|STYLE|notes|data)")


def _files() -> list[Path]:
    found: list[Path] = []
    for name in SCANNED:
        path = ROOT / name
        if path.is_file():
            found.append(path)
        else:
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix in _SUFFIXES)
    return [p for p in found if p != Path(__file__).resolve()]  # this file names the patterns it forbids


def test_there_is_something_to_scan() -> None:
    files = _files()
    assert len(files) > 100
    assert ROOT / "docs" / "legal-sources.md" in files


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_citation_of_the_working_notes(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", "replace")
    hits = [f"{number}: {line.strip()}" for number, line in enumerate(text.splitlines(), start=1)
            if _FORBIDDEN.search(line)]
    assert not hits, hits


def test_the_pattern_catches_what_it_must() -> None:
    for text in ("see DOMAIN.md §0", "(DOMAIN S58)", "DOMAIN scenario 1", "../shared/SPEC.md", "/work/shared/notes/x"):
        assert _FORBIDDEN.search(text), text
    for text in ("SPEC.md §2", "docs/legal-sources.md §2", "the domain of the function"):
        assert not _FORBIDDEN.search(text), text


def test_legal_sources_states_the_sources() -> None:
    text = (ROOT / "docs" / "legal-sources.md").read_text(encoding="utf-8")
    for heading in ("## 2. Counting conventions", "## 6. Sources beyond the duty rules"):
        assert heading in text
    assert text.count("legislation.gov.uk") >= 10
