"""The agents' workbench (session cookie + CSRF): queue, my chats, a chat's history, messages,
accept / transfer / close / return to bot / ticket, canned replies, tickets."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from fastapi import APIRouter, Query
from sqlalchemy import select

from console.api.delivery import send_agent_message
from console.api.deps import AgentCtx, AgentDep, Ctx, CtxDep
from console.api.schemas import AgentMessageIn, CloseIn, NoteIn, TicketIn, TicketUpdateIn, TransferIn
from console.api.views import agent_view, handoff_view, iso, ticket_view
from console.effects import Effects
from console.errors import ConsoleError
from console.models import Agent, CannedReply
from console.rasa_client import RasaError
from console.services import groups, intake, routing, tickets, transcript, workbench

router = APIRouter(tags=["workbench"])


@router.get("/groups")
def list_groups(me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> List[Dict[str, Any]]:
    with ctx.db.read() as session:
        return [{"code": g.code, "name": g.name, "priority": g.priority, "target_wait_s": g.target_wait_s}
                for g in groups.list_groups(session)]


@router.get("/agents")
def list_agents(me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> List[Dict[str, Any]]:
    """Colleagues (for a transfer) with status and load."""
    with ctx.db.read() as session:
        load = routing.loads(session)
        agents = session.scalars(select(Agent).where(Agent.is_active.is_(True)).order_by(Agent.agent_no)).unique()
        return [{**agent_view(a), "load": load.get(a.id, 0)} for a in agents]


@router.get("/queue")
def queue(me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> List[Dict[str, Any]]:
    """Waiting chats of my groups (supervisors: all), in routing order, with position and wait."""
    with ctx.db.read() as session:
        agent = me.load(session)
        group_ids = None if agent.is_supervisor else [g.id for g in agent.groups]
        rows = []
        for h in routing.waiting_handoffs(session, group_ids=group_ids):
            row = handoff_view(h, settings=ctx.settings, now=ctx.now)
            row["position"] = routing.position(session, handoff=h)
            rows.append(row)
        return rows


@router.get("/my/handoffs")
def my_handoffs(me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> List[Dict[str, Any]]:
    with ctx.db.read() as session:
        return [handoff_view(h, settings=ctx.settings, now=ctx.now)
                for h in workbench.my_handoffs(session, agent=me.load(session))]


def _run(ctx: Ctx, me: AgentCtx, fn: Callable[..., Any], view: Callable[..., Dict[str, Any]],
         **kwargs: Any) -> Dict[str, Any]:
    """Run a workbench step as the signed-in agent, then announce it (websockets, Rasa)."""
    effects = Effects()
    with ctx.db.write() as session:
        result = fn(session, agent=me.load(session), settings=ctx.settings, now=ctx.now, effects=effects, **kwargs)
        out = view(result, settings=ctx.settings, now=ctx.now)
    out["rasa_failed"] = ctx.dispatch(effects)
    return out


@router.post("/handoffs/{handoff_id}/accept")
def accept(handoff_id: int, me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    """Take a waiting chat (my group, not 离开, below my max_parallel)."""
    return _run(ctx, me, workbench.accept, handoff_view, handoff_id=handoff_id)


@router.get("/handoffs/{handoff_id}")
def open_handoff(handoff_id: int, me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    """The chat with its console messages and the same patient's earlier chats (audited; 403 when
    not assigned to me unless supervisor)."""
    with ctx.db.write() as session:
        handoff = workbench.open_handoff(session, handoff_id=handoff_id, agent=me.load(session), now=ctx.now)
        messages = workbench.messages_of(session, handoff_id=handoff.id)
        numbers = workbench.agent_numbers(session, agent_ids=sorted({m.agent_id for m in messages if m.agent_id}))
        return {"handoff": handoff_view(handoff, settings=ctx.settings, now=ctx.now),
                "messages": [intake.message_view(m, settings=ctx.settings, agent_no=numbers.get(m.agent_id))
                             for m in messages],
                "earlier": [{"id": h.id, "status": h.status, "topic": h.topic, "group": h.group.code,
                             "created_at": iso(h.created_at, ctx.settings), "resolution_code": h.resolution_code}
                            for h in workbench.earlier_handoffs(session, handoff=handoff)]}


@router.get("/handoffs/{handoff_id}/transcript")
def conversation_transcript(handoff_id: int, me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    """The whole conversation from Rasa's tracker (all sessions), masked. 502 when Rasa is down."""
    with ctx.db.write() as session:
        handoff = workbench.open_handoff(session, handoff_id=handoff_id, agent=me.load(session), now=ctx.now,
                                         action="view_transcript")
        conversation_id = handoff.conversation_id
    try:
        tracker = ctx.rasa.get_tracker(conversation_id)
    except RasaError as exc:
        raise ConsoleError("delivery_failed", "Rasa's tracker is unavailable", details={"error": str(exc)[:200]})
    return transcript.build_transcript(tracker, tz=ctx.settings.tz)


