"""The HTTP service (docs/service.md): the command line's evaluations over HTTP, the breach register, and an event
store for case systems that push events as they happen. A thin layer over the library, like the command line."""

from __future__ import annotations

import logging
from typing import Annotated, Any, Final

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp

from swp_rules.service import routes_evaluate, routes_register, routes_store
from swp_rules.service.bodies import BodyError
from swp_rules.service.engines import Engines, UnknownRuleset
from swp_rules.service.middleware import LimitsAndLog
from swp_rules.service.settings import ServiceSettings
from swp_rules.service.state import ServiceState

log: Final = logging.getLogger("swp_rules.service")
_bearer = HTTPBearer(auto_error=False, description="A token from the service's token file or SWP_RULES_TOKENS.")


def _unauthorised() -> HTTPException:
    return HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})


def create_app(settings: ServiceSettings) -> FastAPI:
    """The ASGI application (``swp-rules serve`` runs it on uvicorn). Refuses to start without a token."""
    if not settings.tokens:
        raise ValueError("the service needs at least one bearer token (a token file or SWP_RULES_TOKENS)")
    from importlib.metadata import version

    app = FastAPI(
        title="swp-rules", version=version("swp-rules"),
        description="Statutory duties, outcome indicators and practice-contract payments for looked-after "
                    "children, and the breach register, over HTTP. Every route but /health needs a bearer token.",
        docs_url=None, redoc_url=None,
        generate_unique_id_function=lambda route: route.name,  # operationIds a generated client reads: putEvent…
    )
    app.state.swp = ServiceState(settings=settings, engines=Engines())

    def require_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise _unauthorised()
        if not settings.tokens.accepts(credentials.credentials):
            raise _unauthorised()

    guarded = [Depends(require_token)]
    app.include_router(routes_evaluate.router, dependencies=guarded)
    app.include_router(routes_store.router, dependencies=guarded)
    app.include_router(routes_register.router, dependencies=guarded)

    @app.get("/health", tags=["service"], summary="Whether the service is up (no token needed)")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.exception_handler(BodyError)
    async def _body(_: Request, exc: BodyError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(UnknownRuleset)
    async def _ruleset(_: Request, exc: UnknownRuleset) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> JSONResponse:  # a bug must not leak data: the type only
        log.error("internal error (%s)", type(exc).__name__)
        return JSONResponse({"detail": f"internal error ({type(exc).__name__})"}, status_code=500)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            from swp_rules.service.openapi import components

            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            schema.setdefault("components", {}).setdefault("schemas", {}).update(components())
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def asgi(settings: ServiceSettings) -> ASGIApp:
    """The application wrapped in the limits, the access log and (only when origins are given) CORS."""
    app: ASGIApp = create_app(settings)
    if settings.cors_origins:
        app = CORSMiddleware(app, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST", "PUT",
                             "DELETE"], allow_headers=["Authorization", "Content-Type"])
    return LimitsAndLog(app, max_body=settings.max_body, timeout=settings.timeout)
