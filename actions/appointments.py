"""The patient's own appointments: list ("我约了哪些号"), cancel ("取消明天的挂号") and reschedule ("我要改约").

appointment_form verifies the patient, lists only their upcoming appointments (picking the one the
message names by day when that is unambiguous), for a reschedule asks the new half-day and slot in the
same department, confirms, and `action_manage_appointments` applies it in the HIS, which enforces the
hospital's rules (no change within 2 hours of the slot, same department, one per half-day).
"""
from __future__ import annotations

import re
from typing import Any, ClassVar, Dict, FrozenSet, List, Mapping, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_choices as choices
from actions import booking_support as support
from actions.booking import appointment_values
from actions.booking_ask import offer_alternatives
from actions.booking_forms import FormTurn, PatientFormValidation, his_down_this_turn
from actions.booking_understanding import ordinal
from actions.his_client import HisError, HisUnavailable

TASK_BY_INTENT = {"check_appointments": "list", "cancel_appointment": "cancel", "reschedule_appointment": "reschedule"}
NONE = "none"
NEW_DATE_CUE = re.compile(r"(改到|换到|调到|挪到|改成|换成|推到|提前到)")


def appointment_line(domain: Mapping[Text, Any], appointment: Mapping[Text, Any]) -> Text:
    return support.fmt(domain, "utter_fmt_appointment_line", **appointment_values(appointment))


def summary(appointment: Mapping[Text, Any]) -> Dict[Text, Any]:
    """What the form keeps about the chosen appointment (slot `appointment`)."""
    return {"id": str(appointment["id"]), "schedule_id": str(appointment["schedule_id"]),
            "department": appointment["department"]["name"], **appointment_values(appointment)}


def upcoming(slots: Mapping[Text, Any]) -> List[Dict[Text, Any]]:
    return support.his().list_appointments(patient_id=int(slots["patient_id"]), patient_token=slots["patient_token"])


