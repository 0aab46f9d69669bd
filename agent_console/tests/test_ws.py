"""The agents' websocket: authentication, origin check, pushes (queue, assignment, patient messages,
typing, alerts) and sending through the socket."""
from __future__ import annotations

from typing import Callable

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from fake_rasa import FakeRasa


def next_of(ws, kind: str, limit: int = 10) -> dict:  # type: ignore[no-untyped-def]
    for _ in range(limit):
        event = ws.receive_json()
        if event["type"] == kind:
            return event
    raise AssertionError(f"no {kind} event")


def test_refused_without_session_or_from_a_foreign_origin(app_factory: Callable[..., TestClient],
                                                          login: Callable[..., TestClient]) -> None:
    with pytest.raises(WebSocketDisconnect) as err:
        with app_factory().websocket_connect("/ws") as ws:
            ws.receive_json()
    assert err.value.code == 4401
    agent = login("agent01")
    with pytest.raises(WebSocketDisconnect):
        with agent.websocket_connect("/ws", headers={"Origin": "https://evil.example"}) as ws:
            ws.receive_json()
    with agent.websocket_connect("/ws", headers={"Origin": "http://127.0.0.1:8100"}) as ws:
        assert ws.receive_json()["type"] == "hello"


def test_assignment_and_patient_messages_are_pushed_at_once(bot: TestClient, login: Callable[..., TestClient]) -> None:
    agent, boss = login("agent01"), login("super01", status="away")
    with agent.websocket_connect("/ws") as ws, boss.websocket_connect("/ws") as sup:
        assert ws.receive_json()["groups"] == ["appointment", "general"]
        sup.receive_json()
        hid = bot.post("/api/handoffs", json={"conversation_id": "w1", "reason": "request_human",
                                              "topic": "挂号"}).json()["handoff_id"]
        assert next_of(ws, "handoff_assigned")["handoff_id"] == hid
        bot.post("/api/conversations/w1/typing")
        assert next_of(ws, "patient_typing")["handoff_id"] == hid
        bot.post("/api/conversations/w1/messages", json={"text": "手机13800000001，能改约吗"})
        event = next_of(ws, "patient_message")
        assert event["message"]["text"] == "手机138****0001，能改约吗" and event["message"]["sender"] == "patient"
        bot.post("/api/handoffs", json={"conversation_id": "w2", "reason": "complaint", "topic": "投诉"})
        assert next_of(sup, "alert")["kind"] == "complaint"


def test_queue_items_reach_the_agents_of_the_group_only(bot: TestClient, login: Callable[..., TestClient]) -> None:
    billing, booking = login("agent02", status="busy"), login("agent01", status="busy")
    with billing.websocket_connect("/ws") as b, booking.websocket_connect("/ws") as a:
        b.receive_json(), a.receive_json()
        bot.post("/api/handoffs", json={"conversation_id": "w3", "reason": "request_human", "topic": "退费"})
        assert next_of(b, "queue_added")["group"] == "billing"
        a.send_json({"type": "ping"})
        assert a.receive_json()["type"] == "pong"  # nothing for 预约挂号 came before the pong


def test_send_through_the_socket(bot: TestClient, login: Callable[..., TestClient], fake_rasa: FakeRasa) -> None:
    agent, other = login("agent01"), login("agent02")
    hid = bot.post("/api/handoffs", json={"conversation_id": "w4", "reason": "request_human",
                                          "topic": "挂号"}).json()["handoff_id"]
    with agent.websocket_connect("/ws") as ws:
        ws.receive_json()
        ws.send_json({"type": "send", "handoff_id": hid, "text": "您好，请讲", "ref": "r1"})
        sent = next_of(ws, "sent")
        assert sent["ref"] == "r1" and sent["message"]["agent_no"] == "1001"
        ws.send_json({"type": "typing", "handoff_id": hid})
        ws.send_json({"type": "send", "handoff_id": hid, "text": ""})
        assert next_of(ws, "error")["code"] == "validation_error"
        ws.send_json("not an object")
        assert next_of(ws, "error")["code"] == "validation_error"
    assert fake_rasa.intents()[-1] == "agent_message"
    with other.websocket_connect("/ws") as ws:
        ws.receive_json()
        ws.send_json({"type": "send", "handoff_id": hid, "text": "我不是负责人"})
        assert next_of(ws, "error")["code"] == "forbidden"
