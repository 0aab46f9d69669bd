"""Booking in the chat: booking_form collects department or doctor, day and half-day and time slot (in
any order, in one sentence or several), verifies the patient, confirms a summary, then books (or joins
the waitlist of a full half-day) in the HIS with an idempotency key, so "再试一次" after a timeout never
books twice.
"""
from __future__ import annotations

import uuid
from typing import Any, ClassVar, Dict, FrozenSet, List, Mapping, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_choices as choices
from actions import booking_support as support
from actions.booking_ask import offer_alternatives
from actions.booking_forms import FormTurn, PatientFormValidation
from actions.his_client import HisError, HisUnavailable

# Preparation advice by department (the wording is in domain.yml, utter_fmt_prep_<kind>).
PREPARATION: Dict[Text, List[Text]] = {
    "fasting": ["消化内科", "内分泌科", "心血管内科", "肾内科", "血液科", "全科医学科", "普通外科", "体检中心",
                "感染科", "风湿免疫科"],
    "imaging": ["骨科", "神经外科", "心胸外科", "乳腺外科", "甲状腺外科", "呼吸内科", "神经内科", "泌尿外科",
                "康复医学科", "肛肠外科"],
    "child": ["儿科"],
    "women": ["妇科", "产科"],
}
REFUSAL_CODES = ("past_date", "beyond_window", "holiday", "closed", "not_bookable", "slot_full")
IDENTITY_CODES = ("verification_expired", "verification_required", "forbidden")


def preparation(domain: Mapping[Text, Any], department: Text) -> Text:
    """What to bring and how to prepare for this department (always the general advice)."""
    kinds = [kind for kind, departments in PREPARATION.items() if department in departments] + ["general"]
    return "".join(support.fmt(domain, f"utter_fmt_prep_{kind}") for kind in kinds)


def done_events() -> List[EventType]:
    """Forget the finished booking (the patient's identity and the department/doctor context stay)."""
    return support.reset_events(support.SELECTION_SLOTS + support.WHEN_SLOTS)


class ValidateBookingForm(PatientFormValidation):
    """Validates booking_form: department/doctor, half-day, slot, identity, then the confirmation."""

    trigger_intents: ClassVar[FrozenSet[Text]] = frozenset({"book_appointment", "join_waitlist", "ask_doctor"})

    def name(self) -> Text:
        return "validate_booking_form"

    def identity_first(self) -> bool:
        return False

    def task_slots(self, turn: FormTurn) -> List[Text]:
        if turn.get("booking_mode") == "waitlist":
            return ["department", "schedule_id", "booking_confirm"]
        return ["department", "schedule_id", "slot_id", "booking_confirm"]

    def on_activation(self, turn: FormTurn) -> None:
        turn.clear("booking_confirm", "booking_key", "offered")
        mode = "waitlist" if turn.message.intent == "join_waitlist" else "book"
        if turn.get("booking_mode") != mode:
            turn.set("booking_mode", mode)

    def understand(self, turn: FormTurn) -> None:
        message = turn.message
        if message.intent == "join_waitlist":
            if turn.get("booking_mode") != "waitlist":
                turn.set("booking_mode", "waitlist")
            if not message.entity("schedule_id") and turn.get("waitlist_offer"):
                turn.flags["schedule"] = turn.get("waitlist_offer")
        elif message.entity("schedule_id") and turn.get("booking_mode") == "waitlist":
            turn.set("booking_mode", "book")
        departments = message.entity_values("department")
        if departments and departments[0] != turn.get("department"):
            turn.set("department", departments[0])
            if not message.entity_values("doctor"):
                turn.clear("doctor", "doctor_id")
            choices.reset_selection(turn)
        choices.understand_doctor(turn)
        choices.understand_choice(turn)
        choices.understand_when(turn)
        if turn.requested == "booking_confirm":
            if message.intent == "affirm":
                turn.set("booking_confirm", True)
                turn.set("booking_key", uuid.uuid4().hex)
            elif message.intent == "deny":
                turn.noop()  # action_ask_booking_confirm asks what to change

    def settle(self, turn: FormTurn) -> None:
        waitlist = turn.get("booking_mode") == "waitlist"
        choices.settle_doctor(turn)
        choices.settle_schedule(turn, waitlist=waitlist)
        if not waitlist:
            choices.settle_slot(turn)


class ActionAskBookingConfirm(Action):
    """Shows the booking (or waitlist) summary and asks for confirmation; after a "no", asks what to change."""

    def name(self) -> Text:
        return "action_ask_booking_confirm"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        if (tracker.latest_message.get("intent") or {}).get("name") == "deny":
            support.say(dispatcher, domain, "utter_booking_change_what")
            return []
        selection = dict(tracker.get_slot("selection") or {})
        values = {**selection, "patient": support.patient_label(tracker.slots),
                  "mobile": tracker.get_slot("patient_mobile") or "",
                  "time": f"{selection.get('start', '')}-{selection.get('end', '')}"}
        if tracker.get_slot("booking_mode") == "waitlist":
            support.say(dispatcher, domain, "utter_ask_waitlist_confirm", **values)
        else:
            support.say(dispatcher, domain, "utter_ask_booking_confirm", **values)
        return []


