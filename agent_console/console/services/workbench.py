"""What agents do with a chat: open it (access rules), accept, write, transfer, close, hand back to
the bot, turn into a ticket. Every step is audited and announced (websocket + Rasa intent)."""
from __future__ import annotations

import datetime as dt
from typing import Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.effects import Effects
from console.errors import ConsoleError, not_found
from console.masking import mask_text
from console.models import (ACTIVE_HANDOFF_STATUSES, RESOLUTION_CODES, Agent, AgentStatus, Handoff,
                            HandoffStatus, Message, Sender, Ticket, TicketCategory, Urgency)
from console.services import audit, groups, routing, tickets
from console.settings import Settings


def get_handoff(session: Session, *, handoff_id: int) -> Handoff:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise not_found("handoff")
    return handoff


def can_open(agent: Agent, handoff: Handoff) -> bool:
    """Supervisors open everything; an agent only the chats assigned to them."""
    return agent.is_supervisor or handoff.assigned_agent_id == agent.id


def open_handoff(session: Session, *, handoff_id: int, agent: Agent, now: dt.datetime,
                 action: str = "view") -> Handoff:
    """The chat, if ``agent`` may open it (403 ``forbidden`` otherwise); the access is audited."""
    handoff = get_handoff(session, handoff_id=handoff_id)
    if not can_open(agent, handoff):
        audit.record(session, action="denied", now=now, agent=agent, conversation_id=handoff.conversation_id,
                     handoff_id=handoff.id, details={"wanted": action})
        session.commit()  # keep the trace of the refused attempt
        raise ConsoleError("forbidden", "this conversation is not assigned to you")
    audit.record(session, action=action, now=now, agent=agent, conversation_id=handoff.conversation_id,
                 handoff_id=handoff.id)
    return handoff


def _require_active(handoff: Handoff, *statuses: str) -> None:
    if handoff.status not in (statuses or ACTIVE_HANDOFF_STATUSES):
        raise ConsoleError("not_active", f"the conversation is {handoff.status}")


def accept(session: Session, *, handoff_id: int, agent: Agent, settings: Settings, now: dt.datetime,
           effects: Effects) -> Handoff:
    """Take a waiting chat from the queue: the agent must be of its group (or a supervisor), signed
    on, and below ``max_parallel``."""
    agent = session.scalar(select(Agent).where(Agent.id == agent.id).with_for_update(of=Agent)) or agent
    handoff = get_handoff(session, handoff_id=handoff_id)
    if handoff.status != HandoffStatus.waiting.value:
        raise ConsoleError("not_waiting", "the conversation is no longer waiting")
    if not agent.is_supervisor and not any(g.id == handoff.group_id for g in agent.groups):
        if not (handoff.urgent and settings.urgent_any_agent):
            raise ConsoleError("not_in_group", "the conversation belongs to another skill group")
    if agent.status == AgentStatus.away.value:
        raise ConsoleError("agent_unavailable", "set your status to 在线 or 忙碌 first")
    if routing.loads(session).get(agent.id, 0) >= agent.max_parallel:
        raise ConsoleError("at_capacity", "you already have your maximum of parallel chats",
                           details={"max_parallel": agent.max_parallel})
    if not routing.assign(session, handoff=handoff, agent=agent, now=now, effects=effects, by=agent,
                          action="accepted"):
        raise ConsoleError("not_waiting", "the conversation is no longer waiting")
    return handoff


def add_agent_message(session: Session, *, handoff_id: int, agent: Agent, text: str, settings: Settings,
                      now: dt.datetime) -> Message:
    """Store the agent's message (delivery ``stored``; the API then delivers it through Rasa)."""
    handoff = open_handoff(session, handoff_id=handoff_id, agent=agent, now=now, action="send")
    _require_active(handoff, HandoffStatus.assigned.value)
    cleaned = mask_text(text, limit=settings.max_message_chars)
    if not cleaned.strip():
        raise ConsoleError("validation_error", "empty message")
    message = Message(handoff_id=handoff.id, sender=Sender.agent.value, agent_id=agent.id, text=cleaned,
                      sent_at=now, created_at=now, delivery="stored")
    session.add(message)
    session.flush()
    return message


