"""SSDA903 Episodes as periods of care, placements and legal statuses (docs/ssda903.md).

A child's episodes (every return merged, one per DECOM) are walked in DECOM order:

- an episode that opens a period of care gives ``looked_after_started`` (LS, CIN) and ``placement_started``;
- within a period, RNE L gives ``legal_status_changed``; P and T a ``placement_started`` (P: new carer, T: same
  carer); B and U both (B: new carer, U: same carer); a change of LS under any RNE is recorded too;
- DEC with a REC other than X1 gives ``looked_after_ended`` (reason REC); X1 means the next episode starts that day.

Carers are not in the return: ``carer`` is a stand-in numbered within the child's history, new when RNE is S, P or
B and kept when it is T or U. ``long_term`` is true for U1/U4 and false for U2/U3/U5/U6 (unknown for Q1/Q2).

Structural problems (``structural``) follow the 903 validator: rule 501 (an episode starts before the previous one
ended), rule 148 (DEC and REC both present or both blank), an X1 not followed by an episode that day, and temporary
placements (T0–T4) opening or closing a period of care, or a T1 hospital stay over six weeks. A period of care whose
first episode is not RNE S began before the returns read (``incomplete``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

from swp_rules import codes
from swp_rules.model import Event
from swp_rules.ssda903.convert import child_of, code_of, date_of, event_id, make_event
from swp_rules.ssda903.problems import ProblemKind, RowError

#: RNE codes that bring a new carer, and those that change the placement.
_NEW_CARER: Final = frozenset({"S", "P", "B"})
_PLACEMENT_CHANGE: Final = frozenset({"S", "P", "T", "B", "U"})
_STATUS_CHANGE: Final = frozenset({"S", "L", "B", "U"})
_LONG_TERM: Final = codes.LONG_TERM_FOSTER_PLACEMENT
_NOT_LONG_TERM: Final = frozenset({"U2", "U3", "U5", "U6"})
#: The longest T1 (hospital) placement the validator accepts, in days (six weeks, csc-validator-be-903).
T1_LONGEST_DAYS: Final = 42


@attrs.frozen(slots=True)
class Episode:
    """One validated Episodes row, with where it came from and the return's collection year."""

    child: str
    decom: dt.date
    rne: str
    ls: str
    cin: str | None
    place: str
    dec: dt.date | None
    rec: str | None
    file: str
    line: int
    year: int | None

    @property
    def precedence(self) -> tuple[int, str, int]:
        return (self.year or 0, self.file, self.line)

    def same_content(self, other: Episode) -> bool:
        return (self.decom, self.rne, self.ls, self.cin, self.place, self.dec, self.rec) == (
            other.decom, other.rne, other.ls, other.cin, other.place, other.dec, other.rec)


def _year_label(year: int) -> str:
    return f"{year - 1}-{year % 100:02d}"


def parse_episode(row: Mapping[str, str], year: int | None, file: str, line: int) -> Episode:
    """Check one Episodes row; PLACE against the code list of the return's collection year (Q1/Q2 before 2014,
    U1–U6 from 2014; by DECOM when the year is unknown)."""
    child = child_of(row)
    decom = date_of(row, "DECOM", required=True)
    assert decom is not None
    rne = code_of(row, "RNE", codes.REASON_NEW_EPISODE, "RNE", required=True)
    ls = code_of(row, "LS", codes.LEGAL_STATUS, "LS", required=True)
    cin = code_of(row, "CIN", codes.CATEGORY_OF_NEED, "CIN", required=False)
    place = row.get("PLACE", "")
    if not place:
        raise RowError("PLACE", "is blank")
    list_year = year if year is not None else (decom.year if decom.month <= 3 else decom.year + 1)
    # ``codes.PLACEMENT_BY_YEAR`` is keyed by the calendar year a collection year opens in (U1–U6 from 1 April
    # 2014 (DfE SSDA903 guidance); ``swp_rules.testing.U_CODES_FROM``): collection year 2015 (2014-15) is key 2014.
    if place not in codes.placement_codes(list_year - 1):
        hint = ""
        if place in codes.PLACEMENT:
            hint = " (Q1/Q2 until 2013-14, U1–U6 from 2014-15)" if place[:1] in "QU" else " (not used that year)"
        raise RowError("PLACE", f"{place[:20]!r} is not a PLACE code in the {_year_label(list_year)} return{hint}")
    dec = date_of(row, "DEC", required=False)
    rec = code_of(row, "REC", codes.REASON_EPISODE_CEASED, "REC", required=False)
    if dec is not None and dec < decom:
        raise RowError("DEC", "is before DECOM")
    assert rne is not None and ls is not None
    return Episode(child, decom, rne, ls, cin, place, dec, rec, file, line, year)


