"""booking_form and action_book_appointment against a live HIS: one-shot and step-by-step booking,
date problems, a full half-day with alternatives, the waitlist, refusals, and an HIS that is down."""
from __future__ import annotations

import datetime as dt
import http.server
import socket
import threading
import time
from typing import Iterator

import pytest

from actions.booking import ActionBookAppointment, ActionStopTask
from actions.his_client import HisClient
from tests.test_actions_booking_support import (  # noqa: F401 (fixtures)
    FormDriver, booking_his, buttons, entity, his, names, payload_entities, rendered, run, slot_updates, today,
    tracker, verified_slots, wire_his,
)
from tests.test_actions_support import domain_dict


def _next_wednesday() -> dt.date:
    """下周三: Wednesday of next week."""
    monday = today() - dt.timedelta(days=today().weekday()) + dt.timedelta(days=7)
    return monday + dt.timedelta(days=2)


def _one_shot(driver: FormDriver) -> None:
    text = "帮我挂下周三上午骨科张医生的号"
    driver.say(text, "book_appointment", [entity("department", "骨科", text), entity("doctor", "张医生", text)])


def test_one_shot_booking_by_doctor_with_sms_verification(his: HisClient) -> None:
    """帮我挂下周三上午骨科张医生的号 → slot → mobile + code → summary → booked, with everything to know."""
    wednesday = _next_wednesday()
    [clinic] = his.list_schedules(department="骨科", date_from=wednesday.isoformat(), date_to=wednesday.isoformat(),
                                  half_day="上午", doctor_id=his.find_doctors(name="张建国")[0]["id"])
    driver = FormDriver("booking_form")
    _one_shot(driver)
    if not clinic["bookable"]:  # e.g. next Wednesday is a public holiday: the reason and alternatives
        assert driver.requested == "schedule_id"
        assert {"utter_schedule_holiday", "utter_schedule_full", "utter_schedule_closed"} & set(
            driver.history[-1].responses)
        return
    assert driver.requested == "slot_id" and driver.slots["schedule_id"] == str(clinic["schedule_id"])
    assert driver.history[-1].responses == ["utter_ask_slot_id"]
    assert "张建国" in driver.history[-1].text and f"{wednesday.month}月{wednesday.day}日" in driver.history[-1].text
    first = payload_entities(buttons(driver.history[-1].messages)[0]["payload"])["slot_id"]
    driver.say("第一个")
    assert driver.slots["slot_id"] == first and driver.requested == "phone_number"
    turn = driver.verify_by_sms(his, "13800000003")
    assert turn.responses == ["utter_verified", "utter_ask_booking_confirm"]
    assert "138****0003" in turn.text and "13800000003" not in turn.text
    assert driver.slots["phone_number"] is None and driver.slots["otp_code"] is None, "no full mobile kept"
    assert "50.00" in turn.text and "门诊楼3层C区" in turn.text
    driver.say("确认预约", "affirm")
    assert driver.done and driver.slots["booking_confirm"] is True and driver.slots["booking_key"]
    done = driver.finish(ActionBookAppointment())
    assert done.responses == ["utter_booking_done"]
    mine = his.list_appointments(patient_id=int(driver.slots["patient_id"]), patient_token=driver.slots["patient_token"])
    booked = next(a for a in mine if str(a["slot_id"]) == first)
    for part in (booked["appointment_no"], "门诊楼3层C区", "50.00", "X光片", "身份证", "取消", "第1号"):
        assert part in done.text, part
    assert driver.slots["schedule_id"] is None and driver.slots["patient_token"], "identity stays for the session"
    outbox = his.outbox(recipient="13800000003", kind="booking_confirmation")
    assert any(booked["appointment_no"] in m["body"] for m in outbox)


def test_step_by_step_by_department_with_card_verification(his: HisClient) -> None:
    driver = FormDriver("booking_form")
    driver.say("我要挂号", "book_appointment")
    assert driver.requested == "department" and driver.history[-1].responses == ["utter_ask_department"]
    driver.say("眼科", "inform", [entity("department", "眼科", "眼科")])
    assert driver.requested == "schedule_id"
    turn = driver.history[-1]
    assert turn.responses == ["utter_ask_schedule_id"]
    offered = [payload_entities(b["payload"])["schedule_id"] for b in buttons(turn.messages)]
    assert offered and all(his.get_slots(schedule_id=int(s))["bookable"] for s in offered)
    driver.say("第二个")
    assert driver.slots["schedule_id"] == offered[1] and driver.requested == "slot_id"
    driver.say("最早的")
    assert driver.slots["slot_id"] and driver.requested == "phone_number"
    turn = driver.say("200100000002 王建华")
    assert turn.responses == ["utter_verified", "utter_ask_booking_confirm"] and "王建华" in turn.text
    driver.say("确认", "affirm")
    done = driver.finish(ActionBookAppointment())
    assert done.responses == ["utter_booking_done"] and "眼科" in done.text


