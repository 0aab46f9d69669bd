// 坐席工作台: 排队列表 (实时)、接入、完整历史、实时对话、输入提示、常用语、人工辅助、结束/转接/转回/转工单。
// 所有患者和服务器文字都以 textContent 插入 (C.el 的 text 与文本节点)。
"use strict";

(async () => {
  const { api, el, clear, label, errorText, fmtDuration, fmtTime, fmtDateTime, toast, debounce } = C;
  const $ = (id) => document.getElementById(id);

  const me = await C.requireLogin();
  const top = C.header(me, "workbench");
  const state = {
    groups: {}, agents: [], queue: [], queueFetched: 0, mine: [], unread: {}, current: null,
    messageIds: new Set(), typingTimer: null, lastTypingSent: 0, finish: null,
  };

  try {
    for (const g of await api("GET", "/api/groups")) state.groups[g.code] = g;
  } catch (err) { toast(errorText(err), "error"); }
  const groupName = (code) => (state.groups[code] ? state.groups[code].name : code);

  // ---------- 排队列表 ----------
  function renderQueue() {
    const list = clear($("queue"));
    $("queue-count").textContent = String(state.queue.length);
    if (!state.queue.length) list.append(el("li", { class: "muted small", text: "暂无排队会话" }));
    const elapsed = (performance.now() - state.queueFetched) / 1000;
    for (const h of state.queue) {
      const waited = (h.waiting_s || 0) + elapsed;
      list.append(el("li", { class: `queue-item${h.urgent ? " urgent" : ""}`, dataset: { handoffId: h.id } },
        el("div", { class: "row" },
          h.urgent ? el("span", { class: "badge urgent", text: "紧急" }) : el("span", { class: "badge prio", text: `P${h.priority}` }),
          el("span", { class: "badge group", text: groupName(h.group) }),
          el("span", { class: "wait", text: `已等 ${fmtDuration(waited)}`, dataset: { waitingS: h.waiting_s } })),
        el("div", { class: "topic", text: h.topic || label("reason", h.reason) }),
        el("div", { class: "row small muted" },
          el("span", { text: h.patient_display || "未识别患者" }),
          el("span", { class: h.identity_verified ? "verified" : "unverified", text: h.identity_verified ? "已核验身份" : "未核验身份" }),
          el("span", { text: `第${h.position ?? "-"}位` })),
        el("button", { class: "primary small accept", text: "接入", attrs: { type: "button" }, on: { click: () => accept(h.id) } })));
    }
  }

  async function loadQueue() {
    try {
      state.queue = await api("GET", "/api/queue");
      state.queueFetched = performance.now();
      renderQueue();
    } catch (err) { toast(errorText(err), "error"); }
  }

  // 等待时长每秒刷新 (不重新请求)
  setInterval(() => {
    const elapsed = (performance.now() - state.queueFetched) / 1000;
    for (const span of document.querySelectorAll("#queue .wait")) {
      span.textContent = `已等 ${fmtDuration(Number(span.dataset.waitingS || 0) + elapsed)}`;
    }
  }, 1000);

  // ---------- 我的会话 ----------
  function renderMine() {
    const list = clear($("mine"));
    $("mine-count").textContent = String(state.mine.length);
    if (!state.mine.length) list.append(el("li", { class: "muted small", text: "暂无进行中的会话" }));
    for (const h of state.mine) {
      const unread = state.unread[h.id] || 0;
      list.append(el("li", {
        class: `mine-item${state.current && state.current.id === h.id ? " active" : ""}${h.urgent ? " urgent" : ""}`,
        dataset: { handoffId: h.id },
        on: { click: () => openHandoff(h.id) },
      },
      el("div", { class: "row" },
        h.urgent ? el("span", { class: "badge urgent", text: "紧急" }) : null,
        el("span", { class: "badge group", text: groupName(h.group) }),
        unread ? el("span", { class: "badge unread", text: `${unread}条新消息` }) : null),
      el("div", { class: "topic", text: h.topic || label("reason", h.reason) }),
      el("div", { class: "small muted", text: h.patient_display || "未识别患者" })));
    }
  }

  async function loadMine() {
    try {
      state.mine = await api("GET", "/api/my/handoffs");
      renderMine();
    } catch (err) { toast(errorText(err), "error"); }
  }

  async function accept(id) {
    state.accepting = id; // the handoff_assigned push must not open it a second time
    try {
      await api("POST", `/api/handoffs/${id}/accept`);
      toast("已接入会话");
      await Promise.all([loadQueue(), loadMine()]);
      await openHandoff(id);
    } catch (err) {
      toast(errorText(err), "error");
      loadQueue();
    } finally {
      state.accepting = null;
    }
  }

  // ---------- 会话窗格 ----------
  function showChatError(text) {
    $("chat").hidden = true;
    $("chat-empty").hidden = true;
    const box = $("chat-error");
    box.textContent = text;
    box.hidden = false;
  }

  function messageNode(m) {
    const who = m.sender === "patient" ? "患者" : m.sender === "agent" ? `坐席 ${m.agent_no || ""}`.trim() : "系统";
    return el("div", { class: `msg msg-${m.sender}${m.delivery === "failed" ? " failed" : ""}`, dataset: { messageId: m.id } },
      el("div", { class: "msg-meta" }, el("span", { text: who }), el("time", { text: fmtTime(m.sent_at) }),
        m.delivery === "failed" ? el("span", { class: "error", text: "未送达" }) : null),
      el("div", { class: "msg-text", text: m.text }));
  }

  function appendMessage(m) {
    if (state.messageIds.has(m.id)) return;
    state.messageIds.add(m.id);
    $("messages").append(messageNode(m));
    const box = $("transcript");
    box.scrollTop = box.scrollHeight;
  }

  function turnNode(t) {
    if (t.role === "slot") {
      return el("div", { class: "turn turn-slot" }, el("span", { class: "badge slot", text: `${label("slot", t.name)}：${t.value}` }),
        el("time", { class: "small muted", text: fmtTime(t.at) }));
    }
    if (t.role === "system") {
      const details = Object.entries(t.details || {}).map(([k, v]) => `${k}=${v}`).join("，");
      return el("div", { class: "turn turn-system" }, `${label("event", t.event)}${details ? `（${details}）` : ""}`,
        el("time", { class: "small muted", text: ` ${fmtTime(t.at)}` }));
    }
    const who = t.role === "patient" ? "患者" : t.role === "agent" ? `坐席 ${t.agent_no || ""}` : "机器人";
    const meta = el("div", { class: "msg-meta" }, el("span", { text: who }), el("time", { text: fmtTime(t.at) }));
    if (t.role === "patient" && t.intent) {
      const conf = typeof t.confidence === "number" ? ` ${Math.round(t.confidence * 100)}%` : "";
      meta.append(el("span", { class: "badge intent", text: `意图：${t.intent}${conf}` }));
    }
    for (const e of t.entities || []) meta.append(el("span", { class: "badge slot", text: `${label("slot", e.entity)}：${e.value}` }));
    return el("div", { class: `msg msg-${t.role === "patient" ? "patient" : t.role === "agent" ? "agent" : "bot"} history-turn` },
      meta, el("div", { class: "msg-text", text: t.text || "" }));
  }

  function renderTranscript(data) {
    const body = clear($("history-body"));
    const sessions = (data.sessions || []).filter((s) => s.turns && s.turns.length);
    $("history-state").textContent = `（${sessions.length}个会话段）`;
    sessions.forEach((s, i) => {
      body.append(el("div", { class: "session-head", text: `会话段 ${i + 1}${s.started_at ? ` · ${fmtDateTime(s.started_at)}` : ""}` }));
      for (const t of s.turns) body.append(turnNode(t));
    });
    if (!sessions.length) body.append(el("p", { class: "muted small", text: "没有机器人对话记录" }));
    const kv = clear($("key-slots"));
    const slots = Object.entries(data.key_slots || {});
    if (!slots.length) kv.append(el("dd", { class: "muted small", text: "无" }));
    for (const [k, v] of slots) kv.append(el("dt", { text: label("slot", k) }), el("dd", { text: String(v) }));
  }

  async function loadTranscript(id) {
    $("history-state").textContent = "（加载中…）";
    try {
      const data = await api("GET", `/api/handoffs/${id}/transcript`);
      if (state.current && state.current.id === id) renderTranscript(data);
    } catch (err) {
      if (state.current && state.current.id === id) {
        clear($("history-body")).append(el("p", { class: "error small", text: `无法读取机器人对话记录：${errorText(err)}` }));
        $("history-state").textContent = "";
      }
    }
  }

  function insertText(text) {
    const box = $("message-box");
    box.value = box.value.trim() ? `${box.value.trimEnd()}\n${text}` : text;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }

  function renderAssist(data) {
    const box = clear($("assist"));
    if (data.queries && data.queries.length) {
      box.append(el("p", { class: "small muted", text: `匹配：${data.queries.join(" / ").slice(0, 80)}` }));
    }
    box.append(el("h3", { text: "常见问题答案" }));
    if (!data.faq.length) box.append(el("p", { class: "muted small", text: "没有匹配的常见问题" }));
    for (const f of data.faq) {
      box.append(el("div", { class: "assist-item faq", dataset: { topic: f.topic } },
        el("div", { class: "row" }, el("strong", { text: f.title }), el("span", { class: "small muted", text: `相似度 ${Math.round(f.score)}` })),
        el("div", { class: "assist-text", text: f.text }),
        el("button", { class: "small insert", text: "插入", attrs: { type: "button" }, on: { click: () => insertText(f.text) } })));
    }
    box.append(el("h3", { text: "相似已解决会话" }));
    if (!data.similar.length) box.append(el("p", { class: "muted small", text: "没有相似的已解决会话" }));
    for (const s of data.similar) {
      const item = el("div", { class: "assist-item similar", dataset: { handoffId: s.handoff_id } },
        el("div", { class: "row small" }, el("span", { class: "badge group", text: s.group_name }),
          el("span", { text: label("resolution", s.resolution_code) }), el("span", { class: "muted", text: fmtDateTime(s.closed_at) })),
        el("div", { class: "small", text: `患者：${s.patient_text || s.topic}` }));
      for (const r of s.replies) {
        item.append(el("div", { class: "assist-reply" }, el("span", { class: "assist-text", text: r }),
          el("button", { class: "small insert", text: "插入", attrs: { type: "button" }, on: { click: () => insertText(r) } })));
      }
      box.append(item);
    }
  }

  async function loadAssist(id, q) {
    try {
      const path = `/api/handoffs/${id}/assist${q ? `?q=${encodeURIComponent(q)}` : ""}`;
      const data = await api("GET", path);
      if (state.current && state.current.id === id) renderAssist(data);
    } catch (err) {
      clear($("assist")).append(el("p", { class: "error small", text: errorText(err) }));
    }
  }
  const refreshAssist = debounce(() => { if (state.current) loadAssist(state.current.id); }, 400);

  async function loadCanned(group) {
    const select = $("canned");
    clear(select).append(el("option", { text: "选择常用语…", attrs: { value: "" } }));
    try {
      for (const c of await api("GET", `/api/canned-replies?group=${encodeURIComponent(group)}`)) {
        select.append(el("option", { text: c.title, attrs: { value: c.text, title: c.text } }));
      }
    } catch (err) { toast(errorText(err), "error"); }
  }

  async function openHandoff(id) {
    let data;
    try {
      data = await api("GET", `/api/handoffs/${id}`);
    } catch (err) {
      state.current = null;
      showChatError(`无法打开会话 #${id}：${errorText(err)}`);
      return;
    }
    const h = data.handoff;
    const same = state.current && state.current.id === h.id; // re-opened: keep what arrived meanwhile
    state.current = h;
    state.unread[h.id] = 0;
    if (!same) {
      state.messageIds = new Set();
      clear($("messages"));
    }
    history.replaceState(null, "", `#h=${h.id}`);
    $("chat-error").hidden = true;
    $("chat-empty").hidden = true;
    $("chat").hidden = false;
    $("chat-patient").textContent = h.patient_display || "未识别患者";
    const verified = $("chat-verified");
    verified.textContent = h.identity_verified ? "已核验身份" : "未核验身份";
    verified.className = `badge ${h.identity_verified ? "verified" : "unverified"}`;
    $("chat-urgent").hidden = !h.urgent;
    $("chat-meta").textContent = `#${h.id} · ${groupName(h.group)} · ${h.topic || "-"} · ${label("reason", h.reason)} · `
      + `${label("handoffStatus", h.status)}${h.assigned_agent_no ? ` · 坐席 ${h.assigned_agent_no}` : ""}`
      + `${h.contact ? ` · 联系电话 ${h.contact}` : ""}`;
    $("chat-summary").textContent = h.summary ? `机器人摘要：${h.summary}` : "";
    for (const m of data.messages) appendMessage(m);
    const earlier = clear($("earlier"));
    if (!data.earlier.length) earlier.append(el("li", { class: "muted", text: "无既往会话" }));
    for (const e of data.earlier) {
      earlier.append(el("li", {}, `${fmtDateTime(e.created_at)} · ${groupName(e.group)} · ${e.topic || "-"} · `
        + `${label("handoffStatus", e.status)}${e.resolution_code ? `（${label("resolution", e.resolution_code)}）` : ""}`));
    }
    setComposerEnabled(h.status === "assigned");
    hideFinish();
    renderMine();
    loadCanned(h.group);
    loadTranscript(h.id);
    loadAssist(h.id);
  }

  function setComposerEnabled(on) {
    for (const node of document.querySelectorAll(".composer button, .composer textarea, .composer select")) node.disabled = !on;
  }

  function closePane(text) {
    state.current = null;
    history.replaceState(null, "", location.pathname);
    $("chat").hidden = true;
    $("chat-error").hidden = true;
    const empty = $("chat-empty");
    empty.textContent = text || "从左侧排队列表接入一个会话，或选择“我的会话”。";
    empty.hidden = false;
  }

  // ---------- 发送与输入提示 ----------
  async function send() {
    const box = $("message-box");
    const text = box.value.trim();
    if (!text || !state.current) return;
    const id = state.current.id;
    $("send").disabled = true;
    try {
      const m = await api("POST", `/api/handoffs/${id}/messages`, { text });
      box.value = "";
      if (state.current && state.current.id === id) appendMessage(m);
    } catch (err) {
      toast(errorText(err), "error");
    } finally {
      $("send").disabled = !(state.current && state.current.status === "assigned");
    }
  }

  $("send").addEventListener("click", send);
  $("message-box").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      send();
    }
  });
  $("message-box").addEventListener("input", () => {
    const now = Date.now();
    if (state.current && now - state.lastTypingSent > 2000) {
      state.lastTypingSent = now;
      ws.send({ type: "typing", handoff_id: state.current.id });
    }
  });
  $("canned").addEventListener("change", (ev) => {
    if (ev.target.value) insertText(ev.target.value);
    ev.target.value = "";
  });
  $("assist-search").addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (state.current) loadAssist(state.current.id, $("assist-q").value.trim());
  });

  function showTyping() {
    $("typing").hidden = false;
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(() => { $("typing").hidden = true; }, 4000);
  }

  // ---------- 结束 / 转接 / 转回机器人 / 转工单 ----------
  function field(labelText, control) {
    return el("div", { class: "field" }, el("label", { text: labelText, attrs: { for: control.id } }), control);
  }

  function selectOf(id, options, placeholder) {
    const s = el("select", { attrs: { id, required: true } });
    if (placeholder) s.append(el("option", { text: placeholder, attrs: { value: "" } }));
    for (const [value, text] of options) s.append(el("option", { text, attrs: { value } }));
    return s;
  }

  async function showFinish(kind) {
    if (!state.current) return;
    state.finish = kind;
    const fields = clear($("finish-fields"));
    const title = { close: "结束会话", transfer: "转接会话", return: "转回机器人", ticket: "转为工单" }[kind];
    fields.append(el("h3", { text: title }));
    if (kind === "close") {
      const codes = ["resolved", "info_provided", "appointment_handled", "complaint_registered", "referred_offline",
        "emergency_referred", "patient_left", "other"];
      fields.append(field("处理结果", selectOf("finish-code", codes.map((c) => [c, label("resolution", c)]), "请选择处理结果")));
    } else if (kind === "transfer") {
      let agents = [];
      try { agents = await api("GET", "/api/agents"); } catch (err) { toast(errorText(err), "error"); }
      fields.append(field("转到技能组", selectOf("finish-group", Object.values(state.groups).map((g) => [g.code, g.name]), "（不指定）")));
      fields.append(field("或转给坐席", selectOf("finish-agent", agents.filter((a) => a.id !== me.id).map((a) => [
        String(a.id), `${a.display_name}（${label("status", a.status)}，${a.load}/${a.max_parallel}）`]), "（不指定）")));
    } else if (kind === "ticket") {
      fields.append(field("工单类别", selectOf("finish-category", Object.entries(C.LABELS.category), null)));
      $("finish-category").value = "consultation";
      fields.append(field("紧急程度", selectOf("finish-urgency", Object.entries(C.LABELS.urgency), "按会话默认")));
    } else {
      fields.append(el("p", { class: "small muted", text: "患者将回到机器人服务。" }));
    }
    $("finish-note").value = "";
    $("finish-form").hidden = false;
  }

  function hideFinish() {
    state.finish = null;
    $("finish-form").hidden = true;
  }

  for (const b of document.querySelectorAll("[data-finish]")) b.addEventListener("click", () => showFinish(b.dataset.finish));
  $("finish-cancel").addEventListener("click", hideFinish);
  $("finish-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!state.current || !state.finish) return;
    const id = state.current.id;
    const note = $("finish-note").value.trim();
    let path;
    let body;
    let done;
    if (state.finish === "close") {
      const code = $("finish-code").value;
      if (!code) { toast("请选择处理结果", "error"); return; }
      path = `/api/handoffs/${id}/close`; body = { resolution_code: code, note }; done = "会话已结束";
    } else if (state.finish === "transfer") {
      const group = $("finish-group").value;
      const agent = $("finish-agent").value;
      if (!group && !agent) { toast("请选择技能组或坐席", "error"); return; }
      path = `/api/handoffs/${id}/transfer`;
      body = { note, group: group || null, agent_id: agent ? Number(agent) : null };
      done = "会话已转接";
    } else if (state.finish === "ticket") {
      path = `/api/handoffs/${id}/ticket`;
      body = { category: $("finish-category").value, urgency: $("finish-urgency").value || null, note };
      done = "已转为工单";
    } else {
      path = `/api/handoffs/${id}/return-to-bot`; body = { note }; done = "已转回机器人";
    }
    try {
      const out = await api("POST", path, body);
      hideFinish();
      closePane(out && out.ticket_no ? `${done}：${out.ticket_no}，到期 ${fmtDateTime(out.due_at)}` : done);
      toast(out && out.ticket_no ? `${done}：${out.ticket_no}` : done);
      if (out && out.rasa_failed && out.rasa_failed.length) toast("机器人未能收到通知，已记录", "error");
      await Promise.all([loadMine(), loadQueue()]);
    } catch (err) {
      toast(errorText(err), "error");
    }
  });

  // ---------- 实时事件 ----------
  const reloadLists = debounce(() => { loadQueue(); loadMine(); }, 100);
  const ws = C.connectWs((event) => {
    switch (event.type) {
      case "hello":
        reloadLists();
        break;
      case "queue_added":
      case "queue_removed":
        reloadLists();
        break;
      case "handoff_assigned":
        reloadLists();
        if (event.agent_id === me.id && !state.current && state.accepting !== event.handoff_id) openHandoff(event.handoff_id);
        break;
      case "handoff_removed":
        reloadLists();
        if (state.current && state.current.id === event.handoff_id && event.why !== undefined) {
          closePane(`会话 #${event.handoff_id} 已${event.why === "transferred" ? "转出" : "结束"}`);
        }
        break;
      case "patient_message":
        if (state.current && state.current.id === event.handoff_id) {
          appendMessage(event.message);
          $("typing").hidden = true;
          refreshAssist();
        } else {
          state.unread[event.handoff_id] = (state.unread[event.handoff_id] || 0) + 1;
          renderMine();
        }
        break;
      case "agent_message":
        if (state.current && state.current.id === event.handoff_id) appendMessage(event.message);
        break;
      case "patient_typing":
        if (state.current && state.current.id === event.handoff_id) showTyping();
        break;
      case "agent_status":
        if (event.agent_id === me.id) top.paintStatus(event.status);
        break;
      case "error":
        if (event.code !== "forbidden") toast(errorText(new C.ApiError(0, event.code, event.message)), "error");
        break;
      default:
        break;
    }
  }, (up) => {
    const dot = $("ws-state");
    dot.className = `ws-state ${up ? "up" : "down"}`;
    dot.title = up ? "实时连接正常" : "实时连接已断开，正在重连…";
    if (up) reloadLists();
  });

  await Promise.all([loadQueue(), loadMine()]);
  const m = /^#h=(\d+)$/.exec(location.hash);
  if (m) openHandoff(Number(m[1]));
})();
