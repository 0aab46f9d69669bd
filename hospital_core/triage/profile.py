"""Who the patient is: age, sex and pregnancy from the caller, or from the message itself.

When the message is about someone else (a mother logged in writes "孩子三岁发烧"), what it says wins
over the caller's profile, which describes the account holder; otherwise the caller's values win and
the message only fills the gaps (a man's profile keeps him out of 妇科 whatever he types).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import cn2an

from hospital_core.triage.knowledge import ProfileRules

_SEX_VALUES = {"male": "male", "m": "male", "男": "male", "female": "female", "f": "female", "女": "female"}


@dataclass(frozen=True)
class Patient:
    """The patient as triage understood it; `*_source` is "given", "text" or None (unknown)."""
    age: Optional[float] = None
    sex: Optional[str] = None            # "male" / "female"
    pregnant: Optional[bool] = None
    child_words: bool = False            # 宝宝, 孩子… in the message (a child, age unknown)
    age_source: Optional[str] = None
    sex_source: Optional[str] = None
    pregnant_source: Optional[str] = None

    def is_child(self, max_age: int) -> bool:
        if self.age is not None:
            return self.age <= max_age
        return self.child_words


def normalise_sex(value) -> Optional[str]:
    """"male"/"female" (also M/F/男/女, any case); None for unknown; ValueError for anything else."""
    if value is None or value == "":
        return None
    key = str(value).strip().lower()
    if key not in _SEX_VALUES:
        raise ValueError(f"sex must be male or female, got {value!r}")
    return _SEX_VALUES[key]


def _number(token: str) -> Optional[float]:
    try:
        return float(token) if token.isdigit() else float(cn2an.cn2an(token, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def age_from_text(text: str, rules: ProfileRules) -> Optional[float]:
    """The patient's age in years if the message states one (月龄 and 新生儿 give fractions of a year)."""
    ages = []
    if rules.newborn is not None and rules.newborn.search(text):
        ages.append(0.0)
    for regex, group in ((rules.months, 1), (rules.months_after_child, 3)):
        if regex is None:
            continue
        for m in regex.finditer(text):
            value = _number(m.group(group))
            if value is not None and value < 36:
                ages.append(round(value / 12, 2))
    if rules.years is not None:
        for m in rules.years.finditer(text):
            value = _number(m.group(1))
            if value is not None and value < 130:
                ages.append(value + (0.5 if m.group(4) else 0))
    if not ages:
        return None
    return min(ages) if rules.child is not None and rules.child.search(text) else ages[0]


def sex_from_text(text: str, rules: ProfileRules) -> Optional[str]:
    male = bool(rules.male and rules.male.search(text))
    female = bool(rules.female and rules.female.search(text))
    if male == female:
        return None
    return "male" if male else "female"


def pregnant_from_text(text: str, rules: ProfileRules) -> Optional[bool]:
    if rules.not_pregnant is not None and rules.not_pregnant.search(text):
        return False
    if rules.pregnant is not None and rules.pregnant.search(text):
        return True
    return None


def child_words(text: str, rules: ProfileRules) -> bool:
    if rules.child is None:
        return False
    masked = rules.not_child.sub(lambda m: " " * len(m.group(0)), text) if rules.not_child else text
    return rules.child.search(masked) is not None


def build_patient(text: str, rules: ProfileRules, *, age=None, sex=None, pregnant=None) -> Patient:
    """Combines the caller's values with what the (normalised) message says."""
    t_age, t_sex, t_preg = age_from_text(text, rules), sex_from_text(text, rules), pregnant_from_text(text, rules)
    if age is not None:
        age = float(age)
        if not 0 <= age < 130:
            raise ValueError(f"age must be between 0 and 130, got {age}")
    sex = normalise_sex(sex)
    if pregnant is not None and not isinstance(pregnant, bool):
        raise ValueError("pregnant must be true, false or null")
    about_someone_else = bool(rules.other_patient and rules.other_patient.search(text))

    def pick(text_value, given_value):
        if text_value is not None and (about_someone_else or given_value is None):
            return text_value, "text"
        return given_value, ("given" if given_value is not None else None)

    final_age, age_src = pick(t_age, age)
    final_sex, sex_src = pick(t_sex, sex)
    final_preg, preg_src = pick(t_preg, pregnant)
    if final_preg and final_sex is None:
        final_sex, sex_src = "female", "text"
    if final_sex == "male" and final_preg:
        final_preg, preg_src = False, sex_src
    return Patient(final_age, final_sex, final_preg, child_words(text, rules), age_src, sex_src, preg_src)
