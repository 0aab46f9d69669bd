"""Supervisor overview (highlights) and the sweep: waiting past the limit → ticket, alerts."""
from __future__ import annotations

import datetime as dt
from typing import Callable

from fastapi.testclient import TestClient

from conftest import NOW
from console.effects import Effects
from console.models import Handoff
from console.services import overview
from fake_rasa import FakeRasa


def test_overview_highlights_long_waits_and_long_chats(bot: TestClient, login: Callable[..., TestClient],
                                                       clock, db, settings) -> None:  # type: ignore[no-untyped-def]
    agent, boss = login("agent01"), login("super01", status="away")
    login("agent02", status="busy")
    chat = bot.post("/api/handoffs", json={"conversation_id": "o1", "reason": "request_human", "topic": "挂号"}).json()
    waiting = bot.post("/api/handoffs", json={"conversation_id": "o2", "reason": "fallback", "topic": "发票"}).json()
    assert chat["status"] == "assigned" and waiting["status"] == "queued"
    view = boss.get("/api/supervisor/overview").json()
    assert [w["too_long"] for w in view["waiting"]] == [False]
    assert view["active"][0]["too_long"] is False and view["active"][0]["average_handle_s"] == 300
    billing = next(g for g in view["groups"] if g["code"] == "billing")
    assert billing["waiting"] == 1 and billing["agents_online"] == 0
    me = next(a for a in view["agents"] if a["agent_no"] == "1001")
    assert me["load"] == 1 and me["status"] == "online"
    clock.advance(seconds=451)  # > 300 s wait alert, > 1.5 × 300 s handle time
    view = boss.get("/api/supervisor/overview").json()
    assert view["waiting"][0]["too_long"] is True and view["active"][0]["too_long"] is True
    effects = Effects()
    with db.write() as session:
        overview.sweep(session, settings=settings, now=clock(), effects=effects)
    kinds = sorted(a["kind"] for a in boss.get("/api/alerts").json())
    assert kinds == ["long_handle", "long_wait"]
    alert_id = boss.get("/api/alerts").json()[0]["id"]
    assert boss.post(f"/api/alerts/{alert_id}/ack").json()["acknowledged_at"]
    assert len(boss.get("/api/alerts").json()) == 1
    assert agent.get("/api/alerts").status_code == 403


def test_sweep_tickets_chats_waiting_past_the_limit(bot: TestClient, login: Callable[..., TestClient], db,
                                                    settings, fake_rasa: FakeRasa) -> None:  # type: ignore[no-untyped-def]
    login("agent02", status="busy")
    hid = bot.post("/api/handoffs", json={"conversation_id": "late", "reason": "fallback", "topic": "发票",
                                          "contact": "13800000004"}).json()["handoff_id"]
    with db.write() as session:
        result = overview.sweep(session, settings=settings, now=NOW + dt.timedelta(seconds=599), effects=Effects())
        assert result["ticketed"] == []
        effects = Effects()
        result = overview.sweep(session, settings=settings, now=NOW + dt.timedelta(seconds=601), effects=effects)
        assert result["ticketed"] == [hid]
        assert session.get(Handoff, hid).status == "ticketed"
    trigger = effects.triggers[0]
    assert trigger.intent == "handoff_ticketed" and trigger.entities["ticket_no"].startswith("GD20260921-")
    assert trigger.entities["due_at"].startswith("2026-09-22T10:10")
