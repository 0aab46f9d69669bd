"""appointment_form and action_manage_appointments against a live HIS: list, cancel (found by day,
confirmed), reschedule within the department, and the HIS's 2-hour rule."""
from __future__ import annotations

import datetime as dt
from typing import Iterator

import pytest

from actions.appointments import ActionManageAppointments
from actions.his_client import HisClient
from tests.test_actions_booking_support import (  # noqa: F401 (fixtures)
    FormDriver, SpecialHis, _wire, booking_his, buttons, his, payload_entities, shared_his, today, verified_slots,
)


def _book(client: HisClient, slots: dict, department: str, days: int = 2) -> dict:
    """A fresh appointment for the patient in `slots` (at least `days` ahead)."""
    schedule = client.list_schedules(department=department, available_only=True,
                                     date_from=(today() + dt.timedelta(days=days)).isoformat())[0]
    slot = next(s for s in client.get_slots(schedule_id=schedule["schedule_id"])["slots"] if s["available"])
    return client.book_appointment(patient_id=int(slots["patient_id"]), slot_id=slot["slot_id"],
                                   patient_token=slots["patient_token"])


def test_list_my_appointments_after_verification(his: HisClient) -> None:
    driver = FormDriver("appointment_form")
    driver.say("我约了哪些号", "check_appointments")
    assert driver.requested == "phone_number"
    driver.say("200100000001 李秀英")
    assert driver.done and driver.slots["appointment_task"] == "list"
    shown = driver.finish(ActionManageAppointments())
    assert shown.responses == ["utter_appointments_list"] and "骨科" in shown.text and "张建国" in shown.text


def test_list_completes_at_once_when_already_verified(his: HisClient) -> None:
    driver = FormDriver("appointment_form", verified_slots(his, "chen_xiaoming"))
    turn = driver.say("查一下我的预约", "check_appointments")
    assert driver.done and turn.messages == []
    shown = driver.finish(ActionManageAppointments())
    assert shown.responses in (["utter_appointments_list"], ["utter_appointments_none"])


def test_cancel_the_appointment_named_by_its_day(his: HisClient) -> None:
    slots = verified_slots(his, "liu_fang")
    appointment = _book(his, slots, "皮肤科", days=3)
    day = dt.date.fromisoformat(appointment["date"])
    driver = FormDriver("appointment_form", slots)
    turn = driver.say(f"取消{day.month}月{day.day}号的挂号", "cancel_appointment")
    assert driver.slots["appointment_id"] == str(appointment["id"]) and driver.requested == "appointment_confirm"
    assert turn.responses == ["utter_ask_cancel_confirm"] and appointment["appointment_no"] in turn.text
    driver.say("确认取消", "affirm")
    done = driver.finish(ActionManageAppointments())
    assert done.responses == ["utter_cancel_done"]
    assert his.get_appointment(appointment_id=appointment["id"], patient_token=slots["patient_token"])["status"] \
        == "cancelled"
    assert driver.slots["appointment_id"] is None


def test_cancel_choice_from_the_list_and_keeping_it(his: HisClient) -> None:
    slots = verified_slots(his, "liu_fang")
    first = _book(his, slots, "眼科", days=2)
    second = _book(his, slots, "口腔科", days=4)
    driver = FormDriver("appointment_form", slots)
    turn = driver.say("我要退号", "cancel_appointment")
    assert driver.requested == "appointment_id" and turn.responses == ["utter_ask_appointment_id_cancel"]
    ids = [payload_entities(b["payload"])["appointment_id"] for b in buttons(turn.messages)]
    assert str(first["id"]) in ids and str(second["id"]) in ids
    driver.say(f"第{ids.index(str(second['id'])) + 1}个")
    assert driver.slots["appointment_id"] == str(second["id"])
    driver.say("不取消了", "deny")
    assert driver.done and driver.slots["appointment_confirm"] is False
    kept = driver.finish(ActionManageAppointments())
    assert kept.responses == ["utter_appointment_keep"]
    assert his.get_appointment(appointment_id=second["id"], patient_token=slots["patient_token"])["status"] == "booked"


def test_reschedule_within_the_department_keeps_the_number(his: HisClient) -> None:
    slots = verified_slots(his, "wang_jianhua")
    appointment = _book(his, slots, "耳鼻咽喉科", days=2)
    driver = FormDriver("appointment_form", slots)
    driver.say("我要改约", "reschedule_appointment")
    if driver.requested == "appointment_id":
        driver.say(f'/inform{{"appointment_id": "{appointment["id"]}"}}', "inform",
                   [{"entity": "appointment_id", "value": str(appointment["id"])}])
    assert driver.slots["appointment_id"] == str(appointment["id"]) and driver.requested == "schedule_id"
    offered = [payload_entities(b["payload"])["schedule_id"] for b in buttons(driver.history[-1].messages)]
    assert str(appointment["schedule_id"]) not in offered
    views = [his.get_slots(schedule_id=int(s)) for s in offered]
    assert all(v["department"]["name"] == "耳鼻咽喉科" for v in views)
    doctors = [v["doctor"]["name"] for v in views]
    if appointment["doctor"]["name"] in doctors:  # the same doctor is offered first
        assert doctors[0] == appointment["doctor"]["name"]
    driver.say("第一个")
    driver.say("第一个")
    assert driver.requested == "appointment_confirm"
    assert driver.history[-1].responses == ["utter_ask_reschedule_confirm"]
    driver.say("确认改约", "affirm")
    done = driver.finish(ActionManageAppointments())
    assert done.responses == ["utter_reschedule_done"] and appointment["appointment_no"] in done.text
    moved = his.get_appointment(appointment_id=appointment["id"], patient_token=slots["patient_token"])
    assert moved["status"] == "rescheduled" and str(moved["schedule_id"]) == offered[0]


