"""Reading one child's lines without parsing the others gives that child's events, at their line numbers."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swp_rules.io import one_child
from swp_rules.io.events import load_events

_CHILDREN = ["C1", "C12", "C2", "Ä3"]
_LINE = st.one_of(
    st.builds(lambda c, n, d: json.dumps({"id": f"e{n}", "child": c, "type": "visit", "date": f"2011-05-{d:02d}"},
                                         ensure_ascii=bool(n % 2)),
              st.sampled_from(_CHILDREN), st.integers(0, 40), st.integers(1, 28)),
    st.builds(lambda n: '{"id": "x' + str(n) + '", "child": "C\\u0031", "type": "visit", "date": "2011-06-01"}',
              st.integers(0, 5)),
    st.sampled_from(["", "  ", "not json C1", "null", '{"child": "C1", "type": "visit"}', '{"id": "C1"}']),
)


@given(st.lists(_LINE, max_size=40), st.sampled_from(_CHILDREN), st.integers(1, 64), st.booleans())
def test_the_child_s_events_and_rejections_as_a_full_read(lines: list[str], child: str, block: int,
                                                          final_newline: bool) -> None:
    text = "\n".join(lines) + ("\n" if final_newline and lines else "")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "e.jsonl"
        path.write_text(text, encoding="utf-8")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(one_child, "_BLOCK", block)
            fast = one_child.read_child([path], child)
            kept = list(one_child.candidate_lines(path, child.encode()))
        full = load_events([path])
    assert fast is not None
    expected = [(n, raw) for n, raw in enumerate(text.encode().split(b"\n"), start=1)
                if child.encode() in raw or b"\\" in raw]
    assert [(n, raw.rstrip(b"\n")) for n, raw in kept] == expected
    if len({e.id for e in full.events}) == len(full.events) and not any(r.field == "id" for r in full.rejected):
        assert fast.events == tuple(e for e in full.events if e.child == child)
    assert set(fast.rejected) <= set(full.rejected)
    assert fast.counts.read == fast.counts.evaluated + fast.counts.duplicates + fast.counts.rejected
    assert fast.counts.evaluated == len(fast.events)


def test_csv_is_left_to_the_full_reader(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("id,child,type,date\n1,C1,visit,2011-05-01\n", encoding="utf-8")
    assert one_child.read_child([path], "C1") is None
