"""action_handle_emergency: the immediate reply, the first-aid hint, the urgent escalation."""
from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions import escalation_store
from actions.emergency import ActionHandleEmergency
from tests.test_actions_support import make_tracker, render, response_names, run_action, slot_events


@pytest.fixture(autouse=True)
def temp_queue(tmp_path, monkeypatch):
    monkeypatch.setenv("ESCALATION_DB_URL", f"sqlite:///{tmp_path / 'handoff.db'}")


def with_detection(text: str, intent: str, detection=None) -> Tracker:
    tracker = make_tracker(text, intent)
    if detection is not None:
        tracker.latest_message["emergency"] = detection
    return tracker


def test_medical_emergency_reply_hint_and_urgent_escalation():
    tracker = with_detection("我爸突然嘴歪了说不出话", "report_emergency")
    messages, events = run_action(ActionHandleEmergency(), tracker)
    assert response_names(messages) == ["utter_emergency_medical", "utter_emergency_first_aid",
                                        "utter_emergency_agent_queued"]
    assert "120" in render(messages[0]) and "{" not in render(messages[0])
    assert slot_events(events) == {"urgent": True, "emergency_category": "stroke"}
    queued = escalation_store.waiting()
    assert len(queued) == 1
    assert queued[0]["priority"] == escalation_store.PRIORITY_URGENT
    assert queued[0]["reason"] == "emergency" and queued[0]["category"] == "stroke"


def test_self_harm_gets_the_crisis_lines():
    messages, events = run_action(ActionHandleEmergency(), with_detection("我不想活了", "express_self_harm"))
    assert response_names(messages) == ["utter_self_harm_support", "utter_emergency_agent_queued"]
    text = render(messages[0])
    assert "12356" in text and "400-161-9995" in text
    assert slot_events(events)["emergency_category"] == "self_harm"
    assert escalation_store.waiting()[0]["reason"] == "self_harm"


def test_self_harm_with_a_medical_emergency_gets_both():
    detection = {"category": "poisoning", "kind": "medical", "self_harm": True, "hint": "保留药瓶"}
    messages, _ = run_action(ActionHandleEmergency(), with_detection("我吃了一瓶安眠药不想活了", "report_emergency", detection))
    assert response_names(messages) == ["utter_emergency_medical", "utter_emergency_first_aid",
                                        "utter_self_harm_support", "utter_emergency_agent_queued"]


def test_classifier_only_emergency_still_gets_the_reply():
    detection = {"category": "critical_unspecified", "kind": "medical", "source": "classifier"}
    messages, events = run_action(ActionHandleEmergency(), with_detection("家里老人很不好", "report_emergency", detection))
    assert response_names(messages) == ["utter_emergency_medical", "utter_emergency_agent_queued"]
    assert slot_events(events)["emergency_category"] == "critical_unspecified"


def test_urgent_conversations_queue_ahead_of_others():
    escalation_store.record_escalation(conversation_id="earlier", reason="request_human", category=None,
                                       message="转人工", priority=escalation_store.PRIORITY_NORMAL)
    run_action(ActionHandleEmergency(), with_detection("救命 我爸晕倒了", "report_emergency"))
    assert [e["conversation_id"] for e in escalation_store.waiting()][0] == tracker_id()


def tracker_id() -> str:
    return make_tracker("x", "greet").sender_id


def test_personal_numbers_are_masked_in_the_queue():
    run_action(ActionHandleEmergency(), with_detection("救命 我爸晕倒了 我电话13912345678", "report_emergency"))
    assert "13912345678" not in escalation_store.waiting()[0]["message"]


def test_reply_goes_out_even_if_the_queue_is_down(monkeypatch):
    monkeypatch.setenv("ESCALATION_DB_URL", "postgresql://nobody@127.0.0.1:1/none")
    messages, events = run_action(ActionHandleEmergency(), with_detection("救命 我爸晕倒了", "report_emergency"))
    assert response_names(messages)[0] == "utter_emergency_medical"
    assert response_names(messages)[-1] == "utter_emergency_agent_unavailable"
    assert slot_events(events)["urgent"] is True


def test_emergency_built_from_several_triage_messages_keeps_its_category():
    tracker = make_tracker("出冷汗", "report_emergency", slots={"triage_text": "胸口疼得厉害 出冷汗 喘不上气"})
    messages, events = run_action(ActionHandleEmergency(), tracker)
    assert response_names(messages)[0] == "utter_emergency_medical"
    assert slot_events(events)["emergency_category"] != "critical_unspecified"
