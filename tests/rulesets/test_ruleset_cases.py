"""The project's ruleset test cases (``tests/rulesets/duties/*.yaml``), run by the same runner as
``swp-rules rulesets test`` (``swp_rules.rulesets.cases``; the format is in docs/ruleset-language.md, "Test cases").

Both matchers (durable-rules and the oracle) must give the expected answers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from swp_rules.rulesets.cases import CaseRunner

CASES = sorted((Path(__file__).parent / "duties").glob("*.yaml"))
RUNNER = CaseRunner()  # one engine per set of rulesets, parameters and matcher, shared by the cases


@pytest.mark.parametrize("matcher", ["durable", "oracle"])
@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path, matcher: str) -> None:
    result = RUNNER.run(path, matcher)
    assert result.status == "pass", "\n".join(result.differences)


def test_the_cases_are_there() -> None:
    assert len(CASES) >= 40
