"""Request context and the two authentication schemes.

* Service token (bot → console): ``Authorization: Bearer <CONSOLE_SERVICE_TOKEN>``.
* Agent sessions (workbench): an HttpOnly ``SameSite=Strict`` cookie from ``POST /api/auth/login``;
  every state-changing call (not GET/HEAD/OPTIONS) must also carry ``X-CSRF-Token`` equal to the
  session's CSRF token (returned by login and ``GET /api/auth/me``)."""
from __future__ import annotations

import datetime as dt
import hmac
import logging
from dataclasses import dataclass
from typing import List, Optional

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from console.db import Database
from console.effects import Effects
from console.errors import ConsoleError
from console.hub import Hub
from console.models import Agent, AuditEntry
from console.rasa_client import RasaClient, RasaError
from console.services import accounts
from console.settings import Settings

log = logging.getLogger("console")
SESSION_COOKIE = "console_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

bearer_scheme = HTTPBearer(auto_error=False, description="Authorization: Bearer <CONSOLE_SERVICE_TOKEN>")
cookie_scheme = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="agent session cookie")
csrf_scheme = APIKeyHeader(name=CSRF_HEADER, auto_error=False,
                           description="CSRF token of the session; required on state-changing calls")


@dataclass
class Ctx:
    settings: Settings
    db: Database
    now: dt.datetime
    hub: Hub
    rasa: RasaClient

    def dispatch(self, effects: Effects) -> List[str]:
        """Carry out what the services collected (after their commit): websocket pushes first,
        then Rasa intents in order. Returns the intents Rasa did not take (also audited)."""
        for push in effects.pushes:
            self.hub.publish(push)
        failed: List[str] = []
        for trig in effects.triggers:
            try:
                self.rasa.trigger_intent(trig.conversation_id, trig.intent, trig.entities)
            except RasaError as exc:
                log.warning("trigger %s failed: %s", trig.intent, exc)
                failed.append(trig.intent)
                with self.db.write() as session:
                    session.add(AuditEntry(at=self.now, actor="system", action="rasa_failed",
                                           conversation_id=trig.conversation_id,
                                           details={"intent": trig.intent, "error": str(exc)[:200]}))
        return failed


@dataclass
class AgentCtx:
    """The signed-in agent (ids only: services load the row in their own session)."""

    agent_id: int
    session_id: int
    csrf_token: str
    is_supervisor: bool

    def load(self, session: Session) -> Agent:
        agent = session.get(Agent, self.agent_id)
        if agent is None:
            raise ConsoleError("unauthorized", "account gone")
        return agent


async def get_ctx(request: Request) -> Ctx:
    state = request.app.state
    return Ctx(settings=state.settings, db=state.db, now=state.clock(), hub=state.hub, rasa=state.rasa)


async def require_service_token(request: Request,
                                creds: Optional[HTTPAuthorizationCredentials] = Security(bearer_scheme)) -> None:
    expected = request.app.state.settings.service_token.get_secret_value().encode()
    if creds is None or not hmac.compare_digest(creds.credentials.encode(), expected):
        raise ConsoleError("unauthorized", "missing or wrong service token (Authorization: Bearer …)")


def session_agent(ctx: Ctx, token: Optional[str]) -> AgentCtx:
    if not token:
        raise ConsoleError("unauthorized", "not signed in")
    with ctx.db.write() as session:
        agent, row = accounts.resolve_session(session, token=token, settings=ctx.settings, now=ctx.now)
        return AgentCtx(agent_id=agent.id, session_id=row.id, csrf_token=row.csrf_token,
                        is_supervisor=agent.is_supervisor)


def current_agent(request: Request, ctx: Ctx = Depends(get_ctx),
                  token: Optional[str] = Security(cookie_scheme),
                  csrf: Optional[str] = Security(csrf_scheme)) -> AgentCtx:
    me = session_agent(ctx, token)
    if request.method not in SAFE_METHODS:
        if not csrf or not hmac.compare_digest(csrf.encode(), me.csrf_token.encode()):
            raise ConsoleError("csrf_failed", f"missing or wrong {CSRF_HEADER} header")
    return me


def require_supervisor(me: AgentCtx = Depends(current_agent)) -> AgentCtx:
    if not me.is_supervisor:
        raise ConsoleError("forbidden", "supervisors only")
    return me


CtxDep = Depends(get_ctx)
AgentDep = Depends(current_agent)
SupervisorDep = Depends(require_supervisor)
