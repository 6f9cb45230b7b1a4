"""check's table: the summary first, at most --limit rows and how many more, and no word of an explanation lost on
an 80-column terminal."""

from __future__ import annotations

import datetime as dt
import io
import re

from click.testing import CliRunner
from rich.console import Console

from swp_rules.cli import main
from swp_rules.engine import Engine
from swp_rules.examples import events_path
from swp_rules.io.events import load_events
from swp_rules.report.duties import limited


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


def test_every_word_of_every_explanation_is_kept_at_80_columns() -> None:
    evaluation = Engine().evaluate(load_events([events_path()]).events, dt.date(2011, 12, 31))
    breaches = evaluation.breaches[:20]
    out = io.StringIO()
    console = Console(file=out, width=80, soft_wrap=False, highlight=False)
    for part in limited(breaches, evaluation.open[:5], 20, 80):
        console.print(part)
    printed = out.getvalue()
    assert max(len(line) for line in printed.splitlines()) <= 80
    flowing = " ".join(_words(printed))
    for breach in breaches:
        assert " ".join(_words(breach.explanation)) in flowing


def test_check_table_opens_with_the_summary_and_says_how_many_more() -> None:
    result = CliRunner().invoke(main, ["check", str(events_path()), "--as-of", "2011-12-31", "--format", "table",
                                       "--limit", "5"])
    assert result.exit_code == 1, result.output
    text = result.stdout
    assert text.index("Summary by family, rule and basis") < text.index("Breaches (")
    assert "the 5 most overdue" in text
    assert re.search(r"… and \d+ more breaches: --limit 0 shows all", text)
