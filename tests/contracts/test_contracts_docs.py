"""``docs/contracts.md``: its examples run as written."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # docs/contracts.md's examples

DOCS = Path(__file__).resolve().parents[2] / "docs" / "contracts.md"


def test_docs_examples() -> None:
    failures, tried = doctest.testfile(str(DOCS), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0
