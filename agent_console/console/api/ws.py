"""The agents' websocket ``/ws``: server → agent events (queue changes, assignments, patient
messages, typing, alerts for supervisors); agent → server ``send`` / ``typing`` / ``ping``.

Authentication: the session cookie of the handshake; browsers' ``Origin`` must be one of
``CONSOLE_ALLOWED_ORIGINS`` (cross-site websocket hijacking)."""
from __future__ import annotations

import asyncio
import contextlib
from typing import Any, Dict

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from console.api.delivery import send_agent_message
from console.api.deps import SESSION_COOKIE, AgentCtx, Ctx, get_ctx, session_agent
from console.effects import Push
from console.errors import ConsoleError
from console.services import workbench

router = APIRouter()
POLICY_VIOLATION = 4401


@router.websocket("/ws")
async def agent_socket(websocket: WebSocket) -> None:
    ctx: Ctx = await get_ctx(websocket)  # type: ignore[arg-type]
    origin = websocket.headers.get("origin")
    if origin is not None and origin not in ctx.settings.allowed_origins:
        await websocket.close(code=POLICY_VIOLATION)
        return
    try:
        me = await run_in_threadpool(session_agent, ctx, websocket.cookies.get(SESSION_COOKIE))
        groups = await run_in_threadpool(_group_codes, ctx, me)
    except ConsoleError:
        await websocket.close(code=POLICY_VIOLATION)
        return
    await websocket.accept()
    conn = ctx.hub.connect(agent_id=me.agent_id, group_codes=groups, supervisor=me.is_supervisor)
    sender = asyncio.create_task(_pump(websocket, conn.queue))
    try:
        await websocket.send_json({"type": "hello", "agent_id": me.agent_id, "groups": groups})
        while True:
            data = await websocket.receive_json()
            reply = await _handle(websocket, ctx, me, data)
            if reply is not None:
                await conn.queue.put(reply)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        ctx.hub.disconnect(conn)
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender


def _group_codes(ctx: Ctx, me: AgentCtx) -> list:
    with ctx.db.read() as session:
        return [g.code for g in me.load(session).groups]


async def _pump(websocket: WebSocket, queue: "asyncio.Queue[Dict[str, Any]]") -> None:
    while True:
        event = await queue.get()
        await websocket.send_json(event)


async def _handle(websocket: WebSocket, ctx: Any, me: AgentCtx, data: Any) -> Any:
    if not isinstance(data, dict):
        return {"type": "error", "code": "validation_error", "message": "expected a JSON object"}
    kind = data.get("type")
    if kind == "ping":
        return {"type": "pong"}
    ctx = await get_ctx(websocket)  # type: ignore[arg-type]  # fresh time for each action
    handoff_id = data.get("handoff_id")
    if not isinstance(handoff_id, int):
        return {"type": "error", "code": "validation_error", "message": "handoff_id must be an integer"}
    if kind == "send":
        text = data.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > 4000:
            return {"type": "error", "code": "validation_error", "message": "text: 1 to 4000 characters"}
        try:
            message = await run_in_threadpool(send_agent_message, ctx, me, handoff_id=handoff_id, text=text)
        except ConsoleError as exc:
            return {"type": "error", "code": exc.code, "message": exc.message, "ref": data.get("ref"),
                    "details": exc.details}
        return {"type": "sent", "ref": data.get("ref"), "message": message}
    if kind == "typing":
        try:
            await run_in_threadpool(_check_open, ctx, me, handoff_id)
        except ConsoleError as exc:
            return {"type": "error", "code": exc.code, "message": exc.message}
        ctx.hub.publish(Push({"type": "agent_typing", "handoff_id": handoff_id, "agent_id": me.agent_id},
                             supervisors=True))
        return None
    return {"type": "error", "code": "validation_error", "message": f"unknown type {kind!r}"}


def _check_open(ctx: Ctx, me: AgentCtx, handoff_id: int) -> None:
    with ctx.db.read() as session:
        handoff = workbench.get_handoff(session, handoff_id=handoff_id)
        if not workbench.can_open(me.load(session), handoff):
            raise ConsoleError("forbidden", "this conversation is not assigned to you")
