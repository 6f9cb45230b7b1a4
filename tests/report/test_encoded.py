"""Output encoded by parts and merged by child is byte for byte the output of the whole document, however the
children are split (``report.encoded``: what ``--jobs`` and ``--dask`` workers send and the writer merges)."""

from __future__ import annotations

import datetime as dt
import io
import sys
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from swp_rules.engine import Engine
from swp_rules.engine.evaluate import REPORTED, rule_filter
from swp_rules.engine.results import ChildNote, DutyRecord
from swp_rules.io.events import InputCounts, Rejection, load_records
from swp_rules.report.documents import check_document
from swp_rules.report.encoded import SECTIONS, ChildEncoder, Tally, head_document, merged, write_document, write_encoded

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from cohort import cohort

AS_OF = dt.date(2012, 3, 31)
REJECTED = (Rejection("a.jsonl", 3, None, None, "invalid JSON: Expecting value"),
            Rejection("b.jsonl", 1, "=x", "date", "missing"))


@cache
def _evaluated() -> tuple[Engine, dict[str, tuple[list[DutyRecord], list[ChildNote], set[str]]], InputCounts]:
    """Each child's reported records, notes and the rulesets that applied to it (evaluated once)."""
    engine = Engine()
    loaded = load_records([*cohort(40), {"id": "n1", "child": "C999999", "type": "visit", "date": "2011-06-01"}])
    by_child: dict[str, list[Any]] = {}
    for event in loaded.events:
        by_child.setdefault(event.child, []).append(event)
    children = {}
    for child in sorted(by_child):
        applied: set[str] = set()
        records, timeline = engine.child_records(child, by_child[child], AS_OF, reported_only=True, applied=applied)
        kept = [r for r in records if r.status in ("breached", "open")]
        children[child] = (kept, [ChildNote(child, n) for n in timeline.anomalies], applied)
    return engine, children, loaded.counts


def _whole(fmt: str, families: list[str]) -> str:
    engine, _, counts = _evaluated()
    by_child: dict[str, list[Any]] = {}
    loaded = load_records([*cohort(40), {"id": "n1", "child": "C999999", "type": "visit", "date": "2011-06-01"}])
    for event in loaded.events:
        by_child.setdefault(event.child, []).append(event)
    evaluation = engine.evaluate_grouped(by_child, AS_OF, keep=REPORTED)
    if families:
        evaluation = evaluation.only(families)
    out = io.StringIO()
    write_document(fmt, out, None, check_document(evaluation, engine.book.describe(), counts, REJECTED))
    return out.getvalue()


_WHOLE: dict[tuple[str, tuple[str, ...]], str] = {}


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(SECTIONS)), st.lists(st.integers(0, 3), min_size=41, max_size=41),
       st.sampled_from([[], ["review"], ["visit", "health"]]))
def test_parts_merged_by_child_give_the_whole_documents_bytes(fmt: str, owners: list[int],
                                                              families: list[str]) -> None:
    engine, children, counts = _evaluated()
    wanted = rule_filter(families) if families else None
    parts = []
    tally = Tally()
    for part in sorted(set(owners)):
        encoder = ChildEncoder(fmt, wanted)
        mine = [c for c, owner in zip(sorted(children), owners, strict=True) if owner == part]
        for child in mine:
            encoder.child(child, children[child][0], children[child][1])
        encoded = encoder.finish(len(mine), set().union(*(children[c][2] for c in mine)))
        tally.add(encoded.tally)
        parts.append(encoded)
    out = io.StringIO()
    document = head_document(AS_OF, engine.book.describe(), tally, counts, REJECTED)
    sections = [merged([p.sections[index].chunks() for p in parts]) for index in range(len(SECTIONS[fmt]))]
    write_encoded(fmt, out, None, document, tally, sections)
    key = (fmt, tuple(families))
    if key not in _WHOLE:
        _WHOLE[key] = _whole(fmt, families)
    assert out.getvalue() == _WHOLE[key]
    assert tally.breaches and tally.children == 41
