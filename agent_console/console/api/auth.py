"""Sign-in, sign-out, who am I, and the agent's own status (在线/忙碌/离开)."""
from __future__ import annotations

from typing import Any, Dict

from fastapi import APIRouter, Response

from console.api.deps import SESSION_COOKIE, AgentCtx, AgentDep, Ctx, CtxDep
from console.api.schemas import AgentOut, LoginIn, LoginOut, StatusIn
from console.api.views import agent_view
from console.effects import Effects
from console.services import accounts, routing

router = APIRouter(tags=["auth"])


@router.post("/auth/login", response_model=LoginOut)
def login(body: LoginIn, response: Response, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    """Check the password (argon2id), open a session: HttpOnly SameSite=Strict cookie + CSRF token."""
    with ctx.db.write() as session:
        agent = accounts.authenticate(session, username=body.username, password=body.password, now=ctx.now)
        token, row = accounts.open_session(session, agent=agent, settings=ctx.settings, now=ctx.now)
        out = {"agent": agent_view(agent), "csrf_token": row.csrf_token}
    response.set_cookie(SESSION_COOKIE, token, max_age=ctx.settings.session_ttl_minutes * 60, httponly=True,
                        samesite="strict", secure=ctx.settings.secure_cookies, path="/")
    return out


@router.post("/auth/logout", status_code=204)
def logout(response: Response, me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> None:
    with ctx.db.write() as session:
        accounts.close_session(session, session_id=me.session_id, now=ctx.now)
    response.delete_cookie(SESSION_COOKIE, path="/", samesite="strict", secure=ctx.settings.secure_cookies,
                           httponly=True)


@router.get("/auth/me", response_model=LoginOut)
def whoami(me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    """The signed-in agent and the session's CSRF token (for a reloaded page)."""
    with ctx.db.read() as session:
        return {"agent": agent_view(me.load(session)), "csrf_token": me.csrf_token}


@router.put("/agents/me/status", response_model=AgentOut)
def set_my_status(body: StatusIn, me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    """在线 takes new chats (routing runs at once), 忙碌 keeps its chats only, 离开 is away."""
    effects = Effects()
    with ctx.db.write() as session:
        agent = accounts.set_status(session, agent=me.load(session), status=body.status, now=ctx.now)
        session.flush()
        routing.route(session, settings=ctx.settings, now=ctx.now, effects=effects)
        out = agent_view(agent)
    effects.push({"type": "agent_status", "agent_id": me.agent_id, "status": body.status}, supervisors=True)
    ctx.dispatch(effects)
    return out
