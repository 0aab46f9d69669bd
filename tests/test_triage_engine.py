"""Symptom triage: the issue's examples, sex/age/pregnancy rules, what to ask, odd input."""
from __future__ import annotations

import json

import pytest

from hospital_core.triage import CANONICAL_DEPARTMENTS, TriageResult, get_knowledge, triage


def first(text: str, **profile) -> str:
    return triage(text, **profile).first


@pytest.mark.parametrize("text, expected", [
    ("持续咳嗽加胸痛", "呼吸内科"),
    ("孩子三岁发烧两天", "儿科"),
    ("眼睛红痒", "眼科"),
    ("月经不调", "妇科"),
    ("怀孕了 想建档", "产科"),
    ("牙龈肿了 牙也疼", "口腔科"),
    ("不知道挂什么科 浑身没劲", "全科医学科"),
    ("想做个全身体检", "体检中心"),
])
def test_issue_examples(text, expected):
    assert first(text) == expected


def test_seed_example_carries_the_chest_pain_note():
    result = triage("持续咳嗽加胸痛")
    assert result.emergency is None
    assert any("急诊" in note for note in result.notes)


def test_every_recommendation_has_a_reason_from_the_data():
    knowledge = get_knowledge()
    result = triage("我头疼 还有点恶心")
    assert result.departments
    for rec in result.departments:
        assert rec.department in CANONICAL_DEPARTMENTS
        assert rec.reason and rec.reason in {d.reason for d in knowledge.departments.values()} | \
            {knowledge.notes.get("pregnant_reason")}
        assert rec.score > 0
    assert [r.score for r in result.departments] == sorted((r.score for r in result.departments), reverse=True)


def test_a_man_never_gets_gynaecology_or_obstetrics():
    forbidden = {"妇科", "产科"}
    knowledge = get_knowledge()
    texts = ["月经不调", "小肚子疼", "下面痒", "怀孕了肚子疼", "同房后出血", "白带多", "想做产检"]
    for symptom in knowledge.symptoms:                      # one word of every entry in the table
        texts.append(symptom.regex.pattern.split("|")[-1].replace("\\", ""))
    for text in texts:
        for age in (None, 30):
            names = {r.department for r in triage(text, sex="male", age=age).departments}
            assert not names & forbidden, (text, names)


def test_an_adult_never_gets_paediatrics():
    for text in ["发烧咳嗽", "拉肚子", "尿床", "长不高"]:
        assert "儿科" not in {r.department for r in triage(text, age=35).departments}


def test_a_child_goes_to_paediatrics_for_internal_complaints_but_not_for_teeth():
    assert first("咳嗽有痰", age=6) == "儿科"
    assert first("孩子咳嗽有痰") == "儿科"
    assert first("孩子蛀牙了") == "口腔科"
    assert first("咳嗽有痰", age=30) == "呼吸内科"


def test_pregnancy_brings_obstetrics_first_for_related_complaints():
    assert first("肚子疼", pregnant=True) == "产科"
    assert first("怀孕五个月 腰酸") == "产科"
    result = triage("怀孕了 牙疼")
    assert result.first == "口腔科"
    assert any("怀孕" in n for n in result.notes)


def test_ask_lists_only_what_would_change_the_answer():
    lower = triage("小肚子疼")
    assert "sex" in lower.ask
    assert triage("小肚子疼", sex="female").first == "妇科"
    assert triage("小肚子疼", sex="male").first != "妇科"
    assert "sex" not in triage("小肚子疼", sex="male").ask
    assert "age" in triage("咳嗽").ask
    assert "age" not in triage("咳嗽", age=40).ask
    eyes = triage("眼睛干涩")
    assert eyes.ask == ()                                    # nothing would change 眼科


def test_the_message_describes_the_patient_when_it_names_someone_else():
    result = triage("我儿子5岁 肚子疼", age=36, sex="female")   # the mother's profile, the son's symptoms
    assert result.patient.age == 5 and result.patient.age_source == "text"
    assert result.first == "儿科"


def test_the_callers_sex_wins_over_anatomy_words_about_oneself():
    assert triage("月经不调", sex="male").first != "妇科"
    assert triage("我老婆月经不调", sex="male").first == "妇科"


def test_emergency_comes_first_and_carries_the_detection():
    result = triage("我爸胸口疼出冷汗 挂哪个科")
    assert result.emergency is not None and result.emergency.category == "chest_pain"
    assert result.first == "急诊科"
    assert result.ask == ()
    payload = result.to_dict()
    assert payload["emergency"]["category"] == "chest_pain"


def test_self_harm_points_to_mental_health_then_emergency():
    result = triage("活着没意思 不想活了")
    assert result.emergency.kind == "self_harm"
    assert [r.department for r in result.departments[:2]] == ["精神心理科", "急诊科"]


@pytest.mark.parametrize("text", ["", "   ", "今天天气不错", "你好", "谢谢", "asdfgh", "😀😀"])
def test_nothing_matched_gives_no_department(text):
    result = triage(text)
    assert result.departments == () and result.ask == () and result.emergency is None


def test_negated_symptoms_do_not_count():
    result = triage("没有发烧 就是眼睛痒")
    assert result.first == "眼科"
    assert "fever" not in {s.id for s in result.symptoms}


def test_traditional_typo_emoji_and_english():
    assert first("眼睛紅癢😭") == "眼科"
    assert first("咳收好久了") == "呼吸内科"
    assert first("my knee 疼") == "骨科"


def test_symptom_spans_point_into_the_original_text():
    text = "請問 頭痛 還有點噁心"
    for match in triage(text).symptoms:
        assert text[match.start:match.end] == match.text


def test_result_is_json_ready_for_the_api():
    payload = triage("孩子三岁发烧两天", age=3).to_dict()
    assert json.loads(json.dumps(payload, ensure_ascii=False)) == payload
    assert payload["departments"][0] == {"name": "儿科", "score": payload["departments"][0]["score"],
                                         "reason": payload["departments"][0]["reason"]}
    assert payload["emergency"] is None


@pytest.mark.parametrize("profile", [{"age": -1}, {"age": 200}, {"age": "abc"}, {"sex": "x"}, {"pregnant": "yes"}])
def test_invalid_profile_values_raise_value_error(profile):
    with pytest.raises(ValueError):
        triage("头疼", **profile)


@pytest.mark.parametrize("sex", ["男", "M", "Male", "female", "女"])
def test_sex_spellings(sex):
    assert isinstance(triage("头疼", sex=sex), TriageResult)


def test_long_and_injection_like_input_is_bounded():
    text = "头疼" + "，我想问一下挂号流程" * 600 + "'; DROP TABLE x; --<script>"
    result = triage(text)
    assert result.first == "神经内科"
    assert triage("{{7*7}} ${jndi:ldap://x} 牙疼").first == "口腔科"
