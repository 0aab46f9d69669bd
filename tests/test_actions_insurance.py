"""action_answer_insurance: numbers from the policy table; asks the insurance type only when needed."""
from __future__ import annotations

import pytest

from actions import content
from actions.insurance import ActionAnswerInsurance
from tests.test_actions_content import canonical_values
from tests.test_actions_support import make_tracker, render, response_names, run_action, slot_events


@pytest.fixture()
def table():
    content.clear_cache()
    return content.load_table(content.INSURANCE)


def answer(text, intent="ask_insurance", entities=(), slots=None):
    return run_action(ActionAnswerInsurance(), make_tracker(text, intent, entities, slots))


def assert_filled(messages):
    for message in messages:
        text = render(message)
        assert text and "{" not in text, text


def test_type_and_visit_known_gives_the_numbers_for_this_hospital(table):
    messages, events = answer("职工医保住院能报多少", entities=[("insurance_type", "职工医保"), ("visit_type", "住院"),
                                                        ("insurance_topic", "报销比例")])
    assert response_names(messages) == ["utter_insurance_ratio"] and events == []
    row = table["types"]["职工医保"]["住院"]
    assert messages[0]["ratio"] == row["ratio"]["三级"] and messages[0]["deductible"] == row["deductible"]["三级"]
    assert messages[0]["annual_cap"] == row["annual_cap"] and messages[0]["conditions"] == row["conditions"]
    assert_filled(messages)


def test_visit_unknown_gives_inpatient_and_outpatient(table):
    messages, _ = answer("居民医保能报多少", entities=[("insurance_type", "城乡居民医保")])
    assert response_names(messages) == ["utter_insurance_ratio"] * 2
    assert [m["visit_type"] for m in messages] == ["住院", "门诊"]
    assert messages[1]["ratio"] == table["types"]["城乡居民医保"]["门诊"]["ratio"]["三级"]


def test_hospital_level_is_taken_from_the_question(table):
    messages, _ = answer("社区医院住院报多少", entities=[("insurance_type", "职工医保"), ("visit_type", "住院"),
                                                    ("hospital_level", "一级")])
    assert messages[0]["hospital_level"] == "一级"
    assert messages[0]["ratio"] == table["types"]["职工医保"]["住院"]["ratio"]["一级"]


def test_unknown_type_is_asked_and_the_question_remembered():
    messages, events = answer("住院能报多少", entities=[("visit_type", "住院"), ("insurance_topic", "起付线")])
    assert response_names(messages) == ["utter_ask_insurance_type"]
    assert slot_events(events) == {"insurance_topic": "起付线", "visit_type": "住院", "hospital_level": "三级",
                                   "insurance_type_asked": True}


def test_the_type_given_later_answers_the_remembered_question(table):
    slots = {"insurance_type_asked": True, "insurance_topic": "报销比例", "visit_type": "住院",
             "hospital_level": "三级", "insurance_type": "职工医保"}
    messages, events = answer("职工医保", "inform_insurance_type", [("insurance_type", "职工医保")], slots)
    assert response_names(messages) == ["utter_insurance_ratio"]
    assert messages[0]["visit_type"] == "住院" and messages[0]["insurance_type"] == "职工医保"
    assert slot_events(events) == {"insurance_type_asked": False}


def test_not_knowing_the_type_compares_both(table):
    slots = {"insurance_type_asked": True, "insurance_topic": "报销比例", "visit_type": "住院", "hospital_level": "三级"}
    messages, events = answer("不清楚", "deny", slots=slots)
    assert response_names(messages) == ["utter_insurance_compare"]
    assert messages[0]["worker_ratio"] == table["types"]["职工医保"]["住院"]["ratio"]["三级"]
    assert messages[0]["resident_ratio"] == table["types"]["城乡居民医保"]["住院"]["ratio"]["三级"]
    assert slot_events(events) == {"insurance_type_asked": False}
    assert_filled(messages)


def test_a_new_question_does_not_reuse_an_old_visit_type():
    slots = {"visit_type": "住院", "insurance_type": "职工医保"}
    messages, _ = answer("医保能报多少", slots=slots)
    assert [m["visit_type"] for m in messages] == ["住院", "门诊"]


@pytest.mark.parametrize(
    "topic, response",
    [("异地就医", "utter_insurance_remote"), ("门诊慢特病", "utter_insurance_chronic"),
     ("自费项目", "utter_insurance_self_pay")],
)
def test_topics_that_do_not_depend_on_the_type_are_answered_directly(topic, response):
    messages, events = answer("…", entities=[("insurance_topic", topic)])
    assert response_names(messages) == [response] and events == []
    assert_filled(messages)


def test_no_insurance_gets_self_pay_advice():
    messages, _ = answer("我没有医保", "inform_insurance_type", [("insurance_type", "无医保")])
    assert response_names(messages) == ["utter_insurance_none"]
    assert_filled(messages)


def test_every_answer_template_is_fully_filled():
    for insurance_type in ("职工医保", "城乡居民医保"):
        for level in ("一级", "二级", "三级"):
            messages, _ = answer("…", entities=[("insurance_type", insurance_type), ("hospital_level", level)])
            assert len(messages) == 2
            assert_filled(messages)


def test_vocabulary_matches_the_table(table):
    assert canonical_values("insurance_type") == set(table["types"]) | {"无医保"}
    assert canonical_values("visit_type") == set(table["types"]["职工医保"])
    for insurance_type, visits in table["types"].items():
        for visit, row in visits.items():
            for field in ("deductible", "ratio"):
                assert set(row[field]) == canonical_values("hospital_level"), (insurance_type, visit, field)
    assert canonical_values("insurance_topic") == {"报销比例", "起付线", "封顶线", "异地就医", "门诊慢特病", "自费项目"}
