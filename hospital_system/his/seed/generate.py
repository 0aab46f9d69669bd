"""Deterministic demo data: the catalogue, four weeks of schedules from today (Asia/Shanghai), a
realistic booking level made of background patients' appointments, and the demo patients of
``demo_patients.json`` with their appointments, reports and waitlist entries."""
from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from his.holidays import public_holiday_name
from his.models import (Appointment, Department, DepartmentAlias, Doctor, Patient, RegistrationFee, Report,
                        Schedule, TimeSlot, WaitlistEntry)
from his.seed import catalog_data as cd
from his.services.appointments import new_appointment_no
from his.settings import Settings

RANDOM_SEED = 20261123
DEMO_PATIENTS_FILE = Path(__file__).with_name("demo_patients.json")
PAST_DAYS, FUTURE_DAYS = 7, 28
BACKGROUND_PATIENTS = 240
SLOT_TEMPLATES = {"morning": (dt.time(8, 0), 8), "afternoon": (dt.time(13, 30), 7), "evening": (dt.time(18, 0), 4)}
CAPACITY_BY_TITLE = {"主任医师": 2, "副主任医师": 3, "主治医师": 4, "住院医师": 4}
FULL_DOCTOR, FULL_DAYS = "王志强", 7  # famous: fully booked for the coming week
NEVER_FULL = {"张建国", "周晓燕"}  # demo doctors that always have places


def load_demo_patients() -> List[Dict[str, Any]]:
    return json.loads(DEMO_PATIENTS_FILE.read_text(encoding="utf-8"))["patients"]


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Department))


@dataclass
class _Ctx:
    session: Session
    rng: random.Random
    settings: Settings
    now: dt.datetime
    today: dt.date
    departments: Dict[str, Department]
    doctors: List[Tuple[Doctor, List[Tuple[int, str]]]]


def seed_database(session: Session, *, settings: Settings, now: dt.datetime) -> Dict[str, int]:
    """Fill an empty database. Same output for the same date: the random seed is fixed."""
    rng = random.Random(RANDOM_SEED)
    ctx = _Ctx(session, rng, settings, now, now.astimezone(settings.tz).date(), {}, [])
    session.add_all(RegistrationFee(title=t, fee_fen=f) for t, f in cd.FEES_FEN.items())
    _departments(ctx)
    _doctors(ctx)
    schedules = _schedules(ctx)
    background = _patients(ctx, _background_patients(ctx))
    _background_bookings(ctx, schedules, background)
    _demo_patients(ctx)
    session.flush()
    counts = {name: session.scalar(select(func.count()).select_from(model)) or 0 for name, model in (
        ("departments", Department), ("doctors", Doctor), ("schedules", Schedule), ("slots", TimeSlot),
        ("patients", Patient), ("appointments", Appointment), ("reports", Report))}
    return counts


def _departments(ctx: _Ctx) -> None:
    for order, (name, category, location, bookable, aliases, _) in enumerate(cd.DEPARTMENTS, start=1):
        dept = Department(name=name, category=category, location=location, accepts_appointments=bookable,
                          phone=f"0000-8888{order:04d}", sort_order=order,
                          description=f"{name}门诊，位于{location}。")
        dept.aliases = [DepartmentAlias(alias=a) for a in aliases]
        ctx.session.add(dept)
        ctx.departments[name] = dept
    ctx.session.flush()


