"""How swp-rules writes numbers and dates as text: one rule each, shared by every report and explanation.

**Exact numbers** (``exact_text``): a finite decimal when the value has one (``0.75``, ``12``), else the fraction
``p/q`` (``2/9``). Both forms read back exactly with ``fractions.Fraction(text)``.

**Rounded readings** (``percent_text``, ``rounded_text``): for people only, never for calculation; rounded once, half
up (``ROUND_HALF_UP``: 12.25 → ``12.3``, 66.666… → ``66.7``), to one decimal place by default, so a KPI reads the same
in ``indicators`` and in ``payments``. Money has its own rule (``swp_rules.contracts.money``: half up to the penny).

**Dates** are written in English whatever the locale, with pendulum's English names of days and months (a plain
table here: formatting through pendulum cost a run that writes explanations about a tenth of its time, its import
included; ``tests/io/test_text.py`` compares the two): ``Mon 6 Jun 2011``, ``Jun 2011``, ``6 June 2011``;
**ordinals** as ``18th``, ``21st``.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Final

#: The rounding of every rounded reading (percentages, means) shown to people.
ROUNDING: Final = ROUND_HALF_UP
#: pendulum's English names (locale ``en``): abbreviated days from Monday, abbreviated and full months.
_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES: Final = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                       "October", "November", "December")


def exact_text(value: Fraction | Decimal | int | None) -> str | None:
    """An exact number as text: a decimal when it has one, else ``p/q`` (``None`` stays ``None``).

    >>> exact_text(Fraction(3, 4)), exact_text(Fraction(2, 9)), exact_text(Decimal("12.50")), exact_text(13)
    ('0.75', '2/9', '12.50', '13')
    """
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    fraction = Fraction(value)
    denominator = fraction.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return f"{fraction.numerator}/{fraction.denominator}"
    places = max(twos, fives)
    scaled = fraction * 10**places
    return format(Decimal(scaled.numerator).scaleb(-places), "f")


def rounded_text(value: Fraction | Decimal | int, places: int = 1) -> str:
    """``value`` rounded half up to ``places`` decimal places, for people.

    >>> rounded_text(Fraction(49, 4)), rounded_text(Fraction(2, 3), 2), rounded_text(13)
    ('12.3', '0.67', '13.0')
    """
    exact = Fraction(value)
    decimal = Decimal(exact.numerator) / Decimal(exact.denominator)
    return str(decimal.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING))


def percent_text(value: Fraction | Decimal | None, places: int = 1, missing: str = "—") -> str:
    """A fraction of 1 as a percentage for people, rounded half up: ``2/3`` → ``66.7%`` (``missing`` for ``None``).

    >>> percent_text(Fraction(2, 3)), percent_text(Fraction(1, 8)), percent_text(None, missing="n/a")
    ('66.7%', '12.5%', 'n/a')
    """
    if value is None:
        return missing
    return f"{rounded_text(Fraction(value) * 100, places)}%"


@functools.lru_cache(maxsize=4096)  # every duty record's explanation writes two or three, mostly the same few hundred
def long_date(day: dt.date) -> str:
    """``Mon 6 Jun 2011``: a date as an explanation writes it.

    >>> long_date(dt.date(2011, 6, 6))
    'Mon 6 Jun 2011'
    """
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def month_text(day: dt.date) -> str:
    """``Jun 2011``: the month a date falls in.

    >>> month_text(dt.date(2011, 6, 6))
    'Jun 2011'
    """
    return f"{_MONTHS[day.month - 1]} {day.year}"


def day_text(day: dt.date) -> str:
    """``6 June 2011``: a date in a heading.

    >>> day_text(dt.date(2011, 6, 6))
    '6 June 2011'
    """
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def ordinal(n: int) -> str:
    """``18th``, ``21st``, ``12th``: an ordinal number (a birthday, a placement).

    >>> ordinal(18), ordinal(21), ordinal(12), ordinal(3)
    ('18th', '21st', '12th', '3rd')
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