class ValidateAppointmentForm(PatientFormValidation):
    """Validates appointment_form: identity, then which appointment, the new time (reschedule), the confirmation."""

    trigger_intents: ClassVar[FrozenSet[Text]] = frozenset(TASK_BY_INTENT)
    refuse_ends_task: ClassVar[bool] = True

    def name(self) -> Text:
        return "validate_appointment_form"

    def task_slots(self, turn: FormTurn) -> List[Text]:
        task = turn.get("appointment_task") or "list"
        if task == "list" or turn.get("appointment_id") == NONE:
            return []
        if task == "cancel":
            return ["appointment_id", "appointment_confirm"]
        return ["appointment_id", "schedule_id", "slot_id", "appointment_confirm"]

    def on_activation(self, turn: FormTurn) -> None:
        turn.clear(*support.SELECTION_SLOTS, *support.WHEN_SLOTS, "appointment_id", "appointment",
                   "appointment_confirm", "appointment_date", "doctor", "doctor_id", "other_patient_refused")

    def understand(self, turn: FormTurn) -> None:
        message = turn.message
        task = TASK_BY_INTENT.get(message.intent or "")
        if task and task != turn.get("appointment_task"):
            turn.set("appointment_task", task)
            turn.clear("appointment_confirm")
        if turn.get("appointment_id") in (None, NONE):
            self._which(turn)
        elif turn.get("appointment_task") == "reschedule" and turn.requested != "appointment_confirm":
            choices.understand_doctor(turn)
            choices.understand_choice(turn)
            choices.understand_when(turn)
        if turn.requested == "appointment_confirm" and message.intent in ("affirm", "deny"):
            turn.set("appointment_confirm", message.intent == "affirm")

    @staticmethod
    def _which(turn: FormTurn) -> None:
        """Which appointment: a button, "第二个", or a day ("明天的"); a reschedule's new day after 改到."""
        message = turn.message
        wanted = message.entity("appointment_id")
        items = (turn.get("offered") or {}).get("items") or [] if (turn.get("offered") or {}).get(
            "kind") == "appointment" else []
        index = ordinal(message)
        if wanted:
            turn.flags["appointment"] = wanted
        elif index is not None and 0 <= index < len(items):
            turn.flags["appointment"] = items[index]["id"]
        when = message.when
        if when is None or when.error is not None and when.error.reason != "multiple_dates":
            return
        days = list(when.candidates) if when.candidates else ([when.date] if when.date else [])
        cue = NEW_DATE_CUE.search(message.norm)
        if turn.get("appointment_task") == "reschedule" and cue and days and (
                len(days) == 1 and message.when.spans[0][0] >= cue.end()):
            turn.set("visit_date", days[0].isoformat())
            if when.half_day:
                turn.set("half_day", when.half_day)
            return
        if days:
            turn.set("appointment_date", days[0].isoformat())
            if turn.get("appointment_task") == "reschedule" and len(days) > 1:
                turn.set("visit_date", days[1].isoformat())

    def settle(self, turn: FormTurn) -> None:
        task = turn.get("appointment_task") or "list"
        if task == "list":
            return
        if turn.get("appointment_id") in (None,):
            self._pick(turn)
        appointment = turn.get("appointment") or {}
        if task == "reschedule" and appointment and turn.get("appointment_id") not in (None, NONE):
            choices.settle_doctor(turn)
            choices.settle_schedule(turn, department_lock=appointment.get("department"),
                                    exclude=appointment.get("schedule_id"))
            if turn.flags.get("same_schedule"):
                turn.clear("schedule_id", "selection")
                turn.say("utter_reschedule_same_time")
            choices.settle_slot(turn)

    def _pick(self, turn: FormTurn) -> None:
        wanted = turn.flags.get("appointment")
        try:
            rows = upcoming(turn.view)
        except HisError as error:
            self._identity_problem(turn, error)
            return
        if not rows:
            turn.set("appointment_id", NONE)
            return
        if wanted:
            rows = [r for r in rows if str(r["id"]) == str(wanted)]
            if not rows:
                turn.say("utter_appointment_not_found")
                turn.noop()
                return
        elif turn.get("appointment_date"):
            rows = [r for r in rows if r["date"] == turn.get("appointment_date")] or rows
        if len(rows) == 1:
            turn.set("appointment_id", str(rows[0]["id"]))
            turn.set("appointment", summary(rows[0]))

    @staticmethod
    def _identity_problem(turn: FormTurn, error: HisError) -> None:
        if error.code in ("verification_expired", "verification_required", "forbidden"):
            turn.say("utter_verification_expired")
            for event in support.expired_identity_events():
                turn.set(event["name"], None)
        else:
            turn.say("utter_appointment_not_found")
            turn.noop()


class ActionAskAppointmentId(Action):
    """Lists the patient's upcoming appointments to choose the one to cancel or reschedule."""

    def name(self) -> Text:
        return "action_ask_appointment_id"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        if his_down_this_turn(tracker):
            return []
        try:
            rows = upcoming(tracker.slots)
        except HisUnavailable:
            support.his_unavailable(dispatcher, domain)
            return []
        except HisError:
            support.say(dispatcher, domain, "utter_verification_expired")
            return support.expired_identity_events()
        if not rows:  # nothing to choose: end the form, action_manage_appointments says so
            return [SlotSet("appointment_id", NONE), SlotSet("requested_slot", None)]
        task = tracker.get_slot("appointment_task") or "cancel"
        buttons = [support.button(appointment_line(domain, r), "inform", appointment_id=r["id"]) for r in rows[:6]]
        support.say(dispatcher, domain, f"utter_ask_appointment_id_{task}", buttons=buttons,
                    patient=support.patient_label(tracker.slots),
                    lines=support.lines(appointment_line(domain, r) for r in rows[:6]))
        return [SlotSet("offered", {"kind": "appointment", "items": [{"id": str(r["id"])} for r in rows[:6]]})]


class ActionAskAppointmentConfirm(Action):
    """Asks to confirm the cancellation, or the move from the old to the new time."""

    def name(self) -> Text:
        return "action_ask_appointment_confirm"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        appointment = dict(tracker.get_slot("appointment") or {})
        if tracker.get_slot("appointment_task") == "reschedule":
            selection = dict(tracker.get_slot("selection") or {})
            support.say(dispatcher, domain, "utter_ask_reschedule_confirm",
                        old=support.fmt(domain, "utter_fmt_appointment_line", **appointment),
                        new=support.fmt(domain, "utter_fmt_selection_line", **selection))
        else:
            support.say(dispatcher, domain, "utter_ask_cancel_confirm", **appointment,
                        line=support.fmt(domain, "utter_fmt_appointment_line", **appointment))
        return []


