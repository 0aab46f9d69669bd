"""UnknownInputFallback: nothing recognisable → nlu_fallback; anything known is left alone."""
from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from hospital_nlu.unknown_input import UnknownInputFallback


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    resource = Resource("unknown_input")
    context = ExecutionContext(GraphSchema({}), "test")
    component = UnknownInputFallback.create({}, storage, resource, context)
    data = TrainingData([Message(data={TEXT: "停车怎么收费", INTENT: "faq"}),
                         Message(data={TEXT: "做个CT多少钱", INTENT: "ask_price"})],
                        lookup_tables=[{"name": "department", "elements": ["骨科"]}])
    component.train(data)
    return UnknownInputFallback.load({}, storage, resource, context)


def classify(component, text):
    message = Message(data={TEXT: text, INTENT: {"name": "affirm", "confidence": 0.79},
                            INTENT_RANKING_KEY: [{"name": "affirm", "confidence": 0.79}]})
    component.process([message])
    return message.get(INTENT)["name"]


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂", "？？？！！", "ㅋㅋㅋ", "\u200b\u200b"])
def test_nothing_recognisable_falls_back(trained, text):
    assert classify(trained, text) == "nlu_fallback"


@pytest.mark.parametrize("text", ["停车", "ct", "ＣＴ", "骨科", "停車🙂", "收费?"])
def test_known_characters_keep_the_classifier_answer(trained, text):
    assert classify(trained, text) == "affirm"


def test_fallback_heads_the_ranking(trained):
    message = Message(data={TEXT: "🙂", INTENT: {"name": "affirm", "confidence": 0.79},
                            INTENT_RANKING_KEY: [{"name": "affirm", "confidence": 0.79}]})
    trained.process([message])
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["nlu_fallback", "affirm"]


def test_a_pasted_document_falls_back(trained):
    assert classify(trained, "停车怎么收费" * 60) == "nlu_fallback"
    assert classify(trained, "停车怎么收费" * 10) == "affirm"
