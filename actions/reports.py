"""The patient's own reports: after verification and an explicit consent question, each report's status,
when it was (or will be) ready and how to get it. Results are never interpreted: a disclaimer and a
button to book a doctor follow. Only the verified patient's reports are read (the HIS token covers
nobody else), and someone else's mobile or card number in the request is refused.
"""
from __future__ import annotations

from typing import Any, ClassVar, Dict, FrozenSet, List, Mapping, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_support as support
from actions.booking_forms import FormTurn, PatientFormValidation
from actions.his_client import HisError, HisUnavailable

MAX_REPORTS = 8


def _month_day(value: Any) -> Text:
    """'2026-11-23' → '11月23日' (inside a line that already has parentheses)."""
    if not value:
        return ""
    month, day = str(value)[5:7], str(value)[8:10]
    return f"{int(month)}月{int(day)}日"


def report_line(domain: Mapping[Text, Any], report: Mapping[Text, Any]) -> Text:
    """One report: kind, status, ready/expected time, where to get it (never its result)."""
    values: Dict[Text, Any] = {
        "kind": report.get("kind", ""),
        "category": report.get("category", ""),
        "ordered": _month_day(report.get("ordered_on")),
        "pickup": report.get("pickup_place", ""),
        "ready_at": support.moment_label(report.get("ready_at")),
        "expected": support.moment_label(report.get("expected_ready_at")),
    }
    if report.get("online_url"):
        values["online"] = support.fmt(domain, "utter_fmt_report_online")
    name = "utter_fmt_report_ready" if report.get("status") == "ready" else "utter_fmt_report_pending"
    return support.fmt(domain, name, **values)


class ValidateReportForm(PatientFormValidation):
    """Validates report_form: identity, then consent to read the patient's reports."""

    trigger_intents: ClassVar[FrozenSet[Text]] = frozenset({"check_report"})
    refuse_ends_task: ClassVar[bool] = True

    def name(self) -> Text:
        return "validate_report_form"

    def task_slots(self, turn: FormTurn) -> List[Text]:
        return ["report_consent"]

    def on_activation(self, turn: FormTurn) -> None:
        turn.clear("other_patient_refused")

    def understand(self, turn: FormTurn) -> None:
        if turn.requested == "report_consent" and turn.message.intent in ("affirm", "deny"):
            turn.set("report_consent", turn.message.intent == "affirm")


class ActionShowReports(Action):
    """Shows the verified patient's reports (status, time, pickup) with a no-interpretation disclaimer."""

    def name(self) -> Text:
        return "action_show_reports"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        slots = tracker.slots
        if slots.get("other_patient_refused"):
            return [SlotSet("other_patient_refused", None)]
        if slots.get("report_consent") is False:
            support.say(dispatcher, domain, "utter_report_consent_declined")
            return [SlotSet("report_consent", None)]
        if not support.verified(slots) or not slots.get("report_consent"):
            support.say(dispatcher, domain, "utter_verification_expired",
                        buttons=[support.button(support.fmt(domain, "utter_fmt_check_reports"), "check_report")])
            return []
        try:
            reports = support.his().list_reports(patient_id=int(slots["patient_id"]),
                                                 patient_token=slots["patient_token"])
        except HisUnavailable:
            support.his_unavailable(dispatcher, domain)
            return []
        except HisError as error:
            if error.code in ("verification_expired", "verification_required", "forbidden"):
                support.say(dispatcher, domain, "utter_verification_expired",
                            buttons=[support.button(support.fmt(domain, "utter_fmt_check_reports"), "check_report")])
                return support.expired_identity_events()
            support.say(dispatcher, domain, "utter_reports_none", patient=support.patient_label(slots))
            return []
        patient = support.patient_label(slots)
        if not reports:
            support.say(dispatcher, domain, "utter_reports_none", patient=patient)
            return [SlotSet("report_consent", None)]
        shown = reports[:MAX_REPORTS]
        pending = sum(1 for r in shown if r.get("status") != "ready")
        support.say(dispatcher, domain, "utter_reports_list", patient=patient, count=len(shown), pending=pending,
                    lines=support.lines(report_line(domain, r) for r in shown))
        departments = []
        for report in shown:
            name = (report.get("department") or {}).get("name")
            if name and name not in departments:
                departments.append(name)
        buttons = [support.button(support.fmt(domain, "utter_fmt_book_department_button", department=d),
                                  "book_appointment", department=d) for d in departments[:3]]
        support.say(dispatcher, domain, "utter_report_disclaimer", buttons=buttons or None)
        return [SlotSet("report_consent", None)]  # the next lookup asks again
