"""Schemathesis against the shipped OpenAPI document, on the service listening on loopback (issue 13): bounded
examples for every operation, with a token; no request may get a server error (5xx), nor break the schema of its
answer's status code."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from live import serving
from schemathesis.checks import not_a_server_error
from service_client import TOKEN

from swp_rules.service import ServiceSettings, TokenStore
from swp_rules.service.openapi import SHIPPED

pytestmark = pytest.mark.slow  # the service on loopback under schemathesis

schema = schemathesis.openapi.from_path(SHIPPED)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    register = tmp_path_factory.mktemp("served") / "register.db"
    with serving(ServiceSettings(tokens=TokenStore.of([TOKEN]), register=str(register), timeout=120)) as url:
        yield url


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_with_a_server_error(case: schemathesis.Case, base_url: str) -> None:
    response = case.call(base_url=base_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120)
    case.validate_response(response, checks=(not_a_server_error,))
