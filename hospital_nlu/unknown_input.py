"""NLU component that sends input with nothing recognisable to the fallback."""
from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional, Set, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from hospital_core.text import normalize

FALLBACK_INTENT = "nlu_fallback"
_FILE = "known_characters.json"


def meaningful_characters(text: str) -> Set[str]:
    """Letters, digits and CJK characters of the normalised text (case-folded)."""
    return {ch for ch in normalize(text or "").lower() if ch.isalnum()}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class UnknownInputFallback(GraphComponent):
    """Forces `nlu_fallback` for a message that shares no letter, digit or character with the
    training data (blank, emoji or punctuation only, an unknown script), or that is longer than
    `max_characters` (a pasted document is not a question the assistant can classify; the patient
    is asked to say it briefly).

    Such a message gives the classifier nothing to go on, so its guess would change from one
    training run to the next; a clear "I did not understand" is the honest answer. Emergency
    detection runs after this component and still wins.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Longest message the classifier is trusted with."""
        return {"max_characters": 300}

    def __init__(self, model_storage: ModelStorage, resource: Resource,
                 known: Optional[Set[str]] = None, max_characters: int = 300) -> None:
        self.max_characters = max_characters
        self._model_storage = model_storage
        self._resource = resource
        self.known: Set[str] = known or set()

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "UnknownInputFallback":
        """Creates an untrained component."""
        return cls(model_storage, resource, max_characters=config.get("max_characters", 300))

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "UnknownInputFallback":
        """Loads the characters seen in training."""
        try:
            with model_storage.read_from(resource) as directory:
                known = set(json.loads((directory / _FILE).read_text(encoding="utf-8")))
        except (ValueError, FileNotFoundError):
            known = set()
        return cls(model_storage, resource, known, max_characters=config.get("max_characters", 300))

    def train(self, training_data: TrainingData) -> Resource:
        """Remembers every meaningful character of the examples and lookup tables."""
        texts: List[str] = [m.get(TEXT) or "" for m in training_data.training_examples]
        texts += list(_lookup_elements(training_data.lookup_tables))
        known: Set[str] = set()
        for text in texts:
            known |= meaningful_characters(text)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / _FILE).write_text(json.dumps(sorted(known), ensure_ascii=False), encoding="utf-8")
        self.known = known
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to do for training data."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets the fallback intent when no character of the message is known."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str):
                continue
            too_long = len(text.strip()) > self.max_characters
            if not too_long and self.known and meaningful_characters(text) & self.known:
                continue
            if not too_long and not self.known and meaningful_characters(text):
                continue  # an untrained component never overrides a message with content
            top = {"name": FALLBACK_INTENT, "confidence": 1.0}
            ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != FALLBACK_INTENT]
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [top] + ranking, add_to_output=True)
        return messages


def _lookup_elements(tables: Iterable[Dict[str, Any]]) -> Iterable[str]:
    for table in tables or []:
        elements = table.get("elements")
        if isinstance(elements, list):
            yield from (str(e) for e in elements)
