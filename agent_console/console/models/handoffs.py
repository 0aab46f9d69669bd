"""Handoffs (a patient's conversation in human hands), their messages, tickets, surveys, alerts and
the audit log."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.models.agents import Agent, SkillGroup
from console.models.base import Base, UTCDateTime


class Handoff(Base):
    """One handoff of a Rasa conversation (sender id ``conversation_id``) to the agents.

    At most one handoff per conversation is active (waiting/assigned): a partial unique index."""

    __tablename__ = "handoffs"
    __table_args__ = (
        Index("uq_handoffs_active_conversation", "conversation_id", unique=True,
              sqlite_where=text("status IN ('waiting', 'assigned')"),
              postgresql_where=text("status IN ('waiting', 'assigned')")),
        Index("ix_handoffs_queue", "status", "group_id", "waiting_since"),
        Index("ix_handoffs_agent", "assigned_agent_id", "status"),
        Index("ix_handoffs_patient_ref", "patient_ref", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    reason: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(64), default="")
    group_id: Mapped[int] = mapped_column(ForeignKey("skill_groups.id"))
    urgent: Mapped[bool] = mapped_column(default=False)
    identity_verified: Mapped[bool] = mapped_column(default=False)
    patient_display: Mapped[str] = mapped_column(String(64), default="")  # masked
    patient_ref: Mapped[Optional[str]] = mapped_column(String(64))  # opaque id from the bot
    contact: Mapped[str] = mapped_column(String(32), default="")  # masked mobile
    summary: Mapped[str] = mapped_column(Text, default="")  # masked
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    waiting_since: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    assigned_agent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("agents.id"))
    assigned_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    closed_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("agents.id"))
    resolution_code: Mapped[Optional[str]] = mapped_column(String(32))
    resolution_note: Mapped[Optional[str]] = mapped_column(Text)
    transfers: Mapped[int] = mapped_column(default=0)
    last_patient_message_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)

    group: Mapped[SkillGroup] = relationship(lazy="joined")
    assigned_agent: Mapped[Optional[Agent]] = relationship(foreign_keys=[assigned_agent_id],
                                                           lazy="joined")


class Message(Base):
    """A chat line as the console stores it: masked, with who sent it and when."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_handoff", "handoff_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    sender: Mapped[str] = mapped_column(String(8))
    agent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("agents.id"))
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    delivery: Mapped[str] = mapped_column(String(10), default="stored")  # stored|delivered|failed


class Ticket(Base):
    """A follow-up ticket (工单): due in 1 h when urgent, 24 h otherwise."""

    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_no: Mapped[str] = mapped_column(String(24), unique=True)
    category: Mapped[str] = mapped_column(String(16))
    urgency: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default="open")
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    contact: Mapped[str] = mapped_column(String(32), default="")  # masked mobile
    conversation_id: Mapped[Optional[str]] = mapped_column(String(128), index=True)
    handoff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("handoffs.id"))
    group_id: Mapped[Optional[int]] = mapped_column(ForeignKey("skill_groups.id"))
    summary: Mapped[str] = mapped_column(Text, default="")  # masked
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("agents.id"))
    assignee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("agents.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)


class Survey(Base):
    """A satisfaction survey answer (1–5 stars, 问题解决了吗, optional comment)."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    handoff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("handoffs.id"))
    agent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("agents.id"))
    rating: Mapped[int] = mapped_column()
    resolved: Mapped[bool] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")  # masked
    ticket_id: Mapped[Optional[int]] = mapped_column(ForeignKey("tickets.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class SupervisorAlert(Base):
    """智能预警: complaint topics, long waits, long chats. One alert per (kind, handoff)."""

    __tablename__ = "supervisor_alerts"
    __table_args__ = (Index("uq_supervisor_alerts_kind_handoff", "kind", "handoff_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # complaint|long_wait|long_handle|no_agent
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    conversation_id: Mapped[str] = mapped_column(String(128))
    details: Mapped[Dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("agents.id"))
    acknowledged_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Who viewed or did what (PIPL). Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_conversation", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))  # "agent:1001", "service:bot", "system"
    agent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("agents.id"))
    action: Mapped[str] = mapped_column(String(32))
    conversation_id: Mapped[Optional[str]] = mapped_column(String(128))
    handoff_id: Mapped[Optional[int]] = mapped_column()
    details: Mapped[Dict[str, Any]] = mapped_column(JSON, default=dict)
