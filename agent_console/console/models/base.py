"""Declarative base, naming convention, the UTC datetime column type and the status vocabularies."""
from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from typing import Any, Optional

from sqlalchemy import DateTime, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC (same on SQLite and PostgreSQL); reads them back aware."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: Optional[Any], dialect: Dialect) -> Optional[datetime]:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Role(str, Enum):
    agent = "agent"
    supervisor = "supervisor"


class AgentStatus(str, Enum):
    """在线 takes new chats; 忙碌 keeps its chats but takes no new ones; 离开 is away."""

    online = "online"
    busy = "busy"
    away = "away"

    @property
    def label(self) -> str:
        return {"online": "在线", "busy": "忙碌", "away": "离开"}[self.value]


class HandoffReason(str, Enum):
    request_human = "request_human"
    fallback = "fallback"
    complaint = "complaint"
    emergency = "emergency"
    self_harm = "self_harm"
    flow_failed = "flow_failed"


URGENT_REASONS = (HandoffReason.emergency.value, HandoffReason.self_harm.value)


class HandoffStatus(str, Enum):
    waiting = "waiting"
    assigned = "assigned"
    closed = "closed"
    returned = "returned"  # handed back to the bot
    ticketed = "ticketed"  # turned into a follow-up ticket


ACTIVE_HANDOFF_STATUSES = (HandoffStatus.waiting.value, HandoffStatus.assigned.value)


class Sender(str, Enum):
    patient = "patient"
    agent = "agent"
    system = "system"


class TicketStatus(str, Enum):
    open = "open"
    in_progress = "in_progress"
    done = "done"


class TicketCategory(str, Enum):
    follow_up = "follow_up"  # no agent could take the chat
    callback = "callback"  # negative survey: call the patient back
    complaint = "complaint"
    consultation = "consultation"  # an agent turned a chat into a ticket
    other = "other"


class Urgency(str, Enum):
    urgent = "urgent"
    normal = "normal"


RESOLUTION_CODES = ("resolved", "info_provided", "appointment_handled", "complaint_registered",
                    "referred_offline", "emergency_referred", "patient_left", "other")
