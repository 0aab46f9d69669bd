// 坐席工作台公共脚本: API 调用 (Cookie 会话 + X-CSRF-Token)、安全的 DOM 构建、WebSocket、中文标签。
// 规则: 任何来自服务器或患者的文字都只通过 textContent / 文本节点插入, 从不把数据当作 HTML 插入。
"use strict";

const C = (() => {
  let csrf = sessionStorage.getItem("console_csrf") || "";

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  const ERRORS = {
    unauthorized: "请先登录",
    invalid_credentials: "用户名或密码错误",
    session_expired: "登录已过期，请重新登录",
    too_many_attempts: "密码错误次数过多，账号已临时锁定，请15分钟后再试",
    csrf_failed: "页面已过期，请刷新后重试",
    forbidden: "无权查看该会话：它未分配给您",
    not_found: "未找到该记录",
    validation_error: "输入内容有误，请检查",
    not_active: "该会话已结束或已不在人工处理中",
    not_waiting: "该会话已被接入或已结束",
    at_capacity: "您已达到最大并行会话数",
    not_in_group: "该会话属于其他技能组",
    agent_unavailable: "请先将状态设为“在线”或“忙碌”",
    delivery_failed: "消息未能送达患者（机器人服务不可用），请稍后重试",
    network: "网络连接失败，请检查后重试",
  };

  const LABELS = {
    status: { online: "在线", busy: "忙碌", away: "离开" },
    reason: {
      request_human: "主动转人工", fallback: "机器人无法解答", complaint: "投诉",
      emergency: "紧急情况", self_harm: "自伤风险", flow_failed: "办理失败",
    },
    resolution: {
      resolved: "已解决", info_provided: "已提供信息", appointment_handled: "已办理预约",
      complaint_registered: "已登记投诉", referred_offline: "转线下处理", emergency_referred: "已引导急救",
      patient_left: "患者已离开", other: "其他", returned_to_bot: "转回机器人", ticketed: "转工单",
    },
    category: { follow_up: "跟进", callback: "回访", complaint: "投诉", consultation: "咨询", other: "其他" },
    ticketStatus: { open: "待处理", in_progress: "处理中", done: "已完成" },
    urgency: { urgent: "紧急", normal: "普通" },
    handoffStatus: { waiting: "排队中", assigned: "处理中", closed: "已结束", returned: "已转回机器人", ticketed: "已转工单" },
    alert: { complaint: "投诉预警", long_wait: "等待过久", long_handle: "处理超时", no_agent: "紧急会话无人接待" },
    role: { agent: "坐席", supervisor: "主管" },
    event: {
      handoff_assigned: "坐席已接入", handoff_transferred: "会话转接", handoff_closed: "人工会话结束",
      handoff_returned_to_bot: "转回机器人", handoff_ticketed: "转为工单", conversation_paused: "机器人暂停",
      conversation_resumed: "机器人恢复", request_human: "请求人工",
    },
    slot: {
      department: "科室", doctor: "医生", appointment_id: "预约号", appointment_date: "预约日期",
      appointment_time: "预约时间", date: "日期", half_day: "时段", insurance_type: "医保类型",
      insurance_topic: "医保问题", report_id: "报告单号", visit_type: "就诊类型", emergency_category: "紧急类别",
    },
  };

  function label(kind, value) {
    const table = LABELS[kind] || {};
    return Object.prototype.hasOwnProperty.call(table, value) ? table[value] : String(value ?? "");
  }

  function errorText(err) {
    if (err instanceof ApiError) return (ERRORS[err.code] || err.message || "操作失败") + `（${err.status}）`;
    return ERRORS.network;
  }

  function setCsrf(token) {
    csrf = token || "";
    sessionStorage.setItem("console_csrf", csrf);
  }

  async function api(method, path, body) {
    const opts = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    if (method !== "GET") opts.headers["X-CSRF-Token"] = csrf;
    let res;
    try {
      res = await fetch(path, opts);
    } catch (e) {
      throw new ApiError(0, "network", ERRORS.network);
    }
    if (res.status === 204) return null;
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      throw new ApiError(res.status, (data && data.code) || "http_error", (data && data.message) || res.statusText);
    }
    return data;
  }

  // el("div", {class: "x", text: "…", on: {click: fn}, attrs: {…}, dataset: {…}}, child, "文字", …)
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    const p = props || {};
    if (p.class) node.className = p.class;
    if (p.text !== undefined && p.text !== null) node.textContent = String(p.text);
    if (p.title) node.title = String(p.title);
    for (const [k, v] of Object.entries(p.attrs || {})) {
      if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const [k, v] of Object.entries(p.dataset || {})) node.dataset[k] = String(v);
    for (const [k, v] of Object.entries(p.on || {})) node.addEventListener(k, v);
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function fmtDuration(seconds) {
    const s = Math.max(0, Math.floor(seconds || 0));
    if (s < 60) return `${s}秒`;
    if (s < 3600) return `${Math.floor(s / 60)}分${String(s % 60).padStart(2, "0")}秒`;
    return `${Math.floor(s / 3600)}小时${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}分`;
  }

  const timeFmt = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
  });
  const dateTimeFmt = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
    minute: "2-digit", hour12: false,
  });

  function fmtTime(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? "" : timeFmt.format(d);
  }

  function fmtDateTime(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? "" : dateTimeFmt.format(d);
  }

  function toast(message, kind) {
    let box = document.getElementById("toasts");
    if (!box) {
      box = el("div", { attrs: { id: "toasts", "aria-live": "polite" } });
      document.body.append(box);
    }
    const item = el("div", { class: `toast ${kind || "info"}`, text: message, attrs: { role: "status" } });
    box.append(item);
    setTimeout(() => item.remove(), 5000);
  }

  async function requireLogin() {
    try {
      const me = await api("GET", "/api/auth/me");
      setCsrf(me.csrf_token);
      return me.agent;
    } catch (err) {
      location.replace("index.html");
      return new Promise(() => {}); // the page is leaving: nothing more runs
    }
  }

  async function setStatus(status) {
    return api("PUT", "/api/agents/me/status", { status });
  }

  // 顶栏: 标题、导航、状态切换 (在线/忙碌/离开)、当前坐席与工号、退出
  function header(agent, active) {
    const bar = document.getElementById("topbar");
    clear(bar);
    const nav = el("nav", { class: "nav" },
      el("a", { text: "工作台", attrs: { href: "workbench.html", "aria-current": active === "workbench" ? "page" : null } }),
      el("a", { text: "工单", attrs: { href: "tickets.html", "aria-current": active === "tickets" ? "page" : null } }),
      agent.role === "supervisor"
        ? el("a", { text: "主管视图", attrs: { href: "supervisor.html", "aria-current": active === "supervisor" ? "page" : null } })
        : null);
    const statusBox = el("div", { class: "status-switch", attrs: { role: "group", "aria-label": "我的状态", id: "status-switch" } });
    const paint = (current) => {
      for (const b of statusBox.querySelectorAll("button")) {
        b.setAttribute("aria-pressed", String(b.dataset.status === current));
      }
    };
    for (const s of ["online", "busy", "away"]) {
      statusBox.append(el("button", {
        class: `status-btn st-${s}`, text: label("status", s), dataset: { status: s }, attrs: { type: "button" },
        on: {
          click: async () => {
            try {
              const out = await setStatus(s);
              paint(out.status);
              toast(`状态已切换为“${label("status", out.status)}”`);
            } catch (err) { toast(errorText(err), "error"); }
          },
        },
      }));
    }
    paint(agent.status);
    const who = el("span", { class: "who", attrs: { id: "who" } },
      `${agent.display_name}（工号 ${agent.agent_no}，${label("role", agent.role)}）`);
    const logout = el("button", {
      class: "link", text: "退出", attrs: { type: "button" },
      on: {
        click: async () => {
          try { await api("POST", "/api/auth/logout"); } catch (e) { /* already signed out */ }
          setCsrf("");
          location.replace("index.html");
        },
      },
    });
    bar.append(el("div", { class: "brand", text: "示范市第一人民医院 · 人工客服" }), nav, statusBox, who, logout);
    return { paintStatus: paint };
  }

  // WebSocket /ws (同源 Cookie), 断线 2 秒后重连, 25 秒心跳
  function connectWs(onEvent, onState) {
    let socket = null;
    let timer = null;
    let closed = false;
    const open = () => {
      const proto = location.protocol === "https:" ? "wss" : "ws";
      socket = new WebSocket(`${proto}://${location.host}/ws`);
      socket.addEventListener("open", () => {
        if (onState) onState(true);
        timer = setInterval(() => send({ type: "ping" }), 25000);
      });
      socket.addEventListener("message", (msg) => {
        let event;
        try { event = JSON.parse(msg.data); } catch (e) { return; }
        onEvent(event);
      });
      socket.addEventListener("close", () => {
        if (onState) onState(false);
        clearInterval(timer);
        if (!closed) setTimeout(open, 2000);
      });
    };
    const send = (obj) => {
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(obj));
    };
    open();
    return { send, close: () => { closed = true; if (socket) socket.close(); } };
  }

  function debounce(fn, ms) {
    let t = null;
    return (...args) => {
      clearTimeout(t);
      t = setTimeout(() => fn(...args), ms);
    };
  }

  return { api, ApiError, el, clear, label, errorText, setCsrf, fmtDuration, fmtTime, fmtDateTime, toast,
    requireLogin, header, connectWs, debounce, LABELS };
})();
