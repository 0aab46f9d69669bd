"""What the bot calls: a handoff request, the patient's messages while an agent has the chat, and
the question "is this conversation with the agents?"."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.effects import Effects
from console.errors import ConsoleError
from console.masking import mask_text
from console.models import (ACTIVE_HANDOFF_STATUSES, URGENT_REASONS, AgentStatus, Handoff, HandoffReason,
                            HandoffStatus, Message, Sender, TicketCategory, Urgency)
from console.services import alerts, audit, groups, routing, tickets
from console.settings import Settings


def in_service_hours(*, group_code: str, settings: Settings, now: dt.datetime) -> bool:
    if group_code in settings.always_open_groups:
        return True
    local = now.astimezone(settings.tz).time()
    return settings.service_start <= local < settings.service_end


def active_handoff(session: Session, *, conversation_id: str) -> Optional[Handoff]:
    return session.scalar(select(Handoff).where(Handoff.conversation_id == conversation_id,
                                                Handoff.status.in_(ACTIVE_HANDOFF_STATUSES)))


def nobody_to_serve(session: Session, *, handoff: Handoff, settings: Settings, now: dt.datetime) -> Optional[str]:
    """Why no agent can take this chat now (``outside_hours`` / ``no_agent_online``), else None."""
    if not in_service_hours(group_code=handoff.group.code, settings=settings, now=now):
        return "outside_hours"
    staffed = routing.staffed_agents(session, group_id=handoff.group_id)
    if not staffed and handoff.urgent and settings.urgent_any_agent:
        staffed = [a for a in routing.staffed_agents(session, group_id=None)
                   if a.status == AgentStatus.online.value]
    return None if staffed else "no_agent_online"


def ticket_for(session: Session, *, handoff: Handoff, why: str, settings: Settings, now: dt.datetime,
               effects: Effects) -> Dict[str, Any]:
    """Turn a chat nobody can take into a follow-up ticket and tell the bot its number."""
    category = (TicketCategory.complaint.value if handoff.group.code == groups.COMPLAINT
                else TicketCategory.follow_up.value)
    urgency = Urgency.urgent.value if handoff.urgent else Urgency.normal.value
    ticket = tickets.create_ticket(session, category=category, urgency=urgency, settings=settings, now=now,
                                   contact=handoff.contact, summary=handoff.summary or handoff.topic,
                                   conversation_id=handoff.conversation_id, handoff_id=handoff.id,
                                   group_id=handoff.group_id)
    handoff.status, handoff.closed_at = HandoffStatus.ticketed.value, now
    handoff.resolution_code, handoff.resolution_note = "ticketed", why
    if handoff.urgent:
        alerts.raise_alert(session, kind="no_agent", handoff=handoff, now=now, effects=effects,
                           details={"why": why, "ticket_no": ticket.ticket_no})
    effects.push({"type": "queue_removed", "handoff_id": handoff.id, "why": "ticketed"},
                 group_codes=[handoff.group.code])
    return {"ticket_no": ticket.ticket_no, "due_at": ticket.due_at.astimezone(settings.tz), "urgency": urgency,
            "why": why}


def request_handoff(session: Session, *, conversation_id: str, reason: str, settings: Settings,
                    now: dt.datetime, effects: Effects, topic: str = "", group_code: Optional[str] = None,
                    urgent: bool = False, identity_verified: bool = False, patient_display: str = "",
                    patient_ref: Optional[str] = None, contact: str = "", summary: str = "") -> Dict[str, Any]:
    """Queue a conversation for the agents (or ticket it when nobody can serve it).

    Emergencies and self-harm are urgent and go to 急诊/紧急. A second request while one is active
    returns the active one (escalated to urgent if the new request is urgent)."""
    HandoffReason(reason)
    urgent = urgent or reason in URGENT_REASONS
    code = groups.EMERGENCY if urgent else (group_code or groups.group_code_for(
        reason=reason, topic=topic, summary=summary))
    group = groups.get_group(session, code=code)
    existing = active_handoff(session, conversation_id=conversation_id)
    if existing is not None:
        if urgent and not existing.urgent:
            existing.urgent, existing.group_id, existing.reason = True, group.id, reason
            session.flush()
            session.refresh(existing)
            audit.record(session, action="handoff_escalated", now=now, actor="service:bot",
                         conversation_id=conversation_id, handoff_id=existing.id)
            routing.route(session, settings=settings, now=now, effects=effects)
        return describe_for_bot(session, handoff=existing, settings=settings, now=now)
    handoff = Handoff(conversation_id=conversation_id, reason=reason, topic=mask_text(topic, limit=64),
                      group_id=group.id, urgent=urgent, identity_verified=identity_verified,
                      patient_display=mask_text(patient_display, limit=64), patient_ref=patient_ref,
                      contact=mask_text(contact, limit=32), summary=mask_text(summary, limit=2000),
                      status=HandoffStatus.waiting.value, created_at=now, waiting_since=now)
    session.add(handoff)
    try:
        session.flush()
    except IntegrityError:  # a simultaneous request for the same conversation won
        session.rollback()
        existing = active_handoff(session, conversation_id=conversation_id)
        if existing is None:
            raise
        return describe_for_bot(session, handoff=existing, settings=settings, now=now)
    session.refresh(handoff)
    audit.record(session, action="handoff_requested", now=now, actor="service:bot",
                 conversation_id=conversation_id, handoff_id=handoff.id,
                 details={"reason": reason, "group": code, "urgent": urgent})
    if code == groups.COMPLAINT or groups.is_complaint(topic, summary):
        alerts.raise_alert(session, kind="complaint", handoff=handoff, now=now, effects=effects,
                           details={"topic": handoff.topic, "reason": reason})
    why = nobody_to_serve(session, handoff=handoff, settings=settings, now=now)
    if why is not None:
        info = ticket_for(session, handoff=handoff, why=why, settings=settings, now=now, effects=effects)
        result = describe_for_bot(session, handoff=handoff, settings=settings, now=now)
        result.update(status="no_agent", **info)
        return result
    effects.push({"type": "queue_added", "handoff_id": handoff.id, "group": code, "urgent": urgent},
                 group_codes=[code])
    routing.route(session, settings=settings, now=now, effects=effects)
    return describe_for_bot(session, handoff=handoff, settings=settings, now=now)


def describe_for_bot(session: Session, *, handoff: Handoff, settings: Settings,
                     now: dt.datetime) -> Dict[str, Any]:
    status = {HandoffStatus.waiting.value: "queued", HandoffStatus.assigned.value: "assigned",
              HandoffStatus.ticketed.value: "no_agent"}.get(handoff.status, handoff.status)
    agent = handoff.assigned_agent
    return {"handoff_id": handoff.id, "status": status, "group": handoff.group.code,
            "group_name": handoff.group.name, "urgent": handoff.urgent,
            "position": routing.position(session, handoff=handoff),
            "expected_wait_s": routing.expected_wait_s(session, handoff=handoff, settings=settings, now=now),
            "agent_no": agent.agent_no if agent is not None and status == "assigned" else None,
            "ticket_no": None, "due_at": None}


def relay_patient_message(session: Session, *, conversation_id: str, text: str, settings: Settings,
                          now: dt.datetime, effects: Effects, sent_at: Optional[dt.datetime] = None
                          ) -> Message:
    """Store a masked copy of what the patient typed and push it to the agent at once."""
    handoff = active_handoff(session, conversation_id=conversation_id)
    if handoff is None:
        raise ConsoleError("not_active", "no waiting or assigned handoff for this conversation")
    masked = mask_text(text, limit=settings.max_message_chars)
    if not masked.strip():
        raise ConsoleError("validation_error", "empty message")
    message = Message(handoff_id=handoff.id, sender=Sender.patient.value, text=masked,
                      sent_at=sent_at or now, created_at=now, delivery="stored")
    session.add(message)
    handoff.last_patient_message_at = now
    session.flush()
    event = {"type": "patient_message", "handoff_id": handoff.id, "message": message_view(message, settings=settings)}
    if handoff.assigned_agent_id is not None:
        effects.push(event, agent_ids=[handoff.assigned_agent_id])
    else:
        effects.push(event, group_codes=[handoff.group.code])
    return message


def message_view(message: Message, *, settings: Settings, agent_no: Optional[str] = None) -> Dict[str, Any]:
    return {"id": message.id, "handoff_id": message.handoff_id, "sender": message.sender,
            "text": message.text, "sent_at": message.sent_at.astimezone(settings.tz).isoformat(),
            "agent_no": agent_no, "delivery": message.delivery}
