"""Symptom triage (智能分诊): free text → ranked departments, from the table in data/triage/.

    from hospital_core.triage import triage
    r = triage("孩子三岁发烧两天")        # r.departments[0].department == "儿科"
    r = triage("小肚子疼")                # r.ask == ("sex", ...): the answer depends on it
"""
from hospital_core.triage.engine import Recommendation, SymptomMatch, TriageResult, triage
from hospital_core.triage.knowledge import (CANONICAL_DEPARTMENTS, Knowledge, KnowledgeError, get_knowledge,
                                            load_knowledge, reload)
from hospital_core.triage.profile import Patient

__all__ = ["CANONICAL_DEPARTMENTS", "Knowledge", "KnowledgeError", "Patient", "Recommendation", "SymptomMatch",
           "TriageResult", "get_knowledge", "load_knowledge", "reload", "triage"]
