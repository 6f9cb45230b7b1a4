"""'Did you mean' suggestions for a mistyped name: a ruleset id, a command, an event type, a unit, a key.

The suggestion is the known name most like the word by ``difflib``'s similarity ratio (names equally close are all
offered, up to three); a word far from every name gets none (a wrong suggestion misleads more than none). Only names
the program itself defines are offered, never values from case records (a child's id is never suggested).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Final

#: How similar (difflib's ratio, 0..1) a known name must be to be offered.
_CUTOFF: Final = 0.6
#: At most this many names equally close are offered.
_MOST: Final = 3


def closest(word: str, known: Iterable[str]) -> list[str]:
    """The known names most like ``word`` (a match but for case first), in order; empty when none is close."""
    names = sorted({str(k) for k in known} - {word})
    folded = [k for k in names if k.lower() == word.lower()]
    if folded:
        return folded[:_MOST]
    scored = []
    for name in names:
        matcher = difflib.SequenceMatcher(None, word, name)
        if matcher.real_quick_ratio() >= _CUTOFF and matcher.quick_ratio() >= _CUTOFF:
            ratio = matcher.ratio()
            if ratio >= _CUTOFF:
                scored.append((ratio, name))
    if not scored:
        return []
    best = max(ratio for ratio, _ in scored)
    return [name for ratio, name in scored if ratio == best][:_MOST]


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """``"; did you mean 'months'?"`` when a known name is close to ``word``, else ``""`` (to append to a reason)."""
    found = closest(word, known)
    if not found:
        return ""
    return "; did you mean " + " or ".join(repr(name) for name in found) + "?"
