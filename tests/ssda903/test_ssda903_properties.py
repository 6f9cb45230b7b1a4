"""Properties of the SSDA903 import: event ids come from the table, the child and the dates, never from row order,
so shuffled rows and repeated returns give the same events."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from swp_rules.engine.timeline import Timeline
from swp_rules.ssda903 import import_903

DATA = Path(__file__).parents[1] / "data" / "ssda903"
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


_START = dt.date(2014, 4, 1)
_PLACES = ("U1", "U2", "U3", "U4", "U5", "U6", "K2", "R1", "P1", "A4", "H5")
_STATUSES = ("C1", "C2", "V2", "E1", "J1", "L1")
_ENDS = ("E11", "E13", "E2", "E3", "E4A", "E4B", "E41", "E45", "E5", "E6", "E7", "E8", "E9", "E17")


@st.composite
def episode_histories(draw: st.DrawFn) -> tuple[list[list[str]], list[tuple[dt.date, dt.date | None, int]]]:
    """A well-formed 2014-15 history for one child: periods of care, each episode X1 into the next, and the periods'
    (start, end, placements) as the events must show them."""
    rows: list[list[str]] = []
    periods: list[tuple[dt.date, dt.date | None, int]] = []
    day = _START + dt.timedelta(days=draw(st.integers(0, 30)))
    for number in range(draw(st.integers(1, 3))):
        start = day
        episodes = draw(st.lists(st.sampled_from("LPTBU"), max_size=4))
        rnes = ["S", *episodes]
        placements = 1 + sum(1 for r in episodes if r != "L")
        last_period = number == 2 or draw(st.booleans())
        for index, rne in enumerate(rnes):
            decom = day
            day = day + dt.timedelta(days=draw(st.integers(1, 40)))
            is_last = index == len(rnes) - 1
            open_ = is_last and last_period and draw(st.booleans())
            rec = "" if open_ else (draw(st.sampled_from(_ENDS)) if is_last else "X1")
            rows.append([decom.strftime("%d/%m/%Y"), rne, draw(st.sampled_from(_STATUSES)),
                         draw(st.sampled_from(_PLACES)), "" if open_ else day.strftime("%d/%m/%Y"), rec])
        periods.append((start, None if rows[-1][5] == "" else day, placements))
        if last_period:
            break
        day = day + dt.timedelta(days=draw(st.integers(1, 30)))
    return rows, periods


@settings(max_examples=40, deadline=None)
@given(episode_histories())
def test_well_formed_episodes_become_the_same_periods_and_placements(
        history: tuple[list[list[str]], list[tuple[dt.date, dt.date | None, int]]]) -> None:
    rows, periods = history
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "episodes.csv"
        lines = ["CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC"]
        lines += [f"K1,{d},{rne},{ls},N1,{place},PR1,{dec},{rec}" for d, rne, ls, place, dec, rec in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = import_903(Path(folder))
    assert result.problems == () and not result.unevaluable
    timeline = Timeline.build("K1", result.events)
    assert timeline.anomalies == [] and timeline.problems == []
    assert [(p.start, p.end, len(p.placements)) for p in timeline.periods] == periods
    ids = [e.id for e in result.events]
    assert len(ids) == len(set(ids))
