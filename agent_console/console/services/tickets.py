"""Follow-up tickets (工单): numbered GD<local date>-<id>, due 1 h when urgent and 24 h otherwise."""
from __future__ import annotations

import datetime as dt
from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.errors import ConsoleError, not_found
from console.masking import mask_text
from console.models import Agent, Ticket, TicketCategory, TicketStatus, Urgency
from console.services import audit
from console.settings import Settings


def due_at(*, urgency: str, settings: Settings, now: dt.datetime) -> dt.datetime:
    hours = settings.urgent_ticket_hours if urgency == Urgency.urgent.value else settings.normal_ticket_hours
    return now + dt.timedelta(hours=hours)


def create_ticket(session: Session, *, category: str, urgency: str, settings: Settings, now: dt.datetime,
                  contact: str = "", summary: str = "", conversation_id: Optional[str] = None,
                  handoff_id: Optional[int] = None, group_id: Optional[int] = None,
                  created_by: Optional[Agent] = None) -> Ticket:
    TicketCategory(category)
    Urgency(urgency)
    ticket = Ticket(ticket_no="pending", category=category, urgency=urgency,
                    status=TicketStatus.open.value, due_at=due_at(urgency=urgency, settings=settings, now=now),
                    contact=mask_text(contact, limit=32), summary=mask_text(summary, limit=2000),
                    conversation_id=conversation_id, handoff_id=handoff_id, group_id=group_id,
                    created_by_id=created_by.id if created_by else None, created_at=now, updated_at=now)
    session.add(ticket)
    session.flush()
    ticket.ticket_no = f"GD{now.astimezone(settings.tz):%Y%m%d}-{ticket.id:06d}"
    audit.record(session, action="ticket_created", now=now, agent=created_by,
                 actor=None if created_by else "system", conversation_id=conversation_id,
                 handoff_id=handoff_id, details={"ticket_no": ticket.ticket_no, "category": category,
                                                 "urgency": urgency})
    return ticket


def list_tickets(session: Session, *, status: Optional[str] = None, overdue_only: bool = False,
                 now: dt.datetime, limit: int = 200) -> List[Ticket]:
    query = select(Ticket).order_by(Ticket.due_at, Ticket.id).limit(limit)
    if status is not None:
        TicketStatus(status)
        query = query.where(Ticket.status == status)
    if overdue_only:
        query = query.where(Ticket.status != TicketStatus.done.value, Ticket.due_at < now)
    return list(session.scalars(query))


def get_ticket(session: Session, *, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise not_found("ticket")
    return ticket


def update_ticket(session: Session, *, ticket_id: int, agent: Agent, settings: Settings, now: dt.datetime,
                  status: Optional[str] = None, note: Optional[str] = None) -> Ticket:
    """Take (in_progress) or finish (done) a ticket; a note is appended to its summary."""
    ticket = get_ticket(session, ticket_id=ticket_id)
    if status is not None:
        try:
            TicketStatus(status)
        except ValueError as exc:
            raise ConsoleError("validation_error", f"unknown ticket status {status!r}") from exc
        ticket.status = status
        if status == TicketStatus.in_progress.value and ticket.assignee_id is None:
            ticket.assignee_id = agent.id
        ticket.done_at = now if status == TicketStatus.done.value else None
    if note:
        stamp = now.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
        ticket.summary = (ticket.summary + f"\n[{stamp} {agent.agent_no}] " + mask_text(note, limit=2000)).strip()
    ticket.updated_at = now
    audit.record(session, action="ticket_updated", now=now, agent=agent, conversation_id=ticket.conversation_id,
                 details={"ticket_no": ticket.ticket_no, "status": ticket.status})
    return ticket
