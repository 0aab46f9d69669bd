// 主管视图: 各技能组队列与等待、坐席状态与负载、等待过久/处理超过平均时长1.5倍的会话高亮 (智能预警), 实时刷新
"use strict";

(async () => {
  const { api, el, clear, label, errorText, fmtDuration, fmtTime, fmtDateTime, toast, debounce } = C;
  const me = await C.requireLogin();
  C.header(me, "supervisor");
  const $ = (id) => document.getElementById(id);
  if (me.role !== "supervisor") {
    clear(document.querySelector("main")).append(el("p", { class: "error-panel", text: "仅主管可查看此页面（403）" }));
    return;
  }
  let groupNames = {};

  function warnCell(tooLong, text) {
    return el("td", {}, tooLong ? el("span", { class: "badge warn-badge", text }) : el("span", { class: "muted", text: "正常" }));
  }

  function render(o) {
    $("updated").textContent = `更新于 ${fmtTime(o.time)}`;
    groupNames = Object.fromEntries(o.groups.map((g) => [g.code, g.name]));
    const gname = (c) => groupNames[c] || c;
    const waitingTotal = o.waiting.length;
    const longest = Math.max(0, ...o.waiting.map((w) => w.waiting_s));
    const online = o.agents.filter((a) => a.status === "online").length;
    clear($("cards")).append(
      el("div", { class: "card" }, el("div", { class: "big", text: String(waitingTotal) }), el("div", { text: "排队中" })),
      el("div", { class: `card${o.waiting.some((w) => w.too_long) ? " warn" : ""}` }, el("div", { class: "big", text: fmtDuration(longest) }), el("div", { text: "最长等待" })),
      el("div", { class: "card" }, el("div", { class: "big", text: String(o.active.length) }), el("div", { text: "处理中" })),
      el("div", { class: "card" }, el("div", { class: "big", text: `${online}/${o.agents.length}` }), el("div", { text: "在线坐席" })),
      el("div", { class: `card${o.open_alerts ? " warn" : ""}` }, el("div", { class: "big", text: String(o.open_alerts) }), el("div", { text: "未处理预警" })));

    const wb = clear(document.querySelector("#waiting tbody"));
    if (!o.waiting.length) wb.append(el("tr", {}, el("td", { class: "muted", text: "无", attrs: { colspan: 5 } })));
    for (const w of o.waiting) {
      wb.append(el("tr", { class: `${w.too_long ? "too-long" : ""}${w.urgent ? " urgent-row" : ""}`, dataset: { handoffId: w.handoff_id } },
        el("td", {}, `#${w.handoff_id}`, w.urgent ? el("span", { class: "badge urgent", text: "紧急" }) : null),
        el("td", { text: gname(w.group) }), el("td", { text: w.topic || "-" }),
        el("td", { text: fmtDuration(w.waiting_s) }), warnCell(w.too_long, "等待过久")));
    }
    const ab = clear(document.querySelector("#active tbody"));
    if (!o.active.length) ab.append(el("tr", {}, el("td", { class: "muted", text: "无", attrs: { colspan: 6 } })));
    for (const a of o.active) {
      ab.append(el("tr", { class: a.too_long ? "too-long" : "", dataset: { handoffId: a.handoff_id } },
        el("td", {}, `#${a.handoff_id}`, a.urgent ? el("span", { class: "badge urgent", text: "紧急" }) : null),
        el("td", { text: gname(a.group) }), el("td", { text: a.agent_no || "-" }),
        el("td", { text: fmtDuration(a.handling_s) }), el("td", { text: fmtDuration(a.average_handle_s) }),
        warnCell(a.too_long, "超过平均1.5倍")));
    }
    const gb = clear(document.querySelector("#groups tbody"));
    for (const g of o.groups) {
      gb.append(el("tr", { class: g.waiting && !g.agents_online ? "too-long" : "" },
        el("td", { text: g.name }), el("td", { text: String(g.waiting) }), el("td", { text: fmtDuration(g.longest_wait_s) }),
        el("td", { text: String(g.agents_online) }), el("td", { text: `${g.load}/${g.capacity}` }),
        el("td", { text: fmtDuration(g.average_handle_s) }), el("td", { text: g.open ? "服务中" : "非服务时间" })));
    }
    const agb = clear(document.querySelector("#agents tbody"));
    for (const a of o.agents) {
      agb.append(el("tr", { dataset: { agentNo: a.agent_no } },
        el("td", { text: a.agent_no }), el("td", { text: a.display_name }), el("td", { text: label("role", a.role) }),
        el("td", {}, el("span", { class: `badge st-${a.status}`, text: label("status", a.status) })),
        el("td", { class: a.load >= a.max_parallel ? "full" : "", text: `${a.load}/${a.max_parallel}` }),
        el("td", { text: a.groups.map(gname).join("、") })));
    }
  }

  function renderAlerts(rows) {
    $("alert-count").textContent = String(rows.length);
    const list = clear($("alerts"));
    if (!rows.length) list.append(el("li", { class: "muted small", text: "暂无未处理预警" }));
    for (const a of rows) {
      const details = Object.entries(a.details || {}).map(([k, v]) => {
        if (k.endsWith("_s")) return `${k === "waiting_s" ? "已等待" : k === "handling_s" ? "已处理" : "平均"} ${fmtDuration(v)}`;
        return `${k === "topic" ? "主题" : k === "reason" ? "原因" : k}：${k === "reason" ? label("reason", v) : v}`;
      }).join("，");
      list.append(el("li", { class: `alert-item alert-${a.kind}` },
        el("span", { class: "badge warn-badge", text: label("alert", a.kind) }),
        el("span", { text: ` 会话 #${a.handoff_id} ${details ? `（${details}）` : ""} ` }),
        el("time", { class: "small muted", text: fmtDateTime(a.created_at) }),
        el("button", { class: "small", text: "已知悉", attrs: { type: "button" }, on: { click: async () => {
          try { await api("POST", `/api/alerts/${a.id}/ack`); refresh(); } catch (err) { toast(errorText(err), "error"); }
        } } })));
    }
  }

  async function refresh() {
    try {
      const [o, alerts] = await Promise.all([api("GET", "/api/supervisor/overview"), api("GET", "/api/alerts?open_only=true")]);
      render(o);
      renderAlerts(alerts);
    } catch (err) { toast(errorText(err), "error"); }
  }
  const soon = debounce(refresh, 150);
  C.connectWs((event) => {
    if (["queue_added", "queue_removed", "handoff_assigned", "handoff_removed", "agent_status", "alert"].includes(event.type)) soon();
  }, (up) => {
    const dot = $("ws-state");
    dot.className = `ws-state ${up ? "up" : "down"}`;
    dot.title = up ? "实时连接正常" : "实时连接已断开，正在重连…";
  });
  await refresh();
  setInterval(refresh, 5000);
})();