def _random_name(rng: random.Random, used: set, avoid_surname: str = "") -> str:
    while True:
        surname = rng.choice(cd.SURNAMES.replace(avoid_surname, "") if avoid_surname else cd.SURNAMES)
        name = surname + "".join(rng.choice(cd.GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
        if name not in used:
            used.add(name)
            return name


def _doctors(ctx: _Ctx) -> None:
    rng, used = ctx.rng, {d[1] for d in cd.FIXED_DOCTORS}
    weekly = [(wd, hd) for wd in range(1, 6) for hd in ("morning", "afternoon")] + [(6, "morning")]
    evening_depts = {"儿科", "皮肤科", "口腔科"}
    for name, _, _, _, _, specialties in cd.DEPARTMENTS:
        dept = ctx.departments[name]
        fixed = [d for d in cd.FIXED_DOCTORS if d[0] == name]
        wanted = max(len(fixed), rng.choice((2, 3, 3, 4)))
        rows = [(d[1], d[2], d[3], d[4], d[5]) for d in fixed]
        for _ in range(wanted - len(fixed)):
            title = rng.choice(("主任医师", "副主任医师", "副主任医师", "主治医师", "主治医师", "住院医师"))
            pattern = rng.sample(weekly, rng.randint(2, 4))
            if name in evening_depts and rng.random() < 0.6:
                pattern.append((rng.choice((2, 4)), "evening"))
            rows.append((_random_name(rng, used, "张" if name == "骨科" else ""), rng.choice("男女"), title,
                         rng.sample(specialties, min(2, len(specialties))), sorted(pattern)))
        for doc_name, gender, title, specs, pattern in rows:
            bio = cd.BIO_TEMPLATE.format(title=title, department=name, years=rng.randint(5, 30),
                                         specialties="、".join(specs))
            doctor = Doctor(department_id=dept.id, name=doc_name, gender=gender, title=title,
                            specialties=list(specs), bio=bio)
            ctx.session.add(doctor)
            ctx.doctors.append((doctor, [] if not dept.accepts_appointments else list(pattern)))
    ctx.session.flush()


def _schedules(ctx: _Ctx) -> List[Schedule]:
    rng, created = ctx.rng, []
    for offset in range(-PAST_DAYS, FUTURE_DAYS):
        day = ctx.today + dt.timedelta(days=offset)
        holiday = public_holiday_name(day)
        for doctor, pattern in ctx.doctors:
            for weekday, half_day in pattern:
                if weekday != day.isoweekday():
                    continue
                status, note = "open", ""
                if holiday:
                    status = "holiday"
                elif offset > 1 and doctor.name not in NEVER_FULL | {FULL_DOCTOR} and rng.random() < 0.03:
                    status, note = "closed", rng.choice(cd.CLOSED_NOTES)
                schedule = Schedule(doctor_id=doctor.id, department_id=doctor.department_id, date=day,
                                    half_day=half_day, status=status, holiday_name=holiday,
                                    location=ctx.departments[doctor.department.name].location, note=note)
                start, count = SLOT_TEMPLATES[half_day]
                first = dt.datetime.combine(day, start)
                schedule.slots = [TimeSlot(seq=i + 1, capacity=CAPACITY_BY_TITLE[doctor.title], booked=0,
                                           start_time=(first + dt.timedelta(minutes=30 * i)).time(),
                                           end_time=(first + dt.timedelta(minutes=30 * (i + 1))).time())
                                  for i in range(count)]
                ctx.session.add(schedule)
                created.append(schedule)
    ctx.session.flush()
    return created


def _background_patients(ctx: _Ctx) -> List[Dict[str, Any]]:
    rng, used, rows = ctx.rng, set(), []
    regions = ("1101", "3101", "4401", "3201", "5101", "4201", "3301", "6101")
    for i in range(BACKGROUND_PATIENTS):
        rows.append({"name": _random_name(rng, used), "gender": rng.choice("男女"),
                     "mobile": f"139{rng.randrange(10**8):08d}", "card_no": f"2002{i + 1:08d}",
                     "id_number_masked": f"{rng.choice(regions)}**********{rng.randrange(10**4):04d}",
                     "insurance_type": rng.choice(("城镇职工医保", "城乡居民医保", "城镇职工医保", "自费"))})
    return rows


def _patients(ctx: _Ctx, rows: List[Dict[str, Any]]) -> List[int]:
    result = ctx.session.execute(insert(Patient).returning(Patient.id),
                                 [dict(r, created_at=ctx.now) for r in rows])
    return list(result.scalars())


def _fill_ratio(ctx: _Ctx, schedule: Schedule, doctor: Doctor) -> float:
    days = (schedule.date - ctx.today).days
    if doctor.name == FULL_DOCTOR and days < FULL_DAYS:
        return 1.0
    base = max(0.05, 0.85 - 0.06 * days) + (0.1 if doctor.title == "主任医师" else 0.0)
    if doctor.name in NEVER_FULL:
        return min(base, 0.5)
    return 1.0 if ctx.rng.random() < 0.06 else min(base, 0.95)


def _background_bookings(ctx: _Ctx, schedules: List[Schedule], patient_ids: List[int]) -> None:
    """Book places for background patients so counters equal real appointments."""
    rng, rows = ctx.rng, []
    last_day = ctx.today + dt.timedelta(days=ctx.settings.booking_window_days)
    doctors = {d.id: d for d, _ in ctx.doctors}
    pools: Dict[Tuple[int, dt.date, str], List[int]] = {}
    for schedule in schedules:
        if schedule.status != "open" or not ctx.today <= schedule.date <= last_day:
            continue
        ratio = _fill_ratio(ctx, schedule, doctors[schedule.doctor_id])
        pool = pools.setdefault((schedule.department_id, schedule.date, schedule.half_day),
                                rng.sample(patient_ids, len(patient_ids)))
        for slot in schedule.slots:
            slot.booked = slot.capacity if ratio >= 1.0 else sum(rng.random() < ratio for _ in range(slot.capacity))
            for _ in range(slot.booked):
                rows.append(_appointment_row(ctx, pool.pop(), slot, schedule, "booked"))
    if rows:
        ctx.session.execute(insert(Appointment), rows)


def _appointment_row(ctx: _Ctx, patient_id: int, slot: TimeSlot, schedule: Schedule, status: str) -> Dict[str, Any]:
    created = ctx.now - dt.timedelta(hours=ctx.rng.randint(1, 24 * 7))
    return {"appointment_no": new_appointment_no(schedule.date, ctx.rng), "patient_id": patient_id,  # type: ignore[arg-type]
            "slot_id": slot.id, "schedule_id": schedule.id, "doctor_id": schedule.doctor_id,
            "department_id": schedule.department_id, "visit_date": schedule.date,
            "half_day": schedule.half_day, "status": status, "channel": "window",
            "created_at": created, "updated_at": created}


def _find_schedule(ctx: _Ctx, spec: Dict[str, Any], *, need_place: bool, full: bool = False) -> Schedule:
    dept = ctx.departments[spec["department"]]
    query = select(Schedule).join(Doctor).where(Schedule.department_id == dept.id, Schedule.status == "open")
    if spec.get("doctor"):
        query = query.where(Doctor.name == spec["doctor"])
    if "days_ago" in spec:
        query = query.where(Schedule.date <= ctx.today - dt.timedelta(days=spec["days_ago"]))
        query = query.order_by(Schedule.date.desc(), Schedule.id)
    else:
        query = query.where(Schedule.date >= ctx.today + dt.timedelta(days=spec["after_days"]))
        query = query.order_by(Schedule.date, Schedule.id)
    for schedule in ctx.session.scalars(query).unique():
        free = sum(s.capacity - s.booked for s in schedule.slots)
        if (full and free == 0) or (not full and (free > 0 or not need_place)):
            return schedule
    raise RuntimeError(f"demo seed: no schedule for {spec}")


def _demo_patients(ctx: _Ctx) -> None:
    for spec in load_demo_patients():
        patient = Patient(name=spec["name"], gender=spec["gender"], mobile=spec["mobile"], card_no=spec["card_no"],
                          id_number_masked=spec["id_number_masked"], insurance_type=spec["insurance_type"],
                          created_at=ctx.now - dt.timedelta(days=400))
        ctx.session.add(patient)
        ctx.session.flush()
        for appt in spec.get("appointments", []):
            schedule = _find_schedule(ctx, appt, need_place=True)
            slot = next(s for s in schedule.slots if s.booked < s.capacity)
            slot.booked += 1
            row = _appointment_row(ctx, patient.id, slot, schedule, appt["status"])
            ctx.session.add(Appointment(**dict(row, channel="chatbot")))
        for wait in spec.get("waitlist", []):
            schedule = _find_schedule(ctx, wait, need_place=False, full=True)
            ctx.session.add(WaitlistEntry(patient_id=patient.id, schedule_id=schedule.id, status="waiting",
                                          created_at=ctx.now - dt.timedelta(hours=5)))
        for number, rep in enumerate(spec.get("reports", []), start=1):
            ctx.session.add(_report(ctx, patient, rep, number))
        ctx.session.flush()


def _report(ctx: _Ctx, patient: Patient, rep: Dict[str, Any], number: int) -> Report:
    ordered_on = ctx.today - dt.timedelta(days=rep["ordered_days_ago"])
    ordered_at = dt.datetime.combine(ordered_on, dt.time(9, 0), tzinfo=ctx.settings.tz)
    prefix = "JY" if rep["category"] == "检验" else "JC"
    report_no = f"{prefix}{ordered_on:%y%m%d}{patient.id % 1000:03d}{number}"
    ready_at: Optional[dt.datetime] = None
    expected: Optional[dt.datetime] = None
    if rep["status"] == "ready":
        ready_at = ordered_at + dt.timedelta(hours=rep["ready_hours_after"])
    else:
        expected = ordered_at + dt.timedelta(hours=rep["expected_hours_after_order"])
    return Report(report_no=report_no, patient_id=patient.id, department_id=ctx.departments[rep["department"]].id,
                  kind=rep["kind"], category=rep["category"], ordered_on=ordered_on, status=rep["status"],
                  expected_ready_at=expected, ready_at=ready_at, pickup_place=rep["pickup_place"],
                  online_url=f"https://report.demo-hospital.example/r/{report_no}" if rep["online"] else None,
                  summary=rep["summary"])
