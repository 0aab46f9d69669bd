"""The FastAPI app factory: ``uvicorn his.app:create_app --factory``."""
from __future__ import annotations

import gc
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Optional

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException

from his.api import FEATURE_ROUTERS
from his.api.deps import require_service_token
from his.api.schemas import HealthOut
from his.clock import Clock, system_clock
from his.db import Database
from his.errors import HisError
from his.settings import DEV_TOKEN, Settings, get_settings

log = logging.getLogger("his")
API_VERSION = "1.0.0"
DESCRIPTION = """示范市第一人民医院 scheduling / HIS reference service.

* Every `/api` call needs `Authorization: Bearer <HIS_API_TOKEN>`; `/health` does not.
* Patient-specific calls also need `X-Patient-Token` from `/api/verification/*`, for that patient.
* Errors are `{"code", "message", "alternatives", "details"}`; `code` is stable and machine-readable.
* Times are ISO 8601 in Asia/Shanghai (`+08:00`); fees are yuan strings (`"50.00"`).
"""


def _error_response(code: str, message: str, status: int, **extra: Any) -> JSONResponse:
    body = {"code": code, "message": message, "alternatives": [], "details": {}}
    body.update(extra)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HisError)
    async def his_error(_: Request, exc: HisError) -> JSONResponse:
        return _error_response(exc.code, exc.message, exc.status, alternatives=exc.alternatives,
                               details=exc.details)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")),
                   "type": str(e.get("type", ""))} for e in exc.errors()]
        return _error_response("validation_error", "invalid request", 422, details={"errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error_response(code, str(exc.detail), exc.status_code)

    @app.exception_handler(Exception)
    async def internal_error(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return _error_response("internal_error", "internal error", 500)


def create_app(settings: Optional[Settings] = None, *, clock: Clock = system_clock,
               database: Optional[Database] = None) -> FastAPI:
    """Build the app. Tests pass their own settings, clock and database."""
    settings = settings or get_settings()
    settings.check_production()
    db = database or Database.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.api_token.get_secret_value() == DEV_TOKEN:
            log.warning("HIS_API_TOKEN is the development default; set it outside development")
        # Everything imported and built so far lives as long as the process: move it out of the
        # collector's sight, so full collections stay short (they were the 80-120 ms latency
        # spikes seen by `make bench`).
        gc.collect()
        gc.freeze()
        yield
        if database is None:
            db.dispose()

    app = FastAPI(title="HIS scheduling service", version=API_VERSION, description=DESCRIPTION,
                  lifespan=lifespan)
    app.state.settings, app.state.db, app.state.clock = settings, db, clock
    _install_error_handlers(app)

    @app.get("/health", response_model=HealthOut, tags=["health"])
    def health() -> Any:
        """Liveness and database check; no authentication."""
        try:
            with db.read() as session:
                session.execute(text("SELECT 1"))
            state = "ok"
        except Exception:  # noqa: BLE001 - reported, not raised
            state = "unavailable"
        body = HealthOut(status="ok" if state == "ok" else "degraded", database=state,
                         time=clock().astimezone(settings.tz))
        return body if state == "ok" else JSONResponse(body.model_dump(mode="json"), status_code=503)

    api = APIRouter(prefix="/api", dependencies=[Depends(require_service_token)])
    for router in FEATURE_ROUTERS:
        api.include_router(router)
    app.include_router(api)
    return app
