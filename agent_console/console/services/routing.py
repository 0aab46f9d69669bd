"""Routing: the longest-waiting chat of the highest priority goes to a free agent of its group.

Order of the queue: urgent first, then the group's priority (1 = 急诊/紧急), then the longest
waiting. A free agent: active, status 在线, in the chat's group, fewer open chats than
``max_parallel``; among them the least loaded, then the one idle longest. Urgent chats may go to any
free agent when no agent of 急诊/紧急 is free (``urgent_any_agent``)."""
from __future__ import annotations

import datetime as dt
import math
from typing import Dict, List, Optional, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from console.effects import Effects
from console.models import Agent, AgentStatus, Handoff, HandoffStatus, SkillGroup
from console.services import audit
from console.settings import Settings

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def queue_order():  # type: ignore[no-untyped-def]
    return (Handoff.urgent.desc(), SkillGroup.priority, Handoff.waiting_since, Handoff.id)


def waiting_handoffs(session: Session, *, group_ids: Optional[Sequence[int]] = None) -> List[Handoff]:
    query = (select(Handoff).join(SkillGroup, SkillGroup.id == Handoff.group_id)
             .where(Handoff.status == HandoffStatus.waiting.value).order_by(*queue_order()))
    if group_ids is not None:
        query = query.where(Handoff.group_id.in_(list(group_ids)))
    return list(session.scalars(query).unique())


def loads(session: Session) -> Dict[int, int]:
    """Open (assigned) chats per agent id."""
    rows = session.execute(select(Handoff.assigned_agent_id, func.count())
                           .where(Handoff.status == HandoffStatus.assigned.value)
                           .group_by(Handoff.assigned_agent_id))
    return {agent_id: count for agent_id, count in rows if agent_id is not None}


def _online_agents(session: Session, *, lock: bool) -> List[Agent]:
    query = (select(Agent).where(Agent.is_active.is_(True), Agent.status == AgentStatus.online.value)
             .order_by(Agent.id))
    if lock:  # PostgreSQL: concurrent routings queue here instead of over-filling an agent
        query = query.with_for_update(of=Agent)
    return list(session.scalars(query).unique())


def pick_agent(agents: Sequence[Agent], *, handoff: Handoff, load: Dict[int, int],
               settings: Settings) -> Optional[Agent]:
    free = [a for a in agents if load.get(a.id, 0) < a.max_parallel]
    in_group = [a for a in free if any(g.id == handoff.group_id for g in a.groups)]
    if not in_group and handoff.urgent and settings.urgent_any_agent:
        in_group = free
    if not in_group:
        return None
    return min(in_group, key=lambda a: (load.get(a.id, 0), a.last_assigned_at or _EPOCH, a.id))


def assign(session: Session, *, handoff: Handoff, agent: Agent, now: dt.datetime, effects: Effects,
           by: Optional[Agent] = None, action: str = "assigned") -> bool:
    """Conditionally move a waiting chat to ``agent`` (False when somebody else was quicker)."""
    result = session.execute(
        update(Handoff).where(Handoff.id == handoff.id, Handoff.status == HandoffStatus.waiting.value)
        .values(status=HandoffStatus.assigned.value, assigned_agent_id=agent.id, assigned_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    session.refresh(handoff)
    agent.last_assigned_at = now
    audit.record(session, action=action, now=now, agent=by, actor=None if by else "system:routing",
                 conversation_id=handoff.conversation_id, handoff_id=handoff.id,
                 details={"agent_no": agent.agent_no})
    effects.push({"type": "handoff_assigned", "handoff_id": handoff.id, "agent_id": agent.id,
                  "agent_no": agent.agent_no, "group": handoff.group.code},
                 agent_ids=[agent.id], group_codes=[handoff.group.code])
    effects.trigger(handoff.conversation_id, "handoff_assigned", agent_no=agent.agent_no)
    return True


def route(session: Session, *, settings: Settings, now: dt.datetime, effects: Effects) -> List[Handoff]:
    """Assign as many waiting chats as free agents allow; returns the chats assigned."""
    if not settings.auto_assign:
        return []
    agents = _online_agents(session, lock=True)
    if not agents:
        return []
    load = loads(session)
    assigned: List[Handoff] = []
    for handoff in waiting_handoffs(session):
        agent = pick_agent(agents, handoff=handoff, load=load, settings=settings)
        if agent is None:
            continue
        if assign(session, handoff=handoff, agent=agent, now=now, effects=effects):
            load[agent.id] = load.get(agent.id, 0) + 1
            assigned.append(handoff)
    return assigned


def average_handle_time_s(session: Session, *, group_id: int, settings: Settings,
                          now: dt.datetime) -> float:
    """Mean assigned→closed time of the group's chats closed in the last days (default if none)."""
    since = now - dt.timedelta(days=settings.handle_time_window_days)
    rows = session.execute(select(Handoff.assigned_at, Handoff.closed_at).where(
        Handoff.group_id == group_id, Handoff.assigned_at.is_not(None), Handoff.closed_at.is_not(None),
        Handoff.closed_at >= since)).all()
    durations = [(closed - assigned).total_seconds() for assigned, closed in rows if closed > assigned]
    return sum(durations) / len(durations) if durations else float(settings.default_handle_time_s)


def staffed_agents(session: Session, *, group_id: Optional[int]) -> List[Agent]:
    """Active agents signed on (在线 or 忙碌), of the group when given."""
    query = select(Agent).where(Agent.is_active.is_(True),
                                Agent.status.in_([AgentStatus.online.value, AgentStatus.busy.value]))
    agents = list(session.scalars(query).unique())
    if group_id is None:
        return agents
    return [a for a in agents if any(g.id == group_id for g in a.groups)]


def position(session: Session, *, handoff: Handoff) -> Optional[int]:
    """1-based place among the chats waiting for the same group (None once no longer waiting)."""
    if handoff.status != HandoffStatus.waiting.value:
        return None
    queue = waiting_handoffs(session, group_ids=[handoff.group_id])
    return next((i for i, h in enumerate(queue, start=1) if h.id == handoff.id), None)


def expected_wait_s(session: Session, *, handoff: Handoff, settings: Settings, now: dt.datetime) -> int:
    """Estimate: the chats ahead (and this one) share the group's online capacity, each taking the
    group's average handle time: ``ceil(position / capacity) × handle time``; 0 when assigned."""
    place = position(session, handoff=handoff)
    if place is None:
        return 0
    agents = [a for a in staffed_agents(session, group_id=handoff.group_id)
              if a.status == AgentStatus.online.value]
    if not agents and handoff.urgent and settings.urgent_any_agent:
        agents = [a for a in staffed_agents(session, group_id=None) if a.status == AgentStatus.online.value]
    capacity = sum(a.max_parallel for a in agents) or 1
    handle = average_handle_time_s(session, group_id=handoff.group_id, settings=settings, now=now)
    return int(math.ceil(place / capacity) * handle)
