"""report_form and action_show_reports against a live HIS: consent first, status/time/pickup only (no
interpretation), and only the verified patient's reports whatever is typed or forged."""
from __future__ import annotations

from actions.his_client import HisClient
from actions.reports import ActionShowReports
from tests.test_actions_booking_support import (  # noqa: F401 (fixtures)
    FormDriver, booking_his, buttons, demo_patient, his, names, payload_entities, rendered, run, slot_updates,
    tracker, verified_slots,
)


def _show(slots: dict) -> tuple:
    messages, events = run(ActionShowReports(), tracker("同意", "affirm", slots=slots))
    return messages, slot_updates(events)


def test_consent_is_asked_after_verification_then_pending_and_ready_reports(his: HisClient) -> None:
    driver = FormDriver("report_form")
    driver.say("我的报告出来了没", "check_report")
    assert driver.requested == "phone_number"
    turn = driver.say("200100000002 王建华")
    assert turn.responses == ["utter_verified", "utter_ask_report_consent"]
    assert driver.slots["report_consent"] is None
    driver.say("同意", "affirm")
    assert driver.done and driver.slots["report_consent"] is True
    shown = driver.finish(ActionShowReports())
    assert shown.responses == ["utter_reports_list", "utter_report_disclaimer"]
    text = shown.text
    assert "CT" in text and "肝功能" in text and "预计" in text and "医技楼2层放射科报告窗口" in text
    for summary in ("均在参考范围内", "审核中"):  # the HIS summary (results) is never shown
        assert summary not in text
    assert "不能解读" in text
    book = buttons(shown.messages)
    assert book and payload_entities(book[0]["payload"]) == {"department": "消化内科"}
    assert driver.slots["report_consent"] is None, "the next lookup asks again"


def test_ready_reports_say_when_and_where(his: HisClient) -> None:
    slots = {**verified_slots(his, "li_xiuying"), "report_consent": True}
    messages, _ = _show(slots)
    text = rendered(messages)
    assert "血常规" in text and "心电图" in text and "医技楼1层心电图室" in text and "已出报告" in text
    assert "略高于参考范围" not in text


def test_no_consent_reads_nothing(his: HisClient) -> None:
    driver = FormDriver("report_form", verified_slots(his, "zhao_lijuan"))
    turn = driver.say("帮我查查化验结果", "check_report")
    assert driver.requested == "report_consent" and turn.responses == ["utter_ask_report_consent"]
    driver.say("不同意", "deny")
    assert driver.done and driver.slots["report_consent"] is False
    shown = driver.finish(ActionShowReports())
    assert shown.responses == ["utter_report_consent_declined"] and "MRI" not in shown.text


def test_a_forged_patient_id_shows_nothing(his: HisClient) -> None:
    """Li's token with Wang's patient id (e.g. slots tampered with): the HIS refuses, nothing is shown."""
    li = verified_slots(his, "li_xiuying")
    wang = verified_slots(his, "wang_jianhua")
    messages, updates = _show({**li, "patient_id": wang["patient_id"], "report_consent": True})
    assert names(messages) == ["utter_verification_expired"]
    assert "CT" not in rendered(messages) and "王建华" not in rendered(messages)
    assert updates["patient_token"] is None


def test_an_unknown_token_means_verifying_again(his: HisClient) -> None:
    messages, updates = _show({**verified_slots(his, "li_xiuying"), "patient_token": "forged", "report_consent": True})
    assert names(messages) == ["utter_verification_expired"] and updates["patient_id"] is None


def test_someone_elses_card_number_is_refused_and_nothing_is_read(his: HisClient) -> None:
    wang = demo_patient("wang_jianhua")
    driver = FormDriver("report_form", verified_slots(his, "li_xiuying"))
    turn = driver.say(f"查一下卡号{wang['card_no']}的报告", "check_report")
    assert turn.responses == ["utter_other_patient_refused"] and "李秀英" in turn.text
    shown = driver.finish(ActionShowReports())
    assert shown.messages == []