def test_date_problems_get_their_reason_and_the_form_keeps_going(his: HisClient) -> None:
    driver = FormDriver("booking_form", {"department": "皮肤科"})
    driver.say("约皮肤科", "book_appointment", [entity("department", "皮肤科", "约皮肤科")])
    cases = {"2月30号": "utter_when_impossible_date", "上午13点": "utter_when_impossible_time",
             "昨天": "utter_when_past", "国庆节那天": "utter_when_unsupported", "中午12点": "utter_when_noon"}
    for text, response in cases.items():
        turn = driver.say(text)
        assert response in turn.responses, (text, turn.responses)
        assert driver.requested == "schedule_id" and driver.slots["department"] == "皮肤科"
    far = today() + dt.timedelta(days=40)
    turn = driver.say(f"{far.month}月{far.day}号")
    assert "utter_when_beyond_window" in turn.responses and "utter_schedule_alternatives" in turn.responses
    assert buttons(turn.messages), "the nearest bookable half-days are offered"


def test_a_full_doctor_gets_alternatives_and_the_waitlist(his: HisClient) -> None:
    """王志强 is booked out for the coming week: reason, nearest alternatives, then join the waitlist."""
    wang = his.find_doctors(name="王志强")[0]
    end = today() + dt.timedelta(days=6)
    full = [r for r in his.list_schedules(doctor_id=wang["id"], date_to=end.isoformat())
            if r["unavailable_reason"] == "slot_full"][0]
    day = dt.date.fromisoformat(full["date"])
    text = f"挂王志强{day.month}月{day.day}日上午的号"
    driver = FormDriver("booking_form")
    turn = driver.say(text, "book_appointment", [entity("doctor", "王志强", text)])
    assert driver.requested == "schedule_id"
    assert turn.responses[:2] == ["utter_schedule_full", "utter_schedule_alternatives"]
    assert "utter_waitlist_offer" in turn.responses
    payloads = [b["payload"] for b in buttons(turn.messages)]
    assert any(p.startswith("/join_waitlist") and str(full["schedule_id"]) in p for p in payloads)
    alternatives = [payload_entities(p)["schedule_id"] for p in payloads if p.startswith("/inform")]
    assert all(his.get_slots(schedule_id=int(a))["bookable"] for a in alternatives) and alternatives
    assert driver.slots["waitlist_offer"] == str(full["schedule_id"])
    driver.say("那就候补等着吧", "join_waitlist")
    assert driver.slots["booking_mode"] == "waitlist" and driver.slots["schedule_id"] == str(full["schedule_id"])
    assert driver.requested == "phone_number"
    turn = driver.say("200100000003 陈晓明")
    assert turn.responses == ["utter_verified", "utter_ask_waitlist_confirm"]
    driver.say("确认候补", "affirm")
    done = driver.finish(ActionBookAppointment())
    assert done.responses == ["utter_waitlist_done"]
    entries = his.list_waitlist(patient_id=int(driver.slots["patient_id"]), patient_token=driver.slots["patient_token"])
    assert any(e["schedule"]["schedule_id"] == full["schedule_id"] and e["status"] == "waiting" for e in entries)


def test_choosing_a_full_half_day_explains_and_offers_others(his: HisClient) -> None:
    wang = his.find_doctors(name="王志强")[0]
    full = [r for r in his.list_schedules(doctor_id=wang["id"], date_to=(today() + dt.timedelta(days=6)).isoformat())
            if r["unavailable_reason"] == "slot_full"][0]
    driver = FormDriver("booking_form", {"department": "心血管内科"})
    driver.say("约心内科", "book_appointment", [entity("department", "心血管内科", "约心内科", "心内科")])
    payload = f'/inform{{"schedule_id": "{full["schedule_id"]}"}}'
    turn = driver.say(payload, "inform", [entity("schedule_id", str(full["schedule_id"]))])
    assert turn.responses[0] == "utter_schedule_full" and "utter_schedule_alternatives" in turn.responses
    assert driver.slots["schedule_id"] is None and driver.slots["doctor"] == "王志强"


