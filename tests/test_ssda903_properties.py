"""Properties of the SSDA903 import: event ids come from the table, the child and the dates, never from row order,
so shuffled rows and repeated returns give the same events."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from swp_rules.ssda903 import import_903

DATA = Path(__file__).parent / "data" / "ssda903"
CLEAN = DATA / "clean"
_FILES = sorted(p.relative_to(CLEAN) for p in CLEAN.rglob("*.csv"))
_EXPECTED = [json.loads(line) for line in (DATA / "clean.expected.jsonl").read_text(encoding="utf-8").splitlines()]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").splitlines()


@st.composite
def shuffled_returns(draw: st.DrawFn) -> dict[Path, list[str]]:
    """Every table of the clean returns with its data rows in a drawn order (header first), some files repeated."""
    out: dict[Path, list[str]] = {}
    for name in _FILES:
        header, *rows = _lines(CLEAN / name)
        out[name] = [header, *draw(st.permutations(rows))]
        if draw(st.booleans()):
            out[name.parent / f"copy-{name.name}"] = [header, *draw(st.permutations(rows))]
    return out


@settings(max_examples=25, deadline=None)
@given(shuffled_returns())
def test_row_order_and_repeats_do_not_change_the_events(tables: dict[Path, list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, lines in tables.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = import_903(root)
    assert [e.to_dict() for e in result.events] == _EXPECTED
    for counts in result.counts.values():
        assert counts.read == counts.converted + counts.rejected
    assert [p.kind for p in result.problems] == ["conflict"]