@router.post("/handoffs/{handoff_id}/messages", status_code=201)
def post_message(handoff_id: int, body: AgentMessageIn, me: AgentCtx = AgentDep,
                 ctx: Ctx = CtxDep) -> Dict[str, Any]:
    """Send to the patient (through Rasa: it appears in their chat with my 工号). 502
    ``delivery_failed`` when Rasa did not take it (the message is kept, marked failed)."""
    return send_agent_message(ctx, me, handoff_id=handoff_id, text=body.text)


@router.post("/handoffs/{handoff_id}/transfer")
def transfer(handoff_id: int, body: TransferIn, me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    return _run(ctx, me, workbench.transfer, handoff_view, handoff_id=handoff_id, group_code=body.group,
                to_agent_id=body.agent_id, note=body.note)


@router.post("/handoffs/{handoff_id}/close")
def close(handoff_id: int, body: CloseIn, me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    return _run(ctx, me, workbench.close, handoff_view, handoff_id=handoff_id,
                resolution_code=body.resolution_code, note=body.note)


@router.post("/handoffs/{handoff_id}/return-to-bot")
def return_to_bot(handoff_id: int, body: NoteIn, me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    return _run(ctx, me, workbench.return_to_bot, handoff_view, handoff_id=handoff_id, note=body.note)


@router.post("/handoffs/{handoff_id}/ticket", status_code=201)
def to_ticket(handoff_id: int, body: TicketIn, me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    return _run(ctx, me, workbench.to_ticket, ticket_view, handoff_id=handoff_id, category=body.category,
                urgency=body.urgency, note=body.note)


@router.get("/canned-replies")
def canned_replies(group: Optional[str] = None, me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> List[Dict[str, Any]]:
    with ctx.db.read() as session:
        query = select(CannedReply).order_by(CannedReply.id)
        if group:
            gid = groups.get_group(session, code=group).id
            query = query.where((CannedReply.group_id == gid) | CannedReply.group_id.is_(None))
        return [{"id": c.id, "title": c.title, "text": c.text, "group_id": c.group_id} for c in session.scalars(query)]


@router.get("/tickets")
def list_tickets(status: Optional[str] = Query(None, pattern="^(open|in_progress|done)$"),
                 overdue: bool = False, me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> List[Dict[str, Any]]:
    with ctx.db.read() as session:
        return [ticket_view(t, settings=ctx.settings, now=ctx.now)
                for t in tickets.list_tickets(session, status=status, overdue_only=overdue, now=ctx.now)]


@router.patch("/tickets/{ticket_id}")
def update_ticket(ticket_id: int, body: TicketUpdateIn, me: AgentCtx = AgentDep,
                  ctx: Ctx = CtxDep) -> Dict[str, Any]:
    with ctx.db.write() as session:
        ticket = tickets.update_ticket(session, ticket_id=ticket_id, agent=me.load(session), settings=ctx.settings,
                                       now=ctx.now, status=body.status, note=body.note)
        return ticket_view(ticket, settings=ctx.settings, now=ctx.now)
