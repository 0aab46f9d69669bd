"""Symptom triage in the chat (issue 4): which department to see, via POST /api/triage of the HIS.

One exchange collects the patient's symptom messages (and what they say about who is ill) in the
slot ``triage_text``; age, sex and pregnancy live in ``patient_age``/``patient_sex``/``patient_pregnant``.
When the service says an unknown fact would change the first department (``ask``), the bot asks it
once (``utter_ask_patient_<fact>``; ``triage_asking`` lets rules route a bare yes/no back here). The
patient may ignore the question: the exchange stays open for a few turns and any later answer,
symptom or "还有…" continues it. The answer lists up to three departments with their reasons, the
notes and a disclaimer, with buttons to book (``/book_appointment{"department": …}``) or 转人工.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Text

import cn2an
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import content
from actions.his_client import HisError, HisUnavailable, get_client

logger = logging.getLogger(__name__)

ACTION_NAME = "action_triage"
EMERGENCY_ACTION = "action_handle_emergency"
FALLBACK_INTENT, FALLBACK_ACTION = "nlu_fallback", "action_handle_fallback"
SYMPTOMS_INTENT = "describe_symptoms"
PROFILE_INTENT = "inform_patient_profile"
YES_INTENT, NO_INTENT = "affirm", "deny"

FACT_SLOTS = {"age": "patient_age", "sex": "patient_sex", "pregnant": "patient_pregnant"}
TEXT_SLOT, ASKED_SLOT, QUESTION_SLOT = "triage_text", "triage_asked", "triage_question"
ASKING_SLOT, DEPARTMENTS_SLOT = "triage_asking", "triage_departments"

ASK_SYMPTOMS = "utter_ask_symptoms"
RESULT, RESULT_BOOK = "utter_triage_result", "utter_triage_result_book_{count}"
NO_MATCH, UNAVAILABLE = "utter_triage_no_match", "utter_triage_unavailable"
LINE_FORMAT, NOTE_FORMAT = "utter_triage_line", "utter_triage_note"
ACKS = {YES_INTENT: "utter_affirm_ack", NO_INTENT: "utter_deny_ack"}

MAX_SHOWN = 3                    # departments in the answer (the service gives up to 5)
MAX_TEXT = 2000                  # the service's limit
MAX_GAP_TURNS = 3                # an exchange stays open this many patient messages after the last reply
NOT_BOOKABLE = {"急诊科"}         # the HIS refuses appointments there (not_bookable): no booking button
SEPARATOR = "。"                  # between messages, so a negation never reaches into the next one
CONTINUATION = re.compile(r"^\s*(还|另外|而且|并且|同时|也|再加上|加上|然后)")
BARE_AGE = re.compile(r"^\s*(?:今年|已经|快|都|刚|才|满)?\s*([0-9]{1,3}(?:\.[0-9])?|[零一二两三四五六七八九十百]{1,4})"
                      r"\s*多?\s*(?:周岁|岁)?\s*(?:了|啦)?\s*$")


@dataclass
class Exchange:
    """The triage exchange as kept in slots."""

    text: Text = ""
    age: Optional[float] = None
    sex: Optional[Text] = None
    pregnant: Optional[bool] = None
    asked: List[Text] = field(default_factory=list)
    question: Optional[Text] = None
    departments: List[Text] = field(default_factory=list)

    @classmethod
    def from_slots(cls, tracker: Tracker) -> "Exchange":
        return cls(text=str(tracker.get_slot(TEXT_SLOT) or ""), age=valid_age(tracker.get_slot("patient_age")),
                   sex=valid_sex(tracker.get_slot("patient_sex")),
                   pregnant=valid_bool(tracker.get_slot("patient_pregnant")),
                   asked=[str(a) for a in tracker.get_slot(ASKED_SLOT) or [] if a in FACT_SLOTS],
                   question=tracker.get_slot(QUESTION_SLOT) if tracker.get_slot(QUESTION_SLOT) in FACT_SLOTS
                   else None, departments=[str(d) for d in tracker.get_slot(DEPARTMENTS_SLOT) or []])

    def slots(self) -> Dict[Text, Any]:
        return {TEXT_SLOT: self.text or None, "patient_age": self.age, "patient_sex": self.sex,
                "patient_pregnant": self.pregnant, ASKED_SLOT: list(self.asked), QUESTION_SLOT: self.question,
                ASKING_SLOT: self.question is not None, DEPARTMENTS_SLOT: list(self.departments)}

    def add_text(self, text: Text) -> None:
        self.text = (self.text + SEPARATOR + text if self.text else text)[:MAX_TEXT]


def valid_age(value: Any) -> Optional[float]:
    try:
        age = float(value)
    except (TypeError, ValueError):
        return None
    return age if 0 <= age <= 120 and not isinstance(value, bool) else None


def valid_sex(value: Any) -> Optional[Text]:
    return value if value in ("male", "female") else None


def valid_bool(value: Any) -> Optional[bool]:
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False}.get(str(value).strip().lower()) if value is not None else None


def bare_age(text: Text) -> Optional[float]:
    """"65", "65岁", "七十多了", "今年58了" typed in answer to the age question (多 counts as the number)."""
    match = BARE_AGE.match(text or "")
    if not match:
        return None
    number = match.group(1)
    try:
        return valid_age(number if number[0].isdigit() else cn2an.cn2an(number, "smart"))
    except (ValueError, KeyError):
        return None


def turns_since_triage(events: List[Dict[Text, Any]]) -> Optional[int]:
    """Patient messages since this action last ran (the current one included); None: not this session."""
    count = 0
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            count += 1
        elif kind == "action" and event.get("name") == ACTION_NAME:
            return count
        elif kind == "session_started":
            return None
    return None


def continues(exchange: Exchange, tracker: Tracker, intent: Optional[Text], text: Text) -> bool:
    """Whether this message belongs to the open exchange (else a new one starts)."""
    gap = turns_since_triage(tracker.events)
    if gap is None or gap > MAX_GAP_TURNS:
        return False
    return bool(exchange.question or intent in (PROFILE_INTENT, YES_INTENT, NO_INTENT) or not text
                or text.startswith("/") or not exchange.text or not exchange.departments
                or CONTINUATION.match(text))


def take_message(exchange: Exchange, tracker: Tracker, intent: Optional[Text], text: Text) -> None:
    """Folds the latest message into the exchange: button values, a bare age, yes/no, or its words."""
    pending, exchange.question = exchange.question, None
    age = valid_age(content.first_entity_value(tracker, "patient_age"))
    sex = valid_sex(content.first_entity_value(tracker, "patient_sex"))
    pregnant = valid_bool(content.first_entity_value(tracker, "patient_pregnant"))
    if pending == "age" and age is None:
        age = bare_age(text)
    if pending == "pregnant" and intent in (YES_INTENT, NO_INTENT):
        pregnant = intent == YES_INTENT
    exchange.age = age if age is not None else exchange.age
    exchange.sex = sex or exchange.sex
    exchange.pregnant = pregnant if pregnant is not None else exchange.pregnant
    if exchange.sex == "male":
        exchange.pregnant = None
    typed = text and not text.startswith("/") and intent not in (YES_INTENT, NO_INTENT)
    if typed and not (pending == "age" and bare_age(text) is not None):
        exchange.add_text(text)


def formatted(domain: DomainDict, response: Text, default: Text, **values: Any) -> Text:
    """A line in the format of a domain response (content staff edit it there)."""
    texts = content.response_texts(domain, response)
    return (texts[0] if texts and texts[0] else default).format(**values)


class ActionTriage(Action):
    """Recommends departments for the patient's symptoms, asking age/sex/pregnancy when they matter."""

    def name(self) -> Text:
        return ACTION_NAME

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Continues or starts the exchange, asks one missing fact, or answers (or apologises)."""
        message = tracker.latest_message or {}
        intent, text = content.latest_intent(tracker), str(message.get("text") or "").strip()
        exchange = Exchange.from_slots(tracker)
        if not continues(exchange, tracker, intent, text):
            if intent in ACKS:        # a yes/no long after our question: not an answer to it
                dispatcher.utter_message(response=ACKS[intent])
                return changes(tracker, replace(exchange, question=None))
            if intent == FALLBACK_INTENT:
                return changes(tracker, replace(exchange, question=None)) + [FollowupAction(FALLBACK_ACTION)]
            exchange = Exchange()
        take_message(exchange, tracker, intent, text)
        if not exchange.text:
            dispatcher.utter_message(response=ASK_SYMPTOMS)
            return changes(tracker, exchange)
        try:
            result = get_client().triage(text=exchange.text, age=exchange.age, sex=exchange.sex,
                                         pregnant=exchange.pregnant)
        except (HisUnavailable, HisError) as error:
            logger.warning("triage unavailable: %s", error)
            dispatcher.utter_message(response=UNAVAILABLE)
            exchange.departments = []
            return changes(tracker, exchange)
        if result.get("emergency"):     # across messages (each one alone passed the NLU's detector)
            return changes(tracker, Exchange()) + [FollowupAction(EMERGENCY_ACTION)]
        patient = result.get("patient") or {}
        exchange.age = valid_age(patient.get("age")) if patient.get("age") is not None else exchange.age
        exchange.sex = valid_sex(patient.get("sex")) or exchange.sex
        exchange.pregnant = valid_bool(patient.get("pregnant")) if patient.get("pregnant") is not None \
            else exchange.pregnant
        recommendations = list(result.get("recommendations") or [])[:MAX_SHOWN]
        to_ask = [fact for fact in result.get("ask") or [] if fact in FACT_SLOTS and fact not in exchange.asked]
        if recommendations and to_ask:
            exchange.question = to_ask[0]
            exchange.asked.append(to_ask[0])
            dispatcher.utter_message(response=f"utter_ask_patient_{to_ask[0]}")
            return changes(tracker, exchange)
        exchange.departments = [r["name"] for r in recommendations]
        if not recommendations and not result.get("symptoms") and intent == PROFILE_INTENT:
            dispatcher.utter_message(response=ASK_SYMPTOMS)     # only who is ill so far, no symptoms
        elif recommendations:
            answer(dispatcher, domain, recommendations, list(result.get("notes") or []))
        else:
            dispatcher.utter_message(response=NO_MATCH, fallback_department=result.get("fallback_department")
                                     or "全科医学科")
        return changes(tracker, exchange)


def answer(dispatcher: CollectingDispatcher, domain: DomainDict, recommendations: List[Dict[Text, Any]],
           notes: List[Text]) -> None:
    """The ranked departments with reasons, the notes and the disclaimer; booking buttons for the
    departments that take appointments."""
    lines = [formatted(domain, LINE_FORMAT, "{rank}. {department}：{reason}", rank=rank, department=r["name"],
                       reason=r.get("reason") or "") for rank, r in enumerate(recommendations, start=1)]
    note_lines = "".join("\n" + formatted(domain, NOTE_FORMAT, "{note}", note=note) for note in notes)
    bookable = [r["name"] for r in recommendations if r["name"] not in NOT_BOOKABLE]
    response = RESULT_BOOK.format(count=len(bookable)) if bookable else RESULT
    values = {f"department_{i}": name for i, name in enumerate(bookable, start=1)}
    dispatcher.utter_message(response=response, recommendations="\n".join(lines), notes=note_lines, **values)


def changes(tracker: Tracker, after: Exchange) -> List[EventType]:
    """SlotSet events for the slots whose value changed (None, "" and [] count as the same)."""
    def same(old: Any, new: Any) -> bool:
        empty = (None, "", [])
        return (old == new and type(old) is type(new)) or (old in empty and new in empty)
    return [SlotSet(name, value) for name, value in after.slots().items() if not same(tracker.get_slot(name), value)]
