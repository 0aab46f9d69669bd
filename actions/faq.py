"""Hospital-information FAQ: answers the topic chosen by the ResponseSelector with facts filled in."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import content

RETRIEVAL_INTENT = "faq"
GUIDE_RESPONSE = "utter_hospital_guide"
DISCLAIMER_RESPONSE = "utter_disclaimer"
DEPARTMENT_RESPONSE = "utter_department_location"
BUILDING_GUIDE_KEY = "faq/building_guide"
# Topics whose answers touch health get the short medical disclaimer after them.
HEALTH_TOPICS = {"faq/report_time", "faq/nipt_report", "faq/checkup_preparation", "faq/fever_clinic"}


def selected_response_key(tracker: Tracker) -> Optional[Text]:
    """The `faq/<topic>` key the ResponseSelector chose for the latest message, if any."""
    selector: Dict[Text, Any] = (tracker.latest_message or {}).get("response_selector") or {}
    for key in (RETRIEVAL_INTENT, "default"):
        response = (selector.get(key) or {}).get("response") or {}
        found = response.get("intent_response_key")
        if found:
            return str(found)
    return None


class ActionAnswerFaq(Action):
    """Answers a hospital-information question from facts.yml."""

    def name(self) -> Text:
        return "action_answer_faq"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Utters utter_faq/<topic> filled with facts (a department's location when one is named)."""
        key = selected_response_key(tracker)
        response = f"utter_{key}" if key else None
        if not response or not content.has_response(domain, response):
            dispatcher.utter_message(response=GUIDE_RESPONSE)
            return []
        values = content.facts()
        department = content.first_entity_value(tracker, "department")
        location = content.department_locations().get(department or "")
        if key == BUILDING_GUIDE_KEY and location:
            values.update(department=department, department_location=location)
            content.utter(dispatcher, domain, DEPARTMENT_RESPONSE, values)
            return []
        content.utter(dispatcher, domain, response, values)
        if key in HEALTH_TOPICS:
            dispatcher.utter_message(response=DISCLAIMER_RESPONSE)
        return []
