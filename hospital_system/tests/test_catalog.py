"""Departments with alias resolution and doctors with fuzzy names (service and API)."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from his.db import Database
from his.services import catalog

CANONICAL = ["急诊科", "心血管内科", "呼吸内科", "消化内科", "神经内科", "内分泌科", "肾内科", "血液科", "风湿免疫科",
             "感染科", "全科医学科", "普通外科", "甲状腺外科", "乳腺外科", "肛肠外科", "骨科", "神经外科", "泌尿外科",
             "心胸外科", "妇科", "产科", "儿科", "眼科", "耳鼻咽喉科", "口腔科", "皮肤科", "精神心理科", "康复医学科",
             "中医科", "体检中心"]


def test_departments_are_exactly_the_canonical_ones(client: TestClient) -> None:
    body = client.get("/api/departments").json()
    assert [d["name"] for d in body] == CANONICAL
    ortho = next(d for d in body if d["name"] == "骨科")
    assert ortho["location"].startswith("门诊楼") and "层" in ortho["location"]
    assert next(d for d in body if d["name"] == "急诊科")["accepts_appointments"] is False


@pytest.mark.parametrize("text,expected", [
    ("心内科", "心血管内科"), ("呼吸科", "呼吸内科"), ("五官科", "耳鼻咽喉科"), ("耳鼻喉", "耳鼻咽喉科"),
    ("骨科门诊", "骨科"), (" 骨 科 ", "骨科"), ("心血管", "心血管内科"), ("牙科", "口腔科"), ("儿科", "儿科"),
])
def test_resolve_department_aliases(db: Database, text: str, expected: str) -> None:
    with db.read() as session:
        dept = catalog.resolve_department(session, name=text)
        assert dept is not None and dept.name == expected


@pytest.mark.parametrize("text", ["", "外", "不存在科", "' OR 1=1 --", "😀" * 10])
def test_resolve_department_unknown(db: Database, text: str) -> None:
    with db.read() as session:
        assert catalog.resolve_department(session, name=text) is None


def test_resolve_endpoint(client: TestClient) -> None:
    assert client.get("/api/departments/resolve", params={"name": "心内科"}).json()["name"] == "心血管内科"
    missing = client.get("/api/departments/resolve", params={"name": "火星科"})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    too_long = client.get("/api/departments/resolve", params={"name": "科" * 500})
    assert too_long.status_code == 422


@pytest.mark.parametrize("query", ["张医生", "张建国", "张建国主任", "张主任", "建国", "张大夫"])
def test_fuzzy_doctor_name_in_orthopaedics(client: TestClient, query: str) -> None:
    found = client.get("/api/doctors", params={"department": "骨科", "name": query}).json()
    assert [(d["name"], d["title"], d["fee"]) for d in found] == [("张建国", "主任医师", "50.00")]


def test_doctor_search_filters(client: TestClient) -> None:
    everyone = client.get("/api/doctors").json()
    assert len(everyone) >= 60
    zhang = client.get("/api/doctors", params={"name": "张医生"}).json()
    assert all(d["name"].startswith("张") for d in zhang) and len(zhang) >= 1
    chiefs = client.get("/api/doctors", params={"department": "心内科", "title": "主任医师"}).json()
    assert chiefs and all(d["title"] == "主任医师" and d["department"]["name"] == "心血管内科" for d in chiefs)
    assert client.get("/api/doctors", params={"department": "骨科", "name": "不存在"}).json() == []
    assert client.get("/api/doctors", params={"department": "火星科"}).json()["code"] == "not_found"


def test_doctor_name_query_strips_how_patients_address_doctors() -> None:
    assert catalog.doctor_name_query("张医生") == "张"
    assert catalog.doctor_name_query("王志强主任医师") == "王志强"
    assert catalog.doctor_name_query("医生") == "医生"


def test_get_doctor_and_department_by_id(client: TestClient) -> None:
    doctor = client.get("/api/doctors", params={"name": "张建国"}).json()[0]
    assert client.get(f"/api/doctors/{doctor['id']}").json()["specialties"]
    assert client.get(f"/api/departments/{doctor['department']['id']}").json()["name"] == "骨科"
    assert client.get("/api/doctors/999999").json()["code"] == "not_found"
