"""A ruleset of the wrong kind is refused at the line of its ``kind`` key, whichever loader reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from swp_rules.contracts import load_contract
from swp_rules.engine.rulebook import load_duty_ruleset
from swp_rules.indicators.loading import load_indicator_ruleset
from swp_rules.rulesets.loader import RulesetError


@pytest.mark.parametrize(("loader", "wanted"), [(load_duty_ruleset, "duties"),
                                                (load_indicator_ruleset, "indicators"),
                                                (load_contract, "contract")])
def test_the_wrong_kind_is_a_located_error(tmp_path: Path, loader: object, wanted: str) -> None:
    path = tmp_path / "other.yaml"
    path.write_text("ruleset: x/other\n# a comment\nkind: something-else\n", encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        loader(str(path))  # type: ignore[operator]
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:3: kind: is 'something-else'; a {wanted!r} ruleset is needed here"]
