"""Satisfaction surveys: 1–5 stars, 问题解决了吗, optional comment. A score ≤ 2 or 未解决 creates a
callback ticket (回访) due in 24 hours."""
from __future__ import annotations

import datetime as dt
from typing import Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.errors import ConsoleError
from console.masking import mask_text
from console.models import Handoff, Survey, Ticket, TicketCategory, Urgency
from console.services import audit, tickets
from console.settings import Settings

CALLBACK_MAX_RATING = 2


def needs_callback(*, rating: int, resolved: bool) -> bool:
    return rating <= CALLBACK_MAX_RATING or not resolved


def submit_survey(session: Session, *, conversation_id: str, rating: int, resolved: bool, settings: Settings,
                  now: dt.datetime, comment: str = "") -> Tuple[Survey, Optional[Ticket]]:
    if not 1 <= rating <= 5:
        raise ConsoleError("validation_error", "rating must be 1 to 5")
    handoff = session.scalar(select(Handoff).where(Handoff.conversation_id == conversation_id)
                             .order_by(Handoff.id.desc()).limit(1))
    survey = Survey(conversation_id=conversation_id, handoff_id=handoff.id if handoff else None,
                    agent_id=handoff.assigned_agent_id if handoff else None, rating=rating,
                    resolved=resolved, comment=mask_text(comment, limit=1000), created_at=now)
    session.add(survey)
    session.flush()
    ticket = None
    if needs_callback(rating=rating, resolved=resolved):
        summary = f"rating={rating} resolved={'yes' if resolved else 'no'}"
        if survey.comment:
            summary += "\n" + survey.comment
        ticket = tickets.create_ticket(session, category=TicketCategory.callback.value,
                                       urgency=Urgency.normal.value, settings=settings, now=now,
                                       contact=handoff.contact if handoff else "", summary=summary,
                                       conversation_id=conversation_id,
                                       handoff_id=handoff.id if handoff else None,
                                       group_id=handoff.group_id if handoff else None)
        survey.ticket_id = ticket.id
    audit.record(session, action="survey", now=now, actor="service:bot", conversation_id=conversation_id,
                 handoff_id=survey.handoff_id, details={"rating": rating, "resolved": resolved})
    return survey, ticket
