"""Declarative base, naming convention and the UTC datetime column type."""
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


class HalfDay(str, Enum):
    """A half-day clinic session. ``label`` is the Chinese name used at the hospital."""

    morning = "morning"
    afternoon = "afternoon"
    evening = "evening"

    @property
    def label(self) -> str:
        return {"morning": "上午", "afternoon": "下午", "evening": "夜诊"}[self.value]

    @classmethod
    def parse(cls, text: str) -> "HalfDay":
        """Accepts the code (``morning``) or the Chinese label (``上午``/``晚上``…)."""
        aliases = {"上午": "morning", "早上": "morning", "下午": "afternoon", "夜诊": "evening",
                   "晚上": "evening", "夜间": "evening", "am": "morning", "pm": "afternoon"}
        return cls(aliases.get(text.strip(), text.strip().lower()))


class ScheduleStatus(str, Enum):
    open = "open"
    closed = "closed"  # 停诊 (doctor away)
    holiday = "holiday"  # 法定节假日停诊


class AppointmentStatus(str, Enum):
    booked = "booked"
    rescheduled = "rescheduled"
    cancelled = "cancelled"
    attended = "attended"
    no_show = "no_show"


ACTIVE_APPOINTMENT_STATUSES = (AppointmentStatus.booked.value, AppointmentStatus.rescheduled.value)


class ReportStatus(str, Enum):
    pending = "pending"
    ready = "ready"


class WaitlistStatus(str, Enum):
    waiting = "waiting"
    notified = "notified"
    cancelled = "cancelled"


TITLES = ("主任医师", "副主任医师", "主治医师", "住院医师")
