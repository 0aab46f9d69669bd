"""Handoff requests: no agent → ticket with due times, service hours, complaint alerts, repeated
and escalated requests, relayed patient messages (masked). On SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from conftest import NOW, TZ, make_settings
from console.effects import Effects
from console.errors import ConsoleError
from console.models import Message, SupervisorAlert, Ticket
from console.services import intake
from helpers import all_away, database, handoff, request, set_status


@pytest.fixture
def env(database_url: str):  # type: ignore[no-untyped-def]
    settings = make_settings(database_url)
    with database(settings) as db:
        all_away(db)
        yield settings, db


def _ticket(db, ticket_no):  # type: ignore[no-untyped-def]
    with db.read() as session:
        return session.scalar(select(Ticket).where(Ticket.ticket_no == ticket_no))


def test_no_agent_online_creates_a_ticket_due_in_24_hours(env) -> None:  # type: ignore[no-untyped-def]
    settings, db = env
    result, _ = request(db, settings, NOW, "c1", topic="报销", contact="13800000001", summary="问门诊报销比例")
    assert result["status"] == "no_agent" and result["why"] == "no_agent_online"
    assert result["position"] is None and result["expected_wait_s"] == 0
    ticket = _ticket(db, result["ticket_no"])
    assert result["ticket_no"] == f"GD20260921-{ticket.id:06d}"
    assert ticket.urgency == "normal" and ticket.category == "follow_up" and ticket.status == "open"
    assert ticket.due_at == NOW + dt.timedelta(hours=24)
    assert ticket.contact == "138****0001" and ticket.conversation_id == "c1"
    assert handoff(db, result["handoff_id"]).status == "ticketed"


def test_urgent_without_agents_is_due_in_one_hour_and_alerts(env) -> None:  # type: ignore[no-untyped-def]
    settings, db = env
    result, effects = request(db, settings, NOW, "c2", "emergency", topic="胸痛")
    ticket = _ticket(db, result["ticket_no"])
    assert ticket.urgency == "urgent" and ticket.due_at == NOW + dt.timedelta(hours=1)
    assert any(p.event.get("kind") == "no_agent" for p in effects.pushes)


def test_outside_service_hours_tickets_except_emergency(env) -> None:  # type: ignore[no-untyped-def]
    settings, db = env
    set_status(db, agent01="online", agent03="online")
    night = dt.datetime(2026, 9, 21, 23, 30, tzinfo=TZ)
    result, _ = request(db, settings, night, "n1", topic="挂号")
    assert result["status"] == "no_agent" and result["why"] == "outside_hours"
    result, _ = request(db, settings, night, "n2", "self_harm")
    assert result["status"] == "assigned" and result["agent_no"] == "1003"  # 急诊/紧急 is 24 h


def test_complaint_topics_alert_a_supervisor_and_pick_the_complaint_group(env) -> None:  # type: ignore[no-untyped-def]
    settings, db = env
    set_status(db, agent02="busy")
    for cid, kwargs in (("k1", {"topic": "我要去卫健委投诉"}), ("k2", {"summary": "要求赔偿医药费"}),
                        ("k3", {"topic": "医疗纠纷"})):
        result, effects = request(db, settings, NOW, cid, **kwargs)
        assert result["group"] == "complaint" and result["status"] == "queued", (cid, result)
        assert [p.event["kind"] for p in effects.pushes if p.event["type"] == "alert"] == ["complaint"]
    result, effects = request(db, settings, NOW, "k4", topic="改约")
    assert result["group"] == "appointment" and not any(p.event["type"] == "alert" for p in effects.pushes)
    with db.read() as session:
        assert len(list(session.scalars(select(SupervisorAlert)))) == 3


def test_a_second_request_returns_the_active_one_and_can_escalate(env) -> None:  # type: ignore[no-untyped-def]
    settings, db = env
    set_status(db, agent01="busy", agent03="busy")
    first, _ = request(db, settings, NOW, "same", topic="挂号")
    again, _ = request(db, settings, NOW + dt.timedelta(seconds=5), "same", topic="挂号")
    assert again["handoff_id"] == first["handoff_id"] and again["position"] == 1
    urgent, _ = request(db, settings, NOW + dt.timedelta(seconds=9), "same", "emergency")
    assert urgent["handoff_id"] == first["handoff_id"] and urgent["urgent"] and urgent["group"] == "emergency"


def test_relayed_patient_messages_are_masked_and_pushed(env) -> None:  # type: ignore[no-untyped-def]
    settings, db = env
    set_status(db, agent01="online")
    result, _ = request(db, settings, NOW, "m1", topic="挂号")
    effects = Effects()
    with db.write() as session:
        message = intake.relay_patient_message(session, conversation_id="m1", settings=settings, now=NOW,
                                               effects=effects, text="身份证110101199003071234 手机13800000001")
        assert message.text == "身份证1101**********1234 手机138****0001"
    assert effects.pushes[0].agent_ids == (handoff(db, result["handoff_id"]).assigned_agent_id,)
    assert "110101199003071234" not in str(effects.pushes[0].event)
    with db.write() as session, pytest.raises(ConsoleError) as err:
        intake.relay_patient_message(session, conversation_id="nobody", text="hi", settings=settings, now=NOW,
                                     effects=Effects())
    assert err.value.code == "not_active"
    with db.read() as session:
        assert session.scalar(select(Message.text).where(Message.handoff_id == result["handoff_id"]))
