"""Supervisor alerts (智能预警): complaint topics, long waits, long chats, no agent available."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.effects import Effects
from console.errors import not_found
from console.models import Agent, Handoff, SupervisorAlert
from console.services import audit

KINDS = ("complaint", "long_wait", "long_handle", "no_agent")


def raise_alert(session: Session, *, kind: str, handoff: Handoff, now: dt.datetime, effects: Effects,
                details: Optional[Dict[str, Any]] = None) -> Optional[SupervisorAlert]:
    """One alert per kind and chat: returns None when it was raised before."""
    if kind not in KINDS:
        raise ValueError(f"unknown alert kind {kind!r}")
    exists = session.scalar(select(SupervisorAlert.id).where(SupervisorAlert.kind == kind,
                                                             SupervisorAlert.handoff_id == handoff.id))
    if exists is not None:
        return None
    alert = SupervisorAlert(kind=kind, handoff_id=handoff.id, conversation_id=handoff.conversation_id,
                            details=details or {}, created_at=now)
    session.add(alert)
    session.flush()
    effects.push({"type": "alert", "alert_id": alert.id, "kind": kind, "handoff_id": handoff.id,
                  "details": alert.details}, supervisors=True)
    return alert


def list_alerts(session: Session, *, open_only: bool = True, limit: int = 100) -> List[SupervisorAlert]:
    query = select(SupervisorAlert).order_by(SupervisorAlert.id.desc()).limit(limit)
    if open_only:
        query = query.where(SupervisorAlert.acknowledged_at.is_(None))
    return list(session.scalars(query))


def acknowledge(session: Session, *, alert_id: int, agent: Agent, now: dt.datetime) -> SupervisorAlert:
    alert = session.get(SupervisorAlert, alert_id)
    if alert is None:
        raise not_found("alert")
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by_id = now, agent.id
        audit.record(session, action="alert_ack", now=now, agent=agent,
                     conversation_id=alert.conversation_id, handoff_id=alert.handoff_id,
                     details={"alert_id": alert.id, "kind": alert.kind})
    return alert
