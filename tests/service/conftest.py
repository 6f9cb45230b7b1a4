"""The service under test: the ASGI application with its limits and log, a token, and a client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from swp_rules.examples import events_path
from swp_rules.service import ServiceSettings, TokenStore, asgi

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def make_client(**settings: object) -> TestClient:
    options: dict[str, object] = {"tokens": TokenStore.of([TOKEN])}
    options.update(settings)
    return TestClient(asgi(ServiceSettings(**options)))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with make_client() as found:
        yield found


@pytest.fixture(scope="session")
def example_body() -> bytes:
    return Path(events_path()).read_bytes()