def set_delivery(session: Session, *, message_id: int, delivered: bool) -> None:
    message = session.get(Message, message_id)
    if message is not None:
        message.delivery = "delivered" if delivered else "failed"


def transfer(session: Session, *, handoff_id: int, agent: Agent, settings: Settings, now: dt.datetime,
             effects: Effects, group_code: Optional[str] = None, to_agent_id: Optional[int] = None,
             note: str = "") -> Handoff:
    """To another group (back in its queue, routed at once when possible) or straight to an agent."""
    handoff = open_handoff(session, handoff_id=handoff_id, agent=agent, now=now, action="transfer")
    _require_active(handoff)
    if group_code is None and to_agent_id is None:
        raise ConsoleError("validation_error", "give a group or an agent")
    group = groups.get_group(session, code=group_code) if group_code else handoff.group
    target: Optional[Agent] = None
    if to_agent_id is not None:
        target = session.get(Agent, to_agent_id)
        if target is None or not target.is_active:
            raise not_found("agent")
        if target.status == AgentStatus.away.value:
            raise ConsoleError("agent_unavailable", "that agent is away")
        if routing.loads(session).get(target.id, 0) >= target.max_parallel:
            raise ConsoleError("at_capacity", "that agent has no free place")
    previous = handoff.assigned_agent_id
    handoff.group_id, handoff.status = group.id, HandoffStatus.waiting.value
    handoff.assigned_agent_id, handoff.assigned_at, handoff.waiting_since = None, None, now
    handoff.transfers += 1
    if note:
        handoff.summary = (handoff.summary + "\n" + mask_text(note, limit=500)).strip()
    session.flush()
    session.refresh(handoff)
    audit.record(session, action="transferred", now=now, agent=agent, conversation_id=handoff.conversation_id,
                 handoff_id=handoff.id, details={"group": group.code,
                                                 "to_agent_no": target.agent_no if target else None})
    if previous is not None:
        effects.push({"type": "handoff_removed", "handoff_id": handoff.id, "why": "transferred"},
                     agent_ids=[previous])
    effects.trigger(handoff.conversation_id, "handoff_transferred", group=group.code)
    if target is not None:
        routing.assign(session, handoff=handoff, agent=target, now=now, effects=effects, by=agent,
                       action="assigned_by_transfer")
    else:
        effects.push({"type": "queue_added", "handoff_id": handoff.id, "group": group.code,
                      "urgent": handoff.urgent}, group_codes=[group.code])
        routing.route(session, settings=settings, now=now, effects=effects)
    return handoff


def _finish(session: Session, *, handoff: Handoff, agent: Agent, status: str, now: dt.datetime,
            effects: Effects, code: Optional[str], note: str, settings: Settings) -> None:
    previous = handoff.assigned_agent_id
    handoff.status, handoff.closed_at, handoff.closed_by_id = status, now, agent.id
    handoff.resolution_code, handoff.resolution_note = code, mask_text(note, limit=2000) or None
    audit.record(session, action=status, now=now, agent=agent, conversation_id=handoff.conversation_id,
                 handoff_id=handoff.id, details={"resolution": code})
    effects.push({"type": "handoff_removed", "handoff_id": handoff.id, "why": status},
                 agent_ids=[previous] if previous else [], group_codes=[handoff.group.code])
    session.flush()
    routing.route(session, settings=settings, now=now, effects=effects)  # a place is free


