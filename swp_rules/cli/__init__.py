"""The ``swp-rules`` command line (SPEC.md §3): a thin layer over the Python API."""

from __future__ import annotations

import os
import sys

import click

from swp_rules.cli.common import EXIT_CANNOT_RUN


class _Group(click.Group):
    """Usage errors exit 2 (SPEC.md §3); an unexpected error never prints a traceback or case data."""

    def main(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[call-overload]
            sys.exit(code if isinstance(code, int) else 0)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(EXIT_CANNOT_RUN if exc.exit_code in (1, 2) else exc.exit_code)
        except click.exceptions.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(EXIT_CANNOT_RUN)
        except BrokenPipeError:
            sys.exit(0)
        except Exception as exc:  # the last guard: a bug must not leak data or a traceback
            if os.environ.get("SWP_RULES_DEBUG"):  # a developer's explicit request: the traceback may show case data
                raise
            click.echo(f"swp-rules: internal error ({type(exc).__name__}); nothing was written. "
                       "Set SWP_RULES_DEBUG=1 to see the traceback (it may contain case data).", err=True)
            sys.exit(EXIT_CANNOT_RUN)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="swp-rules")
def main() -> None:
    """Statutory duties, outcome indicators and practice-contract payments for looked-after children."""


def _register() -> None:
    from swp_rules.cli import check, demo, import_903, indicators, payments, rulesets

    for module in (check, demo, import_903, indicators, payments, rulesets):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
