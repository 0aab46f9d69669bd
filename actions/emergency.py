"""Emergency and self-harm: the immediate reply and the urgent escalation to a person."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import content
from actions.escalation_store import PRIORITY_URGENT, record_escalation
from hospital_core import safety

logger = logging.getLogger(__name__)

SELF_HARM_INTENT = "express_self_harm"


def _detection(tracker: Tracker) -> Dict[Text, Any]:
    """The detection the NLU pipeline attached; recomputed when the intent came from a button."""
    message = tracker.latest_message or {}
    found = message.get("emergency")
    if isinstance(found, dict) and found.get("kind"):
        return found
    # The latest text, or the symptoms gathered by triage over several messages (胸口疼 … 出冷汗).
    for text in (message.get("text") or "", tracker.get_slot("triage_text") or ""):
        detection = safety.detect(text) if text else None
        if detection is not None:
            return detection.to_dict()
    intent = (message.get("intent") or {}).get("name")
    kind = "self_harm" if intent == SELF_HARM_INTENT else "medical"
    return {"category": "self_harm" if kind == "self_harm" else "critical_unspecified", "kind": kind,
            "self_harm": kind == "self_harm"}


class ActionHandleEmergency(Action):
    """Tells the patient what to do now (120/ER or crisis lines) and queues an urgent human agent."""

    def name(self) -> Text:
        return "action_handle_emergency"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        detection = _detection(tracker)
        kind, category = detection["kind"], detection.get("category") or "critical_unspecified"
        try:
            facts = content.facts()
        except Exception:  # the reply must go out even if the facts table is broken
            logger.exception("facts table unavailable for the emergency reply")
            facts = {}
        if kind != "self_harm":
            content.utter(dispatcher, domain, "utter_emergency_medical", facts)
            if detection.get("hint"):
                dispatcher.utter_message(response="utter_emergency_first_aid", first_aid=detection["hint"])
        if kind == "self_harm" or detection.get("self_harm"):
            content.utter(dispatcher, domain, "utter_self_harm_support", facts)
        try:
            escalation_id = record_escalation(conversation_id=tracker.sender_id,
                                              reason="self_harm" if kind == "self_harm" else "emergency",
                                              category=category, priority=PRIORITY_URGENT,
                                              message=(tracker.latest_message or {}).get("text") or "")
        except Exception:
            logger.exception("could not queue the urgent escalation")
            escalation_id = None
        if escalation_id is not None:
            dispatcher.utter_message(response="utter_emergency_agent_queued")
        else:
            content.utter(dispatcher, domain, "utter_emergency_agent_unavailable", facts)
        return [SlotSet("urgent", True), SlotSet("emergency_category", category)]
