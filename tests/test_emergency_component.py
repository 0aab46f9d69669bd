"""The emergency NLU component and EmergencyPolicy: emergencies win, non-acute mentions do not."""
from __future__ import annotations

import pytest
from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from hospital_nlu.emergency import EMERGENCY_KEY, EmergencyDetector
from hospital_nlu.policies import EmergencyPolicy


@pytest.fixture(scope="module")
def detector() -> EmergencyDetector:
    return EmergencyDetector.create(EmergencyDetector.get_default_config(), None, None, None)


def classified(text: str, intent: str, confidence: float) -> Message:
    ranking = [{"name": intent, "confidence": confidence}, {"name": "faq", "confidence": 1 - confidence}]
    return Message(data={TEXT: text, INTENT: ranking[0], INTENT_RANKING_KEY: ranking})


def run(detector: EmergencyDetector, message: Message) -> Message:
    detector.process([message])
    return message


@pytest.mark.parametrize("text, intent", [
    ("救命 我爸晕倒了", "report_emergency"),
    ("我爸胸口疼得厉害一直出汗", "report_emergency"),
    ("我爸胸口疼出冷汗 挂哪个科", "report_emergency"),
    ("我不想活了", "express_self_harm"),
])
def test_lexicon_overrides_whatever_was_classified(detector, text, intent):
    message = run(detector, classified(text, "faq", 0.97))
    assert message.get(INTENT)["name"] == intent
    assert message.get(INTENT)["confidence"] == 1.0
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == intent
    assert message.get(EMERGENCY_KEY)["source"] == "lexicon"
    assert message.get(EMERGENCY_KEY)["category"]


def test_lexicon_wins_after_fallback(detector):
    message = run(detector, classified("我妈突然嘴歪了说不出话", "nlu_fallback", 0.5))
    assert message.get(INTENT)["name"] == "report_emergency"
    assert message.get(EMERGENCY_KEY)["category"] == "stroke"


@pytest.mark.parametrize("text", ["胸痛门诊几点开门", "上个月心梗做了支架 复查挂什么科", "中风后康复怎么预约"])
def test_non_acute_mentions_are_not_emergencies_even_if_the_classifier_thinks_so(detector, text):
    message = run(detector, classified(text, "report_emergency", 0.95))
    assert message.get(INTENT)["name"] == "faq"
    assert message.get(EMERGENCY_KEY) is None
    assert all(r["name"] != "report_emergency" for r in message.get(INTENT_RANKING_KEY))


def test_confident_classifier_emergency_stands_without_the_lexicon(detector):
    message = run(detector, classified("家里老人情况很不好 怎么办啊", "report_emergency", 0.93))
    assert message.get(INTENT)["name"] == "report_emergency"
    assert message.get(EMERGENCY_KEY)["source"] == "classifier"


def test_unsure_classifier_emergency_gives_way(detector):
    message = run(detector, classified("家里老人情况很不好", "report_emergency", 0.55))
    assert message.get(INTENT)["name"] == "faq"


def test_ordinary_messages_are_untouched(detector):
    message = run(detector, classified("停车怎么收费", "faq", 0.9))
    assert message.get(INTENT) == {"name": "faq", "confidence": 0.9}
    assert message.get(EMERGENCY_KEY) is None


@pytest.mark.parametrize("text", ["", "   ", "😀" * 3, "<script>alert(1)</script>", "挂号" * 2500])
def test_bad_input_is_safe(detector, text):
    message = run(detector, classified(text, "out_of_scope", 0.7))
    assert message.get(INTENT)["name"] == "out_of_scope"


DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [report_emergency, express_self_harm, faq, book_appointment]
forms:
  booking_form:
    required_slots: [department]
slots:
  department:
    type: text
    mappings: [{type: from_text}]
actions: [action_handle_emergency, utter_greet]
responses:
  utter_greet: [{text: "hi"}]
""")


@pytest.fixture
def policy(tmp_path) -> EmergencyPolicy:
    return EmergencyPolicy.create(EmergencyPolicy.get_default_config(), LocalModelStorage(tmp_path),
                                  Resource("emergency"), ExecutionContext(GraphSchema({}), "test"))


def tracker_with(*events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("patient", [ActionExecuted(ACTION_LISTEN_NAME), *events])


def best(prediction: PolicyPrediction) -> str:
    return DOMAIN.action_names_or_texts[prediction.max_confidence_index]


def test_policy_predicts_the_emergency_action_inside_an_active_form(policy):
    tracker = tracker_with(ActionExecuted("booking_form"), ActiveLoop("booking_form"), ActionExecuted(ACTION_LISTEN_NAME),
                           UserUttered("我爸晕倒了", intent={"name": "report_emergency", "confidence": 1.0}))
    prediction = policy.predict_action_probabilities(tracker, DOMAIN)
    assert best(prediction) == "action_handle_emergency"
    assert prediction.max_confidence == 1.0
    # A "no user prediction" is needed to beat the form's own happy-path prediction.
    assert prediction.is_no_user_prediction
    assert prediction.policy_priority > 6


def test_policy_listens_after_the_emergency_action(policy):
    tracker = tracker_with(UserUttered("我不想活了", intent={"name": "express_self_harm", "confidence": 1.0}),
                           ActionExecuted("action_handle_emergency"))
    prediction = policy.predict_action_probabilities(tracker, DOMAIN)
    assert best(prediction) == ACTION_LISTEN_NAME and prediction.is_no_user_prediction


def test_policy_abstains_otherwise(policy):
    tracker = tracker_with(UserUttered("停车", intent={"name": "faq", "confidence": 0.9}))
    prediction = policy.predict_action_probabilities(tracker, DOMAIN)
    assert prediction.max_confidence == 0.0
    assert not prediction.is_no_user_prediction
