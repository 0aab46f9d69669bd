"""Shared plumbing for the booking, schedule, appointment, verification and report actions (issue 3).

* Talking to the HIS through `actions.his_client` (the one client module) and saying so plainly when
  it is slow or down (`his_unavailable`), without losing what the patient already told us.
* The message time (Asia/Shanghai) every date is resolved from, and date/time labels.
* Line and button templates: every patient-facing word lives in domain.yml; lists (schedules, slots,
  reports) are built from `utter_fmt_*` templates read from the domain (or domain.yml on disk when the
  action server got no responses), filled here with data.
* Which slots belong to a task (reset after booking/stop) and the masking of personal data.
No I/O at import time.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Text

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import content
from actions.his_client import HisClient, get_client
from hospital_core.dates import SHANGHAI, format_date_cn, now_from_timestamp

logger = logging.getLogger(__name__)

DOMAIN_FILE = Path(__file__).resolve().parent.parent / "domain.yml"
DEFAULT_WINDOW_DAYS = 14
MAX_OPTIONS = 6

# Slots of an ongoing task: cleared once it is done or stopped (identity slots are kept for the session).
SELECTION_SLOTS = ("schedule_id", "slot_id", "booking_mode", "booking_confirm", "booking_key", "selection",
                   "offered", "waitlist_offer", "visit_time")
APPOINTMENT_SLOTS = ("appointment_task", "appointment_id", "appointment_confirm", "appointment")
WHEN_SLOTS = ("visit_date", "visit_date_end", "half_day")
# Identity: cleared when the HIS says the verification token expired, or on a new session.
PENDING_IDENTITY_SLOTS = ("phone_number", "otp_code", "otp_sent_to", "card_number", "card_holder_name")
VERIFIED_SLOTS = ("patient_token", "patient_id", "patient_name", "patient_mobile", "family")

HALF_DAY_LABELS = {"morning": "上午", "afternoon": "下午", "evening": "夜诊"}
HALF_DAY_CODES = {label: code for code, label in HALF_DAY_LABELS.items()}

_fmt_lock = threading.Lock()


def his() -> HisClient:
    """The process-wide HIS client (configured from the environment on first use)."""
    return get_client()


def window_days() -> int:
    """How far ahead patients can book: the hospital system's own setting (same variable)."""
    try:
        return int(os.environ.get("HIS_BOOKING_WINDOW_DAYS", DEFAULT_WINDOW_DAYS))
    except ValueError:
        return DEFAULT_WINDOW_DAYS


# -- time -------------------------------------------------------------------------------------------

def message_time(tracker: Tracker) -> dt.datetime:
    """When the latest user message was sent (Asia/Shanghai); now if the tracker has no timestamp."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "user" and event.get("timestamp"):
            try:
                return now_from_timestamp(float(event["timestamp"]))
            except (TypeError, ValueError, OverflowError, OSError):
                break
    return dt.datetime.now(SHANGHAI)


def date_label(value: Any) -> Text:
    """'2026-11-25' or a date → '11月25日（周三）'."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date_cn(value)


