"""The editable tables and the domain agree: every placeholder has a value, vocabularies match tables."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Set

import pytest
import yaml

from actions import content
from hospital_core.text import normalize
from tests.test_actions_support import REPO, domain_dict

OWN_NLU_FILES = ["basics", "boundaries", "faq", "insurance", "prices", "services"]
# Responses filled from facts.yml alone (the FAQ answers and the fact-based service answers).
FACT_RESPONSES_PREFIX = "utter_faq/"
FACT_RESPONSES = [
    "utter_greet",
    "utter_human_hotline",
    "utter_fallback_hotline",
    "utter_service_booking",
    "utter_service_doctor",
    "utter_service_report",
    "utter_complaint_soothe",
]
CANONICAL_DEPARTMENTS = (
    "急诊科 心血管内科 呼吸内科 消化内科 神经内科 内分泌科 肾内科 血液科 风湿免疫科 感染科 全科医学科 普通外科 "
    "甲状腺外科 乳腺外科 肛肠外科 骨科 神经外科 泌尿外科 心胸外科 妇科 产科 儿科 眼科 耳鼻咽喉科 口腔科 皮肤科 "
    "精神心理科 康复医学科 中医科 体检中心"
).split()


@pytest.fixture(autouse=True)
def _fresh_tables():
    content.clear_cache()
    yield
    content.clear_cache()


def fact_responses() -> Dict[str, Set[str]]:
    """Placeholders of every response that is filled from facts only."""
    responses = domain_dict()["responses"]
    names = [n for n in responses if n.startswith(FACT_RESPONSES_PREFIX)] + FACT_RESPONSES
    return {name: content.placeholders(content.response_texts(domain_dict(), name)) for name in names}


def missing_facts() -> Dict[str, Set[str]]:
    """Response → placeholders that facts.yml does not provide."""
    available = set(content.facts())
    return {name: used - available for name, used in fact_responses().items() if used - available}


def lookup_tables() -> Dict[str, list]:
    tables = {}
    for path in sorted((REPO / "data" / "lookups").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "lookup" in block:
                tables[block["lookup"]] = [l.strip()[2:] for l in block["examples"].splitlines() if l.strip()]
    return tables


def synonyms() -> Dict[str, Dict[str, str]]:
    """Canonical value → {surface form: canonical}, per lookup file."""
    found: Dict[str, Dict[str, str]] = {}
    for path in sorted((REPO / "data" / "lookups").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "synonym" in block:
                for line in block["examples"].splitlines():
                    if line.strip():
                        found.setdefault(line.strip()[2:].lower(), {})[path.stem] = block["synonym"]
    return found


def canonical_values(entity: str) -> Set[str]:
    """Values the EntitySynonymMapper can output for an entity: lookup entries mapped through synonyms."""
    mapping = {surface: next(iter(targets.values())) for surface, targets in synonyms().items()}
    return {mapping.get(e.lower(), e) for e in lookup_tables()[entity]}


def test_every_fact_placeholder_exists():
    assert fact_responses(), "no fact-filled responses found"
    assert missing_facts() == {}


def test_a_missing_fact_is_caught(tmp_path, monkeypatch):
    shutil.copytree(REPO / "data" / "hospital", tmp_path / "hospital")
    facts_path = tmp_path / "hospital" / "facts.yml"
    table = yaml.safe_load(facts_path.read_text(encoding="utf-8"))
    del table["parking_fee"]
    facts_path.write_text(yaml.safe_dump(table, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("HOSPITAL_DATA_DIR", str(tmp_path))
    content.clear_cache()
    assert missing_facts() == {"utter_faq/parking": {"parking_fee"}}


def test_fact_values_are_safe_for_rasa_interpolation():
    # Rasa's interpolator gives up on texts containing "0[" or braces after filling.
    for key, value in content.facts().items():
        assert "{" not in value and "}" not in value and "0[" not in value, key
        assert value, f"empty fact {key}"


def test_department_table_uses_canonical_names():
    assert list(content.department_locations()) == CANONICAL_DEPARTMENTS
    assert canonical_values("department") == set(CANONICAL_DEPARTMENTS)
    assert len(content.department_directory().splitlines()) == len(CANONICAL_DEPARTMENTS)


def test_lookup_entries_come_before_their_prefixes():
    # A lookup table is one regex alternation: a shorter entry listed first would win ("核磁" in "核磁共振").
    for name, entries in lookup_tables().items():
        for i, entry in enumerate(entries):
            for later in entries[i + 1 :]:
                assert not later.lower().startswith(entry.lower()), f"{name}: {later!r} after {entry!r}"


def test_each_surface_form_has_one_meaning():
    conflicts = {s: t for s, t in synonyms().items() if len(set(t.values())) > 1}
    assert conflicts == {}


def test_annotated_entities_survive_normalisation():
    # The tokenizer normalises the text but not annotated values: "[胃鏡](x)" would teach 胃镜 → 胃鏡.
    pattern = re.compile(r"\[([^\]]+)\]\(")
    for stem in OWN_NLU_FILES:
        text = (REPO / "data" / "nlu" / f"{stem}.yml").read_text(encoding="utf-8")
        for span in pattern.findall(text):
            assert normalize(span) == span, f"{stem}.yml: annotate the normalised form of {span!r}"


def test_training_examples_are_short():
    for stem in OWN_NLU_FILES:
        for block in yaml.safe_load((REPO / "data" / "nlu" / f"{stem}.yml").read_text(encoding="utf-8"))["nlu"]:
            for line in (block.get("examples") or "").splitlines():
                plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip()[2:])
                assert len(plain) < 40, f"{stem}.yml: {plain}"


def test_actions_do_no_io_at_import(tmp_path):
    env = dict(os.environ, HOSPITAL_DATA_DIR=str(tmp_path / "nowhere"), PYTHONPATH=str(REPO))
    code = (
        "import actions.faq, actions.insurance, actions.prices, actions.fallback, actions.services\n"
        "import actions.content as c\nassert c._cache == {}, c._cache\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=str(tmp_path))


def test_tables_are_reloaded_when_edited(tmp_path, monkeypatch):
    shutil.copytree(REPO / "data" / "hospital", tmp_path / "hospital")
    monkeypatch.setenv("HOSPITAL_DATA_DIR", str(tmp_path))
    first = content.facts()["wifi_info"]
    path = tmp_path / "hospital" / "facts.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("SFYY-Free", "SFYY-Guest"), encoding="utf-8")
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
    assert "SFYY-Free" in first and "SFYY-Guest" in content.facts()["wifi_info"]


def test_foundation_actions_are_registered_and_named_by_convention():
    from rasa_sdk import Action

    import actions.fallback
    import actions.faq
    import actions.insurance
    import actions.prices
    import actions.services

    classes = {
        cls().name(): cls.__name__
        for module in (actions.faq, actions.insurance, actions.prices, actions.fallback, actions.services)
        for cls in vars(module).values()
        if isinstance(cls, type) and issubclass(cls, Action) and cls is not Action
    }
    for name, class_name in classes.items():
        assert class_name == "".join(part.capitalize() for part in name.split("_")), name
        assert name in domain_dict()["actions"], name
