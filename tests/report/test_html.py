"""The HTML report without a browser: ``report``, ``demo`` and ``explain --format html`` write one self-contained
page made from the template, with its charts, and nothing from the data is ever markup."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape

from swp_rules.cli import main
from swp_rules.examples import CONTRACT, events_path
from swp_rules.report.html import england_figures

pytestmark = pytest.mark.slow  # the HTML report and the demo, end to end

HOSTILE = '<img src=x onerror=alert(1)>"&'


def _events(tmp_path: Path) -> Path:
    path = tmp_path / "events.jsonl"
    records = [
        {"id": "c", "child": HOSTILE, "type": "child", "date": "2011-01-01", "dob": "2005-01-01"},
        {"id": "l", "child": HOSTILE, "type": "looked_after_started", "date": "2011-01-01", "legal_status": "C2"},
        {"id": "p", "child": HOSTILE, "type": "placement_started", "date": "2011-01-01", "placement": "U1",
         "carer": "</style><script>x()</script>"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _self_contained(page: str) -> None:
    assert "<script" not in page.lower()
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing loaded from elsewhere
    assert "default-src 'none'" in page  # and the page forbids it
    assert "@import" not in page and not re.search(r"url\((?!#)", page)  # only references inside the page


def test_report_command_writes_one_page_and_escapes_the_data(tmp_path: Path) -> None:
    out = tmp_path / "out.html"
    result = CliRunner().invoke(main, ["report", str(_events(tmp_path)), "--as-of", "2011-12-31", "-o", str(out)])
    assert result.exit_code == 1, result.output  # breaches found
    assert f"Wrote {out.resolve()}" in result.stderr
    page = out.read_text(encoding="utf-8")
    _self_contained(page)
    assert HOSTILE not in page and "&lt;img src=x onerror=alert(1)&gt;&#34;&amp;" in page
    assert "<script>x()" not in page and "&lt;/style&gt;&lt;script&gt;x()" in page
    assert page.count('data-chart="chronology"') == 1 and "<svg" in page


def test_report_with_period_and_contract_has_indicators_beside_england_and_payments(tmp_path: Path) -> None:
    out = tmp_path / "full.html"
    result = CliRunner().invoke(main, ["report", str(events_path()), "--as-of", "2011-12-31", "--period",
                                       "2011-10-01..2011-12-31", "--contract", CONTRACT, "-o", str(out)])
    assert result.exit_code == 1, result.output
    page = out.read_text(encoding="utf-8")
    _self_contained(page)
    assert 'id="indicators"' in page and 'id="payments"' in page and 'data-chart="payments"' in page
    assert "England" in page and str(escape(england_figures()["NI63"].source)) in page
    assert page.count('data-chart="chronology"') == 150


def test_report_refuses_a_contract_without_a_period(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(_events(tmp_path)), "--as-of", "2011-12-31", "--contract",
                                       CONTRACT, "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2 and "--contract needs --period" in result.stderr
    assert not (tmp_path / "x.html").exists()


def test_explain_html_is_the_childs_page(tmp_path: Path) -> None:
    out = tmp_path / "child.html"
    result = CliRunner().invoke(main, ["explain", str(_events(tmp_path)), "--child", HOSTILE, "--as-of",
                                       "2011-12-31", "--output", str(out)])
    assert result.exit_code == 1, result.output
    page = out.read_text(encoding="utf-8")
    _self_contained(page)
    assert page.count('<article class="child"') == 1 and HOSTILE not in page


def test_demo_writes_report_html_in_the_working_directory_and_says_where(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["demo", "--format", "json"])
    assert result.exit_code == 0, result.output
    written = tmp_path / "report.html"
    assert f"Wrote the HTML report: {written}" in result.stderr
    page = written.read_text(encoding="utf-8")
    _self_contained(page)
    for chart in ("family", "ontime", "indicators", "payments", "chronology"):
        assert f'data-chart="{chart}"' in page, chart


def test_england_figures_are_shipped_with_their_source_and_year() -> None:
    figures = england_figures()
    assert {"NI62", "NI63", "OC2-health-assessment", "OC2-dental"} <= set(figures)
    for figure in figures.values():
        assert 0 <= figure.percent <= 100 and 2000 < figure.year < 2100 and figure.source and figure.url


def test_docs_outputs_example_runs() -> None:
    import doctest

    docs = Path(__file__).resolve().parents[2] / "docs" / "outputs.md"
    failures, tried = doctest.testfile(str(docs), module_relative=False)
    assert tried > 0 and failures == 0
