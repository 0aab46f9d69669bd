"""The FastAPI app factory: ``uvicorn console.app:create_app --factory``."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Dict, Optional

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from console.api import assist, auth, service, supervisor, workbench, ws
from console.api.web import mount_web
from console.api.deps import Ctx, require_service_token
from console.clock import Clock, system_clock
from console.db import Database
from console.effects import Effects
from console.errors import ConsoleError
from console.hub import Hub
from console.rasa_client import RasaClient
from console.services import overview
from console.settings import DEV_SERVICE_TOKEN, Settings, get_settings

log = logging.getLogger("console")
API_VERSION = "0.1.0"
DESCRIPTION = """示范市第一人民医院 agents' console service: human handoff queue, routing, workbench,
tickets, surveys.

* Bot → console calls need `Authorization: Bearer <CONSOLE_SERVICE_TOKEN>`.
* Workbench calls need the session cookie from `POST /api/auth/login`; state-changing calls also
  `X-CSRF-Token`.
* Errors are `{"code", "message", "details"}`; `code` is stable and machine-readable.
* Times are ISO 8601 in Asia/Shanghai (`+08:00`).
"""


def _error(code: str, message: str, status: int, details: Optional[Dict[str, Any]] = None) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"code": code, "message": message, "details": details or {}}, status_code=status,
                        headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ConsoleError)
    async def console_error(_: Request, exc: ConsoleError) -> JSONResponse:
        return _error(exc.code, exc.message, exc.status, exc.details)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")),
                   "type": str(e.get("type", ""))} for e in exc.errors()]
        return _error("validation_error", "invalid request", 422, {"errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(code, str(exc.detail), exc.status_code)

    @app.exception_handler(Exception)
    async def internal_error(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return _error("internal_error", "internal error", 500)


def sweep_once(app: FastAPI) -> Dict[str, Any]:
    """One pass of the periodic sweep (expiry → tickets, routing, long-wait/long-chat alerts)."""
    state = app.state
    ctx = Ctx(settings=state.settings, db=state.db, now=state.clock(), hub=state.hub, rasa=state.rasa)
    effects = Effects()
    with ctx.db.write() as session:
        result = overview.sweep(session, settings=ctx.settings, now=ctx.now, effects=effects)
    result["rasa_failed"] = ctx.dispatch(effects)
    return result


def create_app(settings: Optional[Settings] = None, *, clock: Clock = system_clock,
               database: Optional[Database] = None, rasa: Optional[RasaClient] = None) -> FastAPI:
    """Build the app. Tests pass their own settings, clock, database and Rasa client."""
    settings = settings or get_settings()
    settings.check_production()
    db = database or Database.from_settings(settings)
    rasa_client = rasa or RasaClient(settings.rasa_url, settings.rasa_token.get_secret_value(),
                                     timeout_s=settings.rasa_timeout_s)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.service_token.get_secret_value() == DEV_SERVICE_TOKEN:
            log.warning("CONSOLE_SERVICE_TOKEN is the development default; set it outside development")
        task = asyncio.create_task(_sweeper(app)) if settings.sweep_interval_s > 0 else None
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if rasa is None:
            rasa_client.close()
        if database is None:
            db.dispose()

    app = FastAPI(title="Agents' console service", version=API_VERSION, description=DESCRIPTION,
                  lifespan=lifespan)
    app.state.settings, app.state.db, app.state.clock = settings, db, clock
    app.state.hub, app.state.rasa = Hub(), rasa_client
    _install_error_handlers(app)

    @app.get("/health", tags=["health"])
    def health() -> Any:
        """Liveness and database check; no authentication."""
        try:
            with db.read() as session:
                session.execute(text("SELECT 1"))
            return {"status": "ok", "database": "ok"}
        except Exception:  # noqa: BLE001 - reported, not raised
            return JSONResponse({"status": "degraded", "database": "unavailable"}, status_code=503)

    bot_api = APIRouter(prefix="/api", dependencies=[Depends(require_service_token)])
    bot_api.include_router(service.router)
    app.include_router(bot_api)
    for router in (auth.router, workbench.router, assist.router, supervisor.router):
        app.include_router(router, prefix="/api")
    app.include_router(ws.router)
    mount_web(app)
    return app


async def _sweeper(app: FastAPI) -> None:
    interval = app.state.settings.sweep_interval_s
    while True:
        await asyncio.sleep(interval)
        try:
            await run_in_threadpool(sweep_once, app)
        except Exception:  # noqa: BLE001 - the next pass tries again
            log.exception("sweep failed")
