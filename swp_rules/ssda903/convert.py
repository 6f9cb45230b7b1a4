"""Rows of the SSDA903 tables other than Episodes, as case events (SPEC.md §1).

Each converter takes one row (``{COLUMN: text}``) and the return's collection year and returns its events, or raises
``RowError`` naming the column and the reason. Event ids are derived from the table, the child and the row's dates,
never from the row's position, so the same row in two returns gives the same id. Codes are checked against
``swp_rules.codes``.

One typed pass: a converter checks each value once (dates parsed, codes against lists that are each within the list
the event's field takes, ``tests/ssda903/test_ssda903.py``) and builds the ``Event`` from the typed values, not from a
dict that ``Event.from_dict`` would parse and check a second time. The one bound the row's checks leave to the event
is the range of years an event may hold (``swp_rules.model.check_year``), which the importer applies when every
return is merged, as ``from_dict`` did (``swp_rules.ssda903.importer``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from swp_rules import calendar, codes
from swp_rules.model import Event
from swp_rules.ssda903.dates import parse_903_date, year_end, year_start
from swp_rules.ssda903.problems import RowError

Row = Mapping[str, str]
Converter = Callable[[Row, "int | None"], list[Event]]

_ZZ_DATE: Final = re.compile(r"(\d{1,2}|zz)/(\d{1,2}|zz)/\d{4}", re.IGNORECASE)


def child_of(row: Row) -> str:
    child = row.get("CHILD", "").strip()
    if not child:
        raise RowError("CHILD", "is blank")
    return child


def date_of(row: Row, column: str, *, required: bool) -> dt.date | None:
    text = row.get(column, "")
    if not text:
        if required:
            raise RowError(column, "is blank")
        return None
    try:
        return parse_903_date(text)
    except ValueError as exc:
        raise RowError(column, str(exc)) from None


def code_of(row: Row, column: str, allowed: frozenset[str], list_name: str, *, required: bool) -> str | None:
    text = row.get(column, "")
    if not text:
        if required:
            raise RowError(column, "is blank")
        return None
    if text not in allowed:
        raise RowError(column, f"{text[:20]!r} is not in the SSDA903 {list_name} code list")
    return text


def flag_of(row: Row, column: str) -> bool | None:
    """A 0/1 field; blank is ``None``."""
    text = row.get(column, "")
    if not text:
        return None
    if text not in ("0", "1"):
        raise RowError(column, f"must be 0 or 1, got {text[:20]!r}")
    return text == "1"


def _dated(year: int | None) -> dt.date:
    if year is None:
        raise RowError(None, "the return's collection year is unknown (it has no Episodes table), so the row "
                             "cannot be dated")
    return year_end(year)


def event_id(table: str, child: str, *parts: object) -> str:
    """A deterministic event id from the table, the child and the row's dates: ``903:<table>:<child key>:<parts>``.

    The child key is a 16-hex-digit BLAKE2b digest of the child's identifier, so that an id quoted in an error or a
    log never shows the identifier itself (the event's ``child`` field holds it)."""
    return ":".join(("903", table, _child_key(child), *(str(p) for p in parts)))


@functools.lru_cache(maxsize=1 << 16)  # a child's rows give a dozen events or more
def _child_key(child: str) -> str:
    return hashlib.blake2b(child.encode("utf-8"), digest_size=8).hexdigest()


_BUILD: Final = Event._checked


def make_event(event_id: str, child: str, type_: str, day: dt.date, **fields: Any) -> Event:
    """An event from values its converter has just checked, its fields in the order given (``None`` leaves a field
    out), built without a second parse and check."""
    return _BUILD(event_id, child, type_, day, None, {k: v for k, v in fields.items() if v is not None})


def header(row: Row, year: int | None) -> dict[str, Any]:
    """Header: the child's date of birth and sex (the ``child`` event is built once every return is read)."""
    child_of(row)
    dob = date_of(row, "DOB", required=True)
    sex = code_of(row, "SEX", codes.SEX, "SEX", required=False)
    return {"dob": dob, "sex": sex}


def uasc(row: Row, year: int | None) -> dict[str, Any]:
    """UASC: the child was an unaccompanied asylum-seeking child (DUC, when the status ceased, is checked only)."""
    child_of(row)
    dob = date_of(row, "DOB", required=False)
    sex = code_of(row, "SEX", codes.SEX, "SEX", required=False)
    date_of(row, "DUC", required=False)
    return {"dob": dob, "sex": sex}


def reviews(row: Row, year: int | None) -> list[Event]:
    """Reviews: one ``review`` event, with the participation code (PN0–PN7)."""
    child = child_of(row)
    day = date_of(row, "REVIEW", required=True)
    assert day is not None
    date_of(row, "DOB", required=False)
    code = code_of(row, "REVIEW_CODE", codes.PARTICIPATION, "REVIEW_CODE", required=False)
    return [make_event(event_id("review", child, day), child, "review", day, participation=code)]


def oc2(row: Row, year: int | None) -> list[Event]:
    """OC2 (health and offending, the 12 months to 31 March): status events dated 31 March of the collection year.

    HEALTH_ASSESSMENT=1 → ``health_assessment`` (kind ``review``); TEETH_CHECK=1 → ``dental_check``;
    IMMUNISATIONS → ``immunisations`` (up_to_date); SDQ_SCORE or SDQ_REASON → ``sdq``; SUBSTANCE_MISUSE=1 →
    ``substance_misuse``; CONVICTED=1 → ``conviction``. HEALTH_CHECK and the INTERVENTION fields are checked only.
    """
    child = child_of(row)
    date_of(row, "DOB", required=False)
    flags = {c: flag_of(row, c) for c in ("CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
                                          "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
                                          "INTERVENTION_OFFERED")}
    score_text = row.get("SDQ_SCORE", "")
    score: int | None = None
    if score_text:
        if not re.fullmatch(r"\d{1,2}", score_text) or int(score_text) > 40:
            raise RowError("SDQ_SCORE", f"must be a whole number from 0 to 40, got {score_text[:20]!r}")
        score = int(score_text)
    reason = code_of(row, "SDQ_REASON", codes.SDQ_REASON, "SDQ_REASON", required=False)
    day = _dated(year)
    base = event_id("oc2", child, day)
    out: list[Event] = []
    if flags["HEALTH_ASSESSMENT"]:
        out.append(make_event(f"{base}:health_assessment", child, "health_assessment", day, kind="review"))
    if flags["TEETH_CHECK"]:
        out.append(make_event(f"{base}:dental_check", child, "dental_check", day))
    if flags["IMMUNISATIONS"] is not None:
        out.append(make_event(f"{base}:immunisations", child, "immunisations", day, up_to_date=flags["IMMUNISATIONS"]))
    if score is not None or reason is not None:
        out.append(make_event(f"{base}:sdq", child, "sdq", day, score=score, reason=reason))
    if flags["SUBSTANCE_MISUSE"]:
        out.append(make_event(f"{base}:substance_misuse", child, "substance_misuse", day))
    if flags["CONVICTED"]:
        out.append(make_event(f"{base}:conviction", child, "conviction", day))
    return out


def oc3(row: Row, year: int | None) -> list[Event]:
    """OC3 (care leavers): ``in_touch``, ``activity_status``, ``accommodation_status``, dated on the birthday that
    falls in the collection year (31 March when the date of birth is blank)."""
    child = child_of(row)
    dob = date_of(row, "DOB", required=False)
    status = code_of(row, "IN_TOUCH", codes.IN_TOUCH, "IN_TOUCH", required=False)
    activity = code_of(row, "ACTIV", codes.ACTIVITY, "ACTIV", required=False)
    accommodation = code_of(row, "ACCOM", codes.ACCOMMODATION, "ACCOM", required=False)
    day = _dated(year)
    assert year is not None
    if dob is not None:
        for age in range(15, 23):
            birthday = calendar.birthday(dob, age)
            if year_start(year) <= birthday <= day:
                day = birthday
                break
    base = event_id("oc3", child, day)
    out: list[Event] = []
    if status is not None:
        out.append(make_event(f"{base}:in_touch", child, "in_touch", day, status=status))
    if activity is not None:
        out.append(make_event(f"{base}:activity", child, "activity_status", day, activity=activity))
    if accommodation is not None:
        out.append(make_event(f"{base}:accommodation", child, "accommodation_status", day, accommodation=accommodation))
    return out


def missing(row: Row, year: int | None) -> list[Event]:
    """Missing: ``missing_started`` at MIS_START and ``missing_ended`` at MIS_END (kind ``missing`` for M, ``away``
    for A, away without authorisation)."""
    child = child_of(row)
    date_of(row, "DOB", required=False)
    kind_code = row.get("MISSING", "")
    kinds = {"M": "missing", "A": "away"}
    if kind_code and kind_code not in kinds:
        raise RowError("MISSING", f"must be M or A, got {kind_code[:20]!r}")
    start = date_of(row, "MIS_START", required=True)
    end = date_of(row, "MIS_END", required=False)
    assert start is not None
    if end is not None and end < start:
        raise RowError("MIS_END", "is before MIS_START")
    kind = kinds.get(kind_code)
    base = event_id("missing", child, start)
    out = [make_event(f"{base}:start", child, "missing_started", start, kind=kind)]
    if end is not None:
        out.append(make_event(f"{base}:end", child, "missing_ended", end, kind=kind))
    return out


def sw_episodes(row: Row, year: int | None) -> list[Event]:
    """SWEpisodes: ``worker_allocated`` at SW_DECOM (SW_DEC and SW_REASON are checked only: the next allocation
    supersedes it)."""
    child = child_of(row)
    date_of(row, "DOB", required=False)
    worker = row.get("SW_ID", "")
    if not worker:
        raise RowError("SW_ID", "is blank")
    start = date_of(row, "SW_DECOM", required=True)
    end = date_of(row, "SW_DEC", required=False)
    assert start is not None
    if end is not None and end < start:
        raise RowError("SW_DEC", "is before SW_DECOM")
    return [make_event(event_id("sw", child, start), child, "worker_allocated", start, worker=worker)]


_ADOPTER_SEX: Final = frozenset({"M1", "F1", "MM", "FF", "MF"})
_ADOPTER_LS: Final = frozenset({"L0", "L11", "L12", "L2", "L3", "L4"})
_PLACED_CEASED: Final = frozenset({"RD1", "RD2", "RD3", "RD4"})
_PREV_PERM: Final = frozenset({"P1", "P2", "P3", "P4", "Z1"})


def ad1(row: Row, year: int | None) -> list[Event]:
    """AD1 (adoption decisions): checked; no case event carries it."""
    child_of(row)
    for column in ("DOB", "DATE_INT", "DATE_MATCH"):
        date_of(row, column, required=False)
    flag_of(row, "FOSTER_CARE")
    adopters = row.get("NB_ADOPTR", "")
    if adopters and adopters not in ("1", "2"):
        raise RowError("NB_ADOPTR", f"must be 1 or 2, got {adopters[:20]!r}")
    code_of(row, "SEX_ADOPTR", _ADOPTER_SEX, "SEX_ADOPTR", required=False)
    code_of(row, "LS_ADOPTR", _ADOPTER_LS, "LS_ADOPTR", required=False)
    return []


def placed_adoption(row: Row, year: int | None) -> list[Event]:
    """PlacedAdoption: checked; the placement itself comes from Episodes (PLACE A3–A6)."""
    child_of(row)
    date_of(row, "DOB", required=False)
    _span(row, "DATE_PLACED", "DATE_PLACED_CEASED")
    code_of(row, "REASON_PLACED_CEASED", _PLACED_CEASED, "REASON_PLACED_CEASED", required=False)
    return []


def prev_perm(row: Row, year: int | None) -> list[Event]:
    """PrevPerm (permanence before care): checked; no case event carries it. DATE_PERM may have ``zz`` parts."""
    child_of(row)
    date_of(row, "DOB", required=False)
    code_of(row, "PREV_PERM", _PREV_PERM, "PREV_PERM", required=False)
    text = row.get("DATE_PERM", "")
    if text and not _ZZ_DATE.fullmatch(text):
        raise RowError("DATE_PERM", f"expected a date DD/MM/YYYY (zz for an unknown part), got {text[:20]!r}")
    return []


def dolo(row: Row, year: int | None) -> list[Event]:
    """DoLo (deprivation of liberty): checked; no case event carries it."""
    child_of(row)
    date_of(row, "DOB", required=False)
    _span(row, "DOLO_START", "DOLO_END")
    return []


def _span(row: Row, start_column: str, end_column: str) -> None:
    """The dates of a span, checked: the start is required; the end may be missing but is never before the start."""
    start = date_of(row, start_column, required=True)
    end = date_of(row, end_column, required=False)
    if start is not None and end is not None and end < start:
        raise RowError(end_column, f"is before {start_column}")


#: The converters of the tables whose rows become events directly (Header, UASC and Episodes are merged first).
CONVERTERS: Final[dict[str, Converter]] = {
    "Reviews": reviews,
    "OC2": oc2,
    "OC3": oc3,
    "Missing": missing,
    "SWEpisodes": sw_episodes,
    "AD1": ad1,
    "PlacedAdoption": placed_adoption,
    "PrevPerm": prev_perm,
    "DoLo": dolo,
}
#: Tables that carry nothing the duty engine reads: a bad row there does not stop the child being evaluated.
NO_EVENTS: Final = frozenset({"AD1", "PlacedAdoption", "PrevPerm", "DoLo"})
