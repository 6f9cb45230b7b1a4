"""Hypothesis profiles for the test suite, chosen by the ``HYPOTHESIS_PROFILE`` environment variable, and the
``slow`` marker.

* ``ci`` (the default when the variable is unset): 50 examples, no deadline, derandomised so runs repeat, and
  the reproduction blob printed on failure;
* ``dev``: 300 examples, no deadline, for a thorough local run;
* ``default``: Hypothesis's own settings, unchanged.

The cache folder (``SWP_RULES_CACHE_DIR``) is a temporary folder of the run's own, never the user's.

``slow`` tests: ``make test-fast`` leaves them out (``-m "not slow"``, under a minute on two cores), ``make test``
runs everything. Slow are: every Hypothesis property (a test with ``@given``), and the files named
``*_properties.py``, ``*_scale.py``, ``test_metamorphic.py`` and ``test_state_machine.py`` (marked here); the
state machines, the command line end to end on real files, the demo, the documents' examples, the service, the
browser, Dask, worker processes and the register on PostgreSQL (marked ``pytest.mark.slow`` where they are). The
fast set keeps the unit tests and the ruleset cases an author runs after each change.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, is_hypothesis_test, settings

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
        function = getattr(item, "obj", None)
        if _SLOW_FILES.search(item.path.name) or (function is not None and is_hypothesis_test(function)):
            item.add_marker(pytest.mark.slow)
