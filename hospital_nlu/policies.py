"""Dialogue policy that makes emergencies win over everything else, in any state."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class EmergencyPolicy(Policy):
    """Predicts the emergency action right after any emergency or self-harm message.

    Rule-based policies give way to an active form (its happy path is a "no user prediction",
    which overrules every other policy). This policy makes the same kind of prediction with full
    confidence and a higher priority than RulePolicy, so an emergency reply is never delayed by a
    pending form, a fallback or a survey. After the emergency action it waits for the patient.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Intents that trigger the action, the action, and a priority above RulePolicy (6)."""
        return {
            "priority": 7,
            "intents": ["report_emergency", "express_self_harm"],
            "action": "action_handle_emergency",
        }

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, featurizer: Optional[Any] = None) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self.intents = set(config["intents"])
        self.action = config["action"]

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        """Nothing to learn."""
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        """The emergency action after an emergency message, then listen; otherwise abstain."""
        probabilities = self._default_predictions(domain)
        latest_action = tracker.latest_action_name
        intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
        if latest_action == ACTION_LISTEN_NAME and intent in self.intents and self.action in domain.action_names_or_texts:
            probabilities[domain.index_for_action(self.action)] = 1.0
            return self._prediction(probabilities, is_no_user_prediction=True)
        if latest_action == self.action:
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
            return self._prediction(probabilities, is_no_user_prediction=True)
        return self._prediction(probabilities)
