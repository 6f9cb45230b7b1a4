"""Money and exact numbers in contracts: ``Decimal`` pounds and pence, one rounding rule.

**The rounding rule** (``docs/contracts.md``): every amount a statement computes by multiplying (a period's fee, an
outcome's pot, the amount an outcome earns, a bonus, a deduction, the placement spend) is rounded once, half up, to
the penny (``ROUND_HALF_UP`` at ``0.01``) on the line where it is computed. Every other amount is a sum or a
difference of rounded lines, so it is exact, and every total is the sum of its lines to the penny. Exact numbers and
percentages are written by ``swp_rules.text`` (one rule for the whole project).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Final

from swp_rules.text import exact_text, percent_text

__all__ = ["PENNY", "ZERO", "exact_text", "percent_text", "pounds_text", "times", "to_pennies"]

PENNY: Final = Decimal("0.01")
ZERO: Final = Decimal("0.00")


def to_pennies(amount: Fraction | Decimal | int) -> Decimal:
    """Round an exact amount of pounds half up to the penny: the project's one rounding rule.

    >>> to_pennies(Fraction(1, 3) * 100), to_pennies(Decimal("0.005")), to_pennies(Fraction(-1, 200))
    (Decimal('33.33'), Decimal('0.01'), Decimal('-0.01'))
    """
    if isinstance(amount, Decimal):
        return amount.quantize(PENNY, rounding=ROUND_HALF_UP)
    exact = Fraction(amount)
    # Scale to pennies, round half away from zero with integer arithmetic (no binary floating point anywhere).
    scaled = exact * 100
    sign = -1 if scaled < 0 else 1
    magnitude = abs(scaled)
    whole, remainder = divmod(magnitude.numerator, magnitude.denominator)
    if 2 * remainder >= magnitude.denominator:
        whole += 1
    return (Decimal(sign * whole) / 100).quantize(PENNY)


def times(amount: Decimal, *factors: Fraction) -> Decimal:
    """``amount × factors``, computed exactly and rounded once to the penny (the rounding rule).

    >>> times(Decimal("600000.00"), Fraction(1, 5), Fraction(1, 6))
    Decimal('20000.00')
    """
    exact = Fraction(amount)
    for factor in factors:
        exact *= factor
    return to_pennies(exact)


def pounds_text(amount: Decimal) -> str:
    """``£1,234.50`` for tables."""
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"
