"""action_show_schedule against a live HIS: by doctor (weekly pattern, times, places, fee, book
buttons), by department and half-day, unknown and ambiguous doctors, date problems, context."""
from __future__ import annotations

import datetime as dt
import socket

import pytest

from actions.his_client import HisClient
from actions.schedule import ActionShowSchedule
from tests.test_actions_booking_support import (  # noqa: F401 (fixtures)
    booking_his, buttons, entity, his, names, payload_entities, rendered, run, slot_updates, today, tracker, wire_his,
)


def _ask(text: str, entities=(), slots=None, intent: str = "ask_doctor"):
    messages, events = run(ActionShowSchedule(), tracker(text, intent, entities=entities, slots=slots))
    return messages, slot_updates(events)


def test_a_doctors_week_with_pattern_places_fee_and_book_buttons(his: HisClient) -> None:
    text = "骨科张医生本周出诊时间"
    messages, slots = _ask(text, [entity("department", "骨科", text), entity("doctor", "张医生", text)])
    assert names(messages)[0] == "utter_schedule_doctor"
    shown = rendered(messages)
    assert "张建国" in shown and "主任医师" in shown and "50.00" in shown and "门诊楼3层C区" in shown
    assert "周一上午、周三上午、周四下午、周六上午" in shown
    assert slots["doctor"] == "张建国" and slots["department"] == "骨科"
    monday = today() - dt.timedelta(days=today().weekday())
    week = his.list_schedules(doctor_id=int(slots["doctor_id"]), date_from=today().isoformat(),
                              date_to=(monday + dt.timedelta(days=6)).isoformat())
    bookable = [r for r in week if r["bookable"]]
    payloads = [b["payload"] for b in buttons(messages)]
    assert [payload_entities(p)["schedule_id"] for p in payloads] == [str(r["schedule_id"]) for r in bookable][:4]
    assert all(p.startswith("/book_appointment") for p in payloads)
    if not bookable:  # Sunday evening: the week is over, so the nearest ones are offered
        assert "utter_schedule_alternatives" in names(messages)


def test_which_weekdays_a_doctor_works(his: HisClient) -> None:
    text = "张医生周几出诊"
    messages, _ = _ask(text, [entity("doctor", "张医生", text)])
    assert "周一上午、周三上午、周四下午、周六上午" in rendered(messages)


def test_a_department_on_a_half_day(his: HisClient) -> None:
    text = "心内科明天下午有号吗"
    messages, slots = _ask(text, [entity("department", "心血管内科", text, "心内科")])
    tomorrow = today() + dt.timedelta(days=1)
    assert slots["visit_date"] == tomorrow.isoformat() and slots["half_day"] == "下午"
    rows = his.list_schedules(department="心血管内科", date_from=tomorrow.isoformat(), date_to=tomorrow.isoformat(),
                              half_day="下午")
    if any(r["bookable"] for r in rows):
        assert names(messages) == ["utter_schedule_department"]
        assert f"{tomorrow.month}月{tomorrow.day}日" in rendered(messages)
    else:  # nobody, holiday or full: the reason, then the nearest bookable half-days
        assert names(messages)[-1] in ("utter_schedule_alternatives", "utter_waitlist_offer")


def test_context_carries_to_the_next_question(his: HisClient) -> None:
    first = {"department": "骨科", "doctor": "张建国", "doctor_id": None}
    messages, slots = _ask("那周六呢", slots=first, intent="inform")
    saturday = today() + dt.timedelta(days=(5 - today().weekday()) % 7)
    assert slots["visit_date"] == saturday.isoformat() or slots["visit_date"] == (
        saturday + dt.timedelta(days=7)).isoformat()
    assert names(messages)[0] == "utter_schedule_doctor" and "张建国" in rendered(messages)


def test_unknown_and_ambiguous_doctors(his: HisClient) -> None:
    text = "钱医生明天在吗"
    messages, slots = _ask(text, [entity("doctor", "钱医生", text)])
    assert names(messages) == ["utter_doctor_not_found"] and slots["doctor"] is None
    text = "王医生哪天出诊"
    messages, _ = _ask(text, [entity("doctor", "王医生", text)])
    assert names(messages) == ["utter_doctor_ambiguous"]
    choices = {payload_entities(b["payload"])["doctor"] for b in buttons(messages)}
    assert {"王志强", "王磊"} <= choices


def test_no_target_asks_which_department_or_doctor(his: HisClient) -> None:
    messages, _ = _ask("医生出诊时间怎么查")
    assert names(messages) == ["utter_schedule_ask_target"] and "体检中心" in rendered(messages)


@pytest.mark.parametrize("text, response", [("骨科2月30号有号吗", "utter_when_impossible_date"),
                                            ("骨科农历三月初五有号吗", "utter_when_unsupported")])
def test_date_problems(his: HisClient, text: str, response: str) -> None:
    messages, _ = _ask(text, [entity("department", "骨科", text)])
    assert names(messages) == [response]


def test_a_far_date_says_the_window_and_offers_the_nearest(his: HisClient) -> None:
    far = today() + dt.timedelta(days=30)
    text = f"眼科{far.month}月{far.day}号有号吗"
    messages, _ = _ask(text, [entity("department", "眼科", text)])
    assert "utter_when_beyond_window" in names(messages) and "utter_schedule_alternatives" in names(messages)


def test_the_his_down_is_said_plainly_and_the_question_kept(his: HisClient, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    wire_his(f"http://127.0.0.1:{port}", monkeypatch)
    text = "眼科后天上午有号吗"
    messages, slots = _ask(text, [entity("department", "眼科", text)])
    assert names(messages) == ["utter_his_unavailable"]
    assert slots["department"] == "眼科" and slots["half_day"] == "上午"
    wire_his(his.config.base_url, monkeypatch, timeout="5")
    again, _ = run(ActionShowSchedule(), tracker("再试一次", "retry", slots={**slots}))
    assert names(again)[0] in ("utter_schedule_department", "utter_schedule_no_clinic", "utter_schedule_full",
                               "utter_schedule_holiday", "utter_schedule_closed")
