"""actions.his_client against a live HIS test instance, and when the HIS is down."""
from __future__ import annotations

import datetime as dt
import http.server
import re
import socket
import sys
import threading
import time
import uuid
from typing import Iterator, List, Tuple
from zoneinfo import ZoneInfo

import pytest

from actions.his_client import HisClient, HisConfig, HisError, HisUnavailable, Verification, get_client

_PLUGIN_REGISTERED = "tests.fixtures_his" in sys.modules  # by tests/conftest.py's pytest_plugins
from tests.fixtures_his import HisInstance  # noqa: E402

if not _PLUGIN_REGISTERED:  # standalone run: bring the fixture in ourselves
    from tests.fixtures_his import his_service  # noqa: E402,F401

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def client(his_service: HisInstance) -> Iterator[HisClient]:  # noqa: F811
    his = HisClient(HisConfig(base_url=his_service.base_url, token=his_service.token))
    yield his
    his.close()


def _day(offset: int) -> str:
    return (dt.datetime.now(TZ).date() + dt.timedelta(days=offset)).isoformat()


def _verify_card(client: HisClient, his: HisInstance, key: str) -> Verification:
    patient = his.patient(key)
    return client.verify_card(card_no=patient["card_no"], name=patient["name"])


def _free_slot(client: HisClient, department: str, skip: int = 0) -> Tuple[dict, dict]:
    """A free slot at least two days ahead (far from the 2-hour change limit)."""
    rows = client.list_schedules(department=department, date_from=_day(2), available_only=True)
    schedule = rows[skip]
    slot = next(s for s in client.get_slots(schedule_id=schedule["schedule_id"])["slots"] if s["available"])
    return schedule, slot


# -- live service ---------------------------------------------------------------------------------

def test_catalogue(client: HisClient) -> None:
    assert client.health()["status"] == "ok"
    assert len(client.list_departments()) == 30
    assert client.resolve_department(name="心内科")["name"] == "心血管内科"
    assert client.resolve_department(name="火星科") is None
    doctors = client.find_doctors(department="骨科", name="张医生")
    assert [(d["name"], d["title"]) for d in doctors] == [("张建国", "主任医师")]


def test_schedules_and_slots(client: HisClient) -> None:
    rows = client.list_schedules(department="骨科", date_from=_day(0), date_to=_day(6), half_day="上午")
    assert rows and all(r["half_day"] == "morning" and r["department"]["name"] == "骨科" for r in rows)
    zhang = [r for r in rows if r["doctor"]["name"] == "张建国"]
    assert zhang and zhang[0]["fee"] == "50.00" and zhang[0]["location"] == "门诊楼3层C区"
    schedule, slot = _free_slot(client, "骨科")
    assert slot["remaining"] > 0 and slot["start_at"].endswith("+08:00")


def test_sms_verification_through_the_outbox(client: HisClient, his_service: HisInstance) -> None:  # noqa: F811
    mobile = his_service.patient("liu_fang")["mobile"]
    assert client.request_sms_code(mobile=mobile)["expires_in"] == 300
    body = client.outbox(recipient=mobile, kind="sms_code")[0]["body"]
    code = re.search(r"(\d{6})", body).group(1)  # type: ignore[union-attr]
    with pytest.raises(HisError) as wrong:
        client.verify_sms_code(mobile=mobile, code=f"{(int(code) + 1) % 10**6:06d}")
    assert wrong.value.code == "invalid_code" and wrong.value.details["attempts_left"] == 4
    verified = client.verify_sms_code(mobile=mobile, code=code)
    assert [p["name"] for p in verified.patients] == ["刘芳", "刘小宝"]
    child = verified.patients[1]["id"]
    assert client.list_appointments(patient_id=child, patient_token=verified.token)[0]["department"]["name"] == "儿科"


def test_book_retry_reschedule_cancel(client: HisClient, his_service: HisInstance) -> None:  # noqa: F811
    chen = _verify_card(client, his_service, "chen_xiaoming")
    schedule, slot = _free_slot(client, "眼科")
    key = uuid.uuid4().hex
    appt = client.book_appointment(patient_id=chen.patient_id, slot_id=slot["slot_id"],
                                   patient_token=chen.token, idempotency_key=key)
    retried = client.book_appointment(patient_id=chen.patient_id, slot_id=slot["slot_id"],
                                      patient_token=chen.token, idempotency_key=key)
    assert retried["id"] == appt["id"] and appt["status"] == "booked"
    assert client.get_slots(schedule_id=schedule["schedule_id"])["remaining"] == schedule["remaining"] - 1
    with pytest.raises(HisError) as dup:
        other = next(s for s in client.get_slots(schedule_id=schedule["schedule_id"])["slots"]
                     if s["available"] and s["slot_id"] != slot["slot_id"])
        client.book_appointment(patient_id=chen.patient_id, slot_id=other["slot_id"], patient_token=chen.token)
    assert dup.value.code == "duplicate_same_halfday" and dup.value.status == 409
    _, later = _free_slot(client, "眼科", skip=1)
    moved = client.reschedule_appointment(appointment_id=appt["id"], slot_id=later["slot_id"], patient_token=chen.token)
    assert moved["status"] == "rescheduled" and moved["slot_id"] == later["slot_id"]
    cancelled = client.cancel_appointment(appointment_id=appt["id"], patient_token=chen.token, reason="test")
    assert cancelled["status"] == "cancelled"
    assert appt["id"] not in [a["id"] for a in client.list_appointments(patient_id=chen.patient_id,
                                                                          patient_token=chen.token)]