def moment_label(value: Optional[Text]) -> Text:
    """An ISO timestamp from the HIS → '11月25日（周三）14:30' in Asia/Shanghai."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(SHANGHAI)
    return f"{format_date_cn(moment.date())}{moment:%H:%M}"


def half_day_label(value: Optional[Text]) -> Text:
    """'morning' / '上午' → '上午'."""
    if not value:
        return ""
    return HALF_DAY_LABELS.get(value, value)


def mask_mobile(mobile: Optional[Text]) -> Text:
    """13800000001 → 138****0001 (never show a full mobile number)."""
    digits = "".join(ch for ch in (mobile or "") if ch.isdigit())
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 7 else "****"


# -- wording from the domain --------------------------------------------------------------------

@lru_cache(maxsize=1)
def _domain_file_responses() -> Dict[Text, Any]:
    with _fmt_lock:
        loaded = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8")) or {}
    return loaded.get("responses") or {}


def template(domain: Mapping[Text, Any], name: Text) -> Text:
    """The first text of response `name` (a line/button template such as utter_fmt_schedule_option)."""
    texts = content.response_texts(domain, name)
    if not texts:
        variations = _domain_file_responses().get(name) or []
        texts = [v.get("text") or "" for v in variations if isinstance(v, dict)]
    if not texts:
        raise KeyError(f"domain.yml has no response {name!r}")
    return texts[0]


def fmt(domain: Mapping[Text, Any], name: Text, **values: Any) -> Text:
    """Fills the template `name` with values (missing values become empty)."""
    return template(domain, name).format_map(_Blank(values))


class _Blank(dict):
    def __missing__(self, key: Text) -> Text:
        return ""


def button(title: Text, intent: Text, **entities: Any) -> Dict[Text, Text]:
    """A quick-reply button whose payload is `/intent{"entity": "value"}`."""
    import json

    payload = f"/{intent}"
    if entities:
        payload += json.dumps({k: str(v) for k, v in entities.items()}, ensure_ascii=False)
    return {"title": title, "payload": payload}


def say(dispatcher: CollectingDispatcher, domain: Mapping[Text, Any], response: Text,
        buttons: Optional[List[Dict[Text, Text]]] = None, **values: Any) -> None:
    """Utters a domain response with the values its placeholders use, plus optional buttons."""
    extra: Dict[Text, Any] = {}
    if buttons:
        extra["buttons"] = buttons
    content.utter(dispatcher, domain, response, values, **extra)


def his_unavailable(dispatcher: CollectingDispatcher, domain: Mapping[Text, Any],
                    response: Text = "utter_his_unavailable") -> None:
    """Tells the patient the scheduling system is not answering; offers a retry and a human."""
    values = _facts_or_empty()
    say(dispatcher, domain, response, **values)


def _facts_or_empty() -> Dict[Text, Text]:
    try:
        return content.facts()
    except Exception:  # the apology must go out even if the facts table is broken
        logger.exception("facts table unavailable")
        return {}


def facts_value(key: Text) -> Text:
    """One value of data/hospital/facts.yml (empty if the table is unavailable)."""
    return _facts_or_empty().get(key, "")


# -- schedules as text and buttons ---------------------------------------------------------------

def schedule_values(schedule: Mapping[Text, Any]) -> Dict[Text, Any]:
    """The display values of a HIS schedule view."""
    doctor = schedule.get("doctor") or {}
    return {
        "date": date_label(schedule["date"]),
        "half_day": schedule.get("half_day_label") or half_day_label(schedule.get("half_day")),
        "doctor": doctor.get("name", ""),
        "title": doctor.get("title", ""),
        "department": (schedule.get("department") or {}).get("name", ""),
        "location": schedule.get("location", ""),
        "fee": schedule.get("fee", ""),
        "remaining": schedule.get("remaining", 0),
        "note": schedule.get("note") or "",
        "holiday": schedule.get("holiday_name") or "",
    }


SCHEDULE_LINE_BY_REASON = {
    None: "utter_fmt_schedule_option",
    "slot_full": "utter_fmt_schedule_full",
    "closed": "utter_fmt_schedule_closed",
    "holiday": "utter_fmt_schedule_holiday",
    "past_date": "utter_fmt_schedule_over",
    "beyond_window": "utter_fmt_schedule_not_open",
}


def schedule_line(domain: Mapping[Text, Any], schedule: Mapping[Text, Any]) -> Text:
    """One line of a schedule list: bookable with places and fee, or full / closed / holiday."""
    reason = schedule.get("unavailable_reason")
    name = SCHEDULE_LINE_BY_REASON.get(reason, "utter_fmt_schedule_unavailable")
    return fmt(domain, name, **schedule_values(schedule))


def schedule_button(domain: Mapping[Text, Any], schedule: Mapping[Text, Any], intent: Text = "inform"
                    ) -> Dict[Text, Text]:
    """A button choosing this half-day clinic."""
    return button(fmt(domain, "utter_fmt_schedule_button", **schedule_values(schedule)), intent,
                  schedule_id=schedule["schedule_id"])


def lines(items: Iterable[Text]) -> Text:
    return "\n".join(items)


def sort_by_distance(rows: Sequence[Mapping[Text, Any]], wanted: Optional[dt.date],
                     half_day: Optional[Text] = None) -> List[Mapping[Text, Any]]:
    """Schedules nearest to the wanted date first (the same half-day first on equal distance)."""
    if wanted is None:
        return list(rows)

    def key(row: Mapping[Text, Any]) -> tuple:
        day = dt.date.fromisoformat(row["date"])
        same_half = 0 if half_day and row.get("half_day") in (half_day, HALF_DAY_CODES.get(half_day)) else 1
        return abs((day - wanted).days), same_half, row["date"], row.get("half_day", "")

    return sorted(rows, key=key)


# -- slots ----------------------------------------------------------------------------------------

def reset_events(names: Iterable[Text], keep: Iterable[Text] = ()) -> List[SlotSet]:
    """SlotSet(None) for each name not in `keep`."""
    kept = set(keep)
    return [SlotSet(name, None) for name in names if name not in kept]


def verified(slots: Mapping[Text, Any]) -> bool:
    """Whether the session holds a verified patient (token and chosen patient)."""
    return bool(slots.get("patient_token")) and bool(slots.get("patient_id"))


def patient_label(slots: Mapping[Text, Any]) -> Text:
    """The verified patient's name for messages."""
    return str(slots.get("patient_name") or "")


def expired_identity_events() -> List[SlotSet]:
    """Forget the verified identity (the HIS said the token expired or is unknown)."""
    return reset_events(VERIFIED_SLOTS + PENDING_IDENTITY_SLOTS)
