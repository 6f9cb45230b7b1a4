"""Every register test runs on SQLite and on the PostgreSQL server named by ``SWP_RULES_TEST_POSTGRES`` (skipped,
and said so at the end of the run, when it is unset)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from databases import postgres_base_url, skipped_for_postgres, throwaway_register


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql" and postgres_base_url() is None:
        skipped_for_postgres.append(request.node.nodeid)
        pytest.skip("no PostgreSQL server: SWP_RULES_TEST_POSTGRES is not set")
    return str(request.param)


@pytest.fixture
def new_register(backend: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes names of new, empty registers on the test's back end (each call a new one)."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(throwaway_register(backend, tmp_path))


@pytest.fixture
def register_name(new_register: Callable[[], str]) -> str:
    return new_register()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if skipped_for_postgres:
        terminalreporter.write_line(
            f"PostgreSQL: {len(skipped_for_postgres)} register and service tests were SKIPPED (no server): set "
            "SWP_RULES_TEST_POSTGRES=postgresql+psycopg://USER@HOST:PORT/DB to run them; .ci/run does.",
            yellow=True, bold=True)
