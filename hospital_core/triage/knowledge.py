"""Loads the editable triage knowledge table in `data/triage/` (see data/triage/README.md).

- `departments.yml`  canonical departments (aliases, sex/age limits, what happens for children, the
                     default one-line reason), settings and notes;
- `profile.yml`      words that reveal the patient's age, sex or pregnancy in the message;
- `symptoms_*.yml`   symptom entries: the words patients use → departments with scores.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

import yaml

from hospital_core.safety.lexicon import _LOADER, Compiler, LexiconError

CANONICAL_DEPARTMENTS = (
    "急诊科", "心血管内科", "呼吸内科", "消化内科", "神经内科", "内分泌科", "肾内科", "血液科", "风湿免疫科", "感染科",
    "全科医学科", "普通外科", "甲状腺外科", "乳腺外科", "肛肠外科", "骨科", "神经外科", "泌尿外科", "心胸外科", "妇科",
    "产科", "儿科", "眼科", "耳鼻咽喉科", "口腔科", "皮肤科", "精神心理科", "康复医学科", "中医科", "体检中心",
)


class KnowledgeError(LexiconError):
    """The triage data files are malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Department:
    name: str
    aliases: Tuple[str, ...]
    reason: str
    sex: Optional[str] = None              # "female" / "male" / None
    min_age: Optional[int] = None
    max_age: Optional[int] = None
    pediatric: str = "keep"                # "keep" or "redirect" (to the pediatric department)


