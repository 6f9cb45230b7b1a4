"""The ``swp-rules`` command line (SPEC.md §3): a thin layer over the Python API."""

from __future__ import annotations

import importlib
import os
import sys

import click

from swp_rules.cli.common import EXIT_CANNOT_RUN


class _Group(click.Group):
    """Usage errors exit 2 (SPEC.md §3); an unexpected error never prints a traceback or case data.

    Each command's module is imported only when the command runs (``--help`` and one command stay quick)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in _COMMANDS:
            return found
        module = importlib.import_module(f"swp_rules.cli.{_COMMANDS[cmd_name]}")
        for command in module.COMMANDS:
            self.add_command(command)
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        """As click's, with 'did you mean' over every command, the ones not imported yet included."""
        name = click.utils.make_str(args[0]) if args else ""
        if args and not name.startswith("-") and self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            from swp_rules.rulesets.suggest import closest

            raise click.exceptions.NoSuchCommand(name, possibilities=closest(name, self.list_commands(ctx)),
                                                 ctx=ctx)
        return super().resolve_command(ctx, args)

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
            if type(exc).__name__ == "WorkerFailed":  # io.parts: a worker process stopped; its message holds no data
                click.echo(f"swp-rules: error: {exc}", err=True)
                sys.exit(EXIT_CANNOT_RUN)
            click.echo(f"swp-rules: internal error ({type(exc).__name__}); nothing was written. "
                       "Set SWP_RULES_DEBUG=1 to see the traceback (it may contain case data).", err=True)
            sys.exit(EXIT_CANNOT_RUN)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="swp-rules")
def main() -> None:
    """Statutory duties, outcome indicators and practice-contract payments for looked-after children."""


#: Each command's name and the module (in ``swp_rules.cli``) that defines it in its ``COMMANDS``.
_COMMANDS: dict[str, str] = {
    "check": "check",
    "explain": "check",
    "demo": "demo",
    "import-903": "import_903",
    "indicators": "indicators",
    "payments": "payments",
    "register": "register",
    "report": "report",
    "rulesets": "rulesets",
    "serve": "serve",
}
