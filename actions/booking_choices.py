"""Choosing a half-day clinic and a time slot: shared by booking_form and appointment_form (reschedule).

`understand_*` read the message into slot updates and flags (no HIS); `settle_*` check with the HIS
what the patient chose, fill the details the confirmation shows (`selection`), and pick by themselves
when the patient already said enough (doctor + day + half-day; a clock time; "最早的").
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Text

from actions import booking_support as support
from actions.booking_understanding import doctor_mentions, ordinal
from actions.his_client import HisError
from hospital_core.dates import format_when_cn

if TYPE_CHECKING:  # pragma: no cover
    from actions.booking_forms import FormTurn

ANY_DOCTOR = re.compile(r"(换个|换一个|换位|别的|其他|其它)(医生|大夫|专家)|哪个医生都|哪位医生都|随便哪个|谁都行|医生都行")
TITLE_SUFFIX = re.compile(r"(主任医师|医生|大夫|主任|教授|医师|老师|专家)$")
WHEN_ERROR_RESPONSES = {
    "impossible_date": "utter_when_impossible_date",
    "impossible_time": "utter_when_impossible_time",
    "noon": "utter_when_noon",
    "hour_6": "utter_when_hour_6",
    "outside_clinic_hours": "utter_when_outside_hours",
    "lunar": "utter_when_unsupported",
    "festival": "utter_when_unsupported",
}
REASON_RESPONSES = {
    "slot_full": "utter_schedule_full",
    "holiday": "utter_schedule_holiday",
    "closed": "utter_schedule_closed",
    "past_date": "utter_schedule_over",
    "beyond_window": "utter_when_beyond_window",
    "not_bookable": "utter_department_not_bookable",
}


# -- understanding -----------------------------------------------------------------------------------

def reset_selection(turn: "FormTurn") -> None:
    turn.clear("schedule_id", "slot_id", "booking_confirm", "appointment_confirm", "selection", "booking_key")


def understand_doctor(turn: "FormTurn") -> None:
    if ANY_DOCTOR.search(turn.message.norm):
        if turn.get("doctor") or turn.get("doctor_id"):
            turn.clear("doctor", "doctor_id")
            reset_selection(turn)
        else:
            turn.noop()
        return
    names = doctor_mentions(turn.message)
    if names and names[0] != turn.get("doctor"):
        turn.flags["doctor"] = names[0]


def understand_choice(turn: "FormTurn") -> None:
    """A button (schedule_id / slot_id entity), "第二个", "最早的", or a day/time among the offered ones."""
    message = turn.message
    for kind in ("schedule", "slot"):
        value = message.entity(f"{kind}_id")
        if value:
            turn.flags[kind] = value
    offered = turn.get("offered") or {}
    kind, items = offered.get("kind"), offered.get("items") or []
    if not items or turn.requested not in (f"{kind}_id",) or turn.flags.get(kind):
        return
    index = ordinal(message)
    when = message.when
    picked: Optional[Dict[Text, Any]] = None
    if index is not None and 0 <= index < len(items):
        picked = items[index]
    elif when is not None and when.earliest:
        picked = items[0]
    elif kind == "slot" and when is not None and when.time is not None:
        clock = f"{when.time:%H:%M}"
        picked = next((i for i in items if i["start"] <= clock < i["end"]), None)
        if picked is None:
            turn.flags["slot_time"] = clock
    elif kind == "schedule" and (when is not None or doctor_mentions(message)):
        matches = [i for i in items if _matches(i, turn)]
        if len(matches) == 1:
            picked = matches[0]
    if picked is not None:
        turn.flags[kind] = picked["id"]


def _matches(item: Dict[Text, Any], turn: "FormTurn") -> bool:
    when, names = turn.message.when, doctor_mentions(turn.message)
    if when is not None:
        if when.error is not None:
            return False
        if when.date is not None and item.get("date") != when.date.isoformat():
            return False
        if when.date_range is not None and not (when.date_range[0].isoformat() <= item.get("date", "")
                                                <= when.date_range[1].isoformat()):
            return False
        if when.half_day and item.get("half_day") != when.half_day:
            return False
    if names and not any(item.get("doctor", "").startswith(TITLE_SUFFIX.sub("", name)) for name in names):
        return False
    return True


def understand_when(turn: "FormTurn") -> None:
    """Day, range, half-day and clock time from the message, or the reason they cannot be used."""
    when = turn.message.when
    if when is None or turn.flags.get("schedule"):
        return
    if when.error is not None and when.error.code != "past_date":
        _explain_when_error(turn)
        return
    if when.error is not None:
        turn.say("utter_when_past", when=format_when_cn(when) or when.text)
        turn.clear("visit_date", "visit_date_end")
        turn.noop()
        return
    if when.earliest:
        turn.flags["earliest"] = True
    changed = False
    if when.date is not None or when.date_range is not None:
        first, last = (when.date, when.date) if when.date is not None else when.date_range
        values = {"visit_date": first.isoformat(), "visit_date_end": None if last == first else last.isoformat()}
        for name, value in values.items():
            if turn.get(name) != value:
                turn.set(name, value)
                changed = True
    time_only = when.time is not None and when.date is None and when.date_range is None
    chosen_half = (turn.get("selection") or {}).get("half_day")
    if when.half_day and turn.get("half_day") != when.half_day:
        if not (time_only and chosen_half == when.half_day):
            turn.set("half_day", when.half_day)
            changed = True
    if when.time is not None:
        turn.set("visit_time", f"{when.time:%H:%M}")
    if changed:
        reset_selection(turn)
    elif when.time is None and not when.earliest:
        turn.noop()


def _explain_when_error(turn: "FormTurn") -> None:
    when = turn.message.when
    assert when is not None and when.error is not None
    reason = when.error.reason
    response = WHEN_ERROR_RESPONSES.get(reason) or WHEN_ERROR_RESPONSES.get(when.error.code) or "utter_when_ambiguous"
    buttons = [{"title": support.date_label(day), "payload": f"{day.month}月{day.day}日"}
               for day in when.candidates[:4]]
    turn.say(response, buttons=buttons or None, when=when.text,
             candidates="、".join(support.date_label(d) for d in when.candidates))
    turn.noop()


# -- settling with the HIS ---------------------------------------------------------------------------

def settle_doctor(turn: "FormTurn") -> None:
    """Resolves "张医生"/"李红梅主任" to one doctor (within the department when one is known)."""
    name = turn.flags.get("doctor")
    if not name:
        return
    department = turn.get("department")
    found = support.his().find_doctors(name=name, department=department) if department else []
    if not found:
        found = support.his().find_doctors(name=name)
    if not found:
        turn.say("utter_doctor_not_found", name=name)
        turn.noop()
        return
    if len(found) > 1:
        buttons = [support.button(support.fmt(turn.domain, "utter_fmt_doctor_button", doctor=d["name"],
                                              title=d["title"], department=d["department"]["name"]),
                                  "inform", doctor=d["name"]) for d in found[:6]]
        turn.say("utter_doctor_ambiguous", buttons=buttons, name=name)
        turn.noop()
        return
    doctor = found[0]
    if str(doctor["id"]) != str(turn.get("doctor_id") or ""):
        turn.set("doctor", doctor["name"])
        turn.set("doctor_id", str(doctor["id"]))
        reset_selection(turn)
    if turn.get("department") != doctor["department"]["name"]:
        turn.set("department", doctor["department"]["name"])


def settle_schedule(turn: "FormTurn", *, waitlist: bool = False, department_lock: Optional[Text] = None,
                    exclude: Optional[Text] = None) -> None:
    """Checks the chosen half-day (or finds the only one the patient described) and fills `selection`."""
    wanted = turn.flags.get("schedule")
    if not wanted and not turn.get("schedule_id"):
        wanted = _only_matching_schedule(turn, waitlist=waitlist)
    if not wanted:
        return
    try:
        view = support.his().get_slots(schedule_id=int(wanted))
    except (HisError, ValueError):
        turn.say("utter_option_unknown")
        turn.noop()
        return
    reason = view.get("unavailable_reason")
    if department_lock and view["department"]["name"] != department_lock:
        turn.say("utter_reschedule_other_department", department=department_lock)
        turn.noop()
        return
    if exclude and str(view["schedule_id"]) == str(exclude) and reason is None:
        turn.flags["same_schedule"] = True
    if waitlist and reason is None:
        turn.say("utter_waitlist_slots_available", **support.schedule_values(view))
        turn.set("booking_mode", "book")
    elif not (reason is None or (waitlist and reason == "slot_full")):
        _keep_wish(turn, view)  # the question that follows says why and offers the nearest ones
        return
    _accept_schedule(turn, view)


def _keep_wish(turn: "FormTurn", view: Dict[Text, Any]) -> None:
    """The patient wanted this half-day: keep it as the wish so the next question offers the nearest ones."""
    turn.clear("schedule_id", "slot_id", "selection")
    turn.set("visit_date", view["date"])
    turn.set("visit_date_end", None)
    turn.set("half_day", view["half_day_label"])
    if turn.get("doctor_id") != str(view["doctor"]["id"]):
        turn.set("doctor", view["doctor"]["name"])
        turn.set("doctor_id", str(view["doctor"]["id"]))
    turn.set("department", view["department"]["name"])
    if view.get("unavailable_reason") == "slot_full":
        turn.set("waitlist_offer", str(view["schedule_id"]))


def _only_matching_schedule(turn: "FormTurn", *, waitlist: bool) -> Optional[Text]:
    doctor_id, day, half = turn.get("doctor_id"), turn.get("visit_date"), turn.get("half_day")
    if not (doctor_id and day and half) or turn.get("visit_date_end"):
        return None
    rows = support.his().list_schedules(doctor_id=int(doctor_id), date_from=day, date_to=day, half_day=half)
    if len(rows) != 1:
        return None
    reason = rows[0].get("unavailable_reason")
    if reason is None or (waitlist and reason == "slot_full"):
        return str(rows[0]["schedule_id"])
    return None


def _accept_schedule(turn: "FormTurn", view: Dict[Text, Any]) -> None:
    values = support.schedule_values(view)
    if str(turn.get("schedule_id") or "") != str(view["schedule_id"]):
        turn.set("schedule_id", str(view["schedule_id"]))
        turn.clear("slot_id", "booking_confirm", "appointment_confirm", "booking_key")
    turn.set("selection", {**values, "schedule_id": str(view["schedule_id"]), "date_iso": view["date"]})
    turn.set("department", view["department"]["name"])
    turn.set("doctor", view["doctor"]["name"])
    turn.set("doctor_id", str(view["doctor"]["id"]))
    turn.set("visit_date", view["date"])
    turn.set("visit_date_end", None)
    turn.set("half_day", view["half_day_label"])
    turn.flags["slots"] = view.get("slots") or []


def settle_slot(turn: "FormTurn") -> None:
    """Checks the chosen time slot, or picks the one at the patient's clock time / the earliest."""
    schedule_id = turn.get("schedule_id")
    wanted = turn.flags.get("slot")
    clock = turn.flags.get("slot_time") or (turn.get("visit_time") if not turn.get("slot_id") else None)
    earliest = turn.flags.get("earliest") and not turn.get("slot_id")
    if not schedule_id or not (wanted or clock or earliest):
        return
    slots: List[Dict[Text, Any]] = turn.flags.get("slots") or support.his().get_slots(
        schedule_id=int(schedule_id)).get("slots") or []
    if wanted:
        slot = next((s for s in slots if str(s["slot_id"]) == str(wanted)), None)
    elif clock:
        slot = next((s for s in slots if s["start_time"] <= clock < s["end_time"]), None)
    else:
        slot = next((s for s in slots if s["available"]), None)
    if slot is None or not slot["available"]:
        if wanted or (clock and slot is not None):
            turn.say("utter_slot_taken", time=clock or (slot or {}).get("start_time", ""))
        turn.clear("visit_time")
        turn.noop()
        return
    turn.set("slot_id", str(slot["slot_id"]))
    turn.clear("visit_time")
    selection = dict(turn.get("selection") or {})
    selection.update(slot_id=str(slot["slot_id"]), start=slot["start_time"], end=slot["end_time"], seq=slot["seq"])
    turn.set("selection", selection)
