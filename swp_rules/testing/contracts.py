"""Contract parameters for payment-by-results tests: fees, shares, outcome thresholds and weights, exact."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, Literal

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

#: The outcome measures a generated contract pays on, with their polarity (the national indicators and the pilots'
#: contract outcomes, docs/indicators.md).
CONTRACT_OUTCOMES: Final[dict[str, Literal["higher", "lower"]]] = {
    "placement_stability_number": "lower",  # NI 62: share of children with 3+ placements
    "placement_stability_length": "higher",  # NI 63
    "reviews_on_time": "higher",  # NI 66
    "visits_on_time": "higher",
    "health_assessments_on_time": "higher",
    "sdq_mean": "lower",  # NI 58 (a score 0–40, scaled here to 0–1)
    "worker_continuity": "higher",
    "missing_episodes_rate": "lower",
}


def _parts(draw: DrawFn, parts: int, total: int | None) -> list[int]:
    """``parts`` positive integers: summing to ``total`` when given, else each 1–10 (shrinks to equal)."""
    if total is None:
        return [draw(st.integers(1, 10)) for _ in range(parts)]
    out: list[int] = []
    remaining = total
    for left in range(parts - 1, 0, -1):
        part = draw(st.integers(1, remaining - left))
        out.append(part)
        remaining -= part
    return [*out, remaining]


def contracts(
    *, min_outcomes: int = 1, max_outcomes: int = 6, weights: Literal["fraction", "decimal"] = "fraction"
) -> SearchStrategy[dict[str, Any]]:
    """Valid contract parameter dicts for payment-by-results tests (docs/contracts.md).

    A draw is a parameter set, not a contract file: write its fields into a contract file (``docs/contracts.md``,
    numbers as exact text) or build ``swp_rules.contracts`` objects from them, as
    ``tests/contracts/test_contracts_properties.py`` does. The outcome ids are the names in ``CONTRACT_OUTCOMES``;
    map them to indicator measures as your contract does. The dict holds:

    * ``id``: ``"contract-<n>"``;
    * ``fee``: the annual operations fee, a ``Decimal`` in whole pence, £50,000–£5,000,000;
    * ``performance_share``: a ``Decimal`` between 0 and 0.6 in hundredths (DCSF's ramp, 0% → 60%);
    * ``outcome_pot``: ``fee × performance_share``, exact;
    * ``outcomes``: a list of distinct outcomes from ``CONTRACT_OUTCOMES``, each ``{"id", "polarity", "lower",
      "upper", "weight"}``: thresholds are ``Decimal`` fractions of 1 in hundredths with ``lower < upper`` for
      ``"higher"`` polarity and ``lower > upper`` for ``"lower"`` (so ``(a − L)/(U − L)`` works for both);
      ``weight`` is a ``Fraction`` (or, with ``weights="decimal"``, a ``Decimal`` in hundredths) and the
      weights sum to exactly 1.

    >>> from hypothesis import given
    >>> @given(contracts())
    ... def test_weights(contract):
    ...     assert sum(o["weight"] for o in contract["outcomes"]) == 1
    >>> test_weights()
    """
    if not 1 <= min_outcomes <= max_outcomes <= len(CONTRACT_OUTCOMES):
        raise ValueError(f"need 1 <= min_outcomes <= max_outcomes <= {len(CONTRACT_OUTCOMES)}")

    @st.composite
    def build(draw: DrawFn) -> dict[str, Any]:
        fee = Decimal(draw(st.integers(5_000_000, 500_000_000))).scaleb(-2)
        share = Decimal(draw(st.integers(0, 60))).scaleb(-2)
        names = draw(
            st.lists(
                st.sampled_from(sorted(CONTRACT_OUTCOMES)),
                min_size=min_outcomes,
                max_size=max_outcomes,
                unique=True,
            )
        )
        parts = _parts(draw, len(names), 100 if weights == "decimal" else None)
        total = sum(parts)
        outcomes = []
        for name, part in zip(names, parts, strict=True):
            low, high = sorted(draw(st.lists(st.integers(0, 100), min_size=2, max_size=2, unique=True)))
            polarity = CONTRACT_OUTCOMES[name]
            lower, upper = (low, high) if polarity == "higher" else (high, low)
            weight: Fraction | Decimal = (
                Decimal(part).scaleb(-2) if weights == "decimal" else Fraction(part, total)
            )
            outcomes.append(
                {
                    "id": name,
                    "polarity": polarity,
                    "lower": Decimal(lower).scaleb(-2),
                    "upper": Decimal(upper).scaleb(-2),
                    "weight": weight,
                }
            )
        return {
            "id": f"contract-{draw(st.integers(1, 999))}",
            "fee": fee,
            "performance_share": share,
            "outcome_pot": fee * share,
            "outcomes": outcomes,
        }

    return build()
