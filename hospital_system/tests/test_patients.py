"""A patient's own data: profile, reports (pending/ready), and isolation between patients."""
from __future__ import annotations

from typing import Callable

import pytest
from fastapi.testclient import TestClient


def test_reports_of_the_verified_patient(client: TestClient, verify: Callable[[str, str], dict]) -> None:
    li = verify("200100000001", "李秀英")
    reports = client.get(f"/api/patients/{li['patient_id']}/reports", headers={"X-Patient-Token": li["token"]}).json()
    assert {r["kind"] for r in reports} == {"血常规", "心电图"} and all(r["status"] == "ready" for r in reports)
    blood = next(r for r in reports if r["kind"] == "血常规")
    assert blood["ready_at"].endswith("+08:00") and blood["online_url"].startswith("https://")
    assert blood["pickup_place"] == "门诊楼1层自助打印机" and blood["category"] == "检验"


def test_pending_and_filter(client: TestClient, verify: Callable[[str, str], dict]) -> None:
    wang = verify("200100000002", "王建华")
    headers = {"X-Patient-Token": wang["token"]}
    pending = client.get(f"/api/patients/{wang['patient_id']}/reports", params={"status": "pending"},
                         headers=headers).json()
    assert [(r["kind"], r["status"], r["ready_at"]) for r in pending] == [("CT", "pending", None)]
    assert pending[0]["expected_ready_at"] == "2026-09-22T15:00:00+08:00"
    one = client.get(f"/api/patients/{wang['patient_id']}/reports/{pending[0]['id']}", headers=headers)
    assert one.json()["report_no"] == pending[0]["report_no"]


def test_a_patient_never_sees_another_patients_data(client: TestClient, verify: Callable[[str, str], dict]) -> None:
    li, wang = verify("200100000001", "李秀英"), verify("200100000002", "王建华")
    li_headers = {"X-Patient-Token": li["token"]}
    wang_reports = client.get(f"/api/patients/{wang['patient_id']}/reports",
                              headers={"X-Patient-Token": wang["token"]}).json()
    for path in ("", "/reports", "/appointments", "/waitlist", f"/reports/{wang_reports[0]['id']}"):
        response = client.get(f"/api/patients/{wang['patient_id']}{path}", headers=li_headers)
        assert response.status_code == 403 and response.json()["code"] == "forbidden", path
    # Another patient's report id under one's own id is simply not found.
    response = client.get(f"/api/patients/{li['patient_id']}/reports/{wang_reports[0]['id']}", headers=li_headers)
    assert response.status_code == 404


@pytest.mark.parametrize("token", ["", "garbage", "x" * 5000])
def test_patient_data_needs_a_valid_token(client: TestClient, verify: Callable[[str, str], dict], token: str) -> None:
    li = verify("200100000001", "李秀英")
    response = client.get(f"/api/patients/{li['patient_id']}/reports", headers={"X-Patient-Token": token})
    assert response.status_code == 401 and response.json()["code"] == "verification_required"


def test_profile_is_masked(client: TestClient, verify: Callable[[str, str], dict]) -> None:
    zhao = verify("200100000004", "赵丽娟")
    body = client.get(f"/api/patients/{zhao['patient_id']}", headers={"X-Patient-Token": zhao["token"]}).json()
    assert body == {"id": zhao["patient_id"], "name": "赵丽娟", "gender": "女", "mobile_masked": "138****0004",
                    "card_no": "200100000004", "id_number_masked": "3101**********2468", "insurance_type": "商业保险"}
