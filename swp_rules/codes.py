"""SSDA903 code lists (DfE SSDA903 guidance; csc-validator-be-903 config), by collection year where they changed.

These are the data standard's enumerations, not regulations: the timescales live in ``rulesets/``.
"""

from __future__ import annotations

from typing import Final

#: Legal status (LS). W1 and V1 appear only in older returns.
LEGAL_STATUS: Final = frozenset(
    {"C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3", "W1", "V1"}
)
#: Legal statuses that mean an agreed series of short breaks (CPR reg 48).
SHORT_BREAK_STATUS: Final = frozenset({"V3", "V4"})

#: Category of need (CIN).
CATEGORY_OF_NEED: Final = frozenset({f"N{i}" for i in range(1, 9)})

#: Reason for new episode (RNE).
REASON_NEW_EPISODE: Final = frozenset({"S", "L", "P", "T", "B", "U"})

_PLACEMENT_COMMON: Final = frozenset(
    {
        "A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3",
        "R1", "R2", "R3", "R5", "S1", "T0", "T1", "T2", "T3", "T4", "Z1",
    }
)
#: Placement (PLACE) codes by the first collection year they were used in; 2009–2013 used Q1/Q2 for foster care.
PLACEMENT_BY_YEAR: Final[dict[int, frozenset[str]]] = {
    2009: _PLACEMENT_COMMON | {"Q1", "Q2"},
    2014: _PLACEMENT_COMMON | {"U1", "U2", "U3", "U4", "U5", "U6"},
    2024: _PLACEMENT_COMMON | {"U1", "U2", "U3", "U4", "U5", "U6", "K3"},
    2025: (_PLACEMENT_COMMON - {"Z1"}) | {"U1", "U2", "U3", "U4", "U5", "U6", "K3", "Z11", "Z12", "Z13", "Z14"},
}
#: Every placement code any collection year accepted (what a case event may carry).
PLACEMENT: Final = frozenset().union(*PLACEMENT_BY_YEAR.values())
#: Temporary placements: not counted as moves (SSDA903 guidance; NI 62).
TEMPORARY_PLACEMENT: Final = frozenset({"T0", "T1", "T2", "T3", "T4"})
#: Foster placements, old and new codes.
FOSTER_PLACEMENT: Final = frozenset({"Q1", "Q2", "U1", "U2", "U3", "U4", "U5", "U6"})
#: Placed for adoption.
ADOPTION_PLACEMENT: Final = frozenset({"A3", "A4", "A5", "A6"})
#: Long-term foster placements (U1 relative/friend, U4 other carers).
LONG_TERM_FOSTER_PLACEMENT: Final = frozenset({"U1", "U4"})


def placement_codes(collection_year: int) -> frozenset[str]:
    """The PLACE codes valid for the collection year ending 31 March of ``collection_year``."""
    chosen = PLACEMENT_BY_YEAR[min(PLACEMENT_BY_YEAR)]
    for first_year in sorted(PLACEMENT_BY_YEAR):
        if collection_year >= first_year:
            chosen = PLACEMENT_BY_YEAR[first_year]
    return chosen


#: Reason episode ceased (REC). X1 is not an end of care: a new episode starts the same day.
REASON_EPISODE_CEASED: Final = frozenset(
    {
        "E11", "E12", "E2", "E3", "E4", "E4A", "E4B", "E41", "E43", "E44", "E45", "E46", "E47", "E48",
        "E5", "E6", "E7", "E8", "E9", "E13", "E14", "E15", "E16", "E17", "X1",
    }
)
#: REC codes that end a period of care (every code but X1).
REASON_CARE_ENDED: Final = REASON_EPISODE_CEASED - {"X1"}

#: Participation at review (REVIEW_CODE).
PARTICIPATION: Final = frozenset({f"PN{i}" for i in range(8)})

#: Reason for no SDQ score.
SDQ_REASON: Final = frozenset({f"SDQ{i}" for i in range(1, 6)})

#: Sex (SSDA903: 1 male, 2 female).
SEX: Final = frozenset({"1", "2"})

#: OC3 IN_TOUCH.
IN_TOUCH: Final = frozenset({"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"})
#: OC3 ACTIV. F/P 1–5 in education, employment or training; G4–G6 not; 0 not known.
ACTIVITY: Final = frozenset({*(f"F{i}" for i in range(1, 6)), *(f"P{i}" for i in range(1, 6)), "G4", "G5", "G6", "0"})
ACTIVITY_EET: Final = frozenset({*(f"F{i}" for i in range(1, 6)), *(f"P{i}" for i in range(1, 6))})
#: OC3 ACCOM letters; a code is a letter plus "1" (suitable) or "2" (not suitable), or "0" (not in touch).
ACCOMMODATION_LETTERS: Final = frozenset("BCDEGHKRSTUVWXYZ")
ACCOMMODATION: Final = frozenset({f"{letter}{suffix}" for letter in ACCOMMODATION_LETTERS for suffix in "12"} | {"0"})

#: The code lists by name, for validation messages and the JSON Schema.
CODE_LISTS: Final[dict[str, frozenset[str]]] = {
    "LS": LEGAL_STATUS,
    "CIN": CATEGORY_OF_NEED,
    "PL": PLACEMENT,
    "REC": REASON_CARE_ENDED,
    "PN": PARTICIPATION,
    "SDQ": SDQ_REASON,
    "SEX": SEX,
    "IN_TOUCH": IN_TOUCH,
    "ACTIV": ACTIVITY,
    "ACCOM": ACCOMMODATION,
}
