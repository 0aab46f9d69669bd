"""SMS one-time codes, card + name verification and verification tokens."""
from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import MutableClock

LI_MOBILE = "13800000001"


def _request(client: TestClient, mobile: str = LI_MOBILE):  # type: ignore[no-untyped-def]
    return client.post("/api/verification/sms-code", json={"mobile": mobile})


def _latest_code(client: TestClient, mobile: str = LI_MOBILE) -> str:
    messages = client.get("/api/outbox", params={"recipient": mobile, "kind": "sms_code"}).json()
    match = re.search(r"验证码为(\d{6})", messages[0]["body"])
    assert match, messages[0]["body"]
    return match.group(1)


def _verify(client: TestClient, code: str, mobile: str = LI_MOBILE):  # type: ignore[no-untyped-def]
    return client.post("/api/verification/sms-code/verify", json={"mobile": mobile, "code": code})


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_sms_code_round_trip(client: TestClient) -> None:
    response = _request(client)
    assert response.status_code == 202 and response.json() == {"sent": True, "expires_in": 300, "resend_after": 60}
    code = _latest_code(client)
    verified = _verify(client, code)
    assert verified.status_code == 200
    body = verified.json()
    assert [p["name"] for p in body["patients"]] == ["李秀英"] and body["patient_id"] == body["patients"][0]["id"]
    assert body["patients"][0]["mobile_masked"] == "138****0001"
    assert body["patients"][0]["id_number_masked"] == "1101**********1234"
    assert body["expires_at"] == "2026-09-21T08:00:00+08:00" and len(body["token"]) >= 32
    assert _verify(client, code).json()["code"] == "invalid_code"  # a code works once


def test_unknown_mobile_gets_the_same_answer_but_no_sms(client: TestClient) -> None:
    response = _request(client, "13912345678")
    assert response.status_code == 202
    assert client.get("/api/outbox", params={"recipient": "13912345678"}).json() == []
    assert _verify(client, "123456", "13912345678").json()["code"] == "invalid_code"


def test_invalid_mobile_is_rejected(client: TestClient) -> None:
    for mobile in ("12345", "23800000001", "1380000000１", "' OR 1=1"):
        assert _request(client, mobile).json()["code"] == "validation_error"


def test_five_wrong_codes_lock(client: TestClient, clock: MutableClock) -> None:
    _request(client)
    code = _latest_code(client)
    for left in (4, 3, 2, 1):
        response = _verify(client, _wrong(code))
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_code" and response.json()["details"]["attempts_left"] == left
    fifth = _verify(client, _wrong(code))
    assert fifth.status_code == 429 and fifth.json()["code"] == "too_many_attempts"
    assert _verify(client, code).json()["code"] == "too_many_attempts"  # even the right code now
    clock.advance(minutes=2)
    assert _request(client).json()["code"] == "too_many_attempts"  # locked for a while
    clock.advance(minutes=15)
    assert _request(client).status_code == 202
    assert _verify(client, _latest_code(client)).status_code == 200


def test_code_expires_after_five_minutes(client: TestClient, clock: MutableClock) -> None:
    _request(client)
    code = _latest_code(client)
    clock.advance(seconds=301)
    assert _verify(client, code).json()["code"] == "code_expired"


def test_resend_rate_limits(client: TestClient, clock: MutableClock) -> None:
    assert _request(client).status_code == 202
    too_soon = _request(client)
    assert too_soon.status_code == 429 and too_soon.json()["code"] == "resend_too_soon"
    assert 0 < too_soon.json()["details"]["retry_after"] <= 60
    for _ in range(4):
        clock.advance(seconds=61)
        assert _request(client).status_code == 202
    clock.advance(seconds=61)
    assert _request(client).json()["code"] == "resend_too_soon"  # 5 codes an hour at most
    clock.advance(hours=1)
    assert _request(client).status_code == 202


def test_only_the_latest_code_counts(client: TestClient, clock: MutableClock) -> None:
    _request(client)
    old = _latest_code(client)
    clock.advance(seconds=61)
    _request(client)
    new = _latest_code(client)
    if old != new:
        assert _verify(client, old).json()["code"] == "invalid_code"
    assert _verify(client, new).status_code == 200


def test_one_mobile_for_a_family(client: TestClient) -> None:
    _request(client, "13800000005")
    body = _verify(client, _latest_code(client, "13800000005"), "13800000005").json()
    assert [p["name"] for p in body["patients"]] == ["刘芳", "刘小宝"]
    for patient in body["patients"]:
        response = client.get(f"/api/patients/{patient['id']}", headers={"X-Patient-Token": body["token"]})
        assert response.status_code == 200 and response.json()["name"] == patient["name"]


def test_card_and_name(client: TestClient, clock: MutableClock) -> None:
    ok = client.post("/api/verification/card", json={"card_no": "200100000002", "name": "王 建华"})
    assert ok.status_code == 200 and ok.json()["patients"][0]["name"] == "王建华"
    for _ in range(4):
        wrong = client.post("/api/verification/card", json={"card_no": "200100000002", "name": "王建"})
        assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_identity"
    client.post("/api/verification/card", json={"card_no": "200100000002", "name": "王建"})
    locked = client.post("/api/verification/card", json={"card_no": "200100000002", "name": "王建华"})
    assert locked.status_code == 429 and locked.json()["code"] == "too_many_attempts"
    clock.advance(minutes=16)
    assert client.post("/api/verification/card", json={"card_no": "200100000002", "name": "王建华"}).status_code == 200
    unknown = client.post("/api/verification/card", json={"card_no": "999999999999", "name": "王建华"})
    assert unknown.json()["code"] == "invalid_identity"


def test_token_expires(client: TestClient, clock: MutableClock) -> None:
    body = client.post("/api/verification/card", json={"card_no": "200100000001", "name": "李秀英"}).json()
    headers = {"X-Patient-Token": body["token"]}
    assert client.get(f"/api/patients/{body['patient_id']}", headers=headers).status_code == 200
    clock.advance(minutes=31)
    expired = client.get(f"/api/patients/{body['patient_id']}", headers=headers)
    assert expired.status_code == 401 and expired.json()["code"] == "verification_expired"
