"""Symptom triage: free text (+ age, sex, pregnancy) → ranked departments with one-line reasons."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from hospital_core.safety import Detection, detect
from hospital_core.safety import context as safety_context
from hospital_core.safety.detector import get_lexicon
from hospital_core.text import normalize
from hospital_core.triage.knowledge import Knowledge, Symptom, get_knowledge
from hospital_core.triage.profile import Patient, build_patient

MAX_TEXT = 2000          # triage reads the first 2,000 characters (the detector reads everything)


@dataclass(frozen=True)
class SymptomMatch:
    """A symptom recognised in the message: entry id, span in the original text."""
    id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Recommendation:
    department: str                 # canonical department name
    score: float
    reason: str                     # one line, Chinese, from the data files
    symptoms: Tuple[str, ...]       # ids of the symptom entries that led here


@dataclass(frozen=True)
class TriageResult:
    departments: Tuple[Recommendation, ...]   # best first; empty when nothing matched
    ask: Tuple[str, ...]                      # of "age", "sex", "pregnant": asking would change the answer
    emergency: Optional[Detection]            # the safety detector's result (None: no emergency)
    notes: Tuple[str, ...]                    # Chinese notes from the data files
    symptoms: Tuple[SymptomMatch, ...]
    patient: Patient

    @property
    def first(self) -> Optional[str]:
        return self.departments[0].department if self.departments else None

    def to_dict(self) -> dict:
        """JSON for POST /api/triage."""
        return {
            "departments": [{"name": r.department, "score": round(r.score, 2), "reason": r.reason}
                            for r in self.departments],
            "emergency": None if self.emergency is None else self.emergency.to_dict(),
            "ask": list(self.ask), "notes": list(self.notes),
            "symptoms": [{"id": s.id, "start": s.start, "end": s.end, "text": s.text} for s in self.symptoms],
            "patient": {"age": self.patient.age, "sex": self.patient.sex, "pregnant": self.patient.pregnant},
        }


def find_symptoms(text: str, prepared: str, knowledge: Knowledge) -> List[Tuple[Symptom, SymptomMatch]]:
    """Every symptom entry in the message; overlapping words go to the longest; negated ones dropped."""
    candidates = []
    for order, symptom in enumerate(knowledge.symptoms):
        for m in symptom.regex.finditer(prepared):
            if m.end() > m.start():
                candidates.append((m.end() - m.start(), -m.start(), order, symptom, m.start(), m.end()))
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2]))
    taken: List[Tuple[int, int]] = []
    lexicon_context = get_lexicon().context
    segments = safety_context.Segments.of(prepared, lexicon_context)
    found = []
    for _, _, _, symptom, start, end in candidates:
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        if safety_context.is_negated(segments, start, lexicon_context):
            continue
        found.append((symptom, SymptomMatch(symptom.id, start, end, text[start:end])))
    found.sort(key=lambda f: f[1].start)
    return found


def rank(found: List[Tuple[Symptom, SymptomMatch]], patient: Patient, knowledge: Knowledge) -> List[Recommendation]:
    """Scores departments for one patient profile (pure function; used for the counterfactuals too)."""
    s, deps = knowledge.settings, knowledge.departments
    scores: Dict[str, float] = defaultdict(float)
    why: Dict[str, Tuple[float, Optional[str]]] = {}
    via: Dict[str, List[str]] = defaultdict(list)
    first_seen: Dict[str, int] = {}
    seen_ids = set()

    def add(dept: str, score: float, symptom: Symptom, reason: Optional[str]) -> None:
        scores[dept] += score
        first_seen.setdefault(dept, len(first_seen))
        if symptom.id not in via[dept]:
            via[dept].append(symptom.id)
        if dept not in why or score > why[dept][0]:
            why[dept] = (score, reason)

    for symptom, _ in found:
        if symptom.id in seen_ids:
            continue
        seen_ids.add(symptom.id)
        reasons = dict(symptom.reasons)
        for dept, score in symptom.to:
            add(dept, score, symptom, reasons.get(dept))
        if patient.pregnant and symptom.obstetric:
            add(s.obstetric_department, symptom.to[0][1] + 0.5, symptom, knowledge.notes.get("pregnant_reason"))
    if patient.is_child(s.pediatric_max_age):
        for dept in list(scores):
            if deps[dept].pediatric == "redirect" and scores[dept] > 0:
                moved = scores[dept]
                scores[dept] = moved * s.redirect_keep_factor
                scores[s.pediatric_department] += moved
                first_seen.setdefault(s.pediatric_department, first_seen[dept])
                via[s.pediatric_department].extend(i for i in via[dept] if i not in via[s.pediatric_department])
    out = []
    for dept, score in scores.items():
        info = deps[dept]
        if patient.age is not None and ((info.max_age is not None and patient.age > info.max_age)
                                        or (info.min_age is not None and patient.age < info.min_age)):
            continue
        if dept == s.pediatric_department and patient.age is None and not patient.child_words:
            score *= s.redirect_keep_factor
        if info.sex is not None:
            if patient.sex is not None and patient.sex != info.sex:
                continue
            if patient.sex is None:
                score *= s.unknown_sex_factor
        if score < s.min_score:
            continue
        reason = why.get(dept, (0, None))[1] or info.reason
        out.append(Recommendation(dept, score, reason, tuple(via[dept])))
    order = list(deps)
    out.sort(key=lambda r: (-round(r.score, 6), first_seen.get(r.department, 99), order.index(r.department)))
    return out


def _counterfactual_asks(found, patient: Patient, knowledge: Knowledge, top: Optional[str]) -> Tuple[str, ...]:
    """Which unknown facts would change the first recommendation."""
    s = knowledge.settings
    asks = []

    def first(p: Patient) -> Optional[str]:
        ranked = rank(found, p, knowledge)
        return ranked[0].department if ranked else None

    if not found:
        return ()
    if patient.age_source is None:
        if len({first(replace(patient, age=6.0)), first(replace(patient, age=40.0)), top}) > 1:
            asks.append("age")
    if patient.sex_source is None:
        if len({first(replace(patient, sex="male")), first(replace(patient, sex="female")), top}) > 1:
            asks.append("sex")
    lo, hi = s.pregnancy_ages
    if patient.pregnant_source is None and patient.sex != "male" and \
            (patient.age is None or lo <= patient.age <= hi) and not patient.is_child(s.pediatric_max_age):
        pregnant_female = replace(patient, pregnant=True, sex="female")
        if first(pregnant_female) != first(replace(patient, pregnant=False)):
            asks.append("pregnant")
    return tuple(asks)


def triage(text: str, *, age=None, sex=None, pregnant: Optional[bool] = None,
           knowledge: Optional[Knowledge] = None, data_folder: Optional[Path] = None) -> TriageResult:
    """Recommends departments for the symptoms in `text` (see TriageResult). Raises ValueError for an
    invalid age/sex/pregnant value; empty text gives an empty result."""
    knowledge = knowledge or get_knowledge(data_folder)
    text = "" if text is None else str(text)
    emergency = detect(text) if text.strip() else None
    head = text[:MAX_TEXT]
    normalised = normalize(head)
    prepared = safety_context.prepare(normalised, get_lexicon().context)
    patient = build_patient(prepared, knowledge.profile, age=age, sex=sex, pregnant=pregnant)
    found = find_symptoms(head, prepared, knowledge)
    ranked = rank(found, patient, knowledge)
    s, deps, notes = knowledge.settings, knowledge.departments, knowledge.notes
    out_notes: List[str] = []
    if emergency is not None:
        top_score = (ranked[0].score if ranked else 0) + 10
        first = [s.emergency_department]
        if not emergency.medical:          # self-harm without a medical emergency: 精神心理科, then 急诊科
            first.insert(0, s.mental_health_department)
        ranked = [r for r in ranked if r.department not in first]
        for i, dept in enumerate(first):
            ranked.insert(i, Recommendation(dept, top_score - i, deps[dept].reason, ()))
        if notes.get("emergency"):
            out_notes.append(notes["emergency"])
    ranked = ranked[:s.max_departments]
    top = ranked[0].department if ranked else None
    for symptom, _ in found:
        if symptom.note and symptom.note not in out_notes:
            out_notes.append(symptom.note)
    if patient.pregnant and top not in (None, s.obstetric_department) and notes.get("pregnant_other"):
        out_notes.append(notes["pregnant_other"])
    asks = () if emergency is not None else _counterfactual_asks(found, patient, knowledge, top)
    return TriageResult(tuple(ranked), asks, emergency, tuple(out_notes), tuple(m for _, m in found), patient)