def test_full_half_day_gives_alternatives(client: HisClient, his_service: HisInstance) -> None:  # noqa: F811
    chen = _verify_card(client, his_service, "chen_xiaoming")
    full = [r for r in client.list_schedules(department="心血管内科", date_from=_day(1), date_to=_day(7))
            if r["unavailable_reason"] == "slot_full"]
    assert full, "the seed books 王志强 out for the coming week"
    slot = client.get_slots(schedule_id=full[0]["schedule_id"])["slots"][0]
    with pytest.raises(HisError) as refused:
        client.book_appointment(patient_id=chen.patient_id, slot_id=slot["slot_id"], patient_token=chen.token)
    assert refused.value.code == "slot_full"
    assert refused.value.alternatives and refused.value.alternatives[0]["first_available_slot"]["available"]
    entry = client.join_waitlist(patient_id=chen.patient_id, schedule_id=full[0]["schedule_id"],
                                 patient_token=chen.token)
    assert entry["status"] == "waiting" and entry["position"] >= 1
    assert client.list_waitlist(patient_id=chen.patient_id, patient_token=chen.token)[0]["id"] == entry["id"]
    assert client.leave_waitlist(entry_id=entry["id"], patient_token=chen.token)["status"] == "cancelled"


def test_reports_and_patient_isolation(client: HisClient, his_service: HisInstance) -> None:  # noqa: F811
    wang = _verify_card(client, his_service, "wang_jianhua")
    pending = client.list_reports(patient_id=wang.patient_id, patient_token=wang.token, status="pending")
    assert [r["kind"] for r in pending] == ["CT"]
    chen = _verify_card(client, his_service, "chen_xiaoming")
    with pytest.raises(HisError) as forbidden:
        client.list_reports(patient_id=wang.patient_id, patient_token=chen.token)
    assert forbidden.value.code == "forbidden" and forbidden.value.status == 403
    with pytest.raises(HisError) as wrong:
        client.verify_card(card_no=his_service.patient("wang_jianhua")["card_no"], name="李四")
    assert wrong.value.code == "invalid_identity"


def test_wrong_service_token(his_service: HisInstance) -> None:  # noqa: F811
    bad = HisClient(HisConfig(base_url=his_service.base_url, token="wrong"))
    with pytest.raises(HisError) as refused:
        bad.list_departments()
    assert refused.value.code == "unauthorized" and refused.value.status == 401
    bad.close()


# -- service down ---------------------------------------------------------------------------------

def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once closed


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections (kernel backlog) but never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


@pytest.fixture
def failing_server() -> Iterator[Tuple[str, List[str]]]:
    """Answers 503 to everything and records each request's method."""
    seen: List[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _fail(self) -> None:
            seen.append(self.command)
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            body = b'{"code": "internal_error", "message": "boom"}'
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_DELETE = _fail  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def _down(url: str, timeout: float = 0.3) -> HisClient:
    return HisClient(HisConfig(base_url=url, token="t", connect_timeout=timeout, read_timeout=timeout,
                               backoff_factor=0))


def test_refused_connection() -> None:
    client = _down(f"http://127.0.0.1:{_closed_port()}")
    for call in (client.list_departments, lambda: client.request_sms_code(mobile="13800000001")):
        with pytest.raises(HisUnavailable):
            call()


def test_timeout_is_bounded(silent_server: str) -> None:
    client = _down(silent_server)
    started = time.monotonic()
    with pytest.raises(HisUnavailable, match="timed out"):
        client.list_departments()
    with pytest.raises(HisUnavailable):
        client.book_appointment(patient_id=1, slot_id=1, patient_token="x")
    assert time.monotonic() - started < 3  # read timeouts are not retried


def test_5xx_retries_get_but_never_post(failing_server: Tuple[str, List[str]]) -> None:
    url, seen = failing_server
    client = _down(url, timeout=2)
    with pytest.raises(HisUnavailable) as get_error:
        client.list_schedules(department="骨科")
    assert get_error.value.status == 503 and seen == ["GET"] * 3  # first try + 2 retries
    seen.clear()
    with pytest.raises(HisUnavailable):
        client.book_appointment(patient_id=1, slot_id=1, patient_token="x")
    with pytest.raises(HisUnavailable):
        client.cancel_appointment(appointment_id=1, patient_token="x")
    assert seen == ["POST", "POST"]


def test_no_io_at_import_and_config_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIS_BASE_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("HIS_API_TOKEN", "from-env")
    monkeypatch.setenv("HIS_TIMEOUT", "1.5")
    get_client.cache_clear()
    client = get_client()
    assert client.config.base_url == "http://127.0.0.1:9" and client.config.token == "from-env"
    assert client.config.read_timeout == 1.5 and client._reader is None  # nothing opened yet
    assert get_client() is client
    get_client.cache_clear()
