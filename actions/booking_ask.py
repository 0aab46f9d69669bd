"""The booking questions that read the live schedule: which half-day clinic, and which time slot.

`action_ask_schedule_id` lists the bookable half-days matching what the patient said (department or
doctor, day or range, half-day). When none is bookable it says why (full, holiday, 停诊, over, beyond
the booking window, no clinic), offers the nearest alternatives (the same doctor at other times first,
then other doctors of the department) and, when full, the waitlist. Used by booking_form and by
appointment_form when rescheduling (same department only).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Mapping, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_support as support
from actions.booking_choices import REASON_RESPONSES
from actions.booking_forms import his_down_this_turn
from actions.his_client import HisUnavailable
from hospital_core.dates import is_public_holiday

ALTERNATIVES_PER_KIND = 3
REASON_PRIORITY = ("not_bookable", "slot_full", "holiday", "closed", "past_date", "beyond_window")


def _iso(value: Optional[Text]) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def when_label(first: Optional[dt.date], last: Optional[dt.date], half: Optional[Text]) -> Text:
    """'11月25日（周三）上午', '11月23日（周一）至11月29日（周日）', or '' (no wish)."""
    if first is None:
        return support.half_day_label(half)
    text = support.date_label(first)
    if last is not None and last != first:
        text += "至" + support.date_label(last)
    return text + support.half_day_label(half)


def offered_items(rows: List[Mapping[Text, Any]]) -> Dict[Text, Any]:
    """What was offered, so "第二个" or "周三上午那个" can be matched next turn."""
    return {"kind": "schedule", "items": [{"id": str(r["schedule_id"]), "date": r["date"],
                                           "half_day": r.get("half_day_label") or "",
                                           "doctor": (r.get("doctor") or {}).get("name", "")} for r in rows]}


class ScheduleFinder:
    """Queries the HIS for the patient's wish and for the nearest alternatives."""

    def __init__(self, slots: Mapping[Text, Any], now: dt.datetime, *, department: Optional[Text] = None,
                 exclude: Optional[Text] = None, prefer_doctor: Optional[Text] = None) -> None:
        self.department = department or slots.get("department")
        self.doctor_id = slots.get("doctor_id")
        self.doctor = slots.get("doctor") if self.doctor_id else None
        self.first = _iso(slots.get("visit_date"))
        self.last = _iso(slots.get("visit_date_end")) or self.first
        self.half = slots.get("half_day")
        self.exclude = str(exclude) if exclude else None
        self.prefer_doctor = prefer_doctor
        self.today = now.date()
        self.last_day = self.today + dt.timedelta(days=support.window_days())

    @property
    def target(self) -> Text:
        return " ".join(x for x in (self.department, self.doctor) if x)

    @property
    def beyond(self) -> bool:
        return self.first is not None and self.first > self.last_day

    def _query(self, **extra: Any) -> List[Dict[Text, Any]]:
        if self.doctor_id:
            rows = support.his().list_schedules(doctor_id=int(self.doctor_id), **extra)
        else:
            rows = support.his().list_schedules(department=self.department, **extra)
        return [r for r in rows if str(r["schedule_id"]) != self.exclude]

    def wished(self) -> List[Dict[Text, Any]]:
        """Every half-day (bookable or not) in the wished days and half-day."""
        if self.beyond:
            return []
        first = max(self.first, self.today) if self.first else self.today
        last = min(self.last, self.last_day) if self.last else self.last_day
        return self._query(date_from=first.isoformat(), date_to=last.isoformat(), half_day=self.half)

    def alternatives(self) -> List[Dict[Text, Any]]:
        """Nearest bookable half-days: the same doctor first, then the department's other doctors."""
        wanted = self.first or self.today
        if self.beyond:
            wanted = self.last_day
        same_doctor = self._query(available_only=True) if self.doctor_id else []
        others = [r for r in support.his().list_schedules(department=self.department, available_only=True)
                  if str(r["schedule_id"]) != self.exclude and str(r["doctor"]["id"]) != str(self.doctor_id or "")]
        limit = ALTERNATIVES_PER_KIND if self.doctor_id else support.MAX_OPTIONS
        return (support.sort_by_distance(same_doctor, wanted, self.half)[:ALTERNATIVES_PER_KIND]
                + support.sort_by_distance(others, wanted, self.half)[:limit])


def explain_unavailable(dispatcher: CollectingDispatcher, domain: DomainDict, finder: ScheduleFinder,
                        rows: List[Dict[Text, Any]]) -> Tuple[Optional[Text], Optional[Dict[Text, Any]]]:
    """Says why nothing in the wish can be booked; returns (reason, first full half-day for the waitlist)."""
    values = {"target": finder.target, "when": when_label(finder.first, finder.last, finder.half),
              "last_day": support.date_label(finder.last_day), "window": support.window_days()}
    reasons = [r.get("unavailable_reason") for r in rows]
    reason = next((r for r in REASON_PRIORITY if r in reasons), None)
    if finder.beyond:
        reason = "beyond_window"
    full = next((r for r in rows if r.get("unavailable_reason") == "slot_full"), None)
    if reason is None:
        holiday = is_public_holiday(finder.first) if finder.first else None
        if holiday:
            support.say(dispatcher, domain, "utter_schedule_holiday", holiday=holiday.name_cn or "", **values)
            return "holiday", None
        support.say(dispatcher, domain, "utter_schedule_no_clinic", **values)
        return None, None
    row = next(r for r in rows if r.get("unavailable_reason") == reason) if rows else {}
    extra = support.schedule_values(row) if row else {}
    extra.update(values)
    support.say(dispatcher, domain, REASON_RESPONSES.get(reason, "utter_schedule_unavailable"), **extra)
    return reason, full


