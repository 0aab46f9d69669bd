"""The project's tokenizer: normalisation, no whitespace tokens for mixed input, bounded length."""
from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from hospital_nlu.tokenizer import ChineseTokenizer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory) -> ChineseTokenizer:
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    config = {**ChineseTokenizer.get_default_config(), "dictionary_path": str(ROOT / "data" / "jieba")}
    return ChineseTokenizer.create(config, storage, Resource("tokenizer"),
                                   ExecutionContext(GraphSchema({}), "test"))


def tokens_of(tokenizer: ChineseTokenizer, text: str):
    message = Message(data={TEXT: text})
    tokenizer.process([message])
    return message, [t.text for t in message.get("text_tokens")]


def test_mixed_chinese_english_has_no_whitespace_tokens(tokenizer):
    _, words = tokens_of(tokenizer, "做个 CT 多少钱")
    assert "CT" in words
    assert all(w.strip() for w in words)


def test_offsets_point_into_the_original_text(tokenizer):
    original = "做個 ＣＴ 多少錢"
    message, _ = tokens_of(tokenizer, original)
    for token in message.get("text_tokens"):
        assert len(original[token.start:token.end]) == len(token.text)
    assert message.get(TEXT) == "做个 CT 多少钱"


def test_traditional_and_fullwidth_are_normalised(tokenizer):
    _, words = tokens_of(tokenizer, "掛號費多少")
    assert "".join(words) == "挂号费多少"


def test_known_typo_is_fixed(tokenizer):
    message, _ = tokens_of(tokenizer, "我想挂浩")
    assert message.get(TEXT) == "我想挂号"


def test_attached_english_word_is_not_split_inside(tokenizer):
    _, words = tokens_of(tokenizer, "HPV疫苗多少钱")
    assert words[0] in ("HPV", "HPV疫苗")
    _, spaced = tokens_of(tokenizer, "打 HPV 疫苗 多少钱")
    assert "HPV" in spaced and all(w.strip() for w in spaced)


@pytest.mark.parametrize("text", ["😀😀", "。。。", "   ", "<script>alert(1)</script>"])
def test_noise_only_input_still_gets_a_token(tokenizer, text):
    _, words = tokens_of(tokenizer, text)
    assert len(words) >= 1


def test_long_paste_is_capped(tokenizer):
    _, words = tokens_of(tokenizer, "我想问一下挂号的事情" * 500)
    assert len(words) == ChineseTokenizer.get_default_config()["max_tokens"]


def test_training_data_is_normalised_too(tokenizer):
    example = Message(data={TEXT: "醫保報銷", "intent": "ask_insurance"})
    tokenizer.process_training_data(TrainingData([example]))
    assert example.get(TEXT) == "医保报销"
