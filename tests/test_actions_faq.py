"""action_answer_faq: the selected FAQ topic's response, filled from facts.yml."""
from __future__ import annotations

import re

import pytest
import yaml

from actions import content
from actions.faq import HEALTH_TOPICS, ActionAnswerFaq
from tests.test_actions_support import REPO, domain_dict, make_tracker, render, response_names, run_action


def faq_topics_in_domain():
    return sorted(n[len("utter_") :] for n in domain_dict()["responses"] if n.startswith("utter_faq/"))


def faq_topics_in(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
    counts = {}
    for block in data:
        if str(block.get("intent", "")).startswith("faq/"):
            counts[block["intent"]] = len([l for l in block["examples"].splitlines() if l.strip()])
    return counts


def test_at_least_30_topics_each_trained_and_held_out():
    topics = faq_topics_in_domain()
    assert len(topics) >= 30
    trained = faq_topics_in(REPO / "data" / "nlu" / "faq.yml")
    held_out = faq_topics_in(REPO / "tests" / "nlu" / "holdout.yml")
    assert sorted(trained) == topics and sorted(held_out) == topics
    assert min(trained.values()) >= 12 and min(held_out.values()) >= 3


@pytest.mark.parametrize("topic", faq_topics_in_domain())
def test_each_topic_is_answered_with_its_response_filled(topic):
    messages, events = run_action(ActionAnswerFaq(), make_tracker("问题", "faq", response_key=topic))
    expected = [f"utter_{topic}"] + (["utter_disclaimer"] if topic in HEALTH_TOPICS else [])
    assert response_names(messages) == expected
    assert events == []
    text = render(messages[0])
    assert text and not re.search(r"{[^}]*}", text), text


def test_only_the_placeholders_a_response_uses_are_sent():
    messages, _ = run_action(ActionAnswerFaq(), make_tracker("停车", "faq", response_key="faq/parking"))
    sent = {k for k, v in messages[0].items() if k not in ("text", "buttons", "elements", "custom",
                                                            "template", "response", "image", "attachment")}
    assert sent == content.placeholders(content.response_texts(domain_dict(), "utter_faq/parking"))


def test_building_guide_names_the_asked_department():
    tracker = make_tracker("心内科在几楼", "faq", [("department", "心血管内科")], response_key="faq/building_guide")
    messages, _ = run_action(ActionAnswerFaq(), tracker)
    assert response_names(messages) == ["utter_department_location"]
    assert messages[0]["department"] == "心血管内科"
    assert messages[0]["department_location"] == content.department_locations()["心血管内科"]


def test_building_guide_without_department_lists_all():
    messages, _ = run_action(ActionAnswerFaq(), make_tracker("科室分布", "faq", response_key="faq/building_guide"))
    assert response_names(messages) == ["utter_faq/building_guide"]
    assert messages[0]["department_directory"].count("\n") >= 29


@pytest.mark.parametrize("key", [None, "faq/no_such_topic"])
def test_without_a_known_topic_the_guide_is_shown(key):
    messages, events = run_action(ActionAnswerFaq(), make_tracker("/faq", "faq", response_key=key))
    assert response_names(messages) == ["utter_hospital_guide"] and events == []
