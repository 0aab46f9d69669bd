"""Audit log (PIPL): who viewed or did what, when. Append-only."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import Agent, AuditEntry


def actor_of(agent: Optional[Agent]) -> str:
    return f"agent:{agent.agent_no}" if agent is not None else "service:bot"


def record(session: Session, *, action: str, now: dt.datetime, agent: Optional[Agent] = None,
           actor: Optional[str] = None, conversation_id: Optional[str] = None,
           handoff_id: Optional[int] = None, details: Optional[Dict[str, Any]] = None) -> AuditEntry:
    entry = AuditEntry(at=now, actor=actor or actor_of(agent), agent_id=agent.id if agent else None,
                       action=action, conversation_id=conversation_id, handoff_id=handoff_id,
                       details=details or {})
    session.add(entry)
    return entry


def list_entries(session: Session, *, conversation_id: Optional[str] = None,
                 agent_id: Optional[int] = None, limit: int = 200) -> List[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if conversation_id is not None:
        query = query.where(AuditEntry.conversation_id == conversation_id)
    if agent_id is not None:
        query = query.where(AuditEntry.agent_id == agent_id)
    return list(session.scalars(query))
