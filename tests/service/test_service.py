"""The HTTP service: the same answers as the command line, tokens, limits, CORS, the event store and the register
(issue 13)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_client import AUTH, TOKEN, make_client

from swp_rules.examples import events_path
from swp_rules.service.openapi import SHIPPED, render

pytestmark = pytest.mark.slow  # the service

JSONL = {**AUTH, "Content-Type": "application/x-ndjson"}


def _cli(*args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-m", "swp_rules", *args, "--format", "json"], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr
    found: dict[str, object] = json.loads(done.stdout)
    return found


def test_the_embedded_example_gives_the_same_breaches_as_the_command_line(client: TestClient,
                                                                          example_body: bytes) -> None:
    answer = client.post("/check?as_of=2011-06-30", content=example_body, headers=JSONL)
    assert answer.status_code == 200, answer.text
    served = answer.json()
    printed = _cli("check", str(events_path()), "--as-of", "2011-06-30")
    assert served["breaches"] == printed["breaches"] and served["breaches"]
    assert served["open"] == printed["open"]
    assert served["input"] == printed["input"] and served["children"] == printed["children"]


def test_a_json_array_body_gives_the_same_answer_as_json_lines(client: TestClient, example_body: bytes) -> None:
    records = [json.loads(line) for line in example_body.decode().splitlines() if line.strip()]
    as_lines = client.post("/check?as_of=2011-06-30", content=example_body, headers=JSONL).json()
    as_array = client.post("/check?as_of=2011-06-30", json=records, headers=AUTH).json()
    assert as_array["breaches"] == as_lines["breaches"] and as_array["open"] == as_lines["open"]


def test_bad_records_are_rejected_with_reasons_and_counted(client: TestClient) -> None:
    body = b'{"id": "e1", "child": "C1", "type": "visit", "date": "2011-05-01"}\nnot json\n' \
           b'{"id": "e2", "child": "C1", "type": "nonsense", "date": "2011-05-01"}\n'
    found = client.post("/check?as_of=2011-06-30", content=body, headers=JSONL).json()
    assert found["input"] == {"read": 3, "evaluated": 1, "duplicates": 0, "rejected": 2}
    assert [r["line"] for r in found["rejected"]] == [2, 3]


@pytest.mark.parametrize("body, content_type, reason", [
    (b"{not json", "application/json", "not valid JSON"),
    (b'{"id": "e1"}', "application/json", "JSON array"),
    (b"[]", "text/csv", "unsupported Content-Type"),
])
def test_a_body_that_is_not_events_is_a_400_with_a_reason(client: TestClient, body: bytes, content_type: str,
                                                          reason: str) -> None:
    answer = client.post("/check?as_of=2011-06-30", content=body, headers={**AUTH, "Content-Type": content_type})
    assert answer.status_code == 400 and reason in answer.json()["detail"]


def test_explain_is_the_command_lines_explain(client: TestClient, example_body: bytes) -> None:
    served = client.post("/explain?child=EX000001&as_of=2011-06-30", content=example_body, headers=JSONL).json()
    printed = _cli("explain", str(events_path()), "--child", "EX000001", "--as-of", "2011-06-30")
    assert served["duties"] == printed["duties"] and served["events"] == printed["events"]
    missing = client.post("/explain?child=nobody", content=example_body, headers=JSONL)
    assert missing.status_code == 404


def test_indicators_and_payments_answer(client: TestClient, example_body: bytes) -> None:
    indicators = client.post("/indicators?period=2011/12", content=example_body, headers=JSONL)
    assert indicators.status_code == 200, indicators.text
    printed = _cli("indicators", str(events_path()), "--period", "2011/12")
    assert indicators.json()["indicators"] == printed["indicators"]
    payments = client.post("/payments?contract=contracts/liverpool-pss-illustrative&period=2011/12",
                           content=example_body, headers=JSONL)
    assert payments.status_code == 200, payments.text
    printed = _cli("payments", str(events_path()), "--contract", "contracts/liverpool-pss-illustrative",
                   "--period", "2011/12")
    assert payments.json()["payments"] == printed["payments"]


def test_only_shipped_rulesets_are_accepted(client: TestClient, example_body: bytes) -> None:
    listed = client.get("/rulesets", headers=AUTH).json()["rulesets"]
    assert any(r["id"] == "statutory/cpr-2010" for r in listed)
    shown = client.get("/rulesets/statutory/cpr-2010", headers=AUTH).json()
    assert shown["ruleset"]["id"] == "statutory/cpr-2010" and shown["rules"]
    assert client.get("/rulesets/../../etc/passwd", headers=AUTH).status_code == 404
    refused = client.post("/check?ruleset=/etc/passwd", content=example_body, headers=JSONL)
    assert refused.status_code == 400 and "no shipped ruleset" in refused.json()["detail"]


def test_every_route_but_health_needs_a_token() -> None:
    with make_client() as client:
        document = client.app_state = None  # noqa: F841 - keep the client open
        paths = json.loads(SHIPPED.read_text())["paths"]
        for path, operations in paths.items():
            concrete = path.replace("{ruleset_id}", "statutory/cpr-2010").replace("{event_id}", "e1").replace(
                "{child}", "C1")
            for method in operations:
                for headers in ({}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": TOKEN}):
                    answer = client.request(method.upper(), concrete, headers=headers)
                    if path == "/health":
                        assert answer.status_code == 200
                    else:
                        assert answer.status_code == 401, (method, path, headers)
                        assert answer.headers["www-authenticate"] == "Bearer"


def test_a_body_over_the_limit_is_refused_with_413(example_body: bytes) -> None:
    with make_client(max_body=1000) as client:
        answer = client.post("/check", content=example_body, headers=JSONL)
        assert answer.status_code == 413
        streamed = client.post("/check", content=iter([example_body[:800], example_body[800:1600]]), headers=JSONL)
        assert streamed.status_code == 413
        assert client.post("/check?as_of=2011-06-30", content=b"[]", headers=AUTH).status_code == 200


def test_a_request_over_the_time_limit_gets_503(example_body: bytes) -> None:
    with make_client(timeout=0.001) as client:
        answer = client.post("/check?as_of=2011-06-30", content=example_body * 1, headers=JSONL)
        assert answer.status_code == 503 and "longer than" in answer.json()["detail"]


def test_cors_is_off_unless_asked(example_body: bytes) -> None:
    preflight = {"Origin": "https://case-system.example", "Access-Control-Request-Method": "POST"}
    with make_client() as client:
        assert "access-control-allow-origin" not in client.options("/check", headers=preflight).headers
        assert "access-control-allow-origin" not in client.get("/health", headers=preflight).headers
    with make_client(cors_origins=("https://case-system.example",)) as client:
        answer = client.options("/check", headers=preflight)
        assert answer.headers["access-control-allow-origin"] == "https://case-system.example"


def test_no_log_line_holds_a_body_a_query_string_or_a_child(caplog: pytest.LogCaptureFixture,
                                                            example_body: bytes) -> None:
    secret_child = "CHILD-SECRET-7731"
    event = {"id": "ev-secret-1", "child": secret_child, "type": "looked_after_started", "date": "2011-05-01",
             "legal_status": "C2"}
    caplog.set_level(logging.DEBUG)
    with make_client() as client:
        client.put("/events/ev-secret-1", json=event, headers=AUTH)
        client.get(f"/children/{secret_child}/duties?as_of=2011-06-30", headers=AUTH)
        client.get("/children/CHILD-SECRET-404/duties", headers=AUTH)
        client.post(f"/explain?child={secret_child}&as_of=2011-06-30", json=[event], headers=AUTH)
        client.post("/check?as_of=2011-06-30&family=visit", json=[event], headers=AUTH)
        client.post("/check?as_of=not-a-date", content=b"{bad " + secret_child.encode(), headers=AUTH)
        client.delete("/events/ev-secret-1", headers=AUTH)
        client.get(f"/children/{secret_child}/duties", headers={"Authorization": "Bearer " + secret_child})
    client_side = ("httpx", "httpcore", "asyncio")  # the test's own HTTP client logs its URLs; the service may not
    lines = [record.getMessage() for record in caplog.records if not record.name.startswith(client_side)]
    assert any("/children/{child}/duties" in line for line in lines)  # the access log names routes
    for line in lines:
        for secret in (secret_child, "ev-secret-1", "2011-06-30", "as_of=", "legal_status", "SECRET"):
            assert secret not in line, line


def test_the_event_store_adds_corrects_and_withdraws(example_body: bytes) -> None:
    records = [json.loads(line) for line in example_body.decode().splitlines() if line.strip()]
    child = "EX000001"
    mine = [r for r in records if r["child"] == child]
    with make_client() as client:
        for record in mine:
            assert client.put(f"/events/{record['id']}", json=record, headers=AUTH).json()["result"] == "added"
        assert client.put(f"/events/{mine[0]['id']}", json=mine[0], headers=AUTH).json()["result"] == "unchanged"
        stored = client.get(f"/children/{child}/duties?as_of=2011-06-30", headers=AUTH).json()
        _valid(stored, "ChildDuties")  # the answer is what the OpenAPI document says
        explained = client.post(f"/explain?child={child}&as_of=2011-06-30", content=example_body,
                                headers=JSONL).json()
        assert stored["duties"] == explained["duties"]
        visit = next(r for r in mine if r["type"] == "visit")
        moved = dict(visit, date="2011-06-29")
        assert client.put(f"/events/{visit['id']}", json=moved, headers=AUTH).json()["result"] == "replaced"
        corrected = [dict(r, date="2011-06-29") if r["id"] == visit["id"] else r for r in records]
        after = client.get(f"/children/{child}/duties?as_of=2011-06-30", headers=AUTH).json()
        batch = client.post(f"/explain?child={child}&as_of=2011-06-30", json=corrected, headers=AUTH).json()
        assert after["duties"] == batch["duties"]
        assert client.delete(f"/events/{visit['id']}", headers=AUTH).status_code == 204
        assert client.delete(f"/events/{visit['id']}", headers=AUTH).status_code == 404
        assert client.get("/events", headers=AUTH).json() == {"events": len(mine) - 1, "children": 1}
        assert client.get("/children/nobody/duties", headers=AUTH).status_code == 404
        wrong = client.put("/events/other-id", json=visit, headers=AUTH)
        assert wrong.status_code == 400 and "id" in wrong.json()["detail"]
        invalid = client.put("/events/x1", json={"child": "C1", "type": "visit", "date": "2011-13-01"},
                             headers=AUTH)
        assert invalid.status_code == 400 and invalid.json()["detail"].startswith("date:")


def test_the_register_over_http(tmp_path: Path, example_body: bytes) -> None:
    with make_client(register=str(tmp_path / "served.db")) as client:
        first = client.post("/check?as_of=2011-06-30&record=true", content=example_body, headers=JSONL).json()
        again = client.post("/check?as_of=2011-06-30&record=true", content=example_body, headers=JSONL).json()
        assert first["register"]["added"] and not again["register"]["added"]
        assert again["register"]["run"] == first["register"]["run"]
        second = client.post("/check?as_of=2011-09-30&record=true", content=example_body, headers=JSONL).json()
        runs = client.get("/register/runs", headers=AUTH).json()["runs"]
        assert [r["id"] for r in runs] == [first["register"]["run"], second["register"]["run"]]
        still = client.get("/register/breaches?open=true", headers=AUTH).json()["breaches"]
        assert still and all(b["open"] for b in still)
        diff = client.get(f"/register/diff?from={runs[0]['id']}&to={runs[1]['id']}", headers=AUTH).json()
        assert set(diff) >= {"new", "resolved", "still_open"}
        every = client.get("/register/breaches", headers=AUTH).json()
        for component, answer in (("RegisterRuns", {"runs": runs}), ("RegisterBreaches", every),
                                  ("RegisterDiff", diff)):  # the answers are what the OpenAPI document says
            _valid(answer, component)
        assert client.get("/register/diff?from=1&to=99", headers=AUTH).status_code == 404
    with make_client() as client:
        assert client.get("/register/runs", headers=AUTH).status_code == 503
        assert client.post("/check?record=true", content=b"[]", headers=AUTH).status_code == 400


def _valid(answer: object, component: str) -> None:
    import jsonschema

    document = json.loads(SHIPPED.read_text())
    schema = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(answer)


def test_the_shipped_openapi_document_is_the_generated_one() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == render(), "run: python -m swp_rules.service.openapi"
    document = json.loads(SHIPPED.read_text())
    assert document["openapi"].startswith("3.")
    check = document["paths"]["/check"]["post"]
    assert check["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("CheckResult")
    assert "Event" in document["components"]["schemas"]
