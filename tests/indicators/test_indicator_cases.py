"""The project's indicator test cases (``tests/rulesets/indicators/*.yaml``), run by the same runner as
``swp-rules rulesets test`` (``swp_rules.rulesets.cases``; the format is in docs/ruleset-language.md, "Test cases").

Each case has ``period`` (``START..END`` or ``2010/11``), optional ``indicators`` (ids to compute), ``rulesets`` and
``duty_rulesets``, ``events``, and ``expect``: a list of results compared on the keys given (the keys of
``IndicatorResult.to_dict()``; ``value`` as an exact number, ``"2/5"`` or ``0.4``; ``practice`` defaults to ``null``,
the overall result).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from swp_rules.rulesets.cases import CaseRunner

CASES = sorted((Path(__file__).parents[1] / "rulesets" / "indicators").glob("*.yaml"))
RUNNER = CaseRunner()


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path) -> None:
    result = RUNNER.run(path)
    assert result.status == "pass", "\n".join(result.differences)
