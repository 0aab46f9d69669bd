"""End to end through the running system (`scripts/run_stack.py`: hospital system, action server, Rasa
with the REST channel): a booking from a doctor's name to the confirmation, a report lookup with
consent, another patient's data refused, an FAQ and an emergency in the middle of the booking form.
The SMS code is read from the hospital system's outbox, as the demo page does."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from actions.his_client import HisClient, HisConfig
import tests.stack
from tests.stack import Stack, running_stack

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with pytest.MonkeyPatch.context() as patch:
        if os.environ.get("RASA_MODEL"):  # a model trained elsewhere (run_stack.py reads the same variable)
            patch.setattr(tests.stack, "MODEL", Path(os.environ["RASA_MODEL"]))
        with running_stack(tmp_path_factory.mktemp("booking-stack")) as running:
            yield running


@pytest.fixture(scope="module")
def his(stack: Stack) -> Iterator[HisClient]:
    base = stack.urls["hospital_system"].rsplit("/docs", 1)[0]
    client = HisClient(HisConfig(base_url=base, token="his-" + stack.token))
    yield client
    client.close()


def _text(replies: List[Dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def _buttons(replies: List[Dict]) -> List[Dict]:
    return [b for r in replies for b in (r.get("buttons") or [])]


def _code(his: HisClient, mobile: str) -> str:
    newest = max(his.outbox(recipient=mobile, kind="sms_code", limit=50), key=lambda m: m["id"])
    return re.search(r"\d{6}", newest["body"]).group(0)


def test_booking_by_doctor_from_question_to_confirmation(stack: Stack, his: HisClient) -> None:
    sender = "e2e-booking"
    replies = stack.say(sender, "帮我约骨科张医生的号")
    options = [b for b in _buttons(replies) if '"schedule_id"' in b["payload"]]
    assert options and "张建国" in _text(replies)
    replies = stack.say(sender, options[0]["payload"])
    slots = [b for b in _buttons(replies) if '"slot_id"' in b["payload"]]
    assert slots, _text(replies)
    replies = stack.say(sender, slots[0]["payload"])
    assert "手机号" in _text(replies)
    replies = stack.say(sender, "13800000003")
    assert "138****0003" in _text(replies) and "13800000003" not in _text(replies)
    replies = stack.say(sender, _code(his, "13800000003"))
    assert "请核对预约信息" in _text(replies) and "陈晓明" in _text(replies)
    replies = stack.say(sender, "确认预约")
    number = re.search(r"预约号：(GH\w+)", _text(replies))
    assert number, _text(replies)
    assert "utter_booking_done" in stack.bot_responses(sender)
    outbox = his.outbox(recipient="13800000003", kind="booking_confirmation")
    assert any(number.group(1) in m["body"] for m in outbox)


def test_report_lookup_with_consent_and_another_patient_refused(stack: Stack, his: HisClient) -> None:
    sender = "e2e-reports"
    replies = stack.say(sender, "查一下我的报告")
    assert "手机号" in _text(replies)
    replies = stack.say(sender, "200100000002 王建华")
    assert "是否同意调取您的报告信息" in _text(replies)
    replies = stack.say(sender, "同意")
    text = _text(replies)
    assert "CT" in text and "预计" in text and "肝功能" in text and "不能解读" in text
    replies = stack.say(sender, "再帮我查一下13800000001的报告")
    assert "只能办理和查询已验证就诊人（王建华）" in _text(replies)
    assert "血常规" not in _text(replies) and "心电图" not in _text(replies)


def test_faq_and_emergency_inside_the_booking_form(stack: Stack) -> None:
    sender = "e2e-interruptions"
    stack.say(sender, "我想约个眼科")
    replies = stack.say(sender, "停车怎么收费")
    assert "utter_faq/parking" in stack.bot_responses(sender)
    assert any('"schedule_id"' in b["payload"] for b in _buttons(replies)), "the form asks again"
    replies = stack.say(sender, "我胸口剧痛喘不上气")
    assert "120" in _text(replies)
    replies = stack.say(sender, "第一个")
    assert any('"slot_id"' in b["payload"] for b in _buttons(replies)), "the form goes on"
    replies = stack.say(sender, "算了不挂了")
    assert "utter_task_stopped" in stack.bot_responses(sender)
