"""The embedded example practice: synthetic case events for ``swp-rules demo`` and the documentation.

150 looked-after children of an illustrative council, 120 of them with a Liverpool-style social work practice from
1 April 2011 (regenerate with ``tools/make_example.py``). Synthetic: no real child is described.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Final

#: The practice the example's ``practice_assigned`` events name.
PRACTICE: Final = "liverpool-pss"
#: The illustrative contract the demo settles.
CONTRACT: Final = "contracts/liverpool-pss-illustrative"
#: The financial year the demo reports on, and the date it evaluates duties as of.
PERIOD: Final = "2011-04-01..2012-03-31"
AS_OF: Final = dt.date(2012, 3, 31)


def events_path() -> Path:
    """The example's events file (JSON Lines)."""
    return Path(str(resources.files(__package__).joinpath("practice.jsonl")))
