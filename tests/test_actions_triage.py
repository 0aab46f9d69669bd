"""action_triage against a live hospital system: response names, slots and events (not wording)."""
from __future__ import annotations

import asyncio
import json
import socket
import sys
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from actions import his_client
from actions.triage import ActionTriage, bare_age, turns_since_triage
from tests.test_actions_support import _rasa_nlg, domain_dict, make_tracker, response_names, run_action, slot_events

_PLUGIN_REGISTERED = "tests.fixtures_his" in sys.modules  # by tests/conftest.py's pytest_plugins
from tests.fixtures_his import HisInstance  # noqa: E402

if not _PLUGIN_REGISTERED:
    from tests.fixtures_his import his_service  # noqa: E402,F401

TRIAGED = {"event": "action", "name": "action_triage"}
FEMALE_ONLY = {"妇科", "产科"}


@pytest.fixture()
def his(his_service: HisInstance, monkeypatch: pytest.MonkeyPatch) -> Iterator[HisInstance]:  # noqa: F811
    """The action's client (get_client, from the environment) pointed at the live test instance."""
    monkeypatch.setenv("HIS_BASE_URL", his_service.base_url)
    monkeypatch.setenv("HIS_API_TOKEN", his_service.token)
    his_client.get_client.cache_clear()
    yield his_service
    his_client.get_client.cache_clear()


