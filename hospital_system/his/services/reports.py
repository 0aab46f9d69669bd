"""Examination and lab reports of a patient."""
from __future__ import annotations

from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from his.errors import not_found
from his.models import Report


def list_reports(session: Session, *, patient_id: int, status: Optional[str] = None) -> List[Report]:
    query = select(Report).where(Report.patient_id == patient_id)
    if status:
        query = query.where(Report.status == status)
    return list(session.scalars(query.order_by(Report.ordered_on.desc(), Report.id.desc())).unique().all())


def get_report(session: Session, *, report_id: int, patient_ids: List[int]) -> Report:
    report = session.scalars(select(Report).where(Report.id == report_id,
                                                  Report.patient_id.in_(patient_ids))).unique().first()
    if report is None:
        raise not_found("report")
    return report
