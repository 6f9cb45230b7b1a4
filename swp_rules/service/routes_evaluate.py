"""``POST /check``, ``/explain``, ``/indicators``, ``/payments`` (events in the body, the command line's options in
the query) and ``GET /rulesets``, ``/rulesets/{id}``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request

from swp_rules.engine.evaluate import REPORTED
from swp_rules.model import group_by_child
from swp_rules.periods import ReportingPeriod, parse_period
from swp_rules.rulesets.duties import FAMILIES
from swp_rules.rulesets.loader import RulesetError, find_ruleset_file, parse_file, ruleset_summary
from swp_rules.service.bodies import read_events
from swp_rules.service.common import EVENTS_BODY, answer, parse_day, state
from swp_rules.service.documents import DocumentResponse, check_document, explain_document
from swp_rules.service.engines import checked_ids, shipped_ids
from swp_rules.service.limits import ChildrenUntilTimeLimit, engine_lock, run_limited

router = APIRouter()


def _period(text: str) -> ReportingPeriod:
    try:
        return parse_period(text)
    except ValueError as exc:
        raise HTTPException(400, f"period: {exc}") from None

Rulesets = Annotated[list[str], Query(alias="ruleset", description="A shipped duty ruleset id (repeatable); "
                                      "default: the statutory rules in force on each date.")]
Period = Annotated[str, Query(description="A financial year (2011/12) or START..END.")]
AsOf = Annotated[str | None, Query(description="Evaluate as of this date, YYYY-MM-DD (default: the latest "
                                   "event's date).", pattern=r"^\d{4}-\d{2}-\d{2}$")]


@router.post("/check", tags=["evaluate"], summary="Breaches and open duties, as `swp-rules check`",
             response_class=DocumentResponse, openapi_extra=EVENTS_BODY,
             responses=answer("CheckResult", "As `swp-rules check --format json`."))
async def check(request: Request, rulesets: Rulesets = [], as_of: AsOf = None,  # noqa: B006
                family: Annotated[list[str], Query(description="Report only this rule family (repeatable).")] = [],  # noqa: B006
                record: Annotated[bool, Query(description="Record the run in the service's register.")] = False,
                ) -> DocumentResponse:
    swp = state(request)
    ids = checked_ids(rulesets, "statutory/") if rulesets else ()
    unknown = sorted(set(family) - set(FAMILIES))
    if unknown:
        raise HTTPException(400, f"family: unknown {unknown[0][:40]!r}; one of {', '.join(sorted(FAMILIES))}")
    if record and swp.settings.register is None:
        raise HTTPException(400, "record: the service was started without --register")
    day = parse_day(as_of, "as_of")
    body = await request.body()

    def work() -> dict[str, Any]:
        loaded = read_events(body, request.headers.get("content-type"))
        when = day or max((e.date for e in loaded.events), default=None)
        if when is None:
            raise HTTPException(400, "as_of is needed when the body holds no events")
        engine, lock = swp.engines.get(ids)
        with engine_lock(lock):
            children = ChildrenUntilTimeLimit(group_by_child(loaded.events))
            result = engine.evaluate_grouped(children, when, keep=REPORTED, release=True)
        if family:
            result = result.only(family)
        document = check_document(result, loaded)
        if record:
            from swp_rules.service.routes_register import record_run

            document["register"] = record_run(swp, result, loaded, body, family)
        return document

    return DocumentResponse(await run_limited(swp.settings.timeout, work))


@router.post("/explain", tags=["evaluate"], summary="One child's duties, each with its clock and why",
             response_class=DocumentResponse, openapi_extra=EVENTS_BODY,
             responses=answer("ExplainResult", "As `swp-rules explain --format json`."))
async def explain(request: Request, child: Annotated[str, Query(min_length=1, description="The child to explain.")],
                  rulesets: Rulesets = [], as_of: AsOf = None) -> DocumentResponse:  # noqa: B006
    swp = state(request)
    ids = checked_ids(rulesets, "statutory/") if rulesets else ()
    day = parse_day(as_of, "as_of")
    body = await request.body()

    def work() -> dict[str, Any]:
        loaded = read_events(body, request.headers.get("content-type"))
        mine = [e for e in loaded.events if e.child == child]
        if not mine:
            raise HTTPException(404, "no events for that child in the body")
        when = day or max(e.date for e in loaded.events)
        engine, lock = swp.engines.get(ids)
        with engine_lock(lock):
            records, timeline = engine.child_records(child, mine, when)
        return explain_document(child, when, engine.book.describe(), loaded, records, timeline)

    return DocumentResponse(await run_limited(swp.settings.timeout, work))


@router.post("/indicators", tags=["evaluate"], summary="Outcome indicators for a period",
             response_class=DocumentResponse, openapi_extra=EVENTS_BODY,
             responses=answer("IndicatorsResult", "As `swp-rules indicators --format json`."))
async def indicators(request: Request,
                     period: Period,
                     indicator: Annotated[list[str], Query(description="An indicator id (repeatable).")] = [],  # noqa: B006
                     ) -> DocumentResponse:
    from swp_rules.indicators import compute_indicators

    swp, chosen, body = state(request), _period(period), await request.body()

    def work() -> dict[str, Any]:
        loaded = read_events(body, request.headers.get("content-type"))
        try:
            report = compute_indicators(loaded.events, chosen, indicators=list(indicator) or None)
        except KeyError as exc:
            raise HTTPException(400, f"indicator: {exc.args[0]}") from None
        document = report.to_dict()
        return {"period": document["period"], "rulesets": document["rulesets"], "input": loaded.counts.to_dict(),
                "indicators": document["indicators"], "rejected": [r.to_dict() for r in loaded.rejected]}

    return DocumentResponse(await run_limited(swp.settings.timeout, work))


@router.post("/payments", tags=["evaluate"], summary="A practice contract's payment statement",
             response_class=DocumentResponse, openapi_extra=EVENTS_BODY,
             responses=answer("PaymentsResult", "As `swp-rules payments --format json`."))
async def payments(request: Request,
                   contract: Annotated[str, Query(description="A shipped contract id.")],
                   period: Period,
                   ) -> DocumentResponse:
    from swp_rules.contracts import load_contract, settle
    from swp_rules.contracts.settle import duty_rulesets_for
    checked_ids([contract], "contracts/")
    swp, chosen, body = state(request), _period(period), await request.body()

    def work() -> dict[str, Any]:
        loaded = read_events(body, request.headers.get("content-type"))
        terms = load_contract(contract)
        duty_ids = duty_rulesets_for(terms, [])
        try:
            statement = settle(terms, chosen, events=loaded.events, duty_rulesets=duty_ids)
        except (ValueError, LookupError) as exc:  # nothing to settle in the period; a measure unavailable
            raise HTTPException(400, str(exc)) from None
        from swp_rules.engine import load_rulebook

        described = [terms.describe(), *load_rulebook(duty_ids).describe()]
        return {"period": chosen.to_dict(), "rulesets": described, "input": loaded.counts.to_dict(),
                "payments": statement.to_dict(), "rejected": [r.to_dict() for r in loaded.rejected]}

    return DocumentResponse(await run_limited(swp.settings.timeout, work))


@router.get("/rulesets", tags=["rulesets"], summary="The shipped rulesets")
def list_rulesets() -> dict[str, Any]:
    rows = []
    for ruleset_id in sorted(shipped_ids()):
        try:
            rows.append(ruleset_summary(parse_file(find_ruleset_file(ruleset_id))))
        except RulesetError:
            rows.append({"id": ruleset_id, "kind": "invalid"})
    return {"rulesets": rows}


@router.get("/rulesets/{ruleset_id:path}", tags=["rulesets"], summary="One shipped ruleset, rule by rule",
            responses={404: {"description": "No shipped ruleset has that id."}})
def show_ruleset(ruleset_id: str) -> dict[str, Any]:
    if ruleset_id not in shipped_ids():
        raise HTTPException(404, "no shipped ruleset has that id")
    ruleset = parse_file(find_ruleset_file(ruleset_id))
    summary = ruleset_summary(ruleset)
    rules = [{"id": r.id, "title": r.title, "citation": getattr(r, "citation", None),
              "in_force": {"from": r.in_force_from.isoformat(),
                           "to": r.in_force_to.isoformat() if r.in_force_to else None}}
             for r in getattr(ruleset, "rules", ()) if hasattr(r, "in_force_from")]
    return {"ruleset": summary, "rules": rules}
