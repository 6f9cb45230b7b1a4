"""The HTML report in a real browser: Debian's Chromium, headless, driven by Playwright's Python client.

The report loads with no console error and no request leaving the file; every chart draws its marks, in the number
the data gives; the breach table has a row per breach; hostile child ids stay text. Screenshots at 1280 and 390
pixels wide are written under the folder the test prints (``SWP_RULES_SCREENSHOTS``, or pytest's temporary folder).
Skipped, with the reason, only when Chromium is absent outside CI (``.ci/run`` installs it).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from swp_rules.examples import events_path
from swp_rules.io.events import load_events, load_records
from swp_rules.report.build import report_input
from swp_rules.report.html import render_report

pytestmark = pytest.mark.slow  # a real browser

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SCRIPT_ID = '<script>alert("x")</script>'
FORMULA_ID = '=HYPERLINK("http://example.invalid/x","click")'
AS_OF = dt.date(2012, 3, 31)


def _browser_or_skip() -> Any:
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "Playwright's Python client is not installed (pip install -e '.[dev]')"
    if reason is None and not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium chromium-driver)"
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    return sync_playwright


def _hostile(child: str, tag: str) -> list[dict[str, Any]]:
    return [
        {"id": f"{tag}c", "child": child, "type": "child", "date": "2011-01-01", "dob": "2005-01-01"},
        {"id": f"{tag}l", "child": child, "type": "looked_after_started", "date": "2011-01-01", "legal_status": "C2"},
        {"id": f"{tag}p", "child": child, "type": "placement_started", "date": "2011-01-01", "placement": "U1"},
    ]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    example = load_events([events_path()])
    keep = sorted({e.child for e in example.events})[:6]
    records = [e.to_dict() for e in example.events if e.child in keep]
    records += _hostile(SCRIPT_ID, "s") + _hostile(FORMULA_ID, "f")
    loaded = load_records(records, source="browser-test")
    assert not loaded.rejected
    data = report_input(loaded, AS_OF, title="Browser test <b>report</b>")
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report(data), encoding="utf-8")
    return path, data


@pytest.fixture(scope="module")
def page(report: tuple[Path, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, list[str],
                                                                                                 list[str]]]:
    sync_playwright = _browser_or_skip()
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=FLAGS,
            viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        errors: list[str] = []
        requests: list[str] = []
        tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.on("request", lambda request: requests.append(request.url))
        tab.goto(report[0].as_uri(), wait_until="load", timeout=300_000)
        yield tab, errors, requests
        context.close()


def test_loads_with_no_console_error_and_no_request_leaving_the_file(page: tuple[Any, list[str], list[str]],
                                                                      report: tuple[Path, Any]) -> None:
    tab, errors, requests = page
    assert errors == []
    assert requests == [report[0].as_uri()]
    assert tab.locator("script").count() == 0


def test_charts_draw_their_marks(page: tuple[Any, list[str], list[str]], report: tuple[Path, Any]) -> None:
    tab, _, _ = page
    data = report[1]
    chronologies = tab.locator('figure[data-chart="chronology"]')
    children = sorted({r.child for r in data.records} | set(data.events))
    assert chronologies.count() == len(children)
    for n in range(chronologies.count()):
        figure = chronologies.nth(n)
        events = int(figure.get_attribute("data-events"))
        assert figure.locator(f'g[id="marks-event-c{n}"] use').count() == events
        assert events == len(data.events[children[n]])
        clocks = int(figure.get_attribute("data-clocks"))
        assert figure.locator(f'g[id="marks-clock-c{n}"] path').count() == clocks
        breaches = int(figure.get_attribute("data-breaches"))
        assert figure.locator(f'g[id="marks-breach-c{n}"] path').count() == breaches
    ontime = tab.locator('figure[data-chart="ontime"]')
    assert ontime.locator('g[id^="mark-ontime-"]').count() == int(ontime.get_attribute("data-marks")) > 0
    family = tab.locator('figure[data-chart="family"]')
    assert family.locator('g[id^="mark-family-breaches-"]').count() == int(family.get_attribute("data-marks"))
    box = ontime.locator("svg").bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100


def test_the_breach_table_has_a_row_per_breach(page: tuple[Any, list[str], list[str]],
                                               report: tuple[Path, Any]) -> None:
    tab, _, _ = page
    breaches = [r for r in report[1].records if r.status == "breached"]
    assert breaches
    assert tab.locator("#breaches tbody tr.breach").count() == len(breaches)
    assert tab.locator("#breach-count").inner_text() == str(len(breaches))


def test_hostile_child_ids_stay_text(page: tuple[Any, list[str], list[str]]) -> None:
    tab, _, _ = page
    ids = tab.locator(".child-id").all_inner_texts()
    assert SCRIPT_ID in ids and FORMULA_ID in ids
    assert tab.locator("h1").inner_text() == "Browser test <b>report</b>"
    assert tab.locator("h1 b").count() == 0
    assert tab.evaluate("typeof window.alert") == "function" and tab.locator("script").count() == 0


def test_screenshots_at_desktop_and_phone_width(page: tuple[Any, list[str], list[str]],
                                                report: tuple[Path, Any]) -> None:
    tab, _, _ = page
    folder = Path(os.environ.get("SWP_RULES_SCREENSHOTS") or report[0].parent / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        tab.set_viewport_size({"width": width, "height": 1600})
        target = folder / f"report-{width}.png"
        tab.screenshot(path=str(target), full_page=False)
        assert target.stat().st_size > 10_000
        # nothing wider than the screen but the scrolling tables' own content
        overflow = tab.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width + 1, (width, overflow)
    print(f"\nscreenshots: {folder}")
