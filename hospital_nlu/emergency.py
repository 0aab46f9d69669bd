"""NLU component that runs the emergency/self-harm detector on every message."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from hospital_core import safety

logger = logging.getLogger(__name__)

EMERGENCY_KEY = "emergency"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class EmergencyDetector(GraphComponent):
    """Makes emergencies and self-harm win the intent, from the lexicon or the classifier.

    Runs last in the pipeline, after DIET and the FallbackClassifier:
    - a red-flag match of the editable lexicon (hospital_core.safety) sets the intent to
      `report_emergency` or `express_self_harm` with confidence 1.0, whatever was predicted;
    - a classifier prediction of those intents above `classifier_threshold` stands (category
      `critical_unspecified`) unless the lexicon recognised a non-acute context (e.g. "胸痛门诊几点开门",
      "上个月心梗做了支架"); below the threshold, or vetoed, the next intent takes its place;
    - the detection (category, kind, evidence, first-aid hint key) is added to the parse data
      under `emergency`, for the emergency action.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Intents and the classifier's confidence threshold."""
        return {
            "medical_intent": "report_emergency",
            "self_harm_intent": "express_self_harm",
            "classifier_threshold": 0.8,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = config
        self.intents = {config["medical_intent"], config["self_harm_intent"]}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "EmergencyDetector":
        """Creates the component and loads the red-flag lexicon once (not on the first message)."""
        safety.get_lexicon()
        return cls(config)

    def process_training_data(self, training_data: Any) -> Any:
        """Nothing to do at training time."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Overrides or confirms the intent of each message."""
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and text.strip():
                self._process_one(message, text)
        return messages

    def _process_one(self, message: Message, text: str) -> None:
        detection = safety.detect(text)
        intent = message.get(INTENT) or {}
        if detection is not None:
            name = self.config["self_harm_intent"] if detection.kind == "self_harm" else self.config["medical_intent"]
            self._set_intent(message, name)
            message.set(EMERGENCY_KEY, {**detection.to_dict(), "source": "lexicon"}, add_to_output=True)
            return
        if intent.get("name") not in self.intents:
            return
        vetoed = safety.non_acute_context(text)
        if intent.get("confidence", 0.0) >= self.config["classifier_threshold"] and not vetoed:
            kind = "self_harm" if intent["name"] == self.config["self_harm_intent"] else "medical"
            message.set(EMERGENCY_KEY, {"category": "critical_unspecified" if kind == "medical" else "self_harm",
                                        "kind": kind, "self_harm": kind == "self_harm",
                                        "source": "classifier"}, add_to_output=True)
            return
        self._demote(message)

    def _set_intent(self, message: Message, name: str) -> None:
        ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != name]
        top = {"name": name, "confidence": 1.0}
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [top] + ranking, add_to_output=True)

    def _demote(self, message: Message) -> None:
        """Replaces an unconfirmed emergency intent by the best other intent."""
        ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") not in self.intents]
        replacement = ranking[0] if ranking else {"name": "nlu_fallback", "confidence": 1.0}
        message.set(INTENT, replacement, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

