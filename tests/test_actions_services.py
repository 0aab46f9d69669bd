"""action_welcome and action_answer_service (menu entries and complaints)."""
from __future__ import annotations

import pytest

from actions import content
from actions.services import ActionAnswerService, ActionWelcome
from tests.test_actions_support import domain_dict, make_tracker, render, response_names, run_action


def test_welcome_names_the_hospital_and_shows_the_menu():
    messages, events = run_action(ActionWelcome(), make_tracker("你好", "greet"))
    assert response_names(messages) == ["utter_greet"] and events == []
    assert "示范市第一人民医院" in render(messages[0])
    payloads = [b["payload"] for b in domain_dict()["responses"]["utter_greet"][0]["buttons"]]
    assert payloads == ["/book_appointment", "/ask_doctor", "/check_report", "/ask_insurance", "/ask_price",
                        "/ask_hospital_guide", "/request_human"]
    assert all(p[1:] in domain_dict()["intents"] for p in payloads)


@pytest.mark.parametrize(
    "intent, response",
    [("book_appointment", "utter_service_booking"), ("ask_doctor", "utter_service_doctor"),
     ("check_report", "utter_service_report"), ("complain", "utter_complaint_soothe")],
)
def test_each_service_intent_gets_its_filled_answer(intent, response):
    messages, events = run_action(ActionAnswerService(), make_tracker("…", intent))
    assert response_names(messages) == [response] and events == []
    assert "{" not in render(messages[0])


def test_doctor_question_about_a_department_gives_its_location_first():
    tracker = make_tracker("骨科有哪些医生", "ask_doctor", [("department", "骨科")])
    messages, _ = run_action(ActionAnswerService(), tracker)
    assert response_names(messages) == ["utter_department_location", "utter_service_doctor"]
    assert content.department_locations()["骨科"] in render(messages[0])


def test_button_payloads_name_domain_intents():
    for name, variations in domain_dict()["responses"].items():
        for variation in variations:
            for button in variation.get("buttons") or []:
                payload = button["payload"]
                if payload.startswith("/"):
                    intent = payload[1:].split("{")[0]
                    assert intent in domain_dict()["intents"], (name, payload)
