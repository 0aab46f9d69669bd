"""The abstract form validation shared by booking_form, appointment_form and report_form.

Each turn of a form: read the latest message once (`booking_understanding`), turn it into slot
updates (identity first, then the task's own slots), settle what needs the HIS (verification, doctor
names, chosen half-days and slots), then name the next slot to ask for. Rules kept:

* a message the form does not understand and that is not an answer (an FAQ, "算了不挂了", an
  emergency, another task) returns no slot event, so Rasa rejects the form and the interruption rules
  answer it; the form then resumes with everything it had collected;
* an answer the form cannot read ("嗯那个") gets `utter_form_not_understood` and the question again;
* when the HIS is slow or down the patient is told so once (`utter_his_unavailable`, retry/human
  buttons), nothing collected is lost, and "再试一次" asks again.
"""
from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Dict, FrozenSet, List, Mapping, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import booking_support as support
from actions import verification
from actions.booking_understanding import Message, is_fresh, is_mostly_data, read_message
from actions.his_client import HisUnavailable

ANSWER_INTENTS = frozenset({"inform", "affirm", "deny", "retry", "nlu_fallback"})


@dataclass
class FormTurn:
    """One run of a form's validation: the message, the slots before and the updates so far."""

    dispatcher: CollectingDispatcher
    tracker: Tracker
    domain: DomainDict
    message: Message
    requested: Optional[Text]
    now: dt.datetime
    slots: Dict[Text, Any]
    updates: Dict[Text, Any] = field(default_factory=dict)
    flags: Dict[Text, Any] = field(default_factory=dict)
    his_down: bool = False

    def get(self, name: Text) -> Any:
        return self.updates[name] if name in self.updates else self.slots.get(name)

    def set(self, name: Text, value: Any) -> None:
        self.updates[name] = value

    def clear(self, *names: Text) -> None:
        for name in names:
            if self.get(name) is not None:
                self.set(name, None)

    def say(self, response: Text, buttons: Optional[List[Dict[Text, Text]]] = None, **values: Any) -> None:
        support.say(self.dispatcher, self.domain, response, buttons, **values)

    def noop(self) -> None:
        """Keep the form running without changing anything (the question is asked again)."""
        if self.requested and self.requested not in self.updates:
            self.updates[self.requested] = self.slots.get(self.requested)

    def unavailable(self) -> None:
        """The HIS did not answer: say so once this turn; the collected slots stay as they are."""
        if not self.his_down:
            support.his_unavailable(self.dispatcher, self.domain)
        self.his_down = True
        self.noop()

    @property
    def view(self) -> Dict[Text, Any]:
        merged = dict(self.slots)
        merged.update(self.updates)
        return merged


class PatientFormValidation(FormValidationAction, ABC):
    """Abstract validation of a form that needs a verified patient (mobile + SMS code, or card + name)."""

    trigger_intents: ClassVar[FrozenSet[Text]] = frozenset()
    # Report/appointment forms end when the patient asks for someone else's data (booking continues).
    refuse_ends_task: ClassVar[bool] = False

    @abstractmethod
    def task_slots(self, turn: FormTurn) -> List[Text]:
        """The task's own required slots, in order (identity slots are added by `required`)."""

    def identity_first(self) -> bool:
        """Whether the patient proves who they are before the task's slots (else just before confirming)."""
        return True

    def required(self, turn: FormTurn) -> List[Text]:
        if turn.get("other_patient_refused"):
            return []
        identity = verification.identity_slots(turn.view)
        task = self.task_slots(turn)
        if self.identity_first():
            return identity + ([] if identity else task)
        confirm = [name for name in task if name.endswith("_confirm")]
        return [name for name in task if name not in confirm] + identity + confirm

    def understand(self, turn: FormTurn) -> None:
        """Task slots from the message (default: nothing besides identity)."""

    def settle(self, turn: FormTurn) -> None:
        """HIS checks after understanding (default: nothing besides identity)."""

    def on_activation(self, turn: FormTurn) -> None:
        """Slots to reset when the form starts (default: none)."""

    def accepts(self, message: Message) -> bool:
        """Whether the message is meant for this form (an answer, or its own trigger)."""
        return (message.intent in ANSWER_INTENTS or message.intent in self.trigger_intents
                or is_mostly_data(message))

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        """Reads the message, validates with the HIS and returns slot events and the next requested slot."""
        turn = FormTurn(dispatcher=dispatcher, tracker=tracker, domain=domain, message=read_message(tracker),
                        requested=tracker.get_slot("requested_slot"), now=support.message_time(tracker),
                        slots=dict(tracker.slots))
        activating = is_activation(tracker, self.form_name())
        if activating:
            turn.requested = None
            self.on_activation(turn)
        if (activating or is_fresh(tracker, self.form_name())) and self.accepts(turn.message):
            self._understand_and_settle(turn)
            if not turn.updates and not activating:
                turn.say("utter_form_not_understood")
                turn.noop()
        events: List[EventType] = [SlotSet(name, value) for name, value in turn.updates.items()]
        missing = [name for name in self.required(turn) if turn.get(name) is None]
        events.append(SlotSet("requested_slot", missing[0] if missing else None))
        return events

    def _understand_and_settle(self, turn: FormTurn) -> None:
        if turn.message.intent == "retry" and turn.requested:
            turn.noop()  # asked again below: the ask action calls the HIS again
        verification.understand_identity(turn, refuse_ends_task=self.refuse_ends_task)
        if turn.get("other_patient_refused"):
            return
        self.understand(turn)
        if turn.message.intent in self.trigger_intents:
            turn.noop()
        try:
            verification.settle_identity(turn)
            if not turn.his_down and (support.verified(turn.view) or not self.identity_first()):
                self.settle(turn)
        except HisUnavailable:
            turn.unavailable()


def is_activation(tracker: Tracker, form_name: Text) -> bool:
    """Whether the form is starting on this message (Rasa marks the loop active just before validating)."""
    if tracker.active_loop_name != form_name:
        return True
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            return False
        if event.get("event") == "active_loop" and event.get("name") == form_name:
            return True
    return False


def his_down_this_turn(tracker: Tracker) -> bool:
    """Whether the patient was already told, since their latest message, that the HIS is down."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action", "").startswith(
                "utter_his_unavailable"):
            return True
    return False


def slot_view(tracker: Tracker) -> Mapping[Text, Any]:
    return dict(tracker.slots)
