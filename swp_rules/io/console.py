"""``SafeConsole``: a rich console that prints text as given, never as markup, with control characters (terminal
escape sequences) shown as ``\\xNN`` rather than sent to the terminal (``swp_rules.io.output.terminal_text``).

In a module of its own so that a command that writes no table does not import rich.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from swp_rules.io.output import terminal_text


class SafeConsole(Console):
    """A rich console for case data: strings are printed as given (never read as ``[markup]``), with control
    characters made visible (``terminal_text``). Styled headings are passed as ``rich.text.Text``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        kwargs.setdefault("emoji", False)
        kwargs.setdefault("highlight", False)
        super().__init__(**kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        kwargs["markup"] = False
        kwargs["emoji"] = False
        return super().render_str(terminal_text(text), **kwargs)
