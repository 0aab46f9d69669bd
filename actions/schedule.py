"""Schedule questions outside a booking: "骨科张医生本周出诊时间", "心内科明天下午有号吗", "张医生周几出诊".

Reads the live schedule from the HIS and answers with the doctor's weekly pattern, the half-days in
the asked period with titles, places left and fees, and buttons that start booking_form on one of
them. What was asked (department, doctor, days, half-day) stays in slots: "那周五呢" and
"帮我约一个" continue from it, and "再试一次" repeats the query after an outage.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_support as support
from actions import content
from actions.booking_ask import ScheduleFinder, explain_unavailable, offer_alternatives, when_label
from actions.booking_choices import ANY_DOCTOR, TITLE_SUFFIX, WHEN_ERROR_RESPONSES
from actions.booking_understanding import Message, departments, doctor_mentions, read_message
from actions.his_client import HisUnavailable

DEFAULT_DAYS = 7
MAX_LINES = 8
BOOK_BUTTONS = 4
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


class ActionShowSchedule(Action):
    """Answers a schedule question from the live HIS schedule, with buttons to book."""

    def name(self) -> Text:
        return "action_show_schedule"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        message = read_message(tracker)
        now = support.message_time(tracker)
        if message.intent == "inform" and not (departments(message) or doctor_mentions(message) or message.when):
            support.say(dispatcher, domain, "utter_menu")  # e.g. a mobile number out of the blue
            return []
        events = self._context(message, tracker)
        slots = {**tracker.slots, **{e["name"]: e["value"] for e in events}}
        if message.when is not None and message.when.error is not None and message.when.error.code != "past_date":
            response = (WHEN_ERROR_RESPONSES.get(message.when.error.reason)
                        or WHEN_ERROR_RESPONSES.get(message.when.error.code) or "utter_when_ambiguous")
            support.say(dispatcher, domain, response, when=message.when.text,
                        candidates="、".join(support.date_label(d) for d in message.when.candidates))
            return events
        if message.when is not None and message.when.error is not None:
            support.say(dispatcher, domain, "utter_when_past", when=message.when.text)
            slots.update(visit_date=None, visit_date_end=None)
            events += [SlotSet("visit_date", None), SlotSet("visit_date_end", None)]
        if not slots.get("department") and not slots.get("doctor"):
            support.say(dispatcher, domain, "utter_schedule_ask_target", directory=content.department_directory())
            return events
        try:
            events += self._answer(dispatcher, domain, slots, now, message)
        except HisUnavailable:
            support.his_unavailable(dispatcher, domain)
        return events

    @staticmethod
    def _context(message: Message, tracker: Tracker) -> List[EventType]:
        """Slot events for what this question asks about, on top of the previous question."""
        events: List[EventType] = []
        names, depts = doctor_mentions(message), departments(message)
        if depts and depts[0] != tracker.get_slot("department"):
            events.append(SlotSet("department", depts[0]))
            if not names:
                events += [SlotSet("doctor", None), SlotSet("doctor_id", None)]
        if names:
            events += [SlotSet("doctor", names[0]), SlotSet("doctor_id", None)]
        elif ANY_DOCTOR.search(message.norm):
            events += [SlotSet("doctor", None), SlotSet("doctor_id", None)]
        when = message.when
        if when is not None and when.error is None:
            if when.date is not None or when.date_range is not None:
                first, last = (when.date, when.date) if when.date is not None else when.date_range
                events += [SlotSet("visit_date", first.isoformat()),
                           SlotSet("visit_date_end", None if last == first else last.isoformat())]
            events.append(SlotSet("half_day", when.half_day))
        elif message.text and (names or depts):
            events += [SlotSet(n, None) for n in support.WHEN_SLOTS]  # a new question without a day
        return events + support.reset_events(("schedule_id", "slot_id", "selection", "booking_confirm", "offered"))

    def _answer(self, dispatcher: CollectingDispatcher, domain: DomainDict, slots: Dict[Text, Any],
                now: dt.datetime, message: Message) -> List[EventType]:
        events: List[EventType] = []
        doctor: Optional[Dict[Text, Any]] = None
        if slots.get("doctor"):
            doctor, found = self._doctor(slots)
            if doctor is None:
                self._doctor_problem(dispatcher, domain, slots["doctor"], found)
                return [SlotSet("doctor", None), SlotSet("doctor_id", None)]
            slots.update(doctor=doctor["name"], doctor_id=str(doctor["id"]), department=doctor["department"]["name"])
            events += [SlotSet("doctor", doctor["name"]), SlotSet("doctor_id", str(doctor["id"])),
                       SlotSet("department", doctor["department"]["name"])]
        if not slots.get("visit_date"):  # no day asked: the coming week
            slots["visit_date"] = now.date().isoformat()
            slots["visit_date_end"] = (now.date() + dt.timedelta(days=DEFAULT_DAYS - 1)).isoformat()
        finder = ScheduleFinder(slots, now)
        rows = finder.wished()
        bookable = [r for r in rows if r.get("bookable")]
        period = when_label(finder.first, finder.last, finder.half)
        shown = rows[:MAX_LINES] if doctor else (bookable or rows)[:MAX_LINES]
        buttons = [support.button(support.fmt(domain, "utter_fmt_book_button", **support.schedule_values(r)),
                                  "book_appointment", schedule_id=r["schedule_id"]) for r in bookable[:BOOK_BUTTONS]]
        text_lines = support.lines(support.schedule_line(domain, r) for r in shown)
        # Where the clinic is: the hospital system's own answer (authoritative for appointments).
        location = (rows[0]["location"] if rows
                    else content.department_locations().get(finder.department or "", ""))
        if doctor is not None:
            support.say(dispatcher, domain, "utter_schedule_doctor", buttons=buttons or None, period=period,
                        doctor=doctor["name"], title=doctor["title"], department=doctor["department"]["name"],
                        location=location, fee=doctor.get("fee", ""), pattern=self._pattern(finder), lines=text_lines or "—")
        elif bookable:
            support.say(dispatcher, domain, "utter_schedule_department", buttons=buttons, period=period,
                        department=finder.department, lines=text_lines, location=location)
        if not bookable:
            reason, full = explain_unavailable(dispatcher, domain, finder, rows)
            if reason != "not_bookable":
                offer_alternatives(dispatcher, domain, finder.alternatives(), full, "book_appointment")
        return events

    @staticmethod
    def _doctor(slots: Dict[Text, Any]) -> Tuple[Optional[Dict[Text, Any]], List[Dict[Text, Any]]]:
        name = slots["doctor"]
        found = support.his().find_doctors(name=name, department=slots.get("department")) \
            if slots.get("department") else []
        if not found:
            found = support.his().find_doctors(name=name)
        return (found[0] if len(found) == 1 else None), found

    @staticmethod
    def _doctor_problem(dispatcher: CollectingDispatcher, domain: DomainDict, name: Text,
                        found: List[Dict[Text, Any]]) -> None:
        if not found:
            support.say(dispatcher, domain, "utter_doctor_not_found", name=name)
            return
        buttons = [support.button(support.fmt(domain, "utter_fmt_doctor_button", doctor=d["name"], title=d["title"],
                                              department=d["department"]["name"]), "ask_doctor", doctor=d["name"])
                   for d in found[:6]]
        support.say(dispatcher, domain, "utter_doctor_ambiguous", buttons=buttons, name=TITLE_SUFFIX.sub("", name))

    @staticmethod
    def _pattern(finder: ScheduleFinder) -> Text:
        """"周一上午、周三上午、周四下午、周六上午" from the doctor's clinics in the booking window."""
        if not finder.doctor_id:
            return ""
        rows = support.his().list_schedules(doctor_id=int(finder.doctor_id))
        seen = sorted({(r["weekday"], r["half_day"]) for r in rows if r.get("status") != "holiday"},
                      key=lambda x: (x[0], ("morning", "afternoon", "evening").index(x[1])))
        return "、".join(WEEKDAYS[w - 1] + support.half_day_label(h) for w, h in seen)
