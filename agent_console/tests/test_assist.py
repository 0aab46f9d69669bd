"""Agent assist: FAQ answers from the bot's domain + facts, similar resolved chats, the API."""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

import pytest
from fastapi.testclient import TestClient

from console.services import assist
from console.settings import SERVICE_DIR

REPO_ROOT = SERVICE_DIR.parent


@pytest.fixture(scope="module")
def entries():  # type: ignore[no-untyped-def]
    found = assist.faq_entries(REPO_ROOT)
    if not found:
        pytest.skip("the repository's domain.yml has no utter_faq/* responses")
    return found


@pytest.mark.parametrize("messages, topic", [
    (["你好，请问停车怎么收费，我开车过来"], "parking"),
    (["医院地址在哪"], "address"),
    (["报告多久能出来"], "report_time"),
    (["能开病假条吗"], "sick_certificate"),
    (["醫院地址"], "address"),  # full-width/traditional variants still match by characters
    (["在吗", "你们医院具体地址是什么？"], "address"),  # the latest message counts most
])
def test_faq_matches_the_patients_last_messages(entries, messages, topic) -> None:  # type: ignore[no-untyped-def]
    found = assist.match_faq(messages, entries=entries)
    assert found and found[0]["topic"] == topic


def test_faq_answers_have_the_facts_filled_in(entries) -> None:  # type: ignore[no-untyped-def]
    parking = assist.match_faq(["停车怎么收费"], entries=entries)[0]
    assert parking["topic"] == "parking"
    assert "{" not in parking["text"] and "前30分钟免费" in parking["text"]
    assert all("{" not in e.answer for e in entries)


@pytest.mark.parametrize("messages", [["谢谢"], ["我胸口疼得厉害"], [""], ["   "], ["😀😀"], []])
def test_no_faq_for_unrelated_or_empty_messages(entries, messages) -> None:  # type: ignore[no-untyped-def]
    assert assist.match_faq(messages, entries=entries) == []


def test_faq_reads_a_project_directory_and_rereads_on_change(tmp_path: Path) -> None:
    (tmp_path / "data/hospital").mkdir(parents=True)
    (tmp_path / "data/nlu").mkdir(parents=True)
    (tmp_path / "domain.yml").write_text(textwrap.dedent("""\
        responses:
          utter_faq/wifi:
            - text: "无线网络名称{wifi_name}，{unknown}"
          utter_greet:
            - text: "你好"
        """), encoding="utf-8")
    (tmp_path / "data/hospital/facts.yml").write_text("wifi_name: HOSPITAL-FREE\n", encoding="utf-8")
    (tmp_path / "data/nlu/faq.yml").write_text(textwrap.dedent("""\
        nlu:
        - intent: faq/wifi
          examples: |
            - 医院有[无线网](thing)吗
            - wifi密码是多少
        """), encoding="utf-8")
    found = assist.faq_entries(tmp_path)
    assert [e.topic for e in found] == ["wifi"]
    assert found[0].title == "医院有无线网吗" and found[0].answer == "无线网络名称HOSPITAL-FREE，{unknown}"
    assert assist.match_faq(["WiFi密码多少"], entries=found)[0]["topic"] == "wifi"
    (tmp_path / "data/hospital/facts.yml").write_text("wifi_name: NEW-NAME\n", encoding="utf-8")
    import os
    os.utime(tmp_path / "data/hospital/facts.yml", (1, 1))
    assert "NEW-NAME" in assist.faq_entries(tmp_path)[0].answer
    assert assist.faq_entries(tmp_path / "missing") == ()


def _closed_chat(bot: TestClient, agent: TestClient, conversation_id: str, patient: str, reply: str,
                 code: str = "info_provided", topic: str = "") -> int:
    hid = bot.post("/api/handoffs", json={"conversation_id": conversation_id, "reason": "request_human",
                                          "group": "general", "topic": topic}).json()["handoff_id"]
    assert agent.get(f"/api/handoffs/{hid}").status_code == 200  # auto-assigned to the only agent online
    assert bot.post(f"/api/conversations/{conversation_id}/messages", json={"text": patient}).status_code == 201
    assert agent.post(f"/api/handoffs/{hid}/messages", json={"text": reply}).status_code == 201
    assert agent.post(f"/api/handoffs/{hid}/close", json={"resolution_code": code, "note": ""}).status_code == 200
    return hid


def test_assist_api_offers_faq_and_similar_resolved_chats(bot: TestClient, login: Callable[[str], TestClient],
                                                          fake_rasa) -> None:  # type: ignore[no-untyped-def]
    agent = login("agent01")
    similar = _closed_chat(bot, agent, "c-old1", "住院押金怎么退？出院了", "出院结算后凭押金条到住院部1层窗口办理退款。")
    _closed_chat(bot, agent, "c-old2", "想投诉一下挂号难", "已为您登记。")
    hid = bot.post("/api/handoffs", json={"conversation_id": "c-new", "reason": "request_human",
                                          "group": "general"}).json()["handoff_id"]
    assert agent.get(f"/api/handoffs/{hid}").json()["handoff"]["assigned_agent_no"] == "1001"  # auto-assigned
    bot.post("/api/conversations/c-new/messages", json={"text": "你好"})
    bot.post("/api/conversations/c-new/messages", json={"text": "请问出院以后押金怎么退"})
    out = agent.get(f"/api/handoffs/{hid}/assist").json()
    assert out["queries"] == ["你好", "请问出院以后押金怎么退"]
    assert out["faq"][0]["topic"] == "deposit_refund"
    assert [s["handoff_id"] for s in out["similar"]] == [similar]
    assert out["similar"][0]["replies"] == ["出院结算后凭押金条到住院部1层窗口办理退款。"]
    assert out["similar"][0]["resolution_code"] == "info_provided"
    # a search term instead of the patient's messages
    searched = agent.get(f"/api/handoffs/{hid}/assist", params={"q": "停车收费"}).json()
    assert searched["faq"][0]["topic"] == "parking" and searched["similar"] == []


def test_assist_is_refused_for_a_chat_of_another_agent(bot: TestClient, login: Callable[[str], TestClient],
                                                        fake_rasa) -> None:  # type: ignore[no-untyped-def]
    agent01, agent02 = login("agent01"), login("agent02", status="busy")
    hid = bot.post("/api/handoffs", json={"conversation_id": "c-x", "reason": "request_human",
                                          "group": "appointment"}).json()["handoff_id"]
    assert agent01.get(f"/api/handoffs/{hid}").status_code == 200  # auto-assigned to agent01
    r = agent02.get(f"/api/handoffs/{hid}/assist")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"


def test_web_ui_is_served_with_a_strict_content_security_policy(app_factory) -> None:  # type: ignore[no-untyped-def]
    client = app_factory()
    root = client.get("/", follow_redirects=False)
    assert root.status_code == 307 and root.headers["location"] == "/console/"
    page = client.get("/console/")
    assert page.status_code == 200 and "坐席登录" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'self'" in csp
    for name in ("workbench.html", "supervisor.html", "tickets.html", "common.js", "workbench.js", "app.css"):
        assert client.get(f"/console/{name}").status_code == 200, name


def test_web_scripts_never_insert_data_as_html() -> None:
    for path in (SERVICE_DIR / "web").glob("*.js"):
        source = path.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in source, f"{path.name} uses {sink}"
    for path in (SERVICE_DIR / "web").glob("*.html"):
        source = path.read_text(encoding="utf-8")
        assert "http://" not in source and "https://" not in source, f"{path.name} loads from elsewhere"
