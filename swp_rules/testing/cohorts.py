"""Cohorts: several children's timelines with unique child ids and event ids."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from swp_rules.engine import RuleBook
from swp_rules.testing.events import EventDict, child_ids
from swp_rules.testing.periods import DEFAULT_START
from swp_rules.testing.schedule import Compliance
from swp_rules.testing.timelines import timelines


def cohorts(
    n_children: int | None = None,
    *,
    min_children: int = 1,
    max_children: int = 8,
    compliance: Compliance = "mixed",
    start: dt.date = DEFAULT_START,
    years: int = 3,
    rulesets: Iterable[str | Path] = (),
    parameters: Mapping[str, Any] | None = None,
    rulebook: RuleBook | None = None,
) -> SearchStrategy[list[list[EventDict]]]:
    """Several children's timelines: a list of timelines, one per child, with unique child ids and event ids.

    ``n_children`` fixes the size; otherwise it is drawn between ``min_children`` and ``max_children``. Each
    child's event ids are prefixed ``c<index>-`` so ids are unique across the cohort. Flatten with
    ``[e for t in cohort for e in t]`` to load them together. ``rulesets``, ``parameters`` and ``rulebook`` choose
    the rules the timelines follow, as for ``timelines``.

    >>> from hypothesis import given
    >>> @given(cohorts(n_children=3, years=1))
    ... def test_cohort(cohort):
    ...     assert len({t[0]["child"] for t in cohort}) == 3
    >>> test_cohort()
    """
    low, high = (n_children, n_children) if n_children is not None else (min_children, max_children)
    if not 0 <= low <= high:
        raise ValueError("need 0 <= min_children <= max_children")

    @st.composite
    def build(draw: DrawFn) -> list[list[EventDict]]:
        ids = draw(st.lists(child_ids(), min_size=low, max_size=high, unique=True))
        width = len(str(max(len(ids) - 1, 0)))
        return [
            draw(timelines(compliance, start=start, years=years, child=child, id_prefix=f"c{i:0{width}d}-",
                           rulesets=rulesets, parameters=parameters, rulebook=rulebook))
            for i, child in enumerate(ids)
        ]

    return build()
