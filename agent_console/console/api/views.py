"""Rows → JSON for the API (times in the service time zone, labels for statuses)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional

from console.models import Agent, AgentStatus, Handoff, SupervisorAlert, Ticket
from console.settings import Settings


def iso(value: Optional[dt.datetime], settings: Settings) -> Optional[str]:
    return value.astimezone(settings.tz).isoformat() if value is not None else None


def agent_view(agent: Agent) -> Dict[str, Any]:
    return {"id": agent.id, "username": agent.username, "agent_no": agent.agent_no,
            "display_name": agent.display_name, "role": agent.role, "status": agent.status,
            "status_label": AgentStatus(agent.status).label, "max_parallel": agent.max_parallel,
            "groups": [g.code for g in agent.groups]}


def handoff_view(h: Handoff, *, settings: Settings, now: dt.datetime) -> Dict[str, Any]:
    return {"id": h.id, "conversation_id": h.conversation_id, "status": h.status, "reason": h.reason,
            "topic": h.topic, "group": h.group.code, "group_name": h.group.name,
            "priority": 0 if h.urgent else h.group.priority, "urgent": h.urgent,
            "identity_verified": h.identity_verified, "patient_display": h.patient_display,
            "contact": h.contact, "summary": h.summary, "created_at": iso(h.created_at, settings),
            "waiting_since": iso(h.waiting_since, settings),
            "waiting_s": int((now - h.waiting_since).total_seconds()) if h.status == "waiting" else None,
            "assigned_agent_no": h.assigned_agent.agent_no if h.assigned_agent else None,
            "assigned_at": iso(h.assigned_at, settings), "closed_at": iso(h.closed_at, settings),
            "resolution_code": h.resolution_code, "resolution_note": h.resolution_note,
            "transfers": h.transfers}


def ticket_view(t: Ticket, *, settings: Settings, now: dt.datetime) -> Dict[str, Any]:
    return {"id": t.id, "ticket_no": t.ticket_no, "category": t.category, "urgency": t.urgency,
            "status": t.status, "due_at": iso(t.due_at, settings),
            "overdue": t.status != "done" and t.due_at < now, "contact": t.contact,
            "conversation_id": t.conversation_id, "handoff_id": t.handoff_id, "summary": t.summary,
            "created_at": iso(t.created_at, settings), "updated_at": iso(t.updated_at, settings),
            "done_at": iso(t.done_at, settings)}


def alert_view(a: SupervisorAlert, *, settings: Settings) -> Dict[str, Any]:
    return {"id": a.id, "kind": a.kind, "handoff_id": a.handoff_id, "conversation_id": a.conversation_id,
            "details": a.details, "created_at": iso(a.created_at, settings),
            "acknowledged_at": iso(a.acknowledged_at, settings)}
