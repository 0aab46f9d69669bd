"""Welcome message and the menu's service entries (placeholder answers until their slices exist)."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import content

WELCOME_RESPONSE = "utter_greet"
DEPARTMENT_RESPONSE = "utter_department_location"
# Intent → response answering it for now (booking, doctors and reports get real flows later).
SERVICE_RESPONSES = {
    "book_appointment": "utter_service_booking",
    "ask_doctor": "utter_service_doctor",
    "check_report": "utter_service_report",
    "complain": "utter_complaint_soothe",
}
FALLBACK_RESPONSE = "utter_menu"


class ActionWelcome(Action):
    """Greets the patient by the hospital's name and shows the service menu."""

    def name(self) -> Text:
        return "action_welcome"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Utters utter_greet (with menu buttons) filled with facts."""
        content.utter(dispatcher, domain, WELCOME_RESPONSE, content.facts())
        return []


class ActionAnswerService(Action):
    """Answers a menu service (booking, doctors, reports) or a complaint with facts filled in."""

    def name(self) -> Text:
        return "action_answer_service"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Utters the response mapped to the latest intent; a named department's location first."""
        intent = content.latest_intent(tracker) or ""
        values = content.facts()
        if intent == "ask_doctor":
            department = content.first_entity_value(tracker, "department")
            location = content.department_locations().get(department or "")
            if location:
                values.update(department=department, department_location=location)
                content.utter(dispatcher, domain, DEPARTMENT_RESPONSE, values)
        content.utter(dispatcher, domain, SERVICE_RESPONSES.get(intent, FALLBACK_RESPONSE), values)
        return []
