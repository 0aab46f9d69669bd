"""Routing: priority then longest waiting, urgent first, group membership, status and capacity;
queue position and the expected-wait estimate. On SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import NOW, make_settings
from console.effects import Effects
from console.models import Handoff
from console.services import routing
from helpers import agent_id, all_away, database, handoff, request, set_status


@pytest.fixture
def env(database_url: str):  # type: ignore[no-untyped-def]
    settings = make_settings(database_url)
    with database(settings) as db:
        all_away(db)  # nobody online: chats queue… but "no agent online" would ticket them
        yield settings, db


def _queue(db, settings, *specs):  # type: ignore[no-untyped-def]
    """Queue chats while agent01 is 忙碌 (staffed, takes nothing new); returns their ids."""
    set_status(db, agent01="busy", agent02="busy", agent03="busy")
    ids = []
    for i, (cid, reason, kwargs) in enumerate(specs):
        result, _ = request(db, settings, NOW + dt.timedelta(seconds=i), cid, reason, **kwargs)
        assert result["status"] == "queued", result
        ids.append(result["handoff_id"])
    return ids


def test_immediate_assignment_to_a_free_agent_of_the_group(env) -> None:  # type: ignore[no-untyped-def]
    settings, db = env
    set_status(db, agent01="online", agent02="online")
    result, effects = request(db, settings, NOW, "c-book", topic="book_appointment")
    assert result["status"] == "assigned" and result["group"] == "appointment"
    assert result["agent_no"] == "1001" and result["position"] is None and result["expected_wait_s"] == 0
    assert [t.intent for t in effects.triggers] == ["handoff_assigned"]
    assert effects.triggers[0].entities == {"agent_no": "1001"}
    result, _ = request(db, settings, NOW, "c-bill", topic="医保报销")
    assert result["group"] == "billing" and result["agent_no"] == "1002"


def test_urgent_first_then_priority_then_longest_waiting(env) -> None:  # type: ignore[no-untyped-def]
    settings, db = env
    general_old, book, general_new, urgent = _queue(
        db, settings, ("c1", "fallback", {}), ("c2", "request_human", {"topic": "改约"}),
        ("c3", "request_human", {}), ("c4", "request_human", {"urgent": True, "topic": "general"}))
    assert handoff(db, urgent).group.code == "emergency"
    # the supervisor (all groups, 2 places) comes online: urgent, then 预约挂号 (priority 2)
    set_status(db, super01="online")
    effects = Effects()
    with db.write() as session:
        assigned = [h.id for h in routing.route(session, settings=settings, now=NOW, effects=effects)]
    assert assigned == [urgent, book]
    # one more place: the longest-waiting of 综合咨询
    set_status(db, agent01="online")
    with db.write() as session:
        assigned = [h.id for h in routing.route(session, settings=settings, now=NOW, effects=effects)]
    assert assigned == [general_old, general_new]  # agent01: 3 places, both general chats fit


def test_capacity_status_and_group_are_respected(env) -> None:  # type: ignore[no-untyped-def]
    settings, db = env
    ids = _queue(db, settings, *[(f"g{i}", "request_human", {"topic": "挂号"}) for i in range(5)])
    set_status(db, agent01="online")  # appointment + general, max_parallel 3
    with db.write() as session:
        assigned = routing.route(session, settings=settings, now=NOW, effects=Effects())
        assert [h.id for h in assigned] == ids[:3]
        assert routing.loads(session) == {agent_id(db, "agent01"): 3}
        waiting = routing.waiting_handoffs(session)
        assert [h.id for h in waiting] == ids[3:]
    set_status(db, agent02="online")  # billing/complaint/general: not 预约挂号
    with db.write() as session:
        assert routing.route(session, settings=settings, now=NOW, effects=Effects()) == []


def test_urgent_goes_to_any_free_agent_when_no_emergency_agent_is_free(env) -> None:  # type: ignore[no-untyped-def]
    settings, db = env
    set_status(db, agent02="online")  # not in 急诊/紧急
    result, _ = request(db, settings, NOW, "sos", "self_harm")
    assert result["status"] == "assigned" and result["agent_no"] == "1002" and result["urgent"] is True
    strict = settings.model_copy(update={"urgent_any_agent": False})
    result, _ = request(db, strict, NOW, "sos2", "emergency")
    assert result["status"] == "no_agent" and result["ticket_no"]  # nobody of 急诊 signed on


def test_position_and_expected_wait(env) -> None:  # type: ignore[no-untyped-def]
    settings, db = env
    ids = _queue(db, settings, *[(f"w{i}", "request_human", {"topic": "预约"}) for i in range(4)])
    with db.read() as session:
        assert [routing.position(session, handoff=handoff(db, i)) for i in ids] == [1, 2, 3, 4]
        # staffed (忙碌) but nobody 在线: capacity counts as 1; no history: default 300 s per chat
        assert routing.expected_wait_s(session, handoff=handoff(db, ids[3]), settings=settings, now=NOW) == 1200
    # measured handle time: two closed 预约挂号 chats of 100 s and 140 s; agent01 在线 (3 places)
    with db.write() as session:
        group_id = handoff(db, ids[0]).group_id
        for n, seconds in enumerate((100, 140)):
            session.add(Handoff(conversation_id=f"old{n}", reason="request_human", group_id=group_id,
                                status="closed", created_at=NOW - dt.timedelta(hours=1),
                                waiting_since=NOW - dt.timedelta(hours=1),
                                assigned_at=NOW - dt.timedelta(minutes=30),
                                closed_at=NOW - dt.timedelta(minutes=30) + dt.timedelta(seconds=seconds)))
    set_status(db, agent01="online")
    manual = settings.model_copy(update={"auto_assign": False})
    with db.read() as session:
        assert routing.average_handle_time_s(session, group_id=group_id, settings=manual, now=NOW) == 120
        waits = [routing.expected_wait_s(session, handoff=handoff(db, i), settings=manual, now=NOW) for i in ids]
    assert waits == [120, 120, 120, 240]  # ceil(position / 3 places) × 120 s