def offer_alternatives(dispatcher: CollectingDispatcher, domain: DomainDict, alternatives: List[Dict[Text, Any]],
                       full: Optional[Dict[Text, Any]], intent: Text = "inform") -> None:
    """The nearest bookable half-days as lines and buttons, plus the waitlist for a full half-day."""
    buttons = [support.schedule_button(domain, r, intent) for r in alternatives]
    if full is not None:
        buttons.append(support.button(support.fmt(domain, "utter_fmt_waitlist_button", **support.schedule_values(full)),
                                      "join_waitlist", schedule_id=full["schedule_id"]))
    if alternatives:
        support.say(dispatcher, domain, "utter_schedule_alternatives", buttons=buttons,
                    lines=support.lines(support.schedule_line(domain, r) for r in alternatives))
    else:
        support.say(dispatcher, domain, "utter_schedule_no_alternatives", buttons=buttons or None,
                    phone=support.facts_value("phone_appointment"))
    if full is not None:
        support.say(dispatcher, domain, "utter_waitlist_offer", **support.schedule_values(full))


class ActionAskScheduleId(Action):
    """Lists the bookable half-days for the patient's wish, or why none and the nearest alternatives."""

    def name(self) -> Text:
        return "action_ask_schedule_id"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        if his_down_this_turn(tracker):
            return []
        slots = tracker.slots
        appointment = slots.get("appointment") or {}
        rescheduling = tracker.active_loop_name == "appointment_form"
        finder = ScheduleFinder(slots, support.message_time(tracker),
                                department=appointment.get("department") if rescheduling else None,
                                exclude=appointment.get("schedule_id") if rescheduling else None,
                                prefer_doctor=appointment.get("doctor") if rescheduling else None)
        try:
            return self._ask(dispatcher, domain, finder, waitlist=slots.get("booking_mode") == "waitlist")
        except HisUnavailable:
            support.his_unavailable(dispatcher, domain)
            return []

    def _ask(self, dispatcher: CollectingDispatcher, domain: DomainDict, finder: ScheduleFinder, *,
             waitlist: bool) -> List[EventType]:
        rows = finder.wished()
        label = when_label(finder.first, finder.last, finder.half)
        if waitlist:
            full = [r for r in rows if r.get("unavailable_reason") == "slot_full"][:support.MAX_OPTIONS]
            if full:
                buttons = [support.schedule_button(domain, r, "join_waitlist") for r in full]
                support.say(dispatcher, domain, "utter_ask_waitlist_schedule", buttons=buttons, target=finder.target,
                            lines=support.lines(support.schedule_line(domain, r) for r in full))
                return [SlotSet("offered", offered_items(full))]
        bookable = support.sort_by_distance([r for r in rows if r.get("bookable")], finder.first, finder.half)
        if finder.prefer_doctor and not finder.doctor_id:  # rescheduling: the same doctor first
            bookable.sort(key=lambda r: (r.get("doctor") or {}).get("name") != finder.prefer_doctor)
        if bookable:
            events: List[EventType] = []
            if waitlist:
                support.say(dispatcher, domain, "utter_waitlist_not_needed", target=finder.target, when=label)
                events.append(SlotSet("booking_mode", "book"))
            shown = bookable[:support.MAX_OPTIONS]
            support.say(dispatcher, domain, "utter_ask_schedule_id",
                        buttons=[support.schedule_button(domain, r) for r in shown], target=finder.target,
                        when=label or support.fmt(domain, "utter_fmt_next_days", days=support.window_days()),
                        lines=support.lines(support.schedule_line(domain, r) for r in shown))
            return events + [SlotSet("offered", offered_items(shown))]
        reason, full_row = explain_unavailable(dispatcher, domain, finder, rows)
        if reason == "not_bookable":
            return [SlotSet("department", None), SlotSet("doctor", None), SlotSet("doctor_id", None)]
        alternatives = finder.alternatives()
        offer_alternatives(dispatcher, domain, alternatives, full_row)
        return [SlotSet("offered", offered_items(alternatives)),
                SlotSet("waitlist_offer", str(full_row["schedule_id"]) if full_row else None)]


class ActionAskSlotId(Action):
    """Lists the time slots of the chosen half-day that still have places."""

    def name(self) -> Text:
        return "action_ask_slot_id"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        schedule_id = tracker.get_slot("schedule_id")
        if not schedule_id or his_down_this_turn(tracker):
            return []
        try:
            view = support.his().get_slots(schedule_id=int(schedule_id))
        except HisUnavailable:
            support.his_unavailable(dispatcher, domain)
            return []
        values = support.schedule_values(view)
        free = [s for s in view.get("slots") or [] if s.get("available")]
        if not free:
            support.say(dispatcher, domain, "utter_slot_none", **values)
            return [SlotSet("schedule_id", None), SlotSet("selection", None),
                    SlotSet("waitlist_offer", str(view["schedule_id"]))]
        buttons = [support.button(support.fmt(domain, "utter_fmt_slot_button", start=s["start_time"],
                                              end=s["end_time"], remaining=s["remaining"]),
                                  "inform", slot_id=s["slot_id"]) for s in free[:8]]
        support.say(dispatcher, domain, "utter_ask_slot_id", buttons=buttons, **values)
        items = [{"id": str(s["slot_id"]), "start": s["start_time"], "end": s["end_time"]} for s in free]
        return [SlotSet("offered", {"kind": "slot", "items": items})]
