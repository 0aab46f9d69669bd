"""SQLAlchemy 2.0 models. Import from here: ``from console.models import Agent, Handoff``."""
from console.models.agents import Agent, AgentSession, CannedReply, SkillGroup, agent_skills
from console.models.base import (ACTIVE_HANDOFF_STATUSES, RESOLUTION_CODES, URGENT_REASONS, AgentStatus,
                                 Base, HandoffReason, HandoffStatus, Role, Sender, TicketCategory,
                                 TicketStatus, Urgency, UTCDateTime)
from console.models.handoffs import AuditEntry, Handoff, Message, SupervisorAlert, Survey, Ticket

__all__ = [
    "ACTIVE_HANDOFF_STATUSES", "RESOLUTION_CODES", "URGENT_REASONS", "Agent", "AgentSession",
    "AgentStatus", "AuditEntry", "Base", "CannedReply", "Handoff", "HandoffReason", "HandoffStatus",
    "Message", "Role", "Sender", "SkillGroup", "SupervisorAlert", "Survey", "Ticket", "TicketCategory",
    "TicketStatus", "Urgency", "UTCDateTime", "agent_skills",
]
