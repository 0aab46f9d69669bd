"""Departments (with alias resolution) and doctors (with fuzzy name search)."""
from __future__ import annotations

import re
import time
from typing import Dict, List, Optional, Sequence, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from his.errors import not_found
from his.models import Department, DepartmentAlias, Doctor

_DEPT_SUFFIXES = ("门诊部", "门诊", "专科")
_DOCTOR_SUFFIXES = ("主任医师", "副主任医师", "主治医师", "住院医师", "主任", "医生", "大夫", "医师",
                    "教授", "老师", "专家")
_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub("", text or "").strip()


def list_departments(session: Session) -> Sequence[Department]:
    return session.scalars(select(Department).order_by(Department.sort_order, Department.id)).all()


def get_department(session: Session, *, department_id: int) -> Department:
    dept = session.get(Department, department_id)
    if dept is None:
        raise not_found("department")
    return dept


def resolve_department(session: Session, *, name: str) -> Optional[Department]:
    """Canonical department for a name or alias (心内科→心血管内科, 骨科门诊→骨科), else None.

    Order: exact name, exact alias, the same without a 门诊/专科 suffix, then a unique department
    whose name contains the text (心血管→心血管内科)."""
    text = _norm(name)
    if not text:
        return None
    candidates = [text]
    for suffix in _DEPT_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            candidates.append(text[: -len(suffix)])
    for cand in candidates:
        dept = session.scalar(select(Department).where(Department.name == cand))
        if dept is None:
            dept = session.scalar(select(Department).join(DepartmentAlias)
                                  .where(DepartmentAlias.alias == cand))
        if dept is not None:
            return dept
    if len(text) >= 2:
        matches = session.scalars(select(Department).where(Department.name.contains(text))).all()
        if len(matches) == 1:
            return matches[0]
    return None


def department_by_ref(session: Session, *, ref: str) -> Department:
    """A department from an id ("16") or a name/alias ("心内科"); not_found otherwise."""
    ref = _norm(ref)
    dept = session.get(Department, int(ref)) if ref.isdigit() else resolve_department(session, name=ref)
    if dept is None:
        raise not_found("department")
    return dept


_REF_CACHE: Dict[Tuple[int, str], Tuple[float, int]] = {}
REF_CACHE_SECONDS = 60.0


def department_id_by_ref(session: Session, *, ref: str) -> int:
    """``department_by_ref(...).id``, remembered for a minute per engine (the hot path of schedule
    queries; departments and aliases only change through a deployment's admin tools)."""
    key = (id(session.get_bind()), ref)
    hit = _REF_CACHE.get(key)
    if hit is not None and time.monotonic() - hit[0] < REF_CACHE_SECONDS:
        return hit[1]
    dept_id = department_by_ref(session, ref=ref).id
    if len(_REF_CACHE) > 10_000:
        _REF_CACHE.clear()
    _REF_CACHE[key] = (time.monotonic(), dept_id)
    return dept_id


def doctor_name_query(text: str) -> str:
    """"张医生" → "张", "张建国主任" → "张建国": the name part of how patients refer to doctors."""
    text = _norm(text)
    changed = True
    while changed:
        changed = False
        for suffix in _DOCTOR_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, changed = text[: -len(suffix)], True
    return text


def search_doctors(session: Session, *, department_id: Optional[int] = None, name: Optional[str] = None,
                   title: Optional[str] = None) -> List[Doctor]:
    """Doctors filtered by department, title and fuzzy name.

    The name is matched exactly first, then as a prefix (surname: "张医生"), then anywhere."""
    query = select(Doctor).order_by(Doctor.department_id, Doctor.id)
    if department_id is not None:
        query = query.where(Doctor.department_id == department_id)
    if title:
        query = query.where(Doctor.title == title)
    if not name or not doctor_name_query(name):
        return list(session.scalars(query).unique().all())
    text = doctor_name_query(name)
    for condition in (Doctor.name == text, Doctor.name.startswith(text, autoescape=True),
                      Doctor.name.contains(text, autoescape=True)):
        found = list(session.scalars(query.where(condition)).unique().all())
        if found:
            return found
    return []


def get_doctor(session: Session, *, doctor_id: int) -> Doctor:
    doctor = session.get(Doctor, doctor_id)
    if doctor is None:
        raise not_found("doctor")
    return doctor
