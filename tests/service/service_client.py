"""The service's test client and token, shared by the service's tests (a module of its own: ``conftest`` is a name
every test folder has, so importing from it picks whichever folder's was imported first)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from swp_rules.service import ServiceSettings, TokenStore, asgi

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def make_client(**settings: object) -> TestClient:
    options: dict[str, object] = {"tokens": TokenStore.of([TOKEN])}
    options.update(settings)
    return TestClient(asgi(ServiceSettings(**options)))  # type: ignore[arg-type]
