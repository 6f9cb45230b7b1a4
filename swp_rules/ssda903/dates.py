"""SSDA903 dates: ``DD/MM/YYYY`` (DfE SSDA903 guidance), and the collection
year a date falls in (1 April to 31 March)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Final

_DATE_RE: Final = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@functools.lru_cache(maxsize=1 << 16)
def parse_903_date(text: str) -> dt.date:
    """A ``DD/MM/YYYY`` date; ``ValueError`` with a reason an operator can act on (the value is quoted, short)."""
    match = _DATE_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"expected a date DD/MM/YYYY, got {text[:20]!r}")
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"impossible date {text[:20]!r}") from None


def collection_year(day: dt.date) -> int:
    """The collection year holding ``day``, named by the year of its closing 31 March (2013 = 2012-13)."""
    return day.year if day.month <= 3 else day.year + 1


def year_end(year: int) -> dt.date:
    """31 March closing collection year ``year``."""
    return dt.date(year, 3, 31)


def year_start(year: int) -> dt.date:
    """1 April opening collection year ``year``."""
    return dt.date(year - 1, 4, 1)
