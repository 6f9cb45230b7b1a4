"""The service under test: the ASGI application with its limits and log, a token, and a client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_client import make_client

from swp_rules.examples import events_path


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with make_client() as found:
        yield found


@pytest.fixture(scope="session")
def example_body() -> bytes:
    return Path(events_path()).read_bytes()