def test_booking_refusals_and_a_replayed_retry(his: HisClient) -> None:
    """The same Idempotency-Key after a lost answer gives the same appointment; a second booking in the
    same half-day and department is refused with the existing number."""
    slots = verified_slots(his, "zhao_lijuan")
    schedule = his.list_schedules(department="口腔科", available_only=True,
                                  date_from=(today() + dt.timedelta(days=2)).isoformat())[0]
    free = [s for s in his.get_slots(schedule_id=schedule["schedule_id"])["slots"] if s["available"]]
    slots.update(schedule_id=str(schedule["schedule_id"]), slot_id=str(free[0]["slot_id"]), booking_confirm=True,
                 booking_key="retry-key-1", booking_mode="book", selection={"doctor": "x", "date": "d"})
    first, _ = run(ActionBookAppointment(), tracker("确认", "affirm", slots=slots))
    again, events = run(ActionBookAppointment(), tracker("再试一次", "retry", slots=slots))
    assert names(first) == names(again) == ["utter_booking_done"]
    assert rendered(first).split("预约号：")[1][:16] == rendered(again).split("预约号：")[1][:16]
    mine = his.list_appointments(patient_id=int(slots["patient_id"]), patient_token=slots["patient_token"])
    assert len([a for a in mine if a["schedule_id"] == schedule["schedule_id"]]) == 1
    if len(free) > 1:
        slots.update(slot_id=str(free[1]["slot_id"]), booking_key="another-key")
        refused, events = run(ActionBookAppointment(), tracker("确认", "affirm", slots=slots))
        existing = next(a for a in mine if a["schedule_id"] == schedule["schedule_id"])
        assert names(refused) == ["utter_booking_duplicate"] and existing["appointment_no"] in rendered(refused)
        assert slot_updates(events)["schedule_id"] is None


def test_an_expired_verification_token_asks_to_verify_again(his: HisClient) -> None:
    slots = verified_slots(his, "li_xiuying")
    schedule = his.list_schedules(department="皮肤科", available_only=True)[0]
    slot = next(s for s in his.get_slots(schedule_id=schedule["schedule_id"])["slots"] if s["available"])
    slots.update(patient_token="no-longer-valid", schedule_id=str(schedule["schedule_id"]), slot_id=str(slot["slot_id"]),
                 booking_confirm=True, booking_key="k-expired", booking_mode="book", selection={})
    messages, events = run(ActionBookAppointment(), tracker("确认", "affirm", slots=slots))
    assert names(messages) == ["utter_verification_expired"]
    updates = slot_updates(events)
    assert updates["patient_token"] is None and updates["booking_confirm"] is None
    assert "slot_id" not in updates, "the chosen slot is kept for the second try"


def test_an_faq_inside_the_form_is_not_swallowed(his: HisClient) -> None:
    """A question the form does not understand returns no slot: Rasa rejects the form and answers it."""
    driver = FormDriver("booking_form")
    driver.say("我要挂号", "book_appointment")
    turn = driver.say("停车怎么收费", "faq")
    assert turn.rejected and driver.requested == "department"
    turn = driver.say("算了不挂了", "stop")
    assert turn.rejected
    turn = driver.say("骨科在几楼", "faq", [entity("department", "骨科", "骨科在几楼")])
    assert turn.rejected and driver.slots["department"] is None
    turn = driver.say("嗯那个", "inform")
    assert turn.responses[0] == "utter_form_not_understood" and driver.requested == "department"
    turn = driver.say("换成眼科吧", "inform", [entity("department", "眼科", "换成眼科吧")])
    assert driver.slots["department"] == "眼科" and driver.requested == "schedule_id"


def test_changing_the_department_mid_form_resets_the_choice(his: HisClient) -> None:
    driver = FormDriver("booking_form")
    driver.say("约骨科", "book_appointment", [entity("department", "骨科", "约骨科")])
    driver.say("第一个")
    assert driver.slots["schedule_id"] and driver.slots["department"] == "骨科"
    driver.say("还是换成皮肤科吧", "inform", [entity("department", "皮肤科", "还是换成皮肤科吧")])
    assert driver.slots["department"] == "皮肤科" and driver.slots["schedule_id"] is None
    assert driver.requested == "schedule_id" and "皮肤科" in driver.history[-1].text


