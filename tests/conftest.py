"""Hypothesis profiles for the test suite, chosen by the ``HYPOTHESIS_PROFILE`` environment variable.

* ``ci`` (the default when the variable is unset): 50 examples, no deadline, derandomised so runs repeat, and
  the reproduction blob printed on failure;
* ``dev``: 300 examples, no deadline, for a thorough local run;
* ``default``: Hypothesis's own settings, unchanged.
"""

from __future__ import annotations

import os

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
