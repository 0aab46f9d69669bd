"""The triage table is data: content staff add a symptom in data/triage/ without touching code."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from hospital_core.triage import (CANONICAL_DEPARTMENTS, KnowledgeError, get_knowledge, load_knowledge, reload,
                                  triage)

DATA = Path(__file__).resolve().parent.parent / "data" / "triage"


@pytest.fixture()
def table_copy(tmp_path) -> Path:
    folder = tmp_path / "triage"
    shutil.copytree(DATA, folder)
    return folder


def _write(path: Path, content) -> None:
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_symptom_added_in_a_data_file_is_triaged(table_copy):
    text = "最近老是流口水 嘴角还起皮"
    assert triage(text, data_folder=table_copy).first != "口腔科"
    _write(table_copy / "symptoms_staff.yml", {"symptoms": [
        {"id": "drooling", "terms": ["流口水", "嘴角起皮", "嘴角还起皮"], "to": {"口腔科": 4, "皮肤科": 1},
         "reason": {"口腔科": "流口水、口角起皮先到口腔科看看"}, "note": "测试备注"}]})
    result = triage(text, knowledge=load_knowledge(table_copy))
    assert result.first == "口腔科"
    assert result.departments[0].reason == "流口水、口角起皮先到口腔科看看"
    assert "测试备注" in result.notes
    assert {s.id for s in result.symptoms} == {"drooling"}


def test_a_department_reason_is_edited_in_data(table_copy):
    content = yaml.safe_load((table_copy / "departments.yml").read_text(encoding="utf-8"))
    content["departments"]["眼科"]["reason"] = "测试理由"
    _write(table_copy / "departments.yml", content)
    assert triage("眼睛干涩", knowledge=load_knowledge(table_copy)).departments[0].reason == "测试理由"


@pytest.mark.parametrize("entry, message", [
    ({"id": "x1", "terms": ["某症状"], "to": {"不存在科": 3}}, "unknown department"),
    ({"id": "cough", "terms": ["某症状"], "to": {"眼科": 3}}, "unique"),
    ({"id": "x2", "terms": ["re:(坏"], "to": {"眼科": 3}}, "bad regular expression"),
    ({"id": "x3", "to": {"眼科": 3}}, "needs"),
    ({"id": "x4", "terms": ["re:a*"], "to": {"眼科": 3}}, "empty string"),
])
def test_malformed_entries_fail_loudly(table_copy, entry, message):
    _write(table_copy / "symptoms_zz.yml", {"symptoms": [entry]})
    with pytest.raises(KnowledgeError, match=message):
        load_knowledge(table_copy)


def test_non_canonical_department_names_are_rejected(table_copy):
    content = yaml.safe_load((table_copy / "departments.yml").read_text(encoding="utf-8"))
    content["departments"]["心内科"] = content["departments"].pop("心血管内科")
    _write(table_copy / "departments.yml", content)
    with pytest.raises(KnowledgeError, match="canonical"):
        load_knowledge(table_copy)


def test_every_canonical_department_is_in_the_table_and_reachable():
    knowledge = get_knowledge()
    assert set(knowledge.departments) == set(CANONICAL_DEPARTMENTS)
    tops = {symptom.to[0][0] for symptom in knowledge.symptoms}
    assert set(CANONICAL_DEPARTMENTS) - {"急诊科"} <= tops      # 急诊科 comes from the detector
    assert triage("我爸晕倒了").first == "急诊科"


def test_aliases_map_onto_canonical_names():
    aliases = get_knowledge().aliases
    assert aliases["心内科"] == "心血管内科" and aliases["呼吸科"] == "呼吸内科"
    assert aliases["五官科"] == aliases["耳鼻喉"] == "耳鼻咽喉科"
    assert set(aliases.values()) <= set(CANONICAL_DEPARTMENTS)


def test_loaded_once_and_reloadable():
    first = get_knowledge()
    assert get_knowledge() is first
    reload()
    assert get_knowledge() is not first
