"""Supervisor view (queues, waits, agents' status and load, highlights) and the periodic sweep
that tickets chats waiting past the limit and raises long-wait / long-chat alerts."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.effects import Effects
from console.models import Agent, Handoff, HandoffStatus
from console.services import alerts, groups, intake, routing
from console.settings import Settings


def wait_alert_s(*, handoff: Handoff, settings: Settings) -> int:
    """急诊/紧急 uses its group target (1 minute); the others the configured alert threshold."""
    if handoff.urgent or handoff.group.code == groups.EMERGENCY:
        return min(handoff.group.target_wait_s, settings.wait_alert_s)
    return settings.wait_alert_s


def supervisor_overview(session: Session, *, settings: Settings, now: dt.datetime) -> Dict[str, Any]:
    all_groups = groups.list_groups(session)
    load = routing.loads(session)
    handle = {g.id: routing.average_handle_time_s(session, group_id=g.id, settings=settings, now=now)
              for g in all_groups}
    waiting = routing.waiting_handoffs(session)
    active = list(session.scalars(select(Handoff).where(Handoff.status == HandoffStatus.assigned.value)
                                  .order_by(Handoff.assigned_at)).unique())
    agents = list(session.scalars(select(Agent).where(Agent.is_active.is_(True)).order_by(Agent.agent_no)).unique())
    tz = settings.tz

    waiting_rows = []
    for h in waiting:
        waited = (now - h.waiting_since).total_seconds()
        waiting_rows.append({"handoff_id": h.id, "group": h.group.code, "urgent": h.urgent, "topic": h.topic,
                             "waiting_s": int(waited), "waiting_since": h.waiting_since.astimezone(tz).isoformat(),
                             "too_long": waited > wait_alert_s(handoff=h, settings=settings)})
    active_rows = []
    for h in active:
        took = (now - h.assigned_at).total_seconds() if h.assigned_at else 0.0
        limit = settings.long_handle_factor * handle[h.group_id]
        active_rows.append({"handoff_id": h.id, "group": h.group.code, "urgent": h.urgent,
                            "agent_no": h.assigned_agent.agent_no if h.assigned_agent else None,
                            "handling_s": int(took), "average_handle_s": int(handle[h.group_id]),
                            "too_long": took > limit})
    group_rows = []
    for g in all_groups:
        members = [a for a in agents if any(x.id == g.id for x in a.groups)]
        mine = [w for w in waiting_rows if w["group"] == g.code]
        group_rows.append({
            "code": g.code, "name": g.name, "priority": g.priority, "waiting": len(mine),
            "longest_wait_s": max((w["waiting_s"] for w in mine), default=0),
            "agents_online": sum(1 for a in members if a.status == "online"),
            "capacity": sum(a.max_parallel for a in members if a.status == "online"),
            "load": sum(load.get(a.id, 0) for a in members),
            "average_handle_s": int(handle[g.id]),
            "open": intake.in_service_hours(group_code=g.code, settings=settings, now=now)})
    agent_rows = [{"agent_id": a.id, "agent_no": a.agent_no, "display_name": a.display_name, "role": a.role,
                   "status": a.status, "load": load.get(a.id, 0), "max_parallel": a.max_parallel,
                   "groups": [g.code for g in a.groups]} for a in agents]
    return {"time": now.astimezone(tz).isoformat(), "groups": group_rows, "agents": agent_rows,
            "waiting": waiting_rows, "active": active_rows,
            "open_alerts": len(alerts.list_alerts(session, open_only=True))}


def sweep(session: Session, *, settings: Settings, now: dt.datetime, effects: Effects) -> Dict[str, List[int]]:
    """Ticket chats waiting past the limit, route what can be routed, alert on long waits/chats."""
    ticketed: List[int] = []
    for h in routing.waiting_handoffs(session):
        limit = settings.urgent_wait_limit_s if h.urgent else settings.wait_limit_s
        waited = (now - h.waiting_since).total_seconds()
        if waited > limit:
            info = intake.ticket_for(session, handoff=h, why="wait_limit", settings=settings, now=now,
                                     effects=effects)
            effects.trigger(h.conversation_id, "handoff_ticketed", ticket_no=info["ticket_no"],
                            due_at=info["due_at"].astimezone(settings.tz).isoformat())
            ticketed.append(h.id)
        elif waited > wait_alert_s(handoff=h, settings=settings):
            alerts.raise_alert(session, kind="long_wait", handoff=h, now=now, effects=effects,
                               details={"waiting_s": int(waited)})
    session.flush()
    assigned = [h.id for h in routing.route(session, settings=settings, now=now, effects=effects)]
    for row in supervisor_overview(session, settings=settings, now=now)["active"]:
        if row["too_long"]:
            handoff = session.get(Handoff, row["handoff_id"])
            if handoff is not None:
                alerts.raise_alert(session, kind="long_handle", handoff=handoff, now=now, effects=effects,
                                   details={"handling_s": row["handling_s"],
                                            "average_handle_s": row["average_handle_s"]})
    return {"ticketed": ticketed, "assigned": assigned}
