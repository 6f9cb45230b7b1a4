"""The result documents the command line writes (SPEC.md §3: ``--format json``), as attrs classes: here those of
``check`` and ``explain`` and what every document shares; those of a reporting period (``indicators``, ``payments``,
``demo``) and the catalogues of documents and line kinds in ``swp_rules.report.period_documents``.

Each command's JSON is one of these, written by the one converter (``swp_rules.report.convert``) and described by a
shipped JSON Schema generated from the class (``swp_rules/schema/*-result.schema.json``). ``rulesets`` lists the
ruleset versions that applied, with their content hashes. ``from_dict`` reads a document back into results.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from swp_rules.engine.evaluate import Evaluation
from swp_rules.engine.results import Breach, ChildNote, DutyRecord, Obligation
from swp_rules.io.events import InputCounts, Rejection
from swp_rules.model import Event
from swp_rules.periods import ReportingPeriod
from swp_rules.report.convert import structure, unstructure

if TYPE_CHECKING:  # the documents of a reporting period are in their own module (they import indicators, contracts)
    from swp_rules.report.period_documents import IndicatorsDocument, PaymentsDocument

D = TypeVar("D")


@attrs.frozen
class RulesetUsed:
    """A ruleset a run used: its id, kind, version, the SHA-256 of its file, and the parameter values the run gave
    it (``--param``; empty when none was set)."""

    id: str
    kind: str
    version: str
    sha256: str
    parameters: dict[str, Any] = attrs.Factory(dict)

    @classmethod
    def of(cls, described: Mapping[str, Any]) -> RulesetUsed:
        return cls(str(described["id"]), str(described["kind"]), str(described["version"]),
                   str(described["sha256"]), dict(described.get("parameters") or {}))


def distinct(rulesets: Iterable[RulesetUsed]) -> tuple[RulesetUsed, ...]:
    """Each ruleset once (by id and content hash), in first-seen order."""
    seen: dict[tuple[str, str], RulesetUsed] = {}
    for ruleset in rulesets:
        seen.setdefault((ruleset.id, ruleset.sha256), ruleset)
    return tuple(seen.values())


def rulesets_used(described: Iterable[Mapping[str, Any]]) -> tuple[RulesetUsed, ...]:
    return tuple(RulesetUsed.of(d) for d in described)


def applied(described: Iterable[Mapping[str, Any]], used_ids: Iterable[str]) -> tuple[RulesetUsed, ...]:
    """The described rulesets whose id is among ``used_ids`` (the versions that applied), in their order."""
    wanted = set(used_ids)
    return tuple(RulesetUsed.of(d) for d in described if d["id"] in wanted)


@attrs.frozen
class RuleCount:
    """Breaches and open duties of one rule (``family`` is the rule id's prefix; ``basis`` what makes it owed)."""

    family: str
    rule: str
    basis: str | None
    breaches: int
    open: int
    children: int
    most_days_late: int


def summarise(breaches: Sequence[Breach], open_: Sequence[Obligation]) -> tuple[RuleCount, ...]:
    """Breaches and open duties by family, rule and basis (in rule order)."""
    late: Counter[str] = Counter()
    worst: dict[str, int] = {}
    children: dict[str, set[str]] = {}
    basis: dict[str, str | None] = {}
    for b in breaches:
        late[b.rule] += 1
        worst[b.rule] = max(worst.get(b.rule, 0), b.days_late)
        children.setdefault(b.rule, set()).add(b.child)
        basis.setdefault(b.rule, _basis(b))
    waiting: Counter[str] = Counter()
    for o in open_:
        waiting[o.rule] += 1
        children.setdefault(o.rule, set()).add(o.child)
        basis.setdefault(o.rule, _basis(o))
    return tuple(
        RuleCount(rule.split(".", 1)[0], rule, basis[rule], late[rule], waiting[rule], len(children[rule]),
                  worst.get(rule, 0))
        for rule in sorted(basis)
    )


def _basis(result: Breach | Obligation) -> str | None:
    value = getattr(result, "basis", None)  # SPEC 1.1 results carry their basis
    return None if value is None else str(value)


@attrs.frozen
class RunSummary:
    """The last line of ``--format jsonl``: what the run read, evaluated and found, and per rule."""

    command: str
    as_of: dt.date | None
    period: ReportingPeriod | None
    rulesets: tuple[RulesetUsed, ...]
    input: InputCounts
    children: int | None
    breaches: int
    open: int
    rejected: int
    notes: int
    rules: tuple[RuleCount, ...]


class Document:
    def to_dict(self) -> dict[str, Any]:
        """The document as JSON-ready plain data."""
        return unstructure(self)  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls: type[D], data: Mapping[str, Any]) -> D:
        """Read back what ``to_dict`` (or the command line) wrote."""
        return structure(data, cls)


@attrs.frozen
class CheckDocument(Document):
    """``swp-rules check --format json``."""

    as_of: dt.date
    rulesets: tuple[RulesetUsed, ...]
    input: InputCounts
    children: int
    breaches: tuple[Breach, ...]
    open: tuple[Obligation, ...]
    rejected: tuple[Rejection, ...]
    notes: tuple[ChildNote, ...]
    summary: tuple[RuleCount, ...]


@attrs.frozen
class ExplainDocument(Document):
    """``swp-rules explain --format json``: one child's events and every duty's record."""

    as_of: dt.date
    child: str
    rulesets: tuple[RulesetUsed, ...]
    input: InputCounts
    events: tuple[Event, ...]
    duties: tuple[DutyRecord, ...]
    notes: tuple[str, ...]
    rejected: tuple[Rejection, ...]


def check_document(evaluation: Evaluation, described: Iterable[Mapping[str, Any]], counts: InputCounts,
                   rejected: Sequence[Rejection]) -> CheckDocument:
    """The ``check`` document of an evaluation; ``rulesets`` lists the rulesets whose rules gave any child a duty
    (met and lapsed ones too, whether or not the evaluation kept their records)."""
    return CheckDocument(
        as_of=evaluation.as_of,
        rulesets=applied(described, evaluation.applied),
        input=counts,
        children=evaluation.children,
        breaches=evaluation.breaches,
        open=evaluation.open,
        rejected=tuple(rejected),
        notes=evaluation.notes,
        summary=summarise(evaluation.breaches, evaluation.open),
    )


def run_summary(command: str, document: CheckDocument | ExplainDocument | IndicatorsDocument | PaymentsDocument
                ) -> RunSummary:
    """The ``summary`` line of ``--format jsonl`` for a document."""
    if isinstance(document, CheckDocument):
        return RunSummary(command, document.as_of, None, document.rulesets, document.input, document.children,
                          len(document.breaches), len(document.open), len(document.rejected), len(document.notes),
                          document.summary)
    if isinstance(document, ExplainDocument):
        breaches = tuple(Breach.of(r) for r in document.duties if r.status == "breached")
        open_ = tuple(Obligation.of(r) for r in document.duties if r.status == "open")
        return RunSummary(command, document.as_of, None, document.rulesets, document.input, 1, len(breaches),
                          len(open_), len(document.rejected), len(document.notes), summarise(breaches, open_))
    return RunSummary(command, None, document.period, document.rulesets, document.input, None, 0, 0,
                      len(document.rejected), 0, ())
