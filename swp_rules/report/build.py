"""Gathering what the HTML report shows: every duty's record as of a date, and, when asked, the period's indicators
and a contract's payment statement (the Python API behind ``swp-rules report`` and ``swp-rules demo``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from swp_rules.contracts import Contract, settle
from swp_rules.contracts.settle import duty_rulesets_for
from swp_rules.engine import Engine, load_rulebook
from swp_rules.indicators import compute_indicators
from swp_rules.io.events import LoadedEvents
from swp_rules.model import group_by_child
from swp_rules.periods import ReportingPeriod
from swp_rules.report.documents import RulesetUsed, applied, distinct, rulesets_used
from swp_rules.report.html import ReportInput


def report_input(loaded: LoadedEvents, as_of: dt.date, *, title: str, period: ReportingPeriod | None = None,
                 contract: Contract | None = None, rulesets: Sequence[str] = (),
                 parameters: Mapping[str, Any] | None = None) -> ReportInput:
    """Evaluate ``loaded`` as of ``as_of`` (every record kept), and compute the indicators for ``period`` and the
    payment statement of ``contract`` over it when given. ``rulesets`` are duty rulesets (default: the statutory
    ones, plus the contract's own duties when a contract is given); ``parameters`` their ``--param`` values."""
    duty_ids = duty_rulesets_for(contract, list(rulesets)) if contract is not None else list(rulesets)
    engine = Engine(load_rulebook(duty_ids, parameters))
    evaluation = engine.evaluate(loaded.events, as_of)
    used: list[RulesetUsed] = list(applied(engine.book.describe(), (r.ruleset for r in evaluation.records)))
    indicators = None
    statement = None
    if period is not None:
        indicators = compute_indicators(loaded.events, period, duty_rulesets=duty_ids,
                                        evaluation=evaluation if as_of >= period.end else None)
        used.extend(rulesets_used(indicators.rulesets))
        if contract is not None:
            statement = settle(contract, period, events=loaded.events, duty_rulesets=duty_ids)
            used.append(RulesetUsed.of(contract.describe()))
    return ReportInput(
        title=title,
        as_of=as_of,
        records=evaluation.records,
        events=group_by_child(loaded.events),
        notes=evaluation.notes,
        counts=loaded.counts,
        rejected=loaded.rejected,
        rulesets=distinct(used),
        period=period,
        indicators=indicators,
        statement=statement,
    )