def test_a_schedule_of_another_department_is_refused_when_rescheduling(his: HisClient) -> None:
    slots = verified_slots(his, "zhao_lijuan")
    appointment = _book(his, slots, "中医科", days=2)
    other = his.list_schedules(department="皮肤科", available_only=True)[0]
    driver = FormDriver("appointment_form", slots)
    driver.say("帮我改期", "reschedule_appointment")
    if driver.requested == "appointment_id":
        driver.say(f'/inform{{"appointment_id": "{appointment["id"]}"}}', "inform",
                   [{"entity": "appointment_id", "value": str(appointment["id"])}])
    turn = driver.say(f'/inform{{"schedule_id": "{other["schedule_id"]}"}}', "inform",
                      [{"entity": "schedule_id", "value": str(other["schedule_id"])}])
    assert turn.responses[0] == "utter_reschedule_other_department" and driver.slots["schedule_id"] is None


@pytest.fixture
def strict(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[HisClient]:
    """An HIS whose change cutoff is 100000 minutes: every appointment is "too close" to change."""
    special: SpecialHis = shared_his(tmp_path_factory, "short_his", HIS_OTP_TTL_SECONDS="3",
                                     HIS_OTP_RESEND_INTERVAL_SECONDS="0", HIS_OTP_MAX_PER_HOUR="1000",
                                     HIS_CANCEL_CUTOFF_MINUTES="100000")
    yield from _wire(special.base_url, special.token, monkeypatch)


def test_no_cancel_close_to_the_slot(strict: HisClient) -> None:
    slots = verified_slots(strict, "li_xiuying")
    driver = FormDriver("appointment_form", slots)
    driver.say("取消预约吧", "cancel_appointment")
    assert driver.requested == "appointment_confirm", "her only upcoming appointment is picked"
    driver.say("确认取消", "affirm")
    refused = driver.finish(ActionManageAppointments())
    assert refused.responses == ["utter_change_too_late"] and "0123-88886114" in refused.text
    mine = strict.list_appointments(patient_id=int(slots["patient_id"]), patient_token=slots["patient_token"])
    assert all(a["status"] == "booked" for a in mine)


def test_a_cancellation_notifies_the_first_on_the_waitlist(his: HisClient) -> None:
    """Fill a half-day with demo patients, let another join its waitlist through the bot, cancel one
    booking through the bot: the hospital system sends the waiting patient an SMS (outbox)."""
    from actions.booking import ActionBookAppointment
    from actions.his_client import HisError

    fillers = [verified_slots(his, key) for key in ("li_xiuying", "wang_jianhua", "liu_fang", "liu_xiaobao")]
    waiter = verified_slots(his, "chen_xiaoming")
    start = (today() + dt.timedelta(days=2)).isoformat()
    candidates = sorted((r for d in ("神经外科", "泌尿外科", "康复医学科", "甲状腺外科", "肛肠外科")
                         for r in his.list_schedules(department=d, available_only=True, date_from=start)
                         if r["remaining"] <= len(fillers)), key=lambda r: r["remaining"])
    schedule, holders = None, []
    for row in candidates:
        holders = []
        for filler in fillers:
            free = [s for s in his.get_slots(schedule_id=row["schedule_id"])["slots"] if s["available"]]
            if not free:
                break
            try:
                his.book_appointment(patient_id=int(filler["patient_id"]), slot_id=free[0]["slot_id"],
                                     patient_token=filler["patient_token"])
                holders.append(filler)
            except HisError:
                continue
        if his.get_slots(schedule_id=row["schedule_id"])["remaining"] == 0 and holders:
            schedule = row
            break
    assert schedule is not None, "no small half-day could be filled by the demo patients"
    driver = FormDriver("booking_form", waiter)
    sid = str(schedule["schedule_id"])
    driver.say(f'/join_waitlist{{"schedule_id": "{sid}"}}', "join_waitlist", [{"entity": "schedule_id", "value": sid}])
    assert driver.slots["booking_mode"] == "waitlist" and driver.requested == "booking_confirm"
    driver.say("确认候补", "affirm")
    assert driver.finish(ActionBookAppointment()).responses == ["utter_waitlist_done"]
    day = dt.date.fromisoformat(schedule["date"])
    canceller = FormDriver("appointment_form", holders[0])
    canceller.say(f"取消{day.month}月{day.day}号的号", "cancel_appointment")
    if canceller.requested == "appointment_id":  # more than one appointment that day: choose this one
        mine = his.list_appointments(patient_id=int(holders[0]["patient_id"]), patient_token=holders[0]["patient_token"])
        target = next(a for a in mine if a["schedule_id"] == schedule["schedule_id"])
        canceller.say(f'/inform{{"appointment_id": "{target["id"]}"}}', "inform",
                      [{"entity": "appointment_id", "value": str(target["id"])}])
    canceller.say("确认取消", "affirm")
    assert canceller.finish(ActionManageAppointments()).responses == ["utter_cancel_done"]
    notices = his.outbox(recipient="13800000003", kind="waitlist_available")
    assert notices, "the first on the waitlist is told a place is free"
