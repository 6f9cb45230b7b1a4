"""Hypothesis profiles for the test suite, chosen by the ``HYPOTHESIS_PROFILE`` environment variable, and the
``slow`` marker.

* ``ci`` (the default when the variable is unset): 50 examples, no deadline, derandomised so runs repeat, and
  the reproduction blob printed on failure;
* ``dev``: 300 examples, no deadline, for a thorough local run;
* ``default``: Hypothesis's own settings, unchanged.

The cache folder (``SWP_RULES_CACHE_DIR``) is a temporary folder of the run's own, never the user's.

Property, metamorphic, state-machine and scale tests (files named ``*_properties.py``, ``*_scale.py``,
``test_metamorphic.py``, ``test_state_machine.py``, or marked ``pytest.mark.slow``) are ``slow``: ``make test-fast``
leaves them out (``-m "not slow"``), ``make test`` runs everything.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    deadline=None,
    max_examples=50,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=300, deadline=None)

settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The tests never write to the user's cache folder: ruleset trees and the bank-holiday table are kept in a folder of
# this run's own (subprocesses inherit it), removed when the run ends.
_CACHE = tempfile.mkdtemp(prefix="swp-rules-test-cache-")
os.environ["SWP_RULES_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, True)

_SLOW_FILES = re.compile(r"_properties\.py$|_scale\.py$|^test_metamorphic\.py$|^test_state_machine\.py$")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _SLOW_FILES.search(item.path.name):
            item.add_marker(pytest.mark.slow)
