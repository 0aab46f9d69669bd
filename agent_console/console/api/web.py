"""The agents' workbench web UI (static files in ``agent_console/web/``) under ``/console/``.

Pages are plain HTML/CSS/JS served from this service only: nothing is loaded from elsewhere, and a
strict Content-Security-Policy (no inline script, no foreign origin) backs up the rule that the
scripts insert every message with ``textContent``."""
from __future__ import annotations

from typing import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from console.settings import SERVICE_DIR

WEB_DIR = SERVICE_DIR / "web"
PREFIX = "/console"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def mount_web(app: FastAPI) -> None:
    if not WEB_DIR.is_dir():
        return
    app.mount(PREFIX, StaticFiles(directory=WEB_DIR, html=True), name="web")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=307)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        if request.url.path == "/" or request.url.path.startswith(PREFIX):
            response.headers["Content-Security-Policy"] = CSP
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["Cache-Control"] = "no-cache"
        return response
