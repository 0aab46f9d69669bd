"""Jieba tokenizer for patients' Chinese: normalised text, no whitespace tokens, bounded length."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from hospital_core.text import normalize

# A token made only of spaces, punctuation or symbols carries nothing for intents or entities.
_NOISE = re.compile(r"^[\s\W_]+$", re.UNICODE)
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class ChineseTokenizer(JiebaTokenizer):
    """JiebaTokenizer that normalises the text first and drops whitespace/punctuation tokens.

    - The message text is replaced by its length-preserving normal form (full-width → half-width,
      traditional → simplified, known typos fixed), so every later component (regex and lookup
      entity extraction, featurizers) sees one spelling, and offsets stay valid for the original.
    - Jieba returns whitespace runs as tokens for mixed Chinese/English input ("做个 CT 多少钱",
      rasa issue 7910); those and punctuation-only tokens are dropped.
    - At inference at most `max_tokens` tokens are kept, so a long pasted message costs a bounded
      amount (safety checks read the full text separately).
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Jieba's defaults plus the token cap."""
        return {**JiebaTokenizer.get_default_config(), "max_tokens": 64}

    def _normalize(self, message: Message) -> None:
        text = message.get(TEXT)
        if isinstance(text, str) and text:
            message.set(TEXT, normalize(text))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Normalises and tokenizes all training examples."""
        for example in training_data.training_examples:
            self._normalize(example)
        return super().process_training_data(training_data)

    def process(self, messages: List[Message]) -> List[Message]:
        """Normalises and tokenizes incoming messages."""
        for message in messages:
            self._normalize(message)
        return super().process(messages)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Jieba tokens without whitespace/punctuation/emoji-only tokens, capped in number."""
        import jieba

        text = message.get(attribute) or ""
        tokens = [
            Token(word, start)
            for (word, start, _end) in jieba.tokenize(text)
            if not _NOISE.match(word) and not _EMOJI.fullmatch(word)
        ]
        if not tokens:
            # Featurizers need at least one token; keep the first character so the message is
            # still classified (most likely as fallback) instead of failing.
            stripped = text.strip()
            first = stripped[:1] or " "
            tokens = [Token(first, max(text.find(first), 0))]
        limit: Optional[int] = self._config.get("max_tokens")
        if limit and attribute == TEXT and len(tokens) > limit:
            tokens = tokens[:limit]
        return self._apply_token_pattern(tokens)
