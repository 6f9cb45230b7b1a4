"""The bank-holiday table read back from the cache folder is the one the holidays package gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from swp_rules import calendar


def test_the_cached_table_is_the_package_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWP_RULES_CACHE_DIR", str(tmp_path))
    calendar._bank_holidays.cache_clear()
    try:
        built = calendar._bank_holidays()  # built from the package and written
        assert list(tmp_path.glob("*.json")) and not list(tmp_path.glob("*.pickle"))
        calendar._bank_holidays.cache_clear()
        monkeypatch.setattr(calendar, "_bank_holidays_from_package", lambda: pytest.fail("built again"))
        assert calendar._bank_holidays() == built == calendar.__dict__["_bank_holidays"]()
        assert dt.date(2011, 4, 29) in built and dt.date(2012, 6, 5) in built  # the Royal Wedding, the Jubilee
    finally:
        calendar._bank_holidays.cache_clear()
