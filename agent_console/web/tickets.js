// 工单列表: 状态、到期时间, 已超期高亮; 可标记处理中/已完成
"use strict";

(async () => {
  const { api, el, clear, label, errorText, fmtDateTime, toast } = C;
  const me = await C.requireLogin();
  C.header(me, "tickets");
  const $ = (id) => document.getElementById(id);

  async function update(id, status) {
    try {
      await api("PATCH", `/api/tickets/${id}`, { status, note: "" });
      toast(`工单已更新为“${label("ticketStatus", status)}”`);
      load();
    } catch (err) { toast(errorText(err), "error"); }
  }

  async function load() {
    const params = new URLSearchParams();
    if ($("f-status").value) params.set("status", $("f-status").value);
    if ($("f-overdue").checked) params.set("overdue", "true");
    let rows;
    try {
      rows = await api("GET", `/api/tickets${params.toString() ? `?${params}` : ""}`);
    } catch (err) { toast(errorText(err), "error"); return; }
    const body = clear(document.querySelector("#tickets tbody"));
    $("t-count").textContent = `共 ${rows.length} 条，已超期 ${rows.filter((t) => t.overdue).length} 条`;
    if (!rows.length) body.append(el("tr", {}, el("td", { class: "muted", text: "暂无工单", attrs: { colspan: 9 } })));
    for (const t of rows) {
      const actions = el("td", {});
      if (t.status === "open") actions.append(el("button", { class: "small", text: "开始处理", attrs: { type: "button" }, on: { click: () => update(t.id, "in_progress") } }));
      if (t.status !== "done") actions.append(el("button", { class: "small", text: "完成", attrs: { type: "button" }, on: { click: () => update(t.id, "done") } }));
      body.append(el("tr", { class: `${t.overdue ? "overdue" : ""}${t.urgency === "urgent" ? " urgent-row" : ""}`, dataset: { ticketNo: t.ticket_no } },
        el("td", { text: t.ticket_no }),
        el("td", { text: label("category", t.category) }),
        el("td", {}, el("span", { class: `badge ${t.urgency === "urgent" ? "urgent" : ""}`, text: label("urgency", t.urgency) })),
        el("td", { text: label("ticketStatus", t.status) }),
        el("td", { class: "due" }, fmtDateTime(t.due_at), t.overdue ? el("span", { class: "badge overdue-badge", text: "已超期" }) : null),
        el("td", { text: t.contact || "-" }),
        el("td", { class: "summary", text: t.summary || "" }),
        el("td", { text: fmtDateTime(t.created_at) }),
        actions));
    }
  }

  $("filters").addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
  $("f-status").addEventListener("change", load);
  $("f-overdue").addEventListener("change", load);
  load();
  setInterval(load, 30000);
})();
