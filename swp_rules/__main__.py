"""``python -m swp_rules`` is the ``swp-rules`` command."""

from swp_rules.cli import main

main()