@dataclass(frozen=True)
class Symptom:
    id: str
    regex: re.Pattern
    to: Tuple[Tuple[str, float], ...]      # (department, score), best first
    obstetric: bool = False
    note: Optional[str] = None
    reasons: Tuple[Tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Settings:
    pediatric_department: str
    pediatric_max_age: int
    obstetric_department: str
    emergency_department: str
    fallback_department: str
    mental_health_department: str
    unknown_sex_factor: float
    redirect_keep_factor: float
    min_score: float
    max_departments: int
    pregnancy_ages: Tuple[int, int]


@dataclass(frozen=True)
class ProfileRules:
    other_patient: Optional[re.Pattern]
    child: Optional[re.Pattern]
    not_child: Optional[re.Pattern]
    male: Optional[re.Pattern]
    female: Optional[re.Pattern]
    pregnant: Optional[re.Pattern]
    not_pregnant: Optional[re.Pattern]
    years: Optional[re.Pattern]
    months: Optional[re.Pattern]
    months_after_child: Optional[re.Pattern]
    newborn: Optional[re.Pattern]


@dataclass(frozen=True)
class Knowledge:
    departments: Dict[str, Department]
    symptoms: Tuple[Symptom, ...]
    settings: Settings
    notes: Dict[str, str]
    profile: ProfileRules
    aliases: Dict[str, str]
    source: Path


def _read(path: Path) -> dict:
    try:
        content = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(content, dict):
        raise KnowledgeError(f"{path}: expected a mapping at the top level")
    return content


def _departments(path: Path, raw: dict) -> Dict[str, Department]:
    result: Dict[str, Department] = {}
    for name, entry in (raw.get("departments") or {}).items():
        entry = entry or {}
        if name not in CANONICAL_DEPARTMENTS:
            raise KnowledgeError(f"{path}: {name} is not a canonical department name")
        if entry.get("sex") not in (None, "female", "male"):
            raise KnowledgeError(f"{path}: {name}: sex must be female or male")
        if entry.get("pediatric", "keep") not in ("keep", "redirect"):
            raise KnowledgeError(f"{path}: {name}: pediatric must be keep or redirect")
        if not entry.get("reason"):
            raise KnowledgeError(f"{path}: {name}: a reason is required")
        result[name] = Department(name, tuple(entry.get("aliases") or ()), str(entry["reason"]),
                                  entry.get("sex"), entry.get("min_age"), entry.get("max_age"),
                                  entry.get("pediatric", "keep"))
    missing = [d for d in CANONICAL_DEPARTMENTS if d not in result]
    if missing:
        raise KnowledgeError(f"{path}: departments missing: {missing}")
    return result


def _settings(path: Path, raw: dict, departments) -> Settings:
    s = raw.get("settings") or {}
    try:
        settings = Settings(
            s["pediatric_department"], int(s["pediatric_max_age"]), s["obstetric_department"],
            s["emergency_department"], s["fallback_department"], s["mental_health_department"], float(s.get("unknown_sex_factor", 0.6)),
            float(s.get("redirect_keep_factor", 0.3)), float(s.get("min_score", 0.8)), int(s.get("max_departments", 5)),
            tuple(s.get("pregnancy_ages", (12, 55))))
    except KeyError as exc:
        raise KnowledgeError(f"{path}: settings.{exc.args[0]} is required") from exc
    for name in (settings.pediatric_department, settings.obstetric_department,
                 settings.emergency_department, settings.fallback_department,
                 settings.mental_health_department):
        if name not in departments:
            raise KnowledgeError(f"{path}: settings name an unknown department {name}")
    return settings


def _symptoms(folder: Path, departments, compiler: Compiler) -> Tuple[Symptom, ...]:
    symptoms, seen = [], set()
    files = sorted(folder.glob("symptoms*.yml"))
    if not files:
        raise KnowledgeError(f"{folder}: no symptoms*.yml files")
    for path in files:
        for entry in _read(path).get("symptoms") or []:
            sid = str(entry.get("id", ""))
            where = f"{path}: symptom {sid or '?'}"
            compiler.where = where
            if not re.fullmatch(r"[a-z][a-z0-9_]*", sid) or sid in seen:
                raise KnowledgeError(f"{where}: id must be unique snake_case")
            seen.add(sid)
            if not entry.get("terms") or not entry.get("to"):
                raise KnowledgeError(f"{where}: needs `terms` and `to`")
            to = []
            for dept, score in entry["to"].items():
                if dept not in departments:
                    raise KnowledgeError(f"{where}: unknown department {dept}")
                to.append((dept, float(score)))
            reasons = tuple((str(k), str(v)) for k, v in (entry.get("reason") or {}).items())
            for dept, _ in reasons:
                if dept not in departments:
                    raise KnowledgeError(f"{where}: reason for unknown department {dept}")
            try:
                regex = compiler.compile(entry["terms"])
            except KnowledgeError:
                raise
            except LexiconError as exc:
                raise KnowledgeError(str(exc)) from exc
            if regex.search("") is not None:
                raise KnowledgeError(f"{where}: a term matches the empty string")
            symptoms.append(Symptom(sid, regex, tuple(sorted(to, key=lambda t: -t[1])),
                                    bool(entry.get("obstetric", False)), entry.get("note"), reasons))
    return tuple(symptoms)


def _profile(path: Path, compiler: Compiler) -> ProfileRules:
    raw = _read(path) if path.exists() else {}
    ages = raw.get("age_patterns") or {}
    compiler.where = str(path)

    def opt(items):
        try:
            return compiler.optional(items)
        except LexiconError as exc:
            raise KnowledgeError(str(exc)) from exc
    return ProfileRules(opt(raw.get("other_patient_words")), opt(raw.get("child_words")), opt(raw.get("not_child")), opt(raw.get("male_words")),
                        opt(raw.get("female_words")), opt(raw.get("pregnant_words")),
                        opt(raw.get("not_pregnant_words")), opt(ages.get("years")), opt(ages.get("months")),
                        opt(ages.get("months_after_child")), opt(ages.get("newborn")))


def load_knowledge(folder: Optional[Path] = None) -> Knowledge:
    """Reads and validates `data/triage/` (or `folder`)."""
    if folder is None:
        from hospital_core.paths import data_dir
        folder = data_dir() / "triage"
    folder = Path(folder)
    raw = _read(folder / "departments.yml")
    departments = _departments(folder / "departments.yml", raw)
    settings = _settings(folder / "departments.yml", raw, departments)
    compiler = Compiler({}, str(folder))
    symptoms = _symptoms(folder, departments, compiler)
    aliases = {alias: d.name for d in departments.values() for alias in d.aliases}
    aliases.update({d: d for d in departments})
    notes = {str(k): str(v) for k, v in (raw.get("notes") or {}).items()}
    return Knowledge(departments, symptoms, settings, notes, _profile(folder / "profile.yml", compiler),
                     aliases, folder)


_lock = threading.Lock()
_cache: Dict[str, Knowledge] = {}


def get_knowledge(folder: Optional[Path] = None) -> Knowledge:
    """The knowledge table, loaded once per folder (default: data_dir()/triage)."""
    if folder is None:
        from hospital_core.paths import data_dir
        folder = data_dir() / "triage"
    key = str(folder)
    knowledge = _cache.get(key)
    if knowledge is None:
        with _lock:
            if key not in _cache:
                _cache[key] = load_knowledge(Path(folder))
            knowledge = _cache[key]
    return knowledge


def reload() -> None:
    """Forget every loaded table (the next call reads the data files again)."""
    with _lock:
        _cache.clear()
