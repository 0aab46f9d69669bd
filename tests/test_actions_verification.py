"""Verification inside the forms against a live HIS: SMS code (right, wrong, expired, locked, resent),
card + name, a mobile shared by a family, and refusing anyone else's data."""
from __future__ import annotations

import time
from typing import Iterator

import pytest

from actions.his_client import HisClient
from actions.reports import ActionShowReports
from tests.test_actions_booking_support import (  # noqa: F401 (fixtures)
    FormDriver, SpecialHis, _wire, booking_his, buttons, his, latest_code, payload_entities, rendered, run,
    shared_his, slot_updates, tracker, verified_slots,
)

SHORT_CODE_SECONDS = 3


@pytest.fixture(scope="module")
def short_his(tmp_path_factory: pytest.TempPathFactory) -> SpecialHis:
    """An HIS whose SMS codes live 3 seconds (the real expiry mechanism, not a faked answer)."""
    return shared_his(tmp_path_factory, "short_his", HIS_OTP_TTL_SECONDS=str(SHORT_CODE_SECONDS),
                      HIS_OTP_RESEND_INTERVAL_SECONDS="0", HIS_OTP_MAX_PER_HOUR="1000",
                      HIS_CANCEL_CUTOFF_MINUTES="100000")


@pytest.fixture
def short(short_his: SpecialHis, monkeypatch: pytest.MonkeyPatch) -> Iterator[HisClient]:
    yield from _wire(short_his.base_url, short_his.token, monkeypatch)


def _report_form_at_code(client: HisClient, mobile: str) -> FormDriver:
    driver = FormDriver("report_form")
    driver.say("查一下我的报告", "check_report")
    assert driver.requested == "phone_number"
    turn = driver.say(mobile)
    assert driver.requested == "otp_code" and turn.responses == ["utter_ask_otp_code"]
    assert mobile not in turn.text and mobile[:3] + "****" + mobile[-4:] in turn.text
    return driver


def test_right_code_verifies_and_drops_the_full_mobile(his: HisClient) -> None:
    driver = _report_form_at_code(his, "13800000002")
    turn = driver.say(f"验证码是{latest_code(his, '13800000002')}")
    assert turn.responses == ["utter_verified", "utter_ask_report_consent"]
    assert driver.slots["patient_name"] == "王建华" and driver.slots["patient_mobile"] == "138****0002"
    assert driver.slots["phone_number"] is None and driver.slots["otp_code"] is None


def test_wrong_code_counts_and_the_right_one_still_works(his: HisClient) -> None:
    driver = _report_form_at_code(his, "13800000004")
    code = latest_code(his, "13800000004")
    wrong = "000000" if code != "000000" else "111111"
    turn = driver.say(wrong)
    assert turn.responses[0] == "utter_otp_invalid" and "4次" in turn.text
    assert driver.requested == "otp_code" and driver.slots["phone_number"] == "13800000004"
    assert turn.responses[1] == "utter_ask_otp_code_again", "no second SMS for the same mobile"
    turn = driver.say(code)
    assert turn.responses[0] == "utter_verified" and driver.slots["patient_name"] == "赵丽娟"


def test_five_wrong_codes_lock_and_offer_the_card(his: HisClient) -> None:
    driver = _report_form_at_code(his, "13800000001")  # the only SMS test with this mobile (locked after)
    code = latest_code(his, "13800000001")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        assert driver.say(wrong).responses[0] == "utter_otp_invalid"
    turn = driver.say(wrong)
    assert turn.responses[0] == "utter_otp_locked" and driver.slots["phone_number"] is None
    assert driver.requested == "phone_number"
    turn = driver.say(code)  # the right code no longer helps: the mobile is locked, the card path is open
    turn = driver.say("200100000001 李秀英")
    assert "utter_verified" in turn.responses and driver.slots["patient_name"] == "李秀英"


def test_an_expired_code_is_explained_and_a_new_one_sent(short: HisClient) -> None:
    driver = _report_form_at_code(short, "13800000002")
    old = latest_code(short, "13800000002")
    time.sleep(SHORT_CODE_SECONDS + 1)
    turn = driver.say(old)
    assert turn.responses == ["utter_otp_expired", "utter_ask_otp_code"], turn.responses
    new = latest_code(short, "13800000002")
    turn = driver.say(new)
    assert turn.responses[0] == "utter_verified"


def test_resend_on_request(his: HisClient) -> None:
    driver = _report_form_at_code(his, "13800000003")
    first = his.outbox(recipient="13800000003", kind="sms_code", limit=50)
    turn = driver.say("没收到验证码", "retry")
    assert turn.responses == ["utter_ask_otp_code"]
    assert len(his.outbox(recipient="13800000003", kind="sms_code", limit=50)) == len(first) + 1


def test_card_and_name_in_two_messages_and_a_mismatch(his: HisClient) -> None:
    driver = FormDriver("report_form")
    driver.say("查报告", "check_report")
    turn = driver.say("就诊卡号200100000002")
    assert driver.requested == "card_holder_name" and turn.responses == ["utter_ask_card_holder_name"]
    turn = driver.say("李四")
    assert turn.responses[0] == "utter_card_mismatch" and driver.requested == "phone_number"
    driver.say("200100000002")
    turn = driver.say("王建华")
    assert turn.responses[0] == "utter_verified" and driver.slots["patient_name"] == "王建华"


def test_a_family_mobile_asks_which_patient(his: HisClient) -> None:
    driver = _report_form_at_code(his, "13800000005")
    turn = driver.say(latest_code(his, "13800000005"))
    assert turn.responses == ["utter_verified_family", "utter_ask_patient_id"]
    choices = {b["title"]: payload_entities(b["payload"])["patient_id"] for b in buttons(turn.messages)}
    assert set(choices) == {"刘芳", "刘小宝"}
    intruder = verified_slots(his, "li_xiuying")["patient_id"]
    turn = driver.say(f'/inform{{"patient_id": "{intruder}"}}', "inform",
                      [{"entity": "patient_id", "value": intruder}])
    assert turn.responses[0] == "utter_other_patient_refused" and driver.slots["patient_id"] is None
    turn = driver.say("刘小宝")
    assert driver.slots["patient_id"] == choices["刘小宝"] and turn.responses == ["utter_ask_report_consent"]


def test_someone_elses_mobile_after_verification_is_refused(his: HisClient) -> None:
    slots = verified_slots(his, "li_xiuying")
    driver = FormDriver("report_form", slots)
    turn = driver.say("帮我查一下13800000002的报告", "check_report")
    assert turn.responses == ["utter_other_patient_refused"] and driver.done
    messages, events = run(ActionShowReports(), tracker("", None, slots=driver.slots))
    assert messages == [] and slot_updates(events) == {"other_patient_refused": None}
    assert "王建华" not in rendered(turn.messages) and "CT" not in rendered(turn.messages)