class ActionBookAppointment(Action):
    """Books the confirmed slot (or joins the waitlist) in the HIS and gives the full confirmation."""

    def name(self) -> Text:
        return "action_book_appointment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        slots = tracker.slots
        if not slots.get("booking_confirm") or not slots.get("schedule_id"):
            support.say(dispatcher, domain, "utter_retry_nothing")
            return []
        if not support.verified(slots):
            support.say(dispatcher, domain, "utter_verification_expired",
                        buttons=[support.button(support.fmt(domain, "utter_fmt_continue_booking"), "book_appointment")])
            return [SlotSet("booking_confirm", None)]
        try:
            if slots.get("booking_mode") == "waitlist":
                return self._waitlist(dispatcher, domain, slots)
            return self._book(dispatcher, domain, slots)
        except HisUnavailable:
            support.say(dispatcher, domain, "utter_his_unavailable_booking",
                        phone=support.facts_value("phone_appointment"))
            return []
        except HisError as error:
            return self._refused(dispatcher, domain, slots, error)

    def _book(self, dispatcher: CollectingDispatcher, domain: DomainDict,
              slots: Mapping[Text, Any]) -> List[EventType]:
        key = slots.get("booking_key") or uuid.uuid4().hex
        appointment = support.his().book_appointment(
            patient_id=int(slots["patient_id"]), slot_id=int(slots["slot_id"]),
            patient_token=slots["patient_token"], idempotency_key=key)
        support.say(dispatcher, domain, "utter_booking_done", **appointment_values(appointment),
                    patient=support.patient_label(slots), prep=preparation(domain, appointment["department"]["name"]),
                    phone=support.facts_value("phone_appointment"))
        return done_events()

    def _waitlist(self, dispatcher: CollectingDispatcher, domain: DomainDict,
                  slots: Mapping[Text, Any]) -> List[EventType]:
        entry = support.his().join_waitlist(patient_id=int(slots["patient_id"]),
                                            schedule_id=int(slots["schedule_id"]),
                                            patient_token=slots["patient_token"])
        support.say(dispatcher, domain, "utter_waitlist_done", **support.schedule_values(entry["schedule"]),
                    position=entry.get("position") or 1, patient=support.patient_label(slots),
                    mobile=slots.get("patient_mobile") or "")
        return done_events()

    def _refused(self, dispatcher: CollectingDispatcher, domain: DomainDict, slots: Mapping[Text, Any],
                 error: HisError) -> List[EventType]:
        selection = dict(slots.get("selection") or {})
        if error.code in IDENTITY_CODES:
            support.say(dispatcher, domain, "utter_verification_expired",
                        buttons=[support.button(support.fmt(domain, "utter_fmt_continue_booking"), "book_appointment")])
            return support.expired_identity_events() + [SlotSet("booking_confirm", None), SlotSet("booking_key", None)]
        if error.code == "duplicate_same_halfday":
            support.say(dispatcher, domain, "utter_booking_duplicate", **selection,
                        appointment_no=error.details.get("appointment_no", ""), patient=support.patient_label(slots))
        elif error.code == "already_waitlisted":
            support.say(dispatcher, domain, "utter_waitlist_already", **selection)
        elif error.code == "slots_available":
            support.say(dispatcher, domain, "utter_waitlist_slots_available", **selection,
                        buttons=[support.button(support.fmt(domain, "utter_fmt_continue_booking"), "book_appointment",
                                                schedule_id=slots.get("schedule_id"))])
        elif error.code in REFUSAL_CODES:
            response = "utter_booking_slot_taken" if error.code == "slot_full" else choices.REASON_RESPONSES.get(error.code, "utter_schedule_unavailable")
            support.say(dispatcher, domain, response, **selection, target=selection.get("doctor", ""),
                        when=selection.get("date", "") + selection.get("half_day", ""))
            offer_alternatives(dispatcher, domain, error.alternatives[:support.MAX_OPTIONS], None, "book_appointment")
        else:
            support.say(dispatcher, domain, "utter_booking_failed", phone=support.facts_value("phone_appointment"))
        return done_events()


def appointment_values(appointment: Mapping[Text, Any]) -> Dict[Text, Any]:
    """Display values of a HIS appointment."""
    start, end = appointment.get("start_at", ""), appointment.get("end_at", "")
    return {
        "appointment_no": appointment.get("appointment_no", ""),
        "date": support.date_label(appointment["date"]),
        "half_day": appointment.get("half_day_label") or support.half_day_label(appointment.get("half_day")),
        "time": f"{start[11:16]}-{end[11:16]}",
        "start": start[11:16],
        "seq": appointment.get("seq", ""),
        "department": appointment["department"]["name"],
        "doctor": appointment["doctor"]["name"],
        "title": appointment["doctor"]["title"],
        "location": appointment.get("location", ""),
        "fee": appointment.get("fee", ""),
        "deadline": support.moment_label(appointment.get("change_deadline")),
    }


class ActionStopTask(Action):
    """Stops the booking/appointment/report request the patient no longer wants; nothing is submitted."""

    def name(self) -> Text:
        return "action_stop_task"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        support.say(dispatcher, domain, "utter_task_stopped")
        return support.reset_events(support.SELECTION_SLOTS + support.WHEN_SLOTS + support.APPOINTMENT_SLOTS
                                    + support.PENDING_IDENTITY_SLOTS + ("report_consent", "other_patient_refused"))
