"""Helpers for the action tests: trackers, running actions, and rendering responses with Rasa's own NLG."""
from __future__ import annotations

import asyncio
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

REPO = Path(__file__).resolve().parent.parent
DOMAIN_PATH = REPO / "domain.yml"


@lru_cache(maxsize=1)
def domain_dict() -> Dict[str, Any]:
    """domain.yml as the action server receives it (a plain dict; YAML anchors resolved)."""
    return yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))


def user_event(intent: Optional[str], text: str = "…") -> Dict[str, Any]:
    """A `user` event as the action server sees it in tracker.events."""
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}}}


def make_tracker(
    text: str = "",
    intent: Optional[str] = None,
    entities: Iterable[Tuple[str, str]] = (),
    slots: Optional[Dict[str, Any]] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    response_key: Optional[str] = None,
) -> Tracker:
    """A tracker whose latest message has the given text, intent, (entity, value) pairs and FAQ key."""
    latest: Dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": [
            {"entity": name, "value": value, "start": index, "end": index + 1}
            for index, (name, value) in enumerate(entities)
        ],
    }
    if response_key:
        latest["response_selector"] = {
            "all_retrieval_intents": ["faq"],
            "faq": {
                "response": {
                    "intent_response_key": response_key,
                    "utter_action": f"utter_{response_key}",
                    "confidence": 0.9,
                },
                "ranking": [],
            },
        }
    all_slots = {slot: None for slot in (domain_dict().get("slots") or {})}
    all_slots["insurance_type_asked"] = False
    all_slots.update(slots or {})
    history = list(events or [])
    history.append({"event": "user", "text": text, "parse_data": latest})
    return Tracker("test-user", all_slots, latest, history, False, None, {}, "action_listen")


def run_action(action: Action, tracker: Tracker) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Runs an action; returns (messages sent to the dispatcher, events returned)."""
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, domain_dict())
    return dispatcher.messages, list(events)


def response_names(messages: List[Dict[str, Any]]) -> List[Optional[str]]:
    """The response name of every message, in order."""
    return [m.get("response") for m in messages]


def slot_events(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    """{slot: value} for the SlotSet events returned by an action."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@lru_cache(maxsize=1)
def _rasa_nlg():
    from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(DOMAIN_PATH))
    tracker = DialogueStateTracker.from_events("render", [], slots=domain.slots)
    return TemplatedNaturalLanguageGenerator(domain.responses), tracker


def render(message: Dict[str, Any]) -> str:
    """The text Rasa 3.6 would send for a dispatcher message (response + kwargs), via its own NLG."""
    nlg, tracker = _rasa_nlg()
    kwargs = {k: v for k, v in message.items() if k not in ("response", "template")}
    generated = asyncio.run(nlg.generate(message["response"], tracker, "rest", **kwargs))
    assert generated is not None, f"Rasa has no response {message['response']!r}"
    return generated.get("text") or ""