@pytest.fixture()
def his_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]          # nothing listens there once closed
    monkeypatch.setenv("HIS_BASE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("HIS_TIMEOUT", "0.5")
    his_client.get_client.cache_clear()
    yield
    his_client.get_client.cache_clear()


Turn = Tuple[List[Dict[str, Any]], List[Dict[str, Any]], Dict[str, Any]]


def say(text: str, intent: str = "describe_symptoms", entities: Tuple[Tuple[str, Any], ...] = (),
        slots: Optional[Dict[str, Any]] = None, events: Optional[List[Dict[str, Any]]] = None) -> Turn:
    """Runs action_triage for one message; returns (messages, events, slots after the events)."""
    initial = {name: spec["initial_value"] for name, spec in domain_dict()["slots"].items() if "initial_value" in spec}
    slots = {**initial, **(slots or {})}
    messages, returned = run_action(ActionTriage(), make_tracker(text, intent, entities, slots, events))
    after = dict(slots)
    after.update(slot_events(returned))
    return messages, returned, after


def conversation(*turns: Tuple[str, str, Tuple[Tuple[str, Any], ...]]) -> Turn:
    """Several messages in a row, each right after the bot's previous triage reply."""
    slots: Dict[str, Any] = {}
    events: List[Dict[str, Any]] = []
    result: Turn = ([], [], {})
    for text, intent, entities in turns:
        result = say(text, intent, entities, slots, events)
        slots = result[2]
        events = events + [{"event": "user", "text": text}, TRIAGED]
    return result


def rendered(message: Dict[str, Any]) -> Dict[str, Any]:
    """The message as Rasa 3.6 sends it (text and buttons filled), via its own NLG."""
    nlg, tracker = _rasa_nlg()
    kwargs = {k: v for k, v in message.items() if k not in ("response", "template")}
    generated = asyncio.run(nlg.generate(message["response"], tracker, "rest", **kwargs))
    assert generated is not None and "{" not in generated["text"], generated
    return generated


def booking_targets(message: Dict[str, Any]) -> List[str]:
    """Departments of the /book_appointment{"department": …} buttons, parsed as Rasa would."""
    targets = []
    for button in rendered(message).get("buttons") or []:
        payload = button["payload"]
        if payload.startswith("/book_appointment"):
            targets.append(json.loads(payload[len("/book_appointment"):])["department"])
    return targets


# -- the issue's examples ---------------------------------------------------------------------------------

def test_cough_and_chest_pain_asks_the_age_then_answers_with_booking_buttons(his: HisInstance) -> None:
    messages, _, slots = say("持续咳嗽加胸痛")
    assert response_names(messages) == ["utter_ask_patient_age"]
    assert slots["triage_asking"] is True and slots["triage_question"] == "age" and slots["triage_asked"] == ["age"]
    assert slots["triage_text"] == "持续咳嗽加胸痛"
    messages, _, slots = say("/inform_patient_profile", "inform_patient_profile", (("patient_age", "40"),), slots,
                             [TRIAGED])
    assert response_names(messages) == ["utter_triage_result_book_2"]
    assert slots["triage_departments"] == ["呼吸内科", "心血管内科"] and slots["patient_age"] == 40.0
    assert slots["triage_asking"] is False and slots["triage_question"] is None
    assert "胸痛剧烈" in messages[0]["notes"] and "急诊" in messages[0]["notes"]
    assert booking_targets(messages[0]) == ["呼吸内科", "心血管内科"]
    assert rendered(messages[0])["buttons"][-1]["payload"] == "/request_human"


@pytest.mark.parametrize("text, first", [("孩子三岁发烧两天", "儿科"), ("眼睛红痒", "眼科"), ("月经不调", "妇科")])
def test_issue_examples_answer_at_once(his: HisInstance, text: str, first: str) -> None:
    messages, _, slots = say(text)
    assert response_names(messages)[0].startswith("utter_triage_result_book_")
    assert slots["triage_departments"][0] == first and booking_targets(messages[0])[0] == first
    assert slots.get("triage_asking") in (None, False)


def test_the_childs_age_from_the_text_is_kept(his: HisInstance) -> None:
    _, _, slots = say("孩子三岁发烧两天")
    assert slots["patient_age"] == 3.0


def test_typed_bare_age_answers_the_age_question(his: HisInstance) -> None:
    _, _, slots = say("咳嗽")
    assert slots["triage_question"] == "age"
    messages, _, slots = say("65", "inform_patient_profile", slots=slots, events=[TRIAGED])
    assert response_names(messages) == ["utter_triage_result_book_1"]
    assert slots["patient_age"] == 65.0 and slots["triage_text"] == "咳嗽"


def test_a_man_never_gets_gynaecology_and_is_not_asked_about_pregnancy(his: HisInstance) -> None:
    messages, _, slots = conversation(("小肚子疼", "describe_symptoms", ()),
                                      ("30岁", "inform_patient_profile", ()),
                                      ("/inform_patient_profile", "inform_patient_profile", (("patient_sex", "male"),)))
    assert response_names(messages)[0].startswith("utter_triage_result_book_")
    assert slots["patient_sex"] == "male" and slots["triage_asked"] == ["age", "sex"]
    assert not FEMALE_ONLY & set(slots["triage_departments"])
    assert not FEMALE_ONLY & set(booking_targets(messages[0]))


def test_pregnancy_is_asked_and_a_yes_puts_obstetrics_first(his: HisInstance) -> None:
    _, _, slots = conversation(("肚子疼", "describe_symptoms", ()), ("30岁", "inform_patient_profile", ()))
    assert slots["triage_question"] == "pregnant"
    messages, _, slots = say("是的", "affirm", slots=slots, events=[TRIAGED])
    assert slots["patient_pregnant"] is True and slots["patient_sex"] == "female"
    assert slots["triage_departments"][0] == "产科"
    assert response_names(messages)[0].startswith("utter_triage_result_book_")


def test_a_no_to_the_pregnancy_question_means_not_pregnant(his: HisInstance) -> None:
    _, _, slots = conversation(("肚子疼", "describe_symptoms", ()), ("30岁", "inform_patient_profile", ()))
    messages, _, slots = say("没有", "deny", slots=slots, events=[TRIAGED])
    assert slots["patient_pregnant"] is False and slots["triage_departments"][0] != "产科"
    assert response_names(messages)[0].startswith("utter_triage_result")


def test_a_bare_number_the_nlu_did_not_understand_answers_the_age_question(his: HisInstance) -> None:
    _, _, slots = say("持续咳嗽加胸痛")
    messages, _, slots = say("65", "nlu_fallback", slots=slots, events=[TRIAGED])
    assert response_names(messages) == ["utter_triage_result_book_2"] and slots["patient_age"] == 65.0


def test_a_stale_misunderstood_message_goes_to_the_fallback(his: HisInstance) -> None:
    _, _, slots = say("持续咳嗽加胸痛")
    later = [TRIAGED] + [{"event": "user", "text": f"问题{i}"} for i in range(4)]
    messages, events, _ = say("啊这", "nlu_fallback", slots=slots, events=later)
    assert messages == [] and events[-1]["event"] == "followup" and events[-1]["name"] == "action_handle_fallback"
    assert slot_events(events) == {"triage_asking": False, "triage_question": None}


@pytest.mark.parametrize("response", ["utter_ask_patient_age", "utter_ask_patient_sex", "utter_ask_patient_pregnant"])
def test_question_buttons_send_payloads_rasa_can_parse(response: str) -> None:
    entities = set(domain_dict()["entities"])
    payloads = [b["payload"] for b in rendered({"response": response})["buttons"]]
    assert all(p.startswith("/inform_patient_profile") for p in payloads)
    for payload in payloads:
        if "{" in payload:
            values = json.loads(payload[payload.index("{"):])
            assert set(values) <= entities and len(values) == 1


def test_skipping_a_question_answers_without_asking_it_again(his: HisInstance) -> None:
    _, _, slots = say("咳嗽")
    messages, _, slots = say("不知道", "deny", slots=slots, events=[TRIAGED])
    assert response_names(messages) == ["utter_triage_result_book_1"] and slots["triage_asked"] == ["age"]
    assert slots.get("patient_age") is None


# -- the patient wanders off, adds symptoms, starts over ---------------------------------------------------------

def test_answer_after_another_question_continues_the_exchange(his: HisInstance) -> None:
    _, _, slots = say("持续咳嗽加胸痛")
    faq = [TRIAGED, {"event": "user", "text": "停车怎么收费"}, {"event": "action", "name": "action_answer_faq"}]
    messages, _, slots = say("65岁", "inform_patient_profile", slots=slots, events=faq)
    assert response_names(messages) == ["utter_triage_result_book_2"]
    assert slots["triage_text"].startswith("持续咳嗽加胸痛") and slots["patient_age"] == 65.0


def test_a_stale_no_is_not_taken_as_an_answer(his: HisInstance) -> None:
    _, _, slots = say("持续咳嗽加胸痛")
    later = [TRIAGED] + [{"event": "user", "text": f"问题{i}"} for i in range(4)]
    messages, events, after = say("不用了", "deny", slots=slots, events=later)
    assert response_names(messages) == ["utter_deny_ack"]
    assert slot_events(events) == {"triage_asking": False, "triage_question": None}


def test_more_symptoms_after_the_answer_are_added(his: HisInstance) -> None:
    _, _, slots = say("眼睛红痒")
    messages, _, slots = say("还有点流鼻涕 打喷嚏", slots=slots, events=[TRIAGED])
    assert slots["triage_text"].startswith("眼睛红痒") and len(slots["triage_departments"]) >= 2


def test_a_new_complaint_after_the_answer_starts_over(his: HisInstance) -> None:
    _, _, slots = say("孩子三岁发烧两天")
    messages, _, slots = say("我牙疼", slots=slots, events=[TRIAGED])
    assert slots["triage_text"] == "我牙疼" and slots["patient_age"] is None
    assert slots["triage_departments"][0] == "口腔科"


def test_button_without_text_asks_for_symptoms(his: HisInstance) -> None:
    messages, events, _ = say("/describe_symptoms")
    assert response_names(messages) == ["utter_ask_symptoms"] and events == []


def test_profile_alone_is_kept_and_symptoms_are_asked(his: HisInstance) -> None:
    messages, _, slots = say("我妈68岁", "inform_patient_profile")
    assert response_names(messages) == ["utter_ask_symptoms"]
    assert slots["patient_age"] == 68.0 and slots["patient_sex"] == "female"
    messages, _, slots = say("最近老是头晕", slots=slots, events=[TRIAGED])
    assert slots["triage_text"] == "我妈68岁。最近老是头晕" and slots["triage_departments"]


# -- no match, emergencies, service down, bad input ----------------------------------------------------------------

def test_no_match_offers_general_practice_or_a_person(his: HisInstance) -> None:
    messages, _, slots = say("我想去月球")
    assert response_names(messages) == ["utter_triage_no_match"]
    assert messages[0]["fallback_department"] == "全科医学科" and booking_targets(messages[0]) == ["全科医学科"]
    assert not slots.get("triage_departments")


def test_emergency_across_messages_hands_over_to_the_emergency_action(his: HisInstance) -> None:
    _, _, slots = say("胸口疼")
    messages, events, after = say("出冷汗", slots=slots, events=[TRIAGED])
    assert messages == []
    assert events[-1] == {"event": "followup", "name": "action_handle_emergency", "timestamp": None}
    assert not after["triage_text"] and after["triage_asking"] is False


def test_service_down_apologises_and_a_retry_works(his_down: None, his_service: HisInstance,  # noqa: F811
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    messages, events, slots = say("眼睛红痒")
    assert response_names(messages) == ["utter_triage_unavailable"]
    assert slots["triage_text"] == "眼睛红痒" and not slots.get("triage_departments")
    monkeypatch.setenv("HIS_BASE_URL", his_service.base_url)
    monkeypatch.setenv("HIS_API_TOKEN", his_service.token)
    his_client.get_client.cache_clear()
    messages, _, slots = say("/describe_symptoms", slots=slots, events=[TRIAGED])
    assert response_names(messages) == ["utter_triage_result_book_1"] and slots["triage_departments"] == ["眼科"]


def test_wrong_token_is_treated_as_unavailable(his: HisInstance, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIS_API_TOKEN", "wrong")
    his_client.get_client.cache_clear()
    messages, _, _ = say("眼睛红痒")
    assert response_names(messages) == ["utter_triage_unavailable"]


@pytest.mark.parametrize("text", ["😀😀😀", "asdfgh", "<script>alert(1)</script>"])
def test_noise_gets_no_match_not_an_error(his: HisInstance, text: str) -> None:
    assert response_names(say(text)[0]) == ["utter_triage_no_match"]


def test_huge_message_is_cut_to_the_service_limit(his: HisInstance) -> None:
    messages, _, slots = say("眼睛红痒 " + "啊" * 5000)
    assert len(slots["triage_text"]) == 2000 and slots["triage_departments"][0] == "眼科"
    assert response_names(messages)[0].startswith("utter_triage_result")


def test_mixed_language_and_emoji_still_triage(his: HisInstance) -> None:
    _, _, slots = say("my eyes 眼睛红痒 😷")
    assert slots["triage_departments"][0] == "眼科"


# -- helpers ----------------------------------------------------------------------------------------------------

def test_bare_age_and_turn_counting() -> None:
    assert [bare_age(t) for t in ("65", "65岁", " 七十 ", "三岁了", "七十多了", "今年58了", "快六十了")] == \
        [65.0, 65.0, 70.0, 3.0, 70.0, 58.0, 60.0]
    assert [bare_age(t) for t in ("abc", "200", "65岁 咳嗽", "十点半", "3点", "")] == [None] * 6
    user = {"event": "user"}
    assert turns_since_triage([user]) is None
    assert turns_since_triage([TRIAGED, user, {"event": "action", "name": "x"}, user]) == 2
    assert turns_since_triage([TRIAGED, {"event": "session_started"}, user]) is None
