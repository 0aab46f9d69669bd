"""Not understood twice in a row → offer a human; explicit requests for a human get the hotline."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import content

FALLBACK_INTENT = "nlu_fallback"
FIRST_MISS_RESPONSE = "utter_default"
SECOND_MISS_RESPONSE = "utter_fallback_hotline"
HOTLINE_RESPONSE = "utter_human_hotline"


def user_intents_this_session(events: List[Dict[Text, Any]]) -> List[Optional[Text]]:
    """Intent names of the user messages since the last session start, oldest first."""
    intents: List[Optional[Text]] = []
    for event in events:
        kind = event.get("event")
        if kind == "session_started":
            intents = []
        elif kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            intents.append(intent)
        elif kind == "rewind" and intents:
            # UserUtteranceReverted: the last user message no longer counts.
            intents.pop()
    return intents


def previous_message_missed(tracker: Tracker) -> bool:
    """Whether the user message before the latest one was also not understood."""
    intents = user_intents_this_session(tracker.events or [])
    return len(intents) >= 2 and intents[-2] == FALLBACK_INTENT


class ActionHandleFallback(Action):
    """Says it did not understand; after two misses in a row offers the human hotline."""

    def name(self) -> Text:
        return "action_handle_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Utters utter_default, or utter_fallback_hotline when the previous message also missed."""
        if previous_message_missed(tracker):
            content.utter(dispatcher, domain, SECOND_MISS_RESPONSE, content.facts())
        else:
            dispatcher.utter_message(response=FIRST_MISS_RESPONSE)
        return []


class ActionOfferHotline(Action):
    """Gives the human customer-service hotline (until the live handoff exists)."""

    def name(self) -> Text:
        return "action_offer_hotline"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Utters utter_human_hotline filled with facts."""
        content.utter(dispatcher, domain, HOTLINE_RESPONSE, content.facts())
        return []
