"""The result documents of a reporting period (``indicators``, ``payments``, ``demo``; SPEC.md §3), and the
catalogues of every command's document and of the kinds of ``--format jsonl`` line.

Apart from ``swp_rules.report.documents`` so that ``check`` and ``explain`` start without importing the indicator
and contract engines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

import attrs

from swp_rules.contracts.statement import PaymentStatement
from swp_rules.engine.results import Breach, ChildNote, DutyRecord, Obligation
from swp_rules.indicators.compute import IndicatorResult
from swp_rules.io.events import InputCounts, Rejection
from swp_rules.periods import ReportingPeriod
from swp_rules.report.documents import (
    CheckDocument,
    Document,
    ExplainDocument,
    RuleCount,
    RulesetUsed,
    RunSummary,
)


@attrs.frozen
class IndicatorsDocument(Document):
    """``swp-rules indicators --format json``."""

    period: ReportingPeriod
    rulesets: tuple[RulesetUsed, ...]
    input: InputCounts
    indicators: tuple[IndicatorResult, ...]
    rejected: tuple[Rejection, ...]


@attrs.frozen
class PaymentsDocument(Document):
    """``swp-rules payments --format json``."""

    period: ReportingPeriod
    rulesets: tuple[RulesetUsed, ...]
    input: InputCounts
    payments: PaymentStatement
    rejected: tuple[Rejection, ...]


@attrs.frozen
class DemoDocument(Document):
    """``swp-rules demo --format json``: duties, indicators and payments of the embedded example."""

    as_of: dt.date
    period: ReportingPeriod
    rulesets: tuple[RulesetUsed, ...]
    input: InputCounts
    children: int
    breaches: tuple[Breach, ...]
    open: tuple[Obligation, ...]
    indicators: tuple[IndicatorResult, ...]
    payments: PaymentStatement
    rejected: tuple[Rejection, ...]
    summary: tuple[RuleCount, ...]


#: The kinds of line in ``--format jsonl`` and the result each holds.
LINE_KINDS: Mapping[str, type] = {
    "breach": Breach,
    "open": Obligation,
    "note": ChildNote,
    "rejected": Rejection,
    "duty": DutyRecord,
    "indicator": IndicatorResult,
    "payments": PaymentStatement,
    "summary": RunSummary,
}
LineKind = Literal["breach", "open", "note", "rejected", "duty", "indicator", "payments", "summary"]

DOCUMENTS: Mapping[str, type[Document]] = {
    "check": CheckDocument,
    "explain": ExplainDocument,
    "indicators": IndicatorsDocument,
    "payments": PaymentsDocument,
    "demo": DemoDocument,
}
