"""Tracker JSON → the agent's history view."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import TZ
from console.services.transcript import build_transcript

FIXTURE = Path(__file__).with_name("fixtures") / "tracker_handoff.json"


def _build() -> dict:
    return build_transcript(json.loads(FIXTURE.read_text(encoding="utf-8")), tz=TZ)


def test_sessions_roles_times_and_intents() -> None:
    view = _build()
    assert view["conversation_id"] == "conv-li" and len(view["sessions"]) == 2
    first = view["sessions"][0]["turns"]
    assert [t["role"] for t in first] == ["patient", "slot", "bot", "patient", "bot", "system", "bot", "agent",
                                          "patient", "slot", "system"]
    assert first[0]["intent"] == "book_appointment" and first[0]["confidence"] == 0.97
    assert first[0]["entities"] == [{"entity": "department", "value": "骨科"}, {"entity": "doctor", "value": "张建国"}]
    assert first[0]["at"].endswith("+08:00") and first[0]["at"].startswith("2026-09-2")
    assert first[2]["response"] == "utter_ask_date"
    assert first[5] == {"role": "system", "event": "handoff_assigned", "at": first[5]["at"],
                        "details": {"agent_no": "1001"}}
    assert first[7]["role"] == "agent" and first[7]["agent_no"] == "1001"
    assert first[7]["text"] == "您好，已为您查到周三上午有号。"
    assert first[10]["event"] == "handoff_closed" and first[10]["details"] == {"resolution": "appointment_handled"}
    second = view["sessions"][1]["turns"]
    assert [t.get("intent") or t.get("event") for t in second] == ["check_report", "conversation_paused"]


def test_masking_and_key_slots_only() -> None:
    view = _build()
    text = json.dumps(view, ensure_ascii=False)
    assert "13800000001" not in text and "110101199003071234" not in text
    assert "138****0001" in text and "1101**********1234" in text
    assert "requested_slot" not in text and "EXTERNAL" not in text
    assert view["key_slots"] == {"department": "骨科", "doctor": "张建国", "appointment_id": "A20260923001"}


def test_broken_and_empty_trackers() -> None:
    assert build_transcript({}, tz=TZ) == {"conversation_id": None, "sessions": [{"started_at": None, "turns": []}],
                                           "key_slots": {}}
    odd = {"sender_id": "x", "events": [None, "text", {"event": "user", "timestamp": "bad", "text": None},
                                        {"event": "bot"}]}
    turns = build_transcript(odd, tz=TZ)["sessions"][0]["turns"]
    assert [t["role"] for t in turns] == ["patient", "bot"] and turns[0]["at"] is None