class ActionManageAppointments(Action):
    """Lists, cancels or reschedules the verified patient's appointment in the HIS, as the form decided."""

    def name(self) -> Text:
        return "action_manage_appointments"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        slots = tracker.slots
        task = slots.get("appointment_task") or "list"
        if slots.get("other_patient_refused"):
            return self._done()
        if not support.verified(slots):
            support.say(dispatcher, domain, "utter_verification_expired")
            return []
        try:
            return self._apply(dispatcher, domain, slots, task)
        except HisUnavailable:
            support.say(dispatcher, domain, "utter_his_unavailable_change", phone=support.facts_value("phone_appointment"))
            return []
        except HisError as error:
            return self._refused(dispatcher, domain, slots, error)

    def _apply(self, dispatcher: CollectingDispatcher, domain: DomainDict, slots: Mapping[Text, Any],
               task: Text) -> List[EventType]:
        patient = support.patient_label(slots)
        if task == "list" or slots.get("appointment_id") in (None, NONE):
            rows = upcoming(slots)
            if rows:
                support.say(dispatcher, domain, "utter_appointments_list", patient=patient,
                            lines=support.lines(appointment_line(domain, r) for r in rows))
            else:
                support.say(dispatcher, domain, "utter_appointments_none", patient=patient)
            return self._done()
        if not slots.get("appointment_confirm"):
            support.say(dispatcher, domain, "utter_appointment_keep")
            return self._done()
        token, appointment_id = slots["patient_token"], int(slots["appointment_id"])
        if task == "cancel":
            done = support.his().cancel_appointment(appointment_id=appointment_id, patient_token=token,
                                                    reason="patient cancelled in chat")
            support.say(dispatcher, domain, "utter_cancel_done", **appointment_values(done),
                        line=appointment_line(domain, done))
        else:
            done = support.his().reschedule_appointment(appointment_id=appointment_id, slot_id=int(slots["slot_id"]),
                                                        patient_token=token)
            support.say(dispatcher, domain, "utter_reschedule_done", **appointment_values(done))
        return self._done()

    def _refused(self, dispatcher: CollectingDispatcher, domain: DomainDict, slots: Mapping[Text, Any],
                 error: HisError) -> List[EventType]:
        appointment = dict(slots.get("appointment") or {})
        phone = support.facts_value("phone_appointment")
        if error.code in ("verification_expired", "verification_required", "forbidden"):
            support.say(dispatcher, domain, "utter_verification_expired")
            return support.expired_identity_events() + self._done()
        if error.code == "too_late_to_cancel":
            support.say(dispatcher, domain, "utter_change_too_late", **appointment, phone=phone)
        elif error.code == "not_active":
            support.say(dispatcher, domain, "utter_appointment_not_active")
        elif error.code == "not_found":
            support.say(dispatcher, domain, "utter_appointment_not_found")
        elif error.code == "different_department":
            support.say(dispatcher, domain, "utter_reschedule_other_department", department=appointment.get("department", ""))
        elif error.code == "duplicate_same_halfday":
            support.say(dispatcher, domain, "utter_reschedule_duplicate", **dict(slots.get("selection") or {}))
        elif error.code in ("slot_full", "past_date", "holiday", "closed", "beyond_window"):
            support.say(dispatcher, domain, "utter_booking_slot_taken")
            offer_alternatives(dispatcher, domain, error.alternatives[:support.MAX_OPTIONS], None, "reschedule_appointment")
        else:
            support.say(dispatcher, domain, "utter_booking_failed", phone=phone)
        return self._done()

    @staticmethod
    def _done(extra: Optional[List[EventType]] = None) -> List[EventType]:
        return support.reset_events(support.SELECTION_SLOTS + support.WHEN_SLOTS + support.APPOINTMENT_SLOTS
                                    + ("appointment_date", "other_patient_refused")) + (extra or [])
