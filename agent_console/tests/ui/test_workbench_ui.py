"""The workbench, tickets and supervisor pages in a real headless Chromium against a live console."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from playwright.sync_api import expect

from ui.support import LiveConsole, screenshot, sign_in

Page = Any


def open_workbench(new_page: Callable[[], Page], live: LiveConsole, username: str, status: str = "online") -> Page:
    """Sign in through the form, set the status with the top-bar switch, wait for the live socket."""
    page = new_page()
    sign_in(page, live, username)
    page.wait_for_url("**/workbench.html*")
    if status:
        label = {"online": "在线", "busy": "忙碌", "away": "离开"}[status]
        page.click(f"#status-switch button[data-status={status}]")
        expect(page.locator(f"#status-switch button[data-status={status}]")).to_have_attribute("aria-pressed", "true")
        expect(page.locator(".toast").last).to_contain_text(label)
    expect(page.locator("#ws-state")).to_have_class("ws-state up")
    page.evaluate("window.__noReload = 'still here'")
    return page


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__noReload") == "still here"


def accept_first(page: Page, handoff_id: int) -> None:
    page.click(f"#queue li[data-handoff-id='{handoff_id}'] button.accept")
    expect(page.locator("#chat")).to_be_visible()
    expect(page.locator("#chat-meta")).to_contain_text(f"#{handoff_id}")


def test_sign_in_refuses_a_bad_password(live: LiveConsole, new_page: Callable[[], Page]) -> None:
    page = new_page()
    sign_in(page, live, "agent01", "wrong-password")
    expect(page.locator("#login-error")).to_be_visible()
    expect(page.locator("#login-error")).to_contain_text("用户名或密码错误")
    assert page.url.endswith("/console/")
    assert page.evaluate("fetch('/api/auth/me').then(r => r.status)") == 401
    sign_in(page, live, "agent01")
    page.wait_for_url("**/workbench.html*")
    expect(page.locator("#who")).to_contain_text("1001")
    # the session survives a reload (CSRF token fetched again)
    page.reload()
    expect(page.locator("#who")).to_contain_text("1001")
    page.click("text=退出")
    page.wait_for_url("**/index.html")
    page.goto(live.page_url("workbench.html"))
    page.wait_for_url("**/index.html")


def test_queue_is_live_and_accept_shows_the_whole_history(live: LiveConsole, new_page: Callable[[], Page]) -> None:
    # an earlier, closed chat of the same patient
    agent02 = live.agent("agent02")
    earlier = live.request_handoff("conv-old", topic="报告查询", group="general", patient_ref="p-li")
    page = open_workbench(new_page, live, "agent01")
    assert agent02.post(f"/api/handoffs/{earlier['handoff_id']}/accept").status_code == 200
    assert agent02.post(f"/api/handoffs/{earlier['handoff_id']}/close",
                        json={"resolution_code": "info_provided", "note": ""}).status_code == 200
    expect(page.locator("#queue li.queue-item")).to_have_count(0)

    live.fake_rasa.load_tracker("tracker_handoff.json", "conv-li")
    created = live.request_handoff("conv-li", topic="骨科预约改期", group="appointment", identity_verified=True,
                                   patient_display="李** 138****0001", patient_ref="p-li",
                                   summary="患者想改约骨科张建国医生")
    item = page.locator(f"#queue li[data-handoff-id='{created['handoff_id']}']")
    expect(item).to_be_visible(timeout=3000)  # pushed over the websocket, no reload
    assert_not_reloaded(page)
    expect(item).to_contain_text("预约挂号")
    expect(item).to_contain_text("骨科预约改期")
    expect(item).to_contain_text("已核验身份")
    expect(item.locator(".wait")).to_contain_text("已等")

    accept_first(page, created["handoff_id"])
    expect(page.locator("#chat-patient")).to_have_text("李** 138****0001")
    history = page.locator("#history-body")
    expect(history).to_contain_text("我想挂骨科张建国的号")
    expect(history).to_contain_text("意图：book_appointment")
    expect(history).to_contain_text("请问您想预约哪一天？")
    expect(page.locator("#key-slots")).to_contain_text("骨科")
    expect(page.locator("#key-slots")).to_contain_text("张建国")
    expect(page.locator("#earlier li")).to_have_count(1)
    expect(page.locator("#earlier")).to_contain_text("已结束")
    # numbers the patient typed are masked in the history
    assert "13800000001" not in page.locator("#transcript").inner_text()
    assert "handoff_assigned" in live.fake_rasa.intents()


def test_patient_messages_arrive_at_once_and_replies_reach_rasa(live: LiveConsole, new_page: Callable[[], Page],
                                                                 tmp_path: Path) -> None:
    page = open_workbench(new_page, live, "agent01")
    live.fake_rasa.load_tracker("tracker_handoff.json", "conv-park")
    created = live.request_handoff("conv-park", topic="停车咨询", group="general",
                                   patient_display="王** 139****5678", summary="患者询问停车")
    accept_first(page, created["handoff_id"])
    expect(page.locator("#history-body")).to_contain_text("我想挂骨科张建国的号")
    bot = live.bot
    assert bot.post("/api/conversations/conv-park/typing").status_code == 204
    expect(page.locator("#typing")).to_be_visible()
    assert bot.post("/api/conversations/conv-park/messages",
                    json={"text": "你好，请问停车怎么收费？我开车过来"}).status_code == 201
    expect(page.locator("#messages .msg-patient")).to_contain_text("请问停车怎么收费", timeout=2000)
    assert_not_reloaded(page)

    # agent assist: the parking FAQ answer (facts filled in), inserted with one click
    faq = page.locator("#assist .assist-item.faq[data-topic='parking']")
    expect(faq).to_be_visible()
    expect(faq).to_contain_text("前30分钟免费")
    faq.locator("button.insert").click()
    expect(page.locator("#message-box")).to_have_value(lambda_contains("前30分钟免费"))

    # canned replies picker
    page.select_option("#canned", label="稍候")
    expect(page.locator("#message-box")).to_have_value(lambda_contains("正在为您查询"))
    screenshot(page, "workbench.png", tmp_path)

    page.fill("#message-box", "您好，停车前30分钟免费，之后每小时3元。")
    page.press("#message-box", "Enter")
    expect(page.locator("#messages .msg-agent")).to_contain_text("每小时3元")
    expect(page.locator("#messages .msg-agent .msg-meta")).to_contain_text("坐席 1001")
    sent = [c for c in live.fake_rasa.calls if c["path"] == "/conversations/conv-park/trigger_intent"
            and c["body"]["name"] == "agent_message"]
    assert sent and sent[-1]["body"]["entities"] == {"text": "您好，停车前30分钟免费，之后每小时3元。", "agent_no": "1001"}
    expect(page.locator("#message-box")).to_have_value("")

    # finish: close with a resolution code and a note
    page.click("[data-finish=close]")
    page.select_option("#finish-code", "info_provided")
    page.fill("#finish-note", "已告知停车收费")
    page.click("#finish-confirm")
    expect(page.locator("#chat-empty")).to_contain_text("会话已结束")
    expect(page.locator("#mine li.mine-item")).to_have_count(0)
    closed = [c for c in live.fake_rasa.calls if c["body"] and c["body"].get("name") == "handoff_closed"]
    assert closed and closed[-1]["body"]["entities"] == {"resolution": "info_provided"}


def lambda_contains(text: str) -> Any:
    import re

    return re.compile(".*" + re.escape(text) + ".*", re.S)


def test_markup_from_a_patient_stays_text(live: LiveConsole, new_page: Callable[[], Page]) -> None:
    page = open_workbench(new_page, live, "agent01")
    page.evaluate("window.__xss = 0")
    evil_topic = "<img src=x onerror=\"window.__xss=3\">"
    created = live.request_handoff("conv-xss", topic=evil_topic, group="general",
                                   summary="<script>window.__xss=4</script>")
    expect(page.locator(f"#queue li[data-handoff-id='{created['handoff_id']}']")).to_contain_text("<img src=x")
    accept_first(page, created["handoff_id"])
    evil = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\"><b>粗体</b>"
    assert live.bot.post("/api/conversations/conv-xss/messages", json={"text": evil}).status_code == 201
    message = page.locator("#messages .msg-patient .msg-text").last
    expect(message).to_have_text(evil)
    assert page.evaluate("window.__xss") == 0
    assert page.locator("body script:not([src])").count() == 0
    assert page.locator("#messages img, #messages b, #queue img, #chat img, #chat-summary script").count() == 0
    expect(page.locator("#chat-summary")).to_contain_text("<script>window.__xss=4</script>")


def test_an_agent_cannot_open_another_agents_conversation(live: LiveConsole, new_page: Callable[[], Page]) -> None:
    agent01 = live.agent("agent01")
    live.agent("agent02", status="busy")
    created = live.request_handoff("conv-private", topic="预约", group="general", summary="私密内容")
    assert agent01.post(f"/api/handoffs/{created['handoff_id']}/accept").status_code == 200
    page = open_workbench(new_page, live, "agent02")
    page.goto(live.page_url(f"workbench.html#h={created['handoff_id']}"))
    page.reload()
    expect(page.locator("#chat-error")).to_be_visible()
    expect(page.locator("#chat-error")).to_contain_text("403")
    expect(page.locator("#chat-error")).to_contain_text("无权查看")
    expect(page.locator("#chat")).to_be_hidden()
    assert "私密内容" not in page.content()
    supervisor = live.agent("super01", status="away")
    denied = [e for e in supervisor.get("/api/audit", params={"conversation_id": "conv-private"}).json()
              if e["action"] == "denied"]
    assert denied and denied[0]["actor"].endswith("1002")


def test_supervisor_view_highlights_long_waits_live(live: LiveConsole, new_page: Callable[[], Page],
                                                    tmp_path: Path) -> None:
    live.agent("agent01", status="busy")
    agent03 = live.agent("agent03")
    old = live.request_handoff("conv-old-wait", topic="改约", group="appointment")
    active = live.request_handoff("conv-active", topic="急诊咨询", reason="emergency")
    assert agent03.post(f"/api/handoffs/{active['handoff_id']}/accept").status_code == 200
    live.clock.advance(minutes=8)  # past the 5-minute alert, and past 1.5 × the 5-minute handle time
    fresh = live.request_handoff("conv-fresh", topic="医保报销", group="general")

    page = new_page()
    sign_in(page, live, "super01")
    page.wait_for_url("**/supervisor.html")
    old_row = page.locator(f"#waiting tr[data-handoff-id='{old['handoff_id']}']")
    expect(old_row).to_have_class("too-long")
    expect(old_row).to_contain_text("等待过久")
    expect(page.locator(f"#waiting tr[data-handoff-id='{fresh['handoff_id']}']")).not_to_have_class("too-long")
    active_row = page.locator(f"#active tr[data-handoff-id='{active['handoff_id']}']")
    expect(active_row).to_have_class("too-long")
    expect(active_row).to_contain_text("1003")
    expect(page.locator("#agents tr[data-agent-no='1003']")).to_contain_text("1/2")
    expect(page.locator("#agents tr[data-agent-no='1001']")).to_contain_text("忙碌")

    # live: a new chat and a status change show up without a reload
    page.evaluate("window.__noReload = 'still here'")
    live.agent("agent02", status="online")
    expect(page.locator("#agents tr[data-agent-no='1002']")).to_contain_text("在线", timeout=3000)
    newer = live.request_handoff("conv-newer", topic="投诉挂号难", group="complaint", reason="complaint")
    expect(page.locator(f"#waiting tr[data-handoff-id='{newer['handoff_id']}']")).to_be_visible(timeout=3000)
    expect(page.locator("#alerts")).to_contain_text("投诉预警")
    assert_not_reloaded(page)
    screenshot(page, "supervisor.png", tmp_path)


def test_tickets_list_shows_due_times_and_overdue(live: LiveConsole, new_page: Callable[[], Page],
                                                  tmp_path: Path) -> None:
    # nobody online: both requests become tickets (urgent: due in 1 h; normal: 24 h)
    urgent = live.request_handoff("conv-t1", reason="emergency", topic="胸痛", contact="138****0001")
    normal = live.request_handoff("conv-t2", topic="开具证明", group="general", contact="139****0002")
    assert urgent["status"] == normal["status"] == "no_agent"
    live.clock.advance(hours=2)
    page = new_page()
    sign_in(page, live, "agent01")
    page.wait_for_url("**/workbench.html*")
    page.click("nav >> text=工单")
    page.wait_for_url("**/tickets.html")
    urgent_row = page.locator(f"#tickets tr[data-ticket-no='{urgent['ticket_no']}']")
    normal_row = page.locator(f"#tickets tr[data-ticket-no='{normal['ticket_no']}']")
    expect(urgent_row).to_have_class("overdue urgent-row")
    expect(urgent_row.locator("td.due")).to_contain_text("已超期")
    expect(urgent_row.locator("td.due")).to_contain_text("2026/09/21 11:00")
    expect(normal_row).not_to_have_class("overdue")
    expect(normal_row.locator("td.due")).to_contain_text("2026/09/22 10:00")
    expect(page.locator("#t-count")).to_contain_text("已超期 1 条")
    screenshot(page, "tickets.png", tmp_path)
    normal_row.locator("text=开始处理").click()
    expect(normal_row).to_contain_text("处理中")
    page.check("#f-overdue")
    expect(page.locator("#tickets tbody tr")).to_have_count(1)


def test_an_urgent_handoff_jumps_ahead_in_the_queue(live: LiveConsole, new_page: Callable[[], Page]) -> None:
    page = open_workbench(new_page, live, "agent03", status="busy")
    first = live.request_handoff("conv-q1", topic="咨询A", group="general")
    live.clock.advance(seconds=30)
    second = live.request_handoff("conv-q2", topic="咨询B", group="general")
    expect(page.locator("#queue li.queue-item")).to_have_count(2)
    urgent = live.request_handoff("conv-q3", reason="self_harm", topic="情绪低落")
    items = page.locator("#queue li.queue-item")
    expect(items).to_have_count(3)
    expect(items.first).to_have_attribute("data-handoff-id", str(urgent["handoff_id"]))
    expect(items.first).to_have_class("queue-item urgent")
    expect(items.first).to_contain_text("紧急")
    expect(items.nth(1)).to_have_attribute("data-handoff-id", str(first["handoff_id"]))
    expect(items.nth(2)).to_have_attribute("data-handoff-id", str(second["handoff_id"]))
    assert_not_reloaded(page)
