"""Supervisor view (supervisors only): live overview, alerts, audit log."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from fastapi import APIRouter

from console.api.deps import AgentCtx, Ctx, CtxDep, SupervisorDep
from console.api.views import alert_view, iso
from console.services import alerts, audit, overview

router = APIRouter(tags=["supervisor"])


@router.get("/supervisor/overview")
def supervisor_overview(me: AgentCtx = SupervisorDep, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    """Queues, waits, agents' status and load; ``too_long`` marks waits past the group's alert
    threshold and chats running past 1.5× the group's average handle time."""
    with ctx.db.read() as session:
        return overview.supervisor_overview(session, settings=ctx.settings, now=ctx.now)


@router.get("/alerts")
def list_alerts(open_only: bool = True, me: AgentCtx = SupervisorDep, ctx: Ctx = CtxDep) -> List[Dict[str, Any]]:
    with ctx.db.read() as session:
        return [alert_view(a, settings=ctx.settings) for a in alerts.list_alerts(session, open_only=open_only)]


@router.post("/alerts/{alert_id}/ack")
def acknowledge_alert(alert_id: int, me: AgentCtx = SupervisorDep, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    with ctx.db.write() as session:
        alert = alerts.acknowledge(session, alert_id=alert_id, agent=me.load(session), now=ctx.now)
        return alert_view(alert, settings=ctx.settings)


@router.get("/audit")
def audit_log(conversation_id: Optional[str] = None, agent_id: Optional[int] = None,
              me: AgentCtx = SupervisorDep, ctx: Ctx = CtxDep) -> List[Dict[str, Any]]:
    with ctx.db.read() as session:
        return [{"id": e.id, "at": iso(e.at, ctx.settings), "actor": e.actor, "action": e.action,
                 "conversation_id": e.conversation_id, "handoff_id": e.handoff_id, "details": e.details}
                for e in audit.list_entries(session, conversation_id=conversation_id, agent_id=agent_id)]