@attrs.frozen(slots=True)
class Finding:
    """A structural problem or gap found in a child's episodes, and the episode it concerns."""

    kind: ProblemKind
    reason: str
    episode: Episode


def _long_term(place: str) -> bool | None:
    if place in _LONG_TERM:
        return True
    if place in _NOT_LONG_TERM:
        return False
    return None


def convert_episodes(child: str, episodes: Sequence[Episode]) -> tuple[list[tuple[Event, Episode]], list[Finding]]:
    """One child's merged episodes (one per DECOM) as events, each with the episode it came from, and the
    structural problems found."""
    ordered = sorted(episodes, key=lambda e: (e.decom, e.dec or dt.date.max, e.precedence))
    records: list[tuple[Event, Episode]] = []
    findings: list[Finding] = []
    in_care = False
    prev: Episode | None = None
    status: str | None = None
    carer = 0

    def note(kind: ProblemKind, reason: str, episode: Episode) -> None:
        findings.append(Finding(kind, reason, episode))

    def placement(ep: Episode, new_carer: bool) -> None:
        nonlocal carer
        if new_carer or carer == 0:
            carer += 1
        fields: dict[str, Any] = {"placement": ep.place, "carer": f"903-carer-{carer}"}
        long_term = _long_term(ep.place)
        if long_term is not None:
            fields["long_term"] = long_term
        records.append((make_event(event_id("episode", child, ep.decom, "placement"), child, "placement_started",
                               ep.decom, **fields), ep))

    for ep in ordered:
        base = event_id("episode", child, ep.decom)
        if prev is not None:
            if prev.dec is None:
                note("structural", f"an episode starts on {ep.decom} while the episode from {prev.decom} has no "
                                   "end date (rule 501: overlapping episodes)", ep)
            elif ep.decom < prev.dec:
                note("structural", f"an episode starts on {ep.decom}, before the previous episode ended on "
                                   f"{prev.dec} (rule 501: overlapping episodes)", ep)
            elif in_care and prev.rec == "X1" and ep.decom > prev.dec:
                note("structural", f"an episode ended X1 (care continues) on {prev.dec} but the next episode "
                                   f"starts only on {ep.decom}", ep)
        if not in_care:
            if ep.rne != "S" and prev is None:
                note("incomplete", f"the period of care in progress on {ep.decom} began before the earliest episode "
                                   f"in the returns read (RNE {ep.rne}, not S)", ep)
            elif ep.rne != "S":
                note("structural", f"a new period of care starts on {ep.decom} with RNE {ep.rne}, not S (the "
                                   "previous episode ended care)", ep)
            if ep.place in codes.TEMPORARY_PLACEMENT:
                note("structural", f"a period of care starts on {ep.decom} with a temporary placement ({ep.place})",
                     ep)
            records.append((make_event(f"{base}:care", child, "looked_after_started", ep.decom, legal_status=ep.ls,
                                   cin=ep.cin), ep))
            placement(ep, True)
            in_care = True
        else:
            if ep.rne == "S":
                note("structural", f"an episode on {ep.decom} has RNE S (started to be looked after) but the "
                                   "previous episode did not end the period of care", ep)
            if ep.rne in _STATUS_CHANGE or ep.ls != status:
                records.append((make_event(f"{base}:status", child, "legal_status_changed", ep.decom,
                                       legal_status=ep.ls), ep))
            if ep.rne in _PLACEMENT_CHANGE:
                placement(ep, ep.rne in _NEW_CARER)
        status = ep.ls
        if (ep.dec is None) != (ep.rec is None):
            given, absent = ("DEC", "REC") if ep.rec is None else ("REC", "DEC")
            note("structural", f"the episode from {ep.decom} has {given} but no {absent} (rule 148)", ep)
        elif ep.dec is not None and ep.rec != "X1":
            if ep.place in codes.TEMPORARY_PLACEMENT:
                note("structural", f"a period of care ends on {ep.dec} in a temporary placement ({ep.place})", ep)
            records.append((make_event(f"{base}:end", child, "looked_after_ended", ep.dec, reason=ep.rec), ep))
            in_care = False
        if ep.place == "T1" and ep.dec is not None and (ep.dec - ep.decom).days > T1_LONGEST_DAYS:
            note("structural", f"a T1 (hospital) placement from {ep.decom} lasts over six weeks", ep)
        prev = ep
    if prev is not None and prev.rec == "X1" and prev.dec is not None:
        note("structural", f"the last episode ended X1 (care continues) on {prev.dec} but no episode follows", prev)
    return records, findings