def close(session: Session, *, handoff_id: int, agent: Agent, resolution_code: str, settings: Settings,
          now: dt.datetime, effects: Effects, note: str = "") -> Handoff:
    """Close with a resolution code (the bot then runs the survey)."""
    if resolution_code not in RESOLUTION_CODES:
        raise ConsoleError("validation_error", f"unknown resolution code {resolution_code!r}",
                           details={"codes": list(RESOLUTION_CODES)})
    handoff = open_handoff(session, handoff_id=handoff_id, agent=agent, now=now, action="close")
    _require_active(handoff)
    _finish(session, handoff=handoff, agent=agent, status=HandoffStatus.closed.value, now=now,
            effects=effects, code=resolution_code, note=note, settings=settings)
    effects.trigger(handoff.conversation_id, "handoff_closed", resolution=resolution_code)
    return handoff


def return_to_bot(session: Session, *, handoff_id: int, agent: Agent, settings: Settings, now: dt.datetime,
                  effects: Effects, note: str = "") -> Handoff:
    handoff = open_handoff(session, handoff_id=handoff_id, agent=agent, now=now, action="return")
    _require_active(handoff)
    _finish(session, handoff=handoff, agent=agent, status=HandoffStatus.returned.value, now=now,
            effects=effects, code="returned_to_bot", note=note, settings=settings)
    effects.trigger(handoff.conversation_id, "handoff_returned_to_bot")
    return handoff


def to_ticket(session: Session, *, handoff_id: int, agent: Agent, settings: Settings, now: dt.datetime,
              effects: Effects, category: str = TicketCategory.consultation.value,
              urgency: Optional[str] = None, note: str = "") -> Ticket:
    """End the chat as a follow-up ticket (linked to the conversation); the patient gets its number."""
    handoff = open_handoff(session, handoff_id=handoff_id, agent=agent, now=now, action="ticket")
    _require_active(handoff)
    urgency = urgency or (Urgency.urgent.value if handoff.urgent else Urgency.normal.value)
    try:
        TicketCategory(category), Urgency(urgency)
    except ValueError as exc:
        raise ConsoleError("validation_error", str(exc)) from exc
    ticket = tickets.create_ticket(session, category=category, urgency=urgency, settings=settings, now=now,
                                   contact=handoff.contact, summary="\n".join(
                                       p for p in (handoff.summary, mask_text(note, limit=2000)) if p),
                                   conversation_id=handoff.conversation_id, handoff_id=handoff.id,
                                   group_id=handoff.group_id, created_by=agent)
    _finish(session, handoff=handoff, agent=agent, status=HandoffStatus.ticketed.value, now=now,
            effects=effects, code="ticketed", note=note, settings=settings)
    effects.trigger(handoff.conversation_id, "handoff_ticketed", ticket_no=ticket.ticket_no,
                    due_at=ticket.due_at.astimezone(settings.tz).isoformat())
    return ticket


def messages_of(session: Session, *, handoff_id: int) -> List[Message]:
    return list(session.scalars(select(Message).where(Message.handoff_id == handoff_id).order_by(Message.id)))


def agent_numbers(session: Session, *, agent_ids: List[int]) -> Dict[int, str]:
    if not agent_ids:
        return {}
    return dict(session.execute(select(Agent.id, Agent.agent_no).where(Agent.id.in_(agent_ids))).all())


def my_handoffs(session: Session, *, agent: Agent) -> List[Handoff]:
    return list(session.scalars(select(Handoff).where(
        Handoff.assigned_agent_id == agent.id, Handoff.status == HandoffStatus.assigned.value)
        .order_by(Handoff.assigned_at)).unique())


def earlier_handoffs(session: Session, *, handoff: Handoff, limit: int = 10) -> List[Handoff]:
    """The same patient's earlier chats: same conversation id, or same opaque patient ref."""
    cond = Handoff.conversation_id == handoff.conversation_id
    if handoff.patient_ref:
        cond = cond | (Handoff.patient_ref == handoff.patient_ref)
    return list(session.scalars(select(Handoff).where(cond, Handoff.id != handoff.id)
                                .order_by(Handoff.id.desc()).limit(limit)).unique())
