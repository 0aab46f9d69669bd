"""Survey rule: a rating ≤ 2 or 未解决 creates a callback ticket due in 24 h."""
from __future__ import annotations

import datetime as dt
from typing import Callable

import pytest
from fastapi.testclient import TestClient

from conftest import NOW
from console.services.surveys import needs_callback


@pytest.mark.parametrize("rating,resolved,callback", [
    (5, True, False), (3, True, False), (2, True, True), (1, True, True), (4, False, True), (5, False, True)])
def test_rule(rating: int, resolved: bool, callback: bool) -> None:
    assert needs_callback(rating=rating, resolved=resolved) is callback


def test_negative_survey_after_an_agent_chat_creates_a_callback_ticket(
        bot: TestClient, login: Callable[..., TestClient]) -> None:
    agent = login("agent01")
    queued = bot.post("/api/handoffs", json={"conversation_id": "s1", "reason": "request_human", "topic": "挂号",
                                             "contact": "13800000003"}).json()
    assert queued["status"] == "assigned"
    closed = agent.post(f"/api/handoffs/{queued['handoff_id']}/close", json={"resolution_code": "info_provided"})
    assert closed.status_code == 200
    good = bot.post("/api/surveys", json={"conversation_id": "s1", "rating": 5, "resolved": True})
    assert good.status_code == 201 and good.json()["callback"] is False and good.json()["ticket_no"] is None
    bad = bot.post("/api/surveys", json={"conversation_id": "s1", "rating": 2, "resolved": True,
                                         "comment": "等太久了，回电13800000003"})
    body = bad.json()
    assert bad.status_code == 201 and body["callback"] is True
    assert dt.datetime.fromisoformat(body["due_at"]) == NOW + dt.timedelta(hours=24)
    tickets = agent.get("/api/tickets", params={"status": "open"}).json()
    ticket = next(t for t in tickets if t["ticket_no"] == body["ticket_no"])
    assert ticket["category"] == "callback" and ticket["contact"] == "138****0003"
    assert "13800000003" not in ticket["summary"] and "138****0003" in ticket["summary"]


def test_bot_resolved_conversation_unresolved_survey(bot: TestClient) -> None:
    response = bot.post("/api/surveys", json={"conversation_id": "bot-only", "rating": 4, "resolved": False})
    assert response.status_code == 201 and response.json()["callback"] is True


@pytest.mark.parametrize("body", [{"conversation_id": "x", "rating": 0, "resolved": True},
                                  {"conversation_id": "x", "rating": 6, "resolved": True},
                                  {"conversation_id": "", "rating": 3, "resolved": True},
                                  {"conversation_id": "x", "rating": 3}])
def test_invalid_surveys_are_refused(bot: TestClient, body: dict) -> None:
    response = bot.post("/api/surveys", json=body)
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
