"""Results as plain data: ``to_dict`` and ``from_dict`` for every result type, through the one converter
(``swp_rules.report.convert``, SPEC.md §2, §4: results serialise to JSON and back).

The converter is imported when a result is first converted, so the model and the engine do not depend on the report
layer at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self


class PlainData:
    """A base for attrs result classes: ``to_dict()`` gives JSON-ready data and ``from_dict`` reads it back, so
    ``type(x).from_dict(x.to_dict()) == x``."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """As JSON-ready plain data (``swp_rules.report.convert``)."""
        from swp_rules.report.convert import unstructure

        return unstructure(self)  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Read back what ``to_dict`` wrote."""
        from swp_rules.report.convert import structure

        return structure(data, cls)