def test_stop_forgets_the_request_but_not_the_verified_patient(his: HisClient) -> None:
    slots = {**verified_slots(his, "li_xiuying"), "schedule_id": "1", "slot_id": "2", "booking_confirm": True,
             "phone_number": "13800000001"}
    messages, events = run(ActionStopTask(), tracker("算了不挂了", "stop", slots=slots))
    updates = slot_updates(events)
    assert names(messages) == ["utter_task_stopped"]
    assert updates["schedule_id"] is None and updates["slot_id"] is None and updates["phone_number"] is None
    assert "patient_token" not in updates


# -- the HIS slow or down -------------------------------------------------------------------------------

def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A server that accepts connections and never answers (a hung HIS)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()


@pytest.fixture
def failing_url() -> Iterator[str]:
    class Failing(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(503)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Failing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("down", ["refused", "silent", "failing"])
def test_his_down_keeps_what_was_collected_and_offers_retry(his: HisClient, down: str, silent_url: str,
                                                            failing_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    driver = FormDriver("booking_form")
    driver.say("约骨科", "book_appointment", [entity("department", "骨科", "约骨科")])
    url = {"refused": f"http://127.0.0.1:{_closed_port()}", "silent": silent_url, "failing": failing_url}[down]
    wire_his(url, monkeypatch)
    started = time.monotonic()
    turn = driver.say("下周三上午张医生", "inform", [entity("doctor", "张医生", "下周三上午张医生")])
    assert time.monotonic() - started < 10, "bounded by the client's timeouts"
    assert turn.responses == ["utter_his_unavailable"], "said once, not once per call"
    offered = domain_dict()["responses"]["utter_his_unavailable"][0]["buttons"]
    assert [b["payload"] for b in offered] == ["/retry", "/request_human"]
    assert driver.slots["department"] == "骨科" and driver.slots["half_day"] == "上午" and driver.slots["visit_date"]
    assert driver.active and driver.requested == "schedule_id"


def test_booking_when_the_his_is_down_keeps_the_key_for_a_safe_retry(his: HisClient,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    slots = verified_slots(his, "li_xiuying")
    schedule = his.list_schedules(department="中医科", available_only=True)[0]
    slot = next(s for s in his.get_slots(schedule_id=schedule["schedule_id"])["slots"] if s["available"])
    slots.update(schedule_id=str(schedule["schedule_id"]), slot_id=str(slot["slot_id"]), booking_confirm=True,
                 booking_key="down-key", booking_mode="book", selection={})
    base_url = his.config.base_url
    wire_his(f"http://127.0.0.1:{_closed_port()}", monkeypatch)
    messages, events = run(ActionBookAppointment(), tracker("确认", "affirm", slots=slots))
    assert names(messages) == ["utter_his_unavailable_booking"] and events == []
    wire_his(base_url, monkeypatch, timeout="5")
    messages, _ = run(ActionBookAppointment(), tracker("再试一次", "retry", slots=slots))
    assert names(messages) == ["utter_booking_done"]


# -- conventions ----------------------------------------------------------------------------------------

ISSUE3_MODULES = ("booking", "booking_ask", "booking_choices", "booking_forms", "booking_support",
                  "booking_understanding", "schedule", "appointments", "verification", "reports")


def test_actions_are_registered_and_named_by_convention() -> None:
    import importlib
    import inspect as pyinspect

    from rasa_sdk import Action

    found = {}
    for stem in ISSUE3_MODULES:
        module = importlib.import_module(f"actions.{stem}")
        for cls in vars(module).values():
            if (isinstance(cls, type) and issubclass(cls, Action) and cls.__module__ == module.__name__
                    and not pyinspect.isabstract(cls)):
                found[cls().name()] = cls.__name__
                assert cls.__doc__ and len(cls.__doc__.strip().splitlines()) == 1, cls.__name__
    assert found, "no actions found"
    for name, class_name in found.items():
        assert class_name == "".join(part.capitalize() for part in name.split("_")), name
        assert name in domain_dict()["actions"], name
    for form in ("booking_form", "appointment_form", "report_form"):
        assert f"validate_{form}" in found and form in domain_dict()["forms"]


def test_no_io_at_import(tmp_path) -> None:
    import os
    import subprocess
    import sys

    from tests.test_actions_support import REPO

    env = dict(os.environ, HOSPITAL_DATA_DIR=str(tmp_path / "nowhere"), PYTHONPATH=str(REPO),
               HIS_BASE_URL="http://127.0.0.1:9")
    code = ("import " + ", ".join(f"actions.{m}" for m in ISSUE3_MODULES) + "\n"
            "import actions.content as c, actions.booking_support as s, actions.his_client as h\n"
            "assert c._cache == {} and s._domain_file_responses.cache_info().currsize == 0\n"
            "assert h.get_client.cache_info().currsize == 0\n")
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=str(tmp_path))


def test_every_issue3_response_is_chinese_and_fills_without_leftovers() -> None:
    """The wording lives in domain.yml; buttons name domain intents (checked for all responses elsewhere)."""
    responses = domain_dict()["responses"]
    mine = [n for n in responses if n.startswith(("utter_fmt_", "utter_booking", "utter_schedule", "utter_when_",
                                                 "utter_otp", "utter_report", "utter_appointment"))]
    assert len(mine) > 40
    import re

    for name in mine:
        words = re.sub(r"{[^}]*}", "", responses[name][0]["text"])
        assert any("\u4e00" <= ch <= "\u9fff" for ch in words) or not re.search(r"[A-Za-z]", words), name


# -- 停诊 and holidays ---------------------------------------------------------------------------------

def test_a_closed_half_day_says_why_and_offers_the_nearest(his: HisClient) -> None:
    """The seed closes a few half-days (外出学术会议, 停诊 …): the reason comes from the HIS note."""
    closed = [r for d in ("骨科", "眼科", "消化内科", "神经内科", "内分泌科", "妇科", "儿科", "皮肤科", "口腔科",
                          "呼吸内科", "肾内科", "普通外科", "泌尿外科", "中医科", "耳鼻咽喉科", "精神心理科")
              for r in his.list_schedules(department=d) if r["status"] == "closed"]
    assert closed, "the seed closes about 3% of the half-days"
    row = closed[0]
    day = dt.date.fromisoformat(row["date"])
    text = f"约{row['doctor']['name']}{day.month}月{day.day}日{row['half_day_label']}"
    driver = FormDriver("booking_form")
    turn = driver.say(text, "book_appointment", [entity("doctor", row["doctor"]["name"], text)])
    assert turn.responses[0] == "utter_schedule_closed" and row["note"] in turn.text
    assert "utter_schedule_alternatives" in turn.responses and driver.requested == "schedule_id"


class _HolidayHis:
    """What the HIS answers for a half-day on a public holiday (no such day in the live window now)."""

    def __init__(self, real: HisClient, day: dt.date) -> None:
        self.real, self.day = real, day

    def list_schedules(self, **query):
        if query.get("available_only"):
            return self.real.list_schedules(**query)
        row = dict(self.real.list_schedules(department="骨科", available_only=True)[0])
        row.update(date=self.day.isoformat(), status="holiday", holiday_name="国庆节", bookable=False,
                   unavailable_reason="holiday", remaining=0)
        return [row]


def test_a_public_holiday_says_so_and_offers_the_nearest(his: HisClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from actions import booking_support
    from actions.booking_ask import ActionAskScheduleId

    day = today() + dt.timedelta(days=5)
    monkeypatch.setattr(booking_support, "his", lambda: _HolidayHis(his, day))
    slots = {"department": "骨科", "visit_date": day.isoformat(), "half_day": "上午"}
    messages, events = run(ActionAskScheduleId(), tracker("", None, slots=slots, active_loop="booking_form"))
    assert names(messages)[:2] == ["utter_schedule_holiday", "utter_schedule_alternatives"]
    assert "国庆" in rendered(messages) and slot_updates(events)["offered"]["items"]


def test_static_button_payloads_survive_rasa_interpolation() -> None:
    """Rasa formats button payloads like texts: '{{…}}' in domain.yml must arrive as one JSON object."""
    import asyncio
    import json

    from tests.test_actions_support import _rasa_nlg

    nlg, rasa_tracker = _rasa_nlg()
    generated = asyncio.run(nlg.generate("utter_ask_department", rasa_tracker, "rest"))
    assert generated["buttons"]
    for choice in generated["buttons"]:
        intent, _, entities = choice["payload"][1:].partition("{")
        assert intent == "inform" and json.loads("{" + entities) == {"department": choice["title"]}
