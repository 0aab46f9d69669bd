"""The red-flag lexicon is data: content staff change behaviour by editing data/safety/, not code."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from hospital_core.safety import LexiconError, detect, get_lexicon, load_lexicon, reload

DATA = Path(__file__).resolve().parent.parent / "data" / "safety"


@pytest.fixture()
def lexicon_copy(tmp_path) -> Path:
    folder = tmp_path / "safety"
    shutil.copytree(DATA, folder)
    return folder


def _edit(path: Path, change) -> None:
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_word_added_to_a_data_file_is_detected(lexicon_copy):
    text = "我爸刚才背过身去就起不来了 一动不动"       # not in the shipped lexicon
    assert detect(text) is None

    def add(content):
        content["patterns"].append({"id": "unconscious.staff_added", "any": ["一动不动"]})
    _edit(lexicon_copy / "patterns" / "unconscious.yml", add)
    d = detect(text, lexicon=load_lexicon(lexicon_copy))
    assert d.category == "unconscious"
    assert d.evidence[0].pattern_id == "unconscious.staff_added"
    assert text[d.evidence[0].start:d.evidence[0].end] == "一动不动"


def test_a_new_service_name_silences_a_false_alarm(lexicon_copy):
    text = "晕厥门诊周六开吗"
    assert detect(text) is not None

    def add(content):
        content["service_names"].append("晕厥门诊")
    _edit(lexicon_copy / "context.yml", add)
    assert detect(text, lexicon=load_lexicon(lexicon_copy)) is None


def test_a_hint_text_is_edited_in_data(lexicon_copy):
    def change(content):
        content["hints"]["stroke"] = "测试用提示：记下发病时间。"
    _edit(lexicon_copy / "hints.yml", change)
    d = detect("我妈嘴歪了", lexicon=load_lexicon(lexicon_copy))
    assert d.hint == "测试用提示：记下发病时间。"


def test_category_priority_comes_from_the_data_order(lexicon_copy):
    text = "我爸晕倒了 没有呼吸了"
    assert detect(text).category == "cardiac_arrest"

    def swap(content):
        cats = content["categories"]
        ids = [c["id"] for c in cats]
        i, j = ids.index("cardiac_arrest"), ids.index("unconscious")
        cats[i], cats[j] = cats[j], cats[i]
    _edit(lexicon_copy / "categories.yml", swap)
    assert detect(text, lexicon=load_lexicon(lexicon_copy)).category == "unconscious"


@pytest.mark.parametrize("file, change, message", [
    ("patterns/stroke.yml", lambda c: c["patterns"].append({"id": "stroke.bad", "any": ["re:(嘴歪"]}),
     "bad regular expression"),
    ("patterns/stroke.yml", lambda c: c["patterns"].append({"id": "stroke.face_droop", "any": ["x"]}), "used twice"),
    ("patterns/stroke.yml", lambda c: c["patterns"].append({"id": "stroke.g", "any": ["@no_such_group"]}),
     "unknown group"),
    ("patterns/stroke.yml", lambda c: c["patterns"].append({"id": "stroke.h", "any": ["x"], "hint": "nope"}),
     "unknown hint"),
    ("patterns/stroke.yml", lambda c: c["patterns"].append({"id": "stroke.e", "any": ["re:a?"]}), "empty string"),
    ("patterns/stroke.yml", lambda c: c.update(category="not_a_category"), "not in categories.yml"),
    ("categories.yml", lambda c: c["categories"][0].update(kind="other"), "kind must be"),
])
def test_malformed_data_fails_loudly_naming_the_entry(lexicon_copy, file, change, message):
    _edit(lexicon_copy / file, change)
    with pytest.raises(LexiconError, match=message):
        load_lexicon(lexicon_copy)


def test_loaded_once_and_reloadable():
    first = get_lexicon()
    assert get_lexicon() is first
    reload()
    assert get_lexicon() is not first


def test_shipped_lexicon_covers_every_issue_category():
    required = {"cardiac_arrest", "unconscious", "breathing", "chest_pain", "stroke", "major_bleeding", "poisoning",
                "convulsion", "shock", "severe_trauma", "anaphylaxis", "pregnancy_emergency",
                "infant_fever_convulsion", "major_burn", "self_harm"}
    lexicon = load_lexicon(DATA)
    assert required <= set(lexicon.categories)
    assert lexicon.categories["self_harm"].kind == "self_harm"
    assert all(lexicon.categories[c].kind == "medical" for c in required - {"self_harm"})
    for pattern in lexicon.patterns:
        assert pattern.id.startswith(pattern.category + "."), pattern.id
