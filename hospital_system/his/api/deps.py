"""Shared request dependencies: the service token, the patient verification token, and the
per-request context (settings, database, current time)."""
from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from his.db import Database
from his.errors import ERROR_STATUS, HisError
from his.services import verification
from his.settings import Settings

bearer_scheme = HTTPBearer(auto_error=False, description="Authorization: Bearer <HIS_API_TOKEN>")
patient_token_scheme = APIKeyHeader(
    name="X-Patient-Token", auto_error=False,
    description="verification token from /api/verification/*; required for patient-specific calls")


@dataclass
class Ctx:
    settings: Settings
    db: Database
    now: dt.datetime


async def get_ctx(request: Request) -> Ctx:
    """Async (no blocking work): FastAPI runs it on the event loop, not in the thread pool."""
    state = request.app.state
    return Ctx(settings=state.settings, db=state.db, now=state.clock())


async def require_service_token(request: Request,
                                creds: Optional[HTTPAuthorizationCredentials] = Security(bearer_scheme)) -> None:
    expected = request.app.state.settings.api_token.get_secret_value().encode()
    if creds is None or not hmac.compare_digest(creds.credentials.encode(), expected):
        raise HisError("unauthorized", "missing or wrong service token (Authorization: Bearer …)")


async def patient_token(token: Optional[str] = Security(patient_token_scheme)) -> str:
    return token or ""


def verified_for(ctx: Ctx, token: str, patient_id: int) -> List[int]:
    """Patient ids the token covers, provided it covers ``patient_id``."""
    with ctx.db.read() as session:
        return verification.require_patient(session, token=token, patient_id=patient_id, now=ctx.now)


def verified_ids(ctx: Ctx, token: str) -> List[int]:
    with ctx.db.read() as session:
        return verification.patients_for_token(session, token=token, now=ctx.now)


def error_responses(*codes: str) -> Dict[int | str, Dict[str, Any]]:
    """OpenAPI ``responses=`` for the given error codes, grouped by HTTP status."""
    from his.api.schemas import ErrorOut

    by_status: Dict[int, List[str]] = {}
    for code in ("unauthorized",) + codes:
        by_status.setdefault(ERROR_STATUS[code], []).append(code)
    return {status: {"model": ErrorOut, "description": "error codes: " + ", ".join(sorted(set(c)))}
            for status, c in sorted(by_status.items())}


CtxDep = Depends(get_ctx)
PatientTokenDep = Depends(patient_token)
