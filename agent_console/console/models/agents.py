"""Skill groups, agents (accounts), their sessions, canned replies."""
from __future__ import annotations

import datetime as dt
from typing import List, Optional

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.models.base import Base, UTCDateTime

agent_skills = Table(
    "agent_skills", Base.metadata,
    Column("agent_id", ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("skill_groups.id", ondelete="CASCADE"), primary_key=True),
)


class SkillGroup(Base):
    """A queue of agents with one skill. ``priority`` 1 is served first (急诊/紧急)."""

    __tablename__ = "skill_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column()
    target_wait_s: Mapped[int] = mapped_column(default=300)


class Agent(Base):
    """A console account: an agent (坐席) or a supervisor (班长/主管)."""

    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="agent")
    agent_no: Mapped[str] = mapped_column(String(16), unique=True)  # 工号
    display_name: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(8), default="away")
    status_changed_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    max_parallel: Mapped[int] = mapped_column(default=3)
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    last_assigned_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    groups: Mapped[List[SkillGroup]] = relationship(secondary=agent_skills, lazy="selectin",
                                                    order_by=SkillGroup.priority)

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


class AgentSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "agent_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)


class CannedReply(Base):
    """A reusable answer (常用语). ``group_id`` None = for every group."""

    __tablename__ = "canned_replies"
    __table_args__ = (Index("ix_canned_replies_group", "group_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[Optional[int]] = mapped_column(ForeignKey("skill_groups.id"))
    title: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
