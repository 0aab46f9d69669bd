"""Departments (with alias resolution) and doctors."""
from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Query

from his.api.deps import Ctx, CtxDep, error_responses
from his.api.schemas import DepartmentOut, DoctorOut, department_out, doctor_out
from his.errors import HisError
from his.models import TITLES
from his.services import catalog

router = APIRouter(tags=["catalog"])


@router.get("/departments", response_model=List[DepartmentOut], responses=error_responses())
def list_departments(ctx: Ctx = CtxDep) -> List[DepartmentOut]:
    """All departments, in the hospital's order."""
    with ctx.db.read() as session:
        return [department_out(d) for d in catalog.list_departments(session)]


@router.get("/departments/resolve", response_model=DepartmentOut, responses=error_responses("not_found"))
def resolve_department(name: str = Query(min_length=1, max_length=32, examples=["心内科"]),
                       ctx: Ctx = CtxDep) -> DepartmentOut:
    """The canonical department for a name or alias (心内科 → 心血管内科)."""
    with ctx.db.read() as session:
        dept = catalog.resolve_department(session, name=name)
        if dept is None:
            raise HisError("not_found", "no department of that name", details={"name": name})
        return department_out(dept)


@router.get("/departments/{department_id}", response_model=DepartmentOut,
            responses=error_responses("not_found"))
def get_department(department_id: int, ctx: Ctx = CtxDep) -> DepartmentOut:
    with ctx.db.read() as session:
        return department_out(catalog.get_department(session, department_id=department_id))


@router.get("/doctors", response_model=List[DoctorOut], responses=error_responses("not_found"))
def list_doctors(department: Optional[str] = Query(None, max_length=32, description="id, name or alias"),
                 name: Optional[str] = Query(None, max_length=32, description="fuzzy: 张医生, 张建国主任"),
                 title: Optional[str] = Query(None, max_length=16, description=" / ".join(TITLES)),
                 ctx: Ctx = CtxDep) -> List[DoctorOut]:
    """Doctors filtered by department, title and fuzzy name (exact, then surname/prefix, then part)."""
    with ctx.db.read() as session:
        dept_id = catalog.department_by_ref(session, ref=department).id if department else None
        doctors = catalog.search_doctors(session, department_id=dept_id, name=name, title=title)
        return [doctor_out(d) for d in doctors]


@router.get("/doctors/{doctor_id}", response_model=DoctorOut, responses=error_responses("not_found"))
def get_doctor(doctor_id: int, ctx: Ctx = CtxDep) -> DoctorOut:
    with ctx.db.read() as session:
        return doctor_out(catalog.get_doctor(session, doctor_id=doctor_id))


